"""The demo dataset: every entity group and every mandate state on the demo date, valid
identifiers, the demo persons with their roles (as `mandaatwijzer demo` lists them), and
loading only into an empty registry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mandaatwijzer.adapters.memory import MemoryUnitOfWork
from mandaatwijzer.registry import demo, queries, services
from mandaatwijzer.registry.errors import ConflictError
from mandaatwijzer.registry.identifiers import EnterpriseNumber, NationalNumber
from mandaatwijzer.registry.model import (
    EntityGroup,
    Mandate,
    MandateStatus,
    Organisation,
    Person,
    Right,
    RightKind,
)
from mandaatwijzer.registry.ports import Clock

DEMO_DAY = date(2025, 3, 3)


def loaded(day: date = DEMO_DAY) -> MemoryUnitOfWork:
    uow = MemoryUnitOfWork()
    demo.load(uow, Clock(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)))
    return uow


@pytest.fixture(scope="module")
def uow() -> MemoryUnitOfWork:
    return loaded()


def _all(uow: MemoryUnitOfWork, kind: type) -> list:  # type: ignore[type-arg]
    return list(uow.committed.entities[kind].values())


def _person(uow: MemoryUnitOfWork, key: str) -> Person:
    [found] = [p for p in _all(uow, Person)
               if p.name == next(d.name for d in demo.PERSONS if d.key == key)]
    assert isinstance(found, Person)
    return found


def _organisation(uow: MemoryUnitOfWork, key: str) -> Organisation:
    name = next(n for k, n, _, _ in demo.ORGANISATIONS if k == key)
    [found] = [o for o in _all(uow, Organisation) if o.name == name]
    assert isinstance(found, Organisation)
    return found


def test_every_entity_group_is_present(uow: MemoryUnitOfWork) -> None:
    groups = {org.entity_group for org in _all(uow, Organisation)}
    assert groups == set(EntityGroup)
    assert len(_all(uow, Person)) == len(demo.PERSONS)


@pytest.mark.parametrize("day", [DEMO_DAY, date(2024, 2, 29), date(2027, 1, 1)])
def test_every_mandate_state_is_present_on_the_demo_date(day: date) -> None:
    uow = loaded(day)
    mandates: list[Mandate] = _all(uow, Mandate)
    states = {m.status(day) for m in mandates}
    assert states == set(MandateStatus)
    pending = [m for m in mandates if m.pending_transfer_to is not None]
    assert [m.status(day) for m in pending] == [MandateStatus.ACTIVE]
    refused = [m for m in mandates if m.stopped_at is not None and m.activated_at is None]
    assert len(refused) == 1, "one mandate was refused (stopped before it became active)"
    successors = [m for m in mandates if m.predecessor_id is not None]
    assert [m.status(day) for m in successors] == [MandateStatus.ACTIVE]


def test_persons_and_organisations_give_and_take_mandates(uow: MemoryUnitOfWork) -> None:
    mandates: list[Mandate] = _all(uow, Mandate)
    givers = {m.giver.kind.value for m in mandates}
    takers = {m.taker.kind.value for m in mandates}
    assert givers == {"person", "organisation"}
    assert takers == {"person", "organisation"}


def test_several_providers_each_with_a_local_admin_and_some_with_managers_and_executors(
        uow: MemoryUnitOfWork) -> None:
    repo = uow.committed
    providers = [o for o in _all(uow, Organisation) if o.is_service_provider and
                 repo.mandates_taken_by(o.party)]
    assert len(providers) == 3
    for provider in providers:
        assert [a for a in repo.local_admins_of(provider.id) if a.active(DEMO_DAY)], \
            provider.name
    managers = {provider.name: queries._names_with_right(repo, provider.id,
                                                         RightKind.MANDATE_MANAGER, DEMO_DAY)
                for provider in providers}
    executors = {provider.name: queries._names_with_right(repo, provider.id,
                                                          RightKind.MANDATE_EXECUTOR, DEMO_DAY)
                 for provider in providers}
    assert managers == {"Dossierwerk Vlaanderen BV": ("Sofie Wouters",),
                        "Subsidiehulp Kempen CV": ("Elke Maes",),
                        "Atelier Aanvraag BV": ()}
    assert executors == {"Dossierwerk Vlaanderen BV": ("Jonas Peeters",),
                         "Subsidiehulp Kempen CV": ("Bram Willems",),
                         "Atelier Aanvraag BV": ("Tom Jacobs",)}


def test_rights_include_a_withdrawn_one_and_kiosk_aanvrager_at_applicants(
        uow: MemoryUnitOfWork) -> None:
    repo = uow.committed
    rights: list[Right] = _all(uow, Right)
    assert any(r.withdrawn_on is not None for r in rights)
    organisations = set()
    for right in rights:
        relation = repo.work_relation(right.work_relation_id)
        assert relation is not None
        if right.kind is RightKind.KIOSK_APPLICANT:
            organisations.add(relation.organisation_id)
    assert organisations == {_organisation(uow, "zoldering").id,
                             _organisation(uow, "heidebeek").id}


def test_every_applicant_has_a_dossier_and_the_demo_answers_the_access_question(
        uow: MemoryUnitOfWork) -> None:
    repo = uow.committed
    for key in ("zoldering", "kelder", "heidebeek", "academie", "fanfare", "grenslicht"):
        assert repo.dossiers_of(_organisation(uow, key).party), key
    an = _person(uow, "an")
    allowed = queries.may_manage(repo, _person(uow, "jonas").id, an.party, DEMO_DAY)
    assert [r.name for r in allowed.routes] == ["mandate_to_provider"]
    denied = queries.may_manage(repo, _person(uow, "lotte").id, an.party, DEMO_DAY)
    assert not denied.allowed
    assert "no_executor_right" in [g.code for g in denied.gaps]
    waiting = queries.awaiting_signature(repo, _person(uow, "elke").id, DEMO_DAY)
    assert [m.giver for m in waiting.items] == [_person(uow, "hanne").party]


# --- identifiers ---------------------------------------------------------------------------


def _check(first: str) -> int:
    return 97 - int(first) % 97


def test_national_numbers_are_valid_with_the_documented_check_and_all_different() -> None:
    numbers = [p.national_number for p in demo.PERSONS]
    assert len(set(numbers)) == len(numbers)
    for person in demo.PERSONS:
        number = person.national_number
        assert NationalNumber.parse(number).value == number
        born_2000 = person.key == "stijn"
        assert int(number[9:]) == _check(("2" if born_2000 else "") + number[:9]), person.key
    stijn = next(p for p in demo.PERSONS if p.key == "stijn").national_number
    assert int(stijn[9:]) != _check(stijn[:9]), "a birth from 2000 needs the 2 in front"
    assert NationalNumber.parse(next(p for p in demo.PERSONS
                                     if p.key == "ruth").national_number).kind == "bis"


def test_enterprise_numbers_are_valid_with_the_documented_check() -> None:
    numbers = [demo.enterprise_number(first8) for _, _, group, first8 in demo.ORGANISATIONS
               if first8 is not None]
    assert len(numbers) == 7
    for number in numbers:
        assert EnterpriseNumber.parse(number).value == number
        assert int(number[8:]) == _check(number[:8])
    assert {number[0] for number in numbers} == {"0", "1"}


def test_generators_refuse_what_is_no_number() -> None:
    with pytest.raises(ValueError, match="day counter"):
        demo.national_number(date(1990, 1, 1), 998)
    with pytest.raises(ValueError, match="starts with 0 or 1"):
        demo.enterprise_number("20000001")


# --- the demo persons and loading --------------------------------------------------------


def test_persons_gives_every_demo_person_with_an_id_and_a_role_in_either_language(
        uow: MemoryUnitOfWork) -> None:
    dutch, english = demo.persons(uow), demo.persons(uow, "en")
    assert [p.name for p in dutch] == [p.name for p in demo.PERSONS]
    assert [p.id for p in dutch] == [p.id for p in english]
    for login in dutch:
        assert uow.committed.person(login.id) is not None
    assert all(p.description for p in [*dutch, *english])
    assert dutch[0].description != english[0].description


def test_loading_twice_is_refused_and_load_if_empty_loads_once() -> None:
    uow = MemoryUnitOfWork()
    clock = Clock(datetime(2025, 3, 3, 10, tzinfo=UTC))
    assert demo.load_if_empty(lambda: uow, clock) is True
    events = len(uow.events)
    assert demo.load_if_empty(lambda: uow, clock) is False
    with pytest.raises(ConflictError, match="not empty"):
        demo.load(uow, clock)
    assert len(uow.events) == events


def test_an_empty_registry_has_no_demo_persons() -> None:
    assert demo.persons(MemoryUnitOfWork()) == []


def test_an_interrupted_load_leaves_the_registry_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    sign, calls = services.sign_mandate, []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return sign(*args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(services, "sign_mandate", failing)
    uow = MemoryUnitOfWork()
    with pytest.raises(KeyboardInterrupt):
        demo.load(uow, Clock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC)))
    assert demo.is_empty(uow)
    assert uow.events == []
    monkeypatch.undo()
    assert demo.load_if_empty(lambda: uow, Clock(datetime(2025, 3, 3, 10, 0, tzinfo=UTC)))
    assert len(_all(uow, Person)) == len(demo.PERSONS)
    assert len(uow.events) > len(demo.PERSONS)
