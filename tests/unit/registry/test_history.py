"""The histories' words: who acted (a person, the system, the sign-in, a token, the command
line as a person), what they did (one sentence per action, a fallback for any other), the
newest entries only, and the audit log's state for administrators only (issue 13, 5)."""

from __future__ import annotations

from datetime import UTC, datetime

from mandaatwijzer.registry import audit, services, views
from mandaatwijzer.registry.audit import AuditCheck, RecordedCheck
from mandaatwijzer.registry.ports import AuditEvent

from .scenario import World, moment


def _history(world: World, person_id: str) -> list[tuple[str, str, str]]:
    with world.uow:
        found = views.person_history(world.uow, None, person_id, world.today)
    return [(e.actor, e.who, e.what) for e in found.history.entries]


def test_who_acted_in_words_and_an_unknown_action_as_a_change_of_the_record() -> None:
    world = World()
    anna = world.person("Anna Applicant")
    with audit.recorded_via("cli:alice"):
        ben = services.register_person(world.uow, world.clock, "85073003328", "Ben Bis",
                                       actor=anna.id)
    for actor, action in [("token:T-1", "rename_person"), ("sign-in", "something_new"),
                          ("P-gone", "rename_person")]:
        with world.uow:
            world.uow.record(AuditEvent(actor, action, "person", ben.id, moment(world.today),
                                        None, {"name": "Ben Bis"}))
            world.uow.commit()
    assert _history(world, ben.id) == [
        ("command_line", "the command line (user alice), as Anna Applicant",
         "registered Ben Bis"),
        ("token", "an API token", "changed the name to Ben Bis"),
        ("sign_in", "the sign-in", "changed the record"),
        ("person", "someone no longer registered", "changed the name to Ben Bis")]
    assert _history(world, anna.id) == [("system", "the system", "registered Anna Applicant")]


def test_only_the_newest_entries_and_a_flag_for_more() -> None:
    world = World()
    anna = world.person("Anna Applicant")
    with world.uow:
        for _ in range(views.HISTORY_LIMIT + 5):
            world.uow.record(AuditEvent("system", "rename_person", "person", anna.id,
                                        moment(world.today), None, {"name": "Anna"}))
        world.uow.commit()
    with world.uow:
        found = views.person_history(world.uow, anna, anna.id, world.today).history
    assert len(found.entries) == views.HISTORY_LIMIT
    assert found.more
    with world.uow:
        assert [e.action for e in world.uow.events_about([("person", anna.id)], 2)] == \
            ["rename_person", "rename_person"]
        assert world.uow.events_about([("person", anna.id)], 0) == []


class _Log:
    def __init__(self) -> None:
        self.kept: RecordedCheck | None = None

    def record(self, check: AuditCheck, at: datetime) -> None:
        self.kept = RecordedCheck(at, check.checked, check.chain_ok, check.tables_ok)

    def last_check(self) -> RecordedCheck | None:
        return self.kept

    def verify(self, limit: int | None = None) -> AuditCheck:
        return AuditCheck(3)


def test_the_audit_logs_state_is_for_administrators_and_the_system_only() -> None:
    world = World()
    eva = world.person("Eva Employee")
    log = _Log()
    with world.uow:
        assert views.audit_state(world.repo, eva, log, world.today) is None
        assert views.audit_state(world.repo, None, None, world.today) == \
            views.AuditState(kept=False)
        assert views.audit_state(world.repo, None, log, world.today) == \
            views.AuditState(kept=True, last=None)
    log.record(log.verify(), datetime(2026, 12, 7, 14, 5, tzinfo=UTC))
    with world.uow:
        state = views.audit_state(world.repo, None, log, world.today)
    assert state is not None
    assert state.last is not None
    assert state.last.ok
