"""Signing in through the user management, with sessions kept on the server: the use cases of
`registry.signin` on the in-memory fake, a SQLite file and PostgreSQL, through the composition
root, as the web app will call them.

What a person or an operator would notice: the first sign-in registers the person, the next
finds them; a new name is written and ends the other sessions; a session ends when idle, when
too old, at sign-out and at "sign out everywhere"; a refused sign-in changes nothing; the
database holds no session secret and the audit log no national number; two first sign-ins of
one person at the same moment make one person and two sessions.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from mandaatwijzer.adapters import orm
from mandaatwijzer.adapters.audit import audit_events
from mandaatwijzer.adapters.database import create_engine_for
from mandaatwijzer.adapters.memory import MemoryUnitOfWork, serialised
from mandaatwijzer.adapters.sign_ins import SqlSignInStore, sign_in_sessions, sign_in_subjects
from mandaatwijzer.bootstrap import MEMORY_URL, RegistryContext, build_context
from mandaatwijzer.config import Settings
from mandaatwijzer.registry import signin
from mandaatwijzer.registry.ports import Clock
from mandaatwijzer.registry.sessions import SessionRules, secret_hash

from ..unit.registry.scenario import national_number
from .databases import own_database

ISSUER = "https://idm.example.test"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
RULES = SessionRules(idle=timedelta(minutes=30), lifetime=timedelta(hours=8))
NUMBER = national_number(17)
#: Signing in at the same moment (bounded: each waits at most `write_wait` for its turn).
THREADS = 4


def at(minutes: float) -> Clock:
    return Clock(T0 + timedelta(minutes=minutes))


def claims(name: tuple[str, str] = ("Anna", "Peeters"), number: str = NUMBER,
           subject: str = "sub-anna", acr: str | None = signin.EID_CARD) -> dict[str, object]:
    found: dict[str, object] = {"sub": subject, "rrn": number, "given_name": name[0],
                                "family_name": name[1]}
    if acr is not None:
        found["acr"] = acr
    return found


def identity(**kwargs: Any) -> signin.Identity:
    return signin.identity_from_claims(claims(**kwargs), ISSUER)


@dataclass
class Registry:
    """One registry through the composition root, and a look at what it stored."""

    ctx: RegistryContext
    memory: MemoryUnitOfWork | None = None
    engine: Engine | None = None
    extra: list[Engine] = field(default_factory=list)

    def sign_in(self, minutes: float = 0, **kwargs: Any) -> signin.Opened:
        return signin.sign_in(self.ctx.units(), at(minutes), identity(**kwargs))

    def session(self, secret: str, minutes: float) -> Any:
        return signin.session_of(self.ctx.units(), at(minutes), secret, RULES)

    def events(self) -> list[dict[str, Any]]:
        """The audit log: actor, action, entity, entity_id, before, after, via."""
        if self.memory is not None:
            return [{"actor": e.actor, "action": e.action, "entity": e.entity,
                     "entity_id": e.entity_id, "before": e.before, "after": e.after,
                     "via": e.via} for e in self.memory.events]
        assert self.engine is not None
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(
                select(audit_events.c.actor, audit_events.c.action, audit_events.c.entity,
                       audit_events.c.entity_id, audit_events.c.before, audit_events.c.after,
                       audit_events.c.via).order_by(audit_events.c.seq))]

    def actions(self) -> list[tuple[str, str]]:
        return [(e["actor"], e["action"]) for e in self.events()]

    def persons(self) -> int:
        with self.ctx.units() as uow:
            return uow.repo.persons(0, 10).total

    def linked_at(self, subject: str) -> datetime:
        """When the provider's subject was (last) linked to its person."""
        if self.memory is not None:
            return self.memory.committed.sign_in_subjects[(ISSUER, subject)][1]
        assert self.engine is not None
        with self.engine.connect() as connection:
            found: datetime = connection.execute(
                select(sign_in_subjects.c.linked_at).where(
                    sign_in_subjects.c.issuer == ISSUER,
                    sign_in_subjects.c.subject == subject)).scalar_one()
            return found

    def count(self, table: str) -> int | None:
        """Rows of a table on SQL; None on the fake."""
        if self.engine is None:
            return None
        with self.engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@contextmanager
