"""The SQL unit of work: everything or nothing (after cosmicpython's test_uow.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from mandaatwijzer.adapters import audit, orm
from mandaatwijzer.adapters.audit import audit_events
from mandaatwijzer.adapters.sql import SqlUnitOfWork
from mandaatwijzer.registry import demo, services
from mandaatwijzer.registry.errors import NotFoundError
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.model import Person
from mandaatwijzer.registry.ports import Clock

from .scenario import national_number

CLOCK = Clock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))


def _person(key: int, name: str = "Ann Smets") -> Person:
    return Person(f"P-{key}", NationalNumber(national_number("800101", key)), name)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_the_unit_of_work_saves_what_is_committed(uow: SqlUnitOfWork, engine: Engine) -> None:
    with uow:
        uow.repo.add(_person(1))
        uow.commit()
    with uow:
        found = uow.repo.person("P-1")
        assert found is not None
        assert found.name == "Ann Smets"


def test_the_unit_of_work_rolls_back_unless_committed(uow: SqlUnitOfWork,
                                                       engine: Engine) -> None:
    with uow:
        uow.repo.add(_person(1))
    assert _count(engine, "persons") == 0


class _BoomError(Exception):
    pass


def _add_then_fail(uow: SqlUnitOfWork) -> None:
    with uow:
        uow.repo.add(_person(1))
        raise _BoomError


def test_the_unit_of_work_rolls_back_on_an_error(uow: SqlUnitOfWork, engine: Engine) -> None:
    with pytest.raises(_BoomError):
        _add_then_fail(uow)
    assert _count(engine, "persons") == 0


def test_a_change_after_the_commit_is_rolled_back(uow: SqlUnitOfWork, engine: Engine) -> None:
    with uow:
        person = _person(1)
        uow.repo.add(person)
        uow.commit()
        person.name = "Changed Afterwards"
        uow.changed(person)
    with uow:
        found = uow.repo.person("P-1")
        assert found is not None
        assert found.name == "Ann Smets"


def test_nested_blocks_share_one_transaction(uow: SqlUnitOfWork, engine: Engine) -> None:
    with uow:
        with uow:
            uow.repo.add(_person(1))
        assert uow.repo.person("P-1") is not None  # the inner exit rolled nothing back
        uow.commit()
        uow.repo.add(_person(2, "Bert Smets"))
    assert _count(engine, "persons") == 1


def test_an_added_entity_is_found_before_the_commit(uow: SqlUnitOfWork) -> None:
    with uow:
        uow.repo.add(_person(1))
        assert uow.repo.person_by_number(
            NationalNumber(national_number("800101", 1))) is not None
        assert uow.repo.persons(0, 10).total == 1


def test_entities_stay_readable_after_the_block(uow: SqlUnitOfWork) -> None:
    person = services.register_person(uow, CLOCK, national_number("800101", 1), "Ann Smets")
    assert person.name == "Ann Smets"
    assert person.national_number.value == national_number("800101", 1)


def test_the_repository_is_only_there_inside_the_block(uow: SqlUnitOfWork) -> None:
    with pytest.raises(RuntimeError, match="inside `with uow:`"):
        uow.repo.person("P-1")
    with pytest.raises(RuntimeError, match="outside `with uow:`"):
        uow.commit()


class _CrashBeforeCommit(Session):
    """A session whose commit fails after everything was written (say, the power goes)."""

    def commit(self) -> None:
        self.flush()
        raise ConnectionError("the database went away before the commit")


def test_a_use_case_that_fails_leaves_neither_the_entity_nor_its_audit_event(
        engine: Engine) -> None:
    orm.start_mappers()
    crashing = SqlUnitOfWork(sessionmaker(bind=engine, class_=_CrashBeforeCommit,
                                          expire_on_commit=False))
    with pytest.raises(ConnectionError):
        services.register_person(crashing, CLOCK, national_number("800101", 1), "Ann Smets")
    assert _count(engine, "persons") == 0
    assert _count(engine, "audit_events") == 0


def test_a_refused_use_case_writes_nothing(uow: SqlUnitOfWork, engine: Engine) -> None:
    with pytest.raises(NotFoundError):
        services.register_organisation(uow, CLOCK, "Bakkerij Smets", "economic_actor",
                                       "0403170701", ["P-nobody"])
    assert _count(engine, "organisations") == 0
    assert _count(engine, "audit_events") == 0


def test_a_committed_use_case_writes_the_entity_and_its_event_together(
        uow: SqlUnitOfWork, engine: Engine) -> None:
    person = services.register_person(uow, CLOCK, national_number("800101", 1), "Ann Smets")
    with engine.connect() as connection:
        events = connection.execute(select(audit_events.c.action, audit_events.c.entity_id,
                                           func.count()).group_by(
            audit_events.c.action, audit_events.c.entity_id)).all()
    assert events == [("register_person", person.id, 1)]


class _InterruptedError(Exception):
    pass


def _interrupt_after(monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
    """The demo's `sign_mandate` fails on its `calls`-th call, halfway through the load."""
    sign = services.sign_mandate
    seen = []

    def failing(*args: object, **kwargs: object) -> object:
        seen.append(1)
        if len(seen) == calls:
            raise _InterruptedError
        return sign(*args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(services, "sign_mandate", failing)


def test_an_interrupted_demo_load_leaves_nothing_and_the_next_start_loads_it_all(
        uow: SqlUnitOfWork, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _interrupt_after(monkeypatch, 5)
    with pytest.raises(_InterruptedError):
        demo.load(uow, CLOCK)
    for table in ("persons", "organisations", "work_relations", "rights", "mandates",
                  "audit_events"):
        assert _count(engine, table) == 0, table
    monkeypatch.undo()
    assert demo.load_if_empty(lambda: uow, CLOCK)
    assert _count(engine, "persons") == len(demo.PERSONS)
    assert _count(engine, "audit_events") > len(demo.PERSONS)
    assert not demo.load_if_empty(lambda: uow, CLOCK)


def test_all_or_nothing_keeps_nothing_of_a_block_that_fails(
        uow: SqlUnitOfWork, engine: Engine) -> None:
    def two_then_fail() -> None:
        with uow.all_or_nothing():
            services.register_person(uow, CLOCK, national_number("800101", 1), "Ann Smets")
            services.register_person(uow, CLOCK, national_number("800101", 2), "Bart Peeters")
            raise _InterruptedError

    with pytest.raises(_InterruptedError):
        two_then_fail()
    assert _count(engine, "persons") == 0
    assert _count(engine, "audit_events") == 0


def test_all_or_nothing_commits_everything_with_a_sound_audit_chain(
        uow: SqlUnitOfWork, engine: Engine) -> None:
    with uow.all_or_nothing():
        services.register_person(uow, CLOCK, national_number("800101", 1), "Ann Smets")
        services.register_person(uow, CLOCK, national_number("800101", 2), "Bart Peeters")
    assert _count(engine, "persons") == 2
    with Session(engine) as session:
        result = audit.verify(session)
    assert (result.checked, result.problem) == (2, None)


def test_names_of_many_parties_are_read_at_once_with_uncommitted_ones(
        uow: SqlUnitOfWork) -> None:
    """`Repository.names`: the names of the parties the registry holds (more than one
    statement's worth of ids), an entity added in the block included, unknown ones left out;
    the memory repository answers alike."""
    from mandaatwijzer.adapters.bulk_sql import CHUNK
    from mandaatwijzer.adapters.memory import MemoryUnitOfWork
    from mandaatwijzer.registry.model import EntityGroup, Organisation, Party, PartyKind

    count = CHUNK + 20
    memory = MemoryUnitOfWork()
    for unit in (uow, memory):
        with unit:
            for key in range(count):
                unit.repo.add(_person(key, f"Person {key}"))
            unit.repo.add(Organisation("O-1", "Claes NV", EntityGroup.ECONOMIC_ACTOR))
            unit.commit()
    asked = [Party(PartyKind.PERSON, f"P-{key}") for key in range(count)]
    asked += [Party(PartyKind.ORGANISATION, "O-1"), Party(PartyKind.PERSON, "P-unknown"),
              Party(PartyKind.ORGANISATION, "P-1")]  # a person's id is no organisation's
    expected = {Party(PartyKind.PERSON, f"P-{key}"): f"Person {key}" for key in range(count)}
    expected[Party(PartyKind.ORGANISATION, "O-1")] = "Claes NV"
    for unit in (uow, memory):
        with unit:
            unit.repo.add(_person(count, "Added Now"))
            found = unit.repo.names([*asked, Party(PartyKind.PERSON, f"P-{count}")])
            assert found == {**expected, Party(PartyKind.PERSON, f"P-{count}"): "Added Now"}
            assert unit.repo.names([]) == {}


def test_the_givers_of_the_mandates_a_party_took_in_the_order_they_were_made(
        uow: SqlUnitOfWork) -> None:
    """`Repository.givers_to`: one giver per mandate the party took (a giver twice when it
    gave two), oldest first, none of other takers'; SQL and memory alike."""
    from datetime import date

    from mandaatwijzer.adapters.memory import MemoryUnitOfWork
    from mandaatwijzer.registry.model import Mandate, Party, PartyKind, Period

    def person(key: int) -> Party:
        return Party(PartyKind.PERSON, f"P-{key}")

    provider, other = Party(PartyKind.PERSON, "P-9"), Party(PartyKind.PERSON, "P-8")
    made = [(person(3), provider), (person(1), provider), (person(2), other),
            (person(3), provider)]
    for unit in (uow, MemoryUnitOfWork()):
        with unit:
            for key in (1, 2, 3, 8, 9):
                unit.repo.add(_person(key))
            for number, (giver, taker) in enumerate(made):
                unit.repo.add(Mandate(f"M-{number}", giver, taker, Period(date(2025, 1, 1)),
                                      giver.id, CLOCK.now()))
            unit.commit()
        with unit:
            assert unit.repo.givers_to(provider) == [person(3), person(1), person(3)]
            assert unit.repo.givers_to(other) == [person(2)]
            assert unit.repo.givers_to(person(1)) == []
