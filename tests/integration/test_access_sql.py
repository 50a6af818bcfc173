"""The dedicated read path decides exactly as the facts read through the repository port do,
explanations included, on its own connection and on a unit of work's (`queries.may_manage`).

Both run on the same small generated registry (bench/registry/dataset.py, written straight into
the migrated schema), on SQLite and on PostgreSQL (the `engine` fixture of conftest.py), for a
few hundred (person, applicant) pairs that reach every route and most gaps, on three days.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

from mandaatwijzer.adapters import orm
from mandaatwijzer.adapters.access import AccessReader
from mandaatwijzer.adapters.database import session_factory
from mandaatwijzer.adapters.sql import SqlUnitOfWork
from mandaatwijzer.registry import queries
from mandaatwijzer.registry.access import decide
from mandaatwijzer.registry.errors import NotFoundError
from mandaatwijzer.registry.identifiers import (
    is_valid_enterprise_number,
    is_valid_national_number,
)
from mandaatwijzer.registry.model import Party, PartyKind

from . import generated

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "registry"))

import dataset
import sample

SIZE = generated.SIZE
DAYS = (dataset.DAY, dataset.DAY - timedelta(days=400), dataset.DAY + timedelta(days=400))


@pytest.fixture
def reader(engine: Engine) -> AccessReader:
    generated.fill(engine, seed=11)
    opened = AccessReader.connect(generated.url(engine))
    yield opened  # type: ignore[misc]
    opened.close()


def _pairs(reader: AccessReader) -> list[sample.Pair]:
    pairs = sample.pairs(reader.connection, 250, seed=9)
    pairs.append(("P-0000001", Party(PartyKind.PERSON, "P-0000001")))  # the person themself
    return pairs


def test_decisions_equal_may_manage(reader: AccessReader, engine: Engine) -> None:
    pairs = _pairs(reader)
    uow = SqlUnitOfWork(session_factory(engine))
    seen: Counter[str] = Counter()
    # Every pair on the benchmark day; a part of them a year before and after.
    for day, count in zip(DAYS, (len(pairs), 80, 80), strict=True):
        for person_id, applicant in pairs[:count]:
            fast = reader.may_manage(person_id, applicant, day)
            with uow:
                # Through the repository port, one ORM query per lookup: the reference.
                expected = decide(queries.gather_facts(uow.repo, person_id, applicant, day),
                                  day)
                # What the application uses: the reader on the unit of work's connection.
                borrowed = queries.may_manage(uow.repo, person_id, applicant, day)
            assert fast == expected, (person_id, applicant, day)
            assert borrowed == expected, (person_id, applicant, day)
            seen.update(route.name for route in fast.routes)
            seen.update(gap.code for gap in fast.gaps)
    # The sample reaches every route and the usual gaps.
    usual = {"self", "legal_representative", "kiosk_applicant_right", "mandate_to_person",
             "mandate_to_provider", "no_mandate", "no_provider", "no_executor_right",
             "mandate_expired", "mandate_stopped", "mandate_transferred",
             "mandate_awaits_giver", "mandate_awaits_taker",
             "no_kiosk_applicant_right", "no_work_relation"}
    assert not usual - set(seen), usual - set(seen)


def test_works_with_and_without_the_mappers(reader: AccessReader, engine: Engine) -> None:
    pairs = _pairs(reader)[:60]
    orm.stop_mappers()
    plain = [reader.may_manage(p, a, dataset.DAY) for p, a in pairs]
    session_factory(engine)  # starts the mappers
    mapped = [reader.may_manage(p, a, dataset.DAY) for p, a in pairs]
    assert plain == mapped


def test_unknown_person_or_applicant(reader: AccessReader, engine: Engine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    cases = [("P-9999999", Party(PartyKind.PERSON, "P-0000001")),
             ("P-0000001", Party(PartyKind.PERSON, "P-9999999")),
             ("P-0000001", Party(PartyKind.ORGANISATION, "O-9999999")),
             ("P-0000001", Party(PartyKind.ORGANISATION, "P-0000002"))]
    for person_id, applicant in cases:
        with pytest.raises(NotFoundError) as fast:
            reader.may_manage(person_id, applicant, dataset.DAY)
        with uow, pytest.raises(NotFoundError) as expected:
            queries.gather_facts(uow.repo, person_id, applicant, dataset.DAY)
        with uow, pytest.raises(NotFoundError) as borrowed:
            queries.may_manage(uow.repo, person_id, applicant, dataset.DAY)
        assert str(fast.value) == str(expected.value) == str(borrowed.value)


def test_generated_numbers_are_valid(tmp_path: Path) -> None:
    data = dataset.Dataset(SIZE, seed=11)
    persons = list(data.persons())
    organisations = list(data.organisations())
    assert all(is_valid_national_number(row[1]) for row in persons)
    assert all(is_valid_enterprise_number(row[4]) for row in organisations)
    assert len({row[1] for row in persons}) == len(persons)
    # Births from 2000 on take the '2' in front of the check.
    assert dataset.national_number(dataset.date(2001, 2, 3), 1) == "01020300170"
    assert list(data.mandates()) == list(dataset.Dataset(SIZE, seed=11).mandates())
    assert sqlite3.sqlite_version_info >= (3, 38)  # json_each is built in


def test_the_facts_read_in_full_are_those_read_through_the_port(reader: AccessReader,
                                                                engine: Engine) -> None:
    uow = SqlUnitOfWork(session_factory(engine))
    pairs = _pairs(reader)[:80]
    with reader:
        for person_id, applicant in pairs:
            fast = reader.facts(person_id, applicant, dataset.DAY)
            with uow:
                expected = queries.gather_facts(uow.repo, person_id, applicant, dataset.DAY)
                assert [m.id for m in fast.mandates] == [m.id for m in expected.mandates]
                assert len(fast.mandates) == len(expected.mandates)
                assert fast.mandates[:1] == fast.mandates[0:1]
                assert sorted(fast.takers) == sorted(expected.takers)
                assert len(fast.takers) == len(expected.takers)
                assert {o: fast.local_admins.get(o) for o in expected.local_admins} == \
                    dict(expected.local_admins)
                assert {o: fast.mandate_managers[o] for o in fast.mandate_managers} == \
                    dict(expected.mandate_managers)
                assert len(fast.mandate_managers) == len(expected.mandate_managers)
                route = {m.id for m in fast.route_mandates or ()}
                assert route <= {m.id for m in expected.mandates}
    # Leaving the `with` block closed the connection.
    with pytest.raises((sqlite3.ProgrammingError, psycopg.OperationalError)):
        reader.may_manage("P-0000001", Party(PartyKind.PERSON, "P-0000001"), dataset.DAY)