def _registry(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    if kind == "memory":
        shared = MemoryUnitOfWork()
        yield Registry(build_context(Settings(database_url=MEMORY_URL),
                                     units=serialised(shared)), memory=shared)
        return
    with own_database(kind, request, tmp_path) as url:
        ctx = build_context(Settings(database_url=url))
        engine = create_engine_for(url)
        try:
            yield Registry(ctx, engine=engine)
        finally:
            engine.dispose()
            ctx.close()
            orm.stop_mappers()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    with _registry(request.param, request, tmp_path) as found:
        yield found


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    with _registry(request.param, request, tmp_path) as found:
        yield found


def test_the_first_sign_in_registers_the_person_and_the_next_finds_them(
        registry: Registry) -> None:
    first = registry.sign_in()
    assert first.registered
    assert registry.actions() == [(signin.SIGN_IN, "register_person"),
                                  (first.person_id, "sign_in")]
    registered = registry.events()[0]
    assert registered["entity_id"] == first.person_id
    assert registered["after"]["name"] == "Anna Peeters"
    assert registered["after"]["has_eid"] is True

    second = registry.sign_in(minutes=5)
    assert not second.registered
    assert second.person_id == first.person_id
    assert second.session.id != first.session.id
    assert registry.persons() == 1
    assert registry.actions()[2:] == [(first.person_id, "sign_in")]
    # Both browsers are signed in, each with its own secret.
    assert registry.session(first.secret, 6) is not None
    assert registry.session(second.secret, 6) is not None
    assert signin.person_of_subject(registry.ctx.units(), ISSUER, "sub-anna") == first.person_id


def test_a_new_name_is_written_and_ends_the_other_sessions(registry: Registry) -> None:
    first, second = registry.sign_in(), registry.sign_in(minutes=1)
    renamed = registry.sign_in(minutes=2, name=("Anna", "Janssens"))
    assert not renamed.registered
    assert registry.session(first.secret, 3) is None
    assert registry.session(second.secret, 3) is None
    assert registry.session(renamed.secret, 3) is not None
    with registry.ctx.units() as uow:
        person = uow.repo.person(renamed.person_id)
        assert person is not None
        assert person.name == "Anna Janssens"
    later = registry.events()[3:]
    assert [(e["action"], e["entity_id"]) for e in later] == [
        ("rename_person", renamed.person_id),
        ("end_session_record_changed", first.session.id),
        ("end_session_record_changed", second.session.id),
        ("sign_in", renamed.session.id)]
    assert (later[0]["before"]["name"], later[0]["after"]["name"]) == ("Anna Peeters",
                                                                      "Anna Janssens")


def test_a_session_ends_when_idle_too_long(registry: Registry) -> None:
    opened = registry.sign_in()
    assert registry.session(opened.secret, 10) is not None  # used: idle time starts again
    assert registry.session(opened.secret, 39) is not None  # 29 minutes after its last use
    assert registry.session(opened.secret, 70) is None  # 31 minutes after
    assert registry.session(opened.secret, 71) is None


def test_a_session_ends_at_its_lifetime_however_often_it_is_used(registry: Registry) -> None:
    opened = registry.sign_in()
    for minutes in range(20, 8 * 60, 20):
        assert registry.session(opened.secret, minutes) is not None, minutes
    assert registry.session(opened.secret, 8 * 60 - 1) is not None
    assert registry.session(opened.secret, 8 * 60) is None


def test_the_last_use_is_written_at_most_once_a_minute(registry: Registry) -> None:
    opened = registry.sign_in()
    seen = registry.session(opened.secret, 0.5)
    assert seen is not None
    assert seen.last_seen_at == T0  # not written again within the minute
    seen = registry.session(opened.secret, 1)
    assert seen is not None
    assert seen.last_seen_at == T0 + timedelta(minutes=1)
    # A stranger's secret, or none, opens nothing.
    assert registry.session("not-a-secret", 1) is None
    assert registry.session("", 1) is None


def test_sign_out_ends_this_session_only(registry: Registry) -> None:
    here, there = registry.sign_in(), registry.sign_in(minutes=1)
    signin.sign_out(registry.ctx.units(), at(2), here.session)
    assert registry.session(here.secret, 3) is None
    assert registry.session(there.secret, 3) is not None
    assert registry.actions()[-1] == (here.person_id, "sign_out")
    assert registry.events()[-1]["entity_id"] == here.session.id
    # Signing out again changes nothing and writes nothing.
    events = len(registry.events())
    signin.sign_out(registry.ctx.units(), at(4), here.session)
    assert len(registry.events()) == events


def test_sign_out_everywhere_ends_every_session_of_the_person(registry: Registry) -> None:
    opened = [registry.sign_in(minutes=m) for m in range(3)]
    other = registry.sign_in(minutes=3, name=("Bert", "Bos"), number=national_number(18),
                             subject="sub-bert")
    person = opened[0].person_id
    assert signin.sign_out_everywhere(registry.ctx.units(), at(4), person) == 3
    assert [registry.session(o.secret, 5) for o in opened] == [None, None, None]
    assert registry.session(other.secret, 5) is not None
    assert registry.actions()[-3:] == [(person, "sign_out_everywhere")] * 3
    assert signin.sign_out_everywhere(registry.ctx.units(), at(6), person) == 0


def test_identify_registers_and_links_without_opening_a_session(registry: Registry) -> None:
    person, registered = signin.identify(registry.ctx.units(), at(0), identity())
    assert registered
    assert signin.identify(registry.ctx.units(), at(1), identity()) == (person, False)
    assert registry.actions() == [(signin.SIGN_IN, "register_person")]
    assert signin.person_of_subject(registry.ctx.units(), ISSUER, "sub-anna") == person
    assert signin.person_of_subject(registry.ctx.units(), ISSUER, "sub-other") is None
    assert registry.count("sign_in_sessions") in (0, None)


def test_a_new_subject_for_a_known_number_is_linked_to_the_same_person(
        registry: Registry) -> None:
    first = registry.sign_in()
    again = registry.sign_in(minutes=1, subject="sub-anna-new-account")
    assert again.person_id == first.person_id
    units = registry.ctx.units
    assert signin.person_of_subject(units(), ISSUER, "sub-anna") == first.person_id
    assert signin.person_of_subject(units(), ISSUER, "sub-anna-new-account") == first.person_id
    assert registry.count("sign_in_subjects") in (2, None)
    # Each linked at its sign-in, on the registry's clock (not the machine's).
    assert registry.linked_at("sub-anna") == at(0).now()
    assert registry.linked_at("sub-anna-new-account") == at(1).now()


def test_a_refused_sign_in_writes_nothing(registry: Registry) -> None:
    # A BIS number (month + 40) whose check digits are those of another number.
    bis = f"{NUMBER[:2]}{int(NUMBER[2:4]) + 40:02d}{NUMBER[4:]}"
    for wrong, reason in ((claims(number=bis), "national_number_invalid"),
                          ({**claims(), "rrn": ""}, "national_number_missing"),
                          ({**claims(), "sub": " "}, "subject_missing"),
                          ({"sub": "s", "rrn": NUMBER}, "name_missing")):
        with pytest.raises(signin.SignInRefusedError) as refused:
            signin.identity_from_claims(wrong, ISSUER)
        assert refused.value.reason == reason
        assert NUMBER[:9] not in str(refused.value)
    assert registry.events() == []
    assert registry.persons() == 0
    assert registry.count("sign_in_sessions") in (0, None)


def test_a_sign_in_that_fails_halfway_leaves_no_person_and_no_event(
        registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    """Registering, linking, opening and recording are one transaction."""

    class _BrokenError(Exception):
        pass

    def broken(*args: Any) -> None:
        raise _BrokenError

    monkeypatch.setattr(signin, "new_secret", broken)
    with pytest.raises(_BrokenError):
        registry.sign_in()
    monkeypatch.undo()
    assert registry.events() == []
    assert registry.persons() == 0
    assert signin.person_of_subject(registry.ctx.units(), ISSUER, "sub-anna") is None
    assert registry.count("sign_in_subjects") in (0, None)
    assert registry.sign_in().registered


def test_the_store_keeps_the_hash_of_the_secret_never_the_secret(
        sql_registry: Registry) -> None:
    registry = sql_registry
    assert registry.engine is not None
    opened = [registry.sign_in(minutes=m) for m in range(2)]
    with registry.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(select(sign_in_sessions))]
        subjects = [dict(row._mapping) for row in connection.execute(select(sign_in_subjects))]
    assert len(rows) == 2
    stored = repr(rows) + repr(subjects)
    for one in opened:
        assert one.secret not in stored
        assert secret_hash(one.secret) in stored
    assert {row["secret_hash"] for row in rows} == {secret_hash(o.secret) for o in opened}
    assert {(row["acr"], row["eid"]) for row in rows} == {(signin.EID_CARD, True)}
    assert subjects == [{"issuer": ISSUER, "subject": "sub-anna",
                         "person_id": opened[0].person_id, "linked_at": subjects[0]["linked_at"]}]


def test_audit_events_never_hold_the_national_number(registry: Registry) -> None:
    opened = registry.sign_in()
    registry.sign_in(minutes=1, name=("Anna", "Janssens"))
    signin.sign_out_everywhere(registry.ctx.units(), at(2), opened.person_id)
    logged = json.dumps(registry.events(), default=str)
    assert NUMBER[:9] not in logged
    assert f"{NUMBER[:2]}.{NUMBER[2:4]}.{NUMBER[4:6]}" not in logged
    assert "**.**.**-***." + NUMBER[9:] in logged  # masked, as every snapshot
    if registry.ctx.audit is not None:
        check = registry.ctx.audit.verify()
        assert check.ok, check


def test_without_an_eid_means_the_session_says_so(registry: Registry) -> None:
    opened = registry.sign_in(acr="urn:be:vlaanderen:authmech:totp")
    assert (opened.session.acr, opened.session.eid) == ("urn:be:vlaanderen:authmech:totp",
                                                        False)
    seen = registry.session(opened.secret, 1)
    assert seen is not None
    assert (seen.acr, seen.eid) == ("urn:be:vlaanderen:authmech:totp", False)


def test_first_sign_ins_at_the_same_moment_make_one_person_and_a_session_each(
        registry: Registry) -> None:
    threads = THREADS
    start = threading.Barrier(threads, timeout=10)
    opened: list[signin.Opened] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            one = registry.sign_in()
        except BaseException as error:  # reported below, with the test's failure
            with lock:
                failures.append(error)
            return
        with lock:
            opened.append(one)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert failures == []
    assert len(opened) == threads
    assert len({o.person_id for o in opened}) == 1
    assert sum(o.registered for o in opened) == 1
    assert registry.persons() == 1
    assert [a for _, a in registry.actions()].count("register_person") == 1
    assert len({o.session.id for o in opened}) == threads
    assert all(registry.session(o.secret, 1) is not None for o in opened)
    if registry.ctx.audit is not None:
        assert registry.ctx.audit.verify().ok


def test_a_subject_linked_again_moves_to_the_new_person(registry: Registry) -> None:
    anna = registry.sign_in().person_id
    bert = registry.sign_in(name=("Bert", "Bos"), number=national_number(18),
                            subject="sub-bert").person_id
    uow = registry.ctx.units()
    with uow.changing():
        uow.sign_ins().link_subject(ISSUER, "sub-anna", bert, at(5).now())
        uow.commit()
    assert signin.person_of_subject(registry.ctx.units(), ISSUER, "sub-anna") == bert
    assert registry.linked_at("sub-anna") == at(5).now()
    assert signin.person_of_subject(registry.ctx.units(), ISSUER, "sub-bert") == bert
    assert anna != bert
    assert registry.count("sign_in_subjects") in (2, None)


def test_two_transactions_linking_one_new_subject_at_once_both_succeed(
        sql_registry: Registry) -> None:
    """The upsert holds without the writers' turn: the second waits for the first's row and
    updates it instead of failing on the key."""
    registry = sql_registry
    assert registry.engine is not None
    anna = registry.sign_in().person_id
    bert = registry.sign_in(name=("Bert", "Bos"), number=national_number(18),
                            subject="sub-bert").person_id
    failures: list[BaseException] = []
    second_started = threading.Event()

    def second() -> None:
        try:
            with Session(registry.engine) as session:
                second_started.set()
                SqlSignInStore(session).link_subject(ISSUER, "sub-new", bert, T0)
                session.commit()
        except BaseException as error:  # reported below
            failures.append(error)

    with Session(registry.engine) as first:
        SqlSignInStore(first).link_subject(ISSUER, "sub-new", anna, T0)
        worker = threading.Thread(target=second)
        worker.start()
        second_started.wait(5)
        time.sleep(0.2)  # the second is now waiting for the first's transaction
        first.commit()
    worker.join(10)
    assert not worker.is_alive()
    assert failures == []
    assert signin.person_of_subject(registry.ctx.units(), ISSUER, "sub-new") == bert
