"""The audit log: one event per change, in the change's transaction, chained and guarded."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from mandaatwijzer.adapters import audit, orm
from mandaatwijzer.adapters.database import session_factory
from mandaatwijzer.adapters.memory import MemoryUnitOfWork
from mandaatwijzer.adapters.sql import SqlUnitOfWork
from mandaatwijzer.registry import audit as registry_audit
from mandaatwijzer.registry import services
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.ports import AuditEvent, Clock

from ..unit.registry.scenario import national_number as scenario_number
from . import scenario, tampering
from .tampering import Row, forged, renumber


def _verify(engine: Engine) -> audit.VerifyResult:
    with Session(engine) as session:
        return audit.verify(session)


def _events(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            select(audit.audit_events).order_by(audit.audit_events.c.seq))]


def _plain(event: AuditEvent) -> tuple[Any, ...]:
    return (event.actor, event.action, event.entity, event.entity_id, event.at,
            event.before, event.after)


@pytest.fixture
def history(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> scenario.Scenario:
    """The scenario's history, written through the SQL unit of work."""
    with scenario.predictable_ids(monkeypatch):
        return scenario.build(SqlUnitOfWork(session_factory(engine)))


def test_each_change_writes_one_event_with_before_and_after(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    memory = MemoryUnitOfWork()
    with scenario.predictable_ids(monkeypatch):
        scenario.build(memory)
    with scenario.predictable_ids(monkeypatch):
        scenario.build(SqlUnitOfWork(session_factory(engine)))
    stored = _events(engine)
    assert [(e["actor"], e["action"], e["entity"], e["entity_id"], e["at"], e["before"],
             e["after"]) for e in stored] == [_plain(e) for e in memory.events]
    withdrawn = next(e for e in stored if e["action"] == "withdraw_right")
    assert withdrawn["before"]["withdrawn_on"] is None
    assert withdrawn["after"]["withdrawn_on"] is not None
    assert [e["seq"] for e in stored] == list(range(1, len(stored) + 1))


def test_verify_passes_on_an_empty_log(engine: Engine) -> None:
    result = _verify(engine)
    assert result.ok
    assert result.checked == 0


def test_appending_nothing_writes_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        assert audit.append(session, []) == []
    assert _events(engine) == []


def test_verify_passes_on_a_log_longer_than_its_memory(
        engine: Engine, history: scenario.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "LOOKBACK", 3)
    assert _verify(engine).ok


def test_verify_passes_on_an_untouched_log(engine: Engine,
                                           history: scenario.Scenario) -> None:
    result = _verify(engine)
    assert result.ok, result.detail
    assert result.checked == len(_events(engine)) > 50


def _edit(rows: list[Row]) -> list[Row]:
    rows[6] = {**rows[6], "after": {**rows[6]["after"], "name": "Someone Else"}}
    return rows


def test_verify_reports_an_edited_event(engine: Engine, history: scenario.Scenario) -> None:
    tampering.rewrite(engine, _edit)
    result = _verify(engine)
    assert (result.ok, result.seq, result.problem) == (False, 7, "edited")
    assert result.checked == 6


def test_verify_reports_an_edited_actor(engine: Engine, history: scenario.Scenario) -> None:
    tampering.rewrite(engine, lambda rows: [
        {**r, "actor": "P-intruder"} if r["seq"] == 20 else r for r in rows])
    result = _verify(engine)
    assert (result.seq, result.problem) == (20, "edited")


def test_verify_reports_an_inserted_event_that_links_correctly(
        engine: Engine, history: scenario.Scenario) -> None:
    tampering.rewrite(engine, lambda rows: renumber(
        [*rows[:9], forged(rows[8], 10), *rows[9:]]))
    result = _verify(engine)
    assert (result.seq, result.problem) == (10, "inserted")


def test_verify_reports_an_inserted_event_with_a_made_up_link(
        engine: Engine, history: scenario.Scenario) -> None:
    tampering.rewrite(engine, lambda rows: renumber(
        [*rows[:9], forged(rows[8], 10, link="f" * 64), *rows[9:]]))
    result = _verify(engine)
    assert (result.seq, result.problem) == (10, "inserted")


def test_verify_reports_a_deleted_event_by_the_gap(engine: Engine,
                                                   history: scenario.Scenario) -> None:
    tampering.rewrite(engine, lambda rows: [r for r in rows if r["seq"] != 12])
    result = _verify(engine)
    assert (result.seq, result.problem) == (12, "deleted")
    assert result.checked == 11


def test_verify_reports_a_deleted_event_when_the_rest_was_renumbered(
        engine: Engine, history: scenario.Scenario) -> None:
    tampering.rewrite(engine, lambda rows: renumber([r for r in rows if r["seq"] != 12]))
    result = _verify(engine)
    assert (result.seq, result.problem) == (12, "deleted")


def test_verify_reports_a_deleted_first_event(engine: Engine,
                                              history: scenario.Scenario) -> None:
    tampering.rewrite(engine, lambda rows: rows[1:])
    result = _verify(engine)
    assert (result.seq, result.problem) == (1, "deleted")


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'P-intruder' WHERE seq = 1",
    "DELETE FROM audit_events WHERE seq = 1",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_to_change_or_delete_audit_events(
        engine: Engine, history: scenario.Scenario, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert _verify(engine).ok


def test_the_database_refuses_to_empty_the_audit_log(engine: Engine,
                                                     history: scenario.Scenario) -> None:
    # SQLite has no TRUNCATE: its equivalent is a DELETE without WHERE.
    statement = ("TRUNCATE audit_events" if engine.dialect.name == "postgresql"
                 else "DELETE FROM audit_events")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert _verify(engine).checked == len(_events(engine)) > 0


def test_national_numbers_are_stored_normalised_and_never_in_full_in_the_audit_log(
        engine: Engine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    clock = Clock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    number = NationalNumber("85073003328")
    services.register_person(uow, clock, "85.07.30-033.28", "Ann Smets")
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT national_number FROM persons")).scalar_one()
        log = " ".join(str(value) for row in connection.execute(text(
            "SELECT actor, action, entity, entity_id, before, after FROM audit_events"))
            for value in row)
    assert stored == "85073003328"
    assert number.masked in log
    for form in (number.value, number.formatted, "850730", "033"):
        assert form not in log


def test_concurrent_writers_do_not_fork_the_chain(engine: Engine) -> None:
    """The second writer waits for the first, then chains onto its event."""
    orm.start_mappers()
    first_wrote, first_may_commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    moment = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

    def event(actor: str) -> AuditEvent:
        return AuditEvent(actor, "test", "person", actor, moment, None, {"id": actor})

    def first() -> None:
        try:
            with Session(engine) as session:
                audit.append(session, [event("P-first")])
                first_wrote.set()
                first_may_commit.wait(10)
                session.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            first_wrote.set()

    def second() -> None:
        try:
            with Session(engine) as session:
                audit.append(session, [event("P-second")])
                session.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    one = threading.Thread(target=first)
    one.start()
    first_wrote.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second writer did not wait for the first"
    first_may_commit.set()
    one.join(10)
    two.join(10)
    assert errors == []
    assert [(e["seq"], e["actor"]) for e in _events(engine)] == [(1, "P-first"),
                                                                 (2, "P-second")]
    assert _verify(engine).ok


# --- where a change came from (`via`, migration 0006) ---------------------------------------


def test_where_a_change_came_from_is_stored_and_covered_by_the_hash(engine: Engine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    with registry_audit.recorded_via("cli:operator"):
        services.register_person(uow, Clock(), scenario_number(1), "Via Cli")
    services.register_person(uow, Clock(), scenario_number(2), "Via Web")
    assert [e["via"] for e in _events(engine)] == ["cli:operator", None]
    assert _verify(engine).ok
    tampering.rewrite(engine, lambda rows: [
        {**r, "via": "cli:someone-else"} if r["seq"] == 1 else r for r in rows])
    assert (_verify(engine).seq, _verify(engine).problem) == (1, "edited")


def test_an_event_without_an_origin_hashes_as_before_the_column_existed() -> None:
    """Events written before migration 0006 have no `via`: their hashes must not change."""
    row = {"seq": 1, "at": datetime(2026, 1, 5, 9, tzinfo=UTC), "actor": "system",
           "action": "register_person", "entity": "person", "entity_id": "P-1",
           "before": None, "after": {"name": "A"}, "prev_hash": audit.GENESIS}
    written_before = hashlib.sha256(json.dumps(
        {**row, "at": row["at"].isoformat()}, sort_keys=True, separators=(",", ":"),
        ensure_ascii=False).encode()).hexdigest()
    assert audit.event_hash(row) == written_before
    assert audit.event_hash({**row, "via": None}) == written_before
    assert audit.event_hash({**row, "via": "cli:operator"}) != written_before
