"""An organisation's legal representatives: a set of person ids to the domain, rows in SQL."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from mandaatwijzer.adapters.orm import legal_representatives
from mandaatwijzer.adapters.sql import SqlUnitOfWork
from mandaatwijzer.registry import services
from mandaatwijzer.registry.model import Organisation
from mandaatwijzer.registry.ports import Clock

from .scenario import enterprise_number, national_number

CLOCK = Clock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))


@pytest.fixture
def people(uow: SqlUnitOfWork) -> dict[str, str]:
    return {key: services.register_person(uow, CLOCK, national_number("800101", n), key).id
            for n, key in enumerate(("a", "b", "c", "d"), start=1)}


@pytest.fixture
def org_id(uow: SqlUnitOfWork, people: dict[str, str]) -> str:
    return services.register_organisation(uow, CLOCK, "Bakkerij Smets", "economic_actor",
                                          enterprise_number(4031707),
                                          [people["a"], people["b"]]).id


def _stored(engine: Engine, org_id: str) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(legal_representatives.c.person_id).where(
            legal_representatives.c.organisation_id == org_id)))


def _change(uow: SqlUnitOfWork, org_id: str, change: Callable[[Organisation], Any]) -> Any:
    with uow:
        org = uow.repo.organisation(org_id)
        assert org is not None
        result = change(org)
        uow.changed(org)
        uow.commit()
    return result


def _reloaded(uow: SqlUnitOfWork, org_id: str) -> set[str]:
    with uow:
        org = uow.repo.organisation(org_id)
        assert org is not None
        return set(org.legal_representatives)


Change = Callable[[set[str], dict[str, str]], Any]


def _ior(s: set[str], p: dict[str, str]) -> None:
    s |= {p["c"]}


def _isub(s: set[str], p: dict[str, str]) -> None:
    s -= {p["a"]}


def _iand(s: set[str], p: dict[str, str]) -> None:
    s &= {p["a"], p["c"]}


def _ixor(s: set[str], p: dict[str, str]) -> None:
    s ^= {p["a"], p["c"]}


CHANGES: dict[str, Change] = {
    "add": lambda s, p: s.add(p["c"]),
    "add again": lambda s, p: s.add(p["a"]),
    "discard": lambda s, p: s.discard(p["a"]),
    "discard absent": lambda s, p: s.discard(p["d"]),
    "remove": lambda s, p: s.remove(p["b"]),
    "clear": lambda s, p: s.clear(),
    "update": lambda s, p: s.update({p["c"]}, [p["d"]]),
    "difference_update": lambda s, p: s.difference_update({p["a"], p["d"]}),
    "intersection_update": lambda s, p: s.intersection_update({p["b"], p["c"]}),
    "symmetric_difference_update": lambda s, p: s.symmetric_difference_update(
        {p["b"], p["c"]}),
    "|=": _ior,
    "-=": _isub,
    "&=": _iand,
    "^=": _ixor,
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_every_way_of_changing_the_set_is_stored(name: str, uow: SqlUnitOfWork, engine: Engine,
                                                 people: dict[str, str], org_id: str) -> None:
    expected = {people["a"], people["b"]}
    CHANGES[name](expected, people)
    _change(uow, org_id, lambda org: CHANGES[name](org.legal_representatives, people))
    assert _reloaded(uow, org_id) == expected
    assert _stored(engine, org_id) == expected


def test_pop_removes_the_id_it_returns(uow: SqlUnitOfWork, engine: Engine,
                                      people: dict[str, str], org_id: str) -> None:
    popped = _change(uow, org_id, lambda org: org.legal_representatives.pop())
    assert _stored(engine, org_id) == {people["a"], people["b"]} - {popped}


def test_assigning_a_new_set_keeps_the_rows_of_the_ids_that_stay(
        uow: SqlUnitOfWork, engine: Engine, people: dict[str, str], org_id: str) -> None:
    def replace(org: Organisation) -> None:
        org.legal_representatives = {people["b"], people["c"]}

    _change(uow, org_id, replace)
    assert _stored(engine, org_id) == {people["b"], people["c"]}
    with uow:
        assert [o.id for o in uow.repo.organisations_represented_by(people["c"])] == [org_id]
        assert uow.repo.organisations_represented_by(people["a"]) == []


def test_the_set_refuses_what_a_set_refuses(uow: SqlUnitOfWork, people: dict[str, str],
                                            org_id: str) -> None:
    with uow:
        org = uow.repo.organisation(org_id)
        assert org is not None
        with pytest.raises(KeyError):
            org.legal_representatives.remove(people["d"])
        org.legal_representatives.clear()
        with pytest.raises(KeyError):
            org.legal_representatives.pop()


def test_a_copy_is_a_plain_set_detached_from_the_rows(uow: SqlUnitOfWork, engine: Engine,
                                                      people: dict[str, str],
                                                      org_id: str) -> None:
    with uow:
        org = uow.repo.organisation(org_id)
        assert org is not None
        for copied in (copy.copy(org.legal_representatives),
                       copy.deepcopy(org.legal_representatives),
                       pickle.loads(pickle.dumps(org.legal_representatives))):
            assert type(copied) is set
            assert copied == {people["a"], people["b"]}
            copied.add(people["c"])
        uow.commit()
    assert _stored(engine, org_id) == {people["a"], people["b"]}
