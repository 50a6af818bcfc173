"""The paged listings: applicants a person may act for, persons who may act for an applicant,
mandates awaiting a person's signature. Each agrees with `may_manage` and with who may sign.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mandaatwijzer.registry import services
from mandaatwijzer.registry.access import decide
from mandaatwijzer.registry.errors import (
    ConflictError,
    NotFoundError,
    RuleViolationError,
    ValidationError,
)
from mandaatwijzer.registry.model import EntityGroup, Mandate, Organisation, Person, RightKind
from mandaatwijzer.registry.ports import Page, Repository
from mandaatwijzer.registry.queries import (
    MAX_PAGE,
    Applicant,
    applicants_for,
    awaiting_signature,
    may_manage,
    persons_for,
)

from .scenario import TODAY, Cast, days, person_party, standard_cast


@dataclass
class Busy:
    """The standard cast with mandates in several states and a few more applicants."""

    cast: Cast
    theater: Organisation          # an economic actor; mandate to P active
    academy: Organisation          # an organising authority; the colleague holds KIOSK Aanvrager
    helper: Person                 # holds a mandate from the applicant
    waiting: Person                # gave P a mandate that awaits P's signature
    stopped: Person                # gave P a mandate, stopped
    leaving: Person                # gave P a mandate that awaits transfer to Q
    mandates: dict[str, Mandate]


@pytest.fixture
def busy() -> Busy:
    cast = standard_cast()
    world = cast.world
    theater = world.organisation("Theater Tafel")
    academy = world.organisation("Academie", EntityGroup.ORGANISING_AUTHORITY)
    world.grant(academy, cast.colleague, RightKind.KIOSK_APPLICANT)
    helper = world.person("Hanne Helper")
    waiting, stopped, leaving = (world.person(name) for name in
                                 ("Wim Wachtend", "Stien Gestopt", "Lea Vertrekkend"))
    mandates = {
        "applicant": world.mandate(cast.applicant, cast.provider),
        "theater": world.mandate(theater, cast.provider),
        "helper": world.mandate(cast.applicant, helper),
        "waiting": world.mandate(waiting, cast.provider, "awaiting_taker"),
        "stopped": world.mandate(stopped, cast.provider, "stopped"),
        "leaving": world.mandate(leaving, cast.provider, "pending_transfer",
                                 new_taker=cast.new_provider),
        "not yet": world.mandate(theater, cast.new_provider, "awaiting_giver"),
    }
    return Busy(cast, theater, academy, helper, waiting, stopped, leaving, mandates)


def names(page: Page[Applicant] | Page[Person]) -> list[str]:
    return [item.name for item in page.items]


# --- applicants a person may act for ---------------------------------------------------------


def test_an_executor_may_act_for_themself_and_for_the_givers_of_mandates_in_force(
        busy: Busy) -> None:
    cast = busy.cast
    page = applicants_for(cast.world.repo, cast.mandate_executor.id, TODAY)
    assert names(page) == ["Ulla Uitvoerder", "Anna Aanvrager", "Lea Vertrekkend",
                           "Theater Tafel"]
    assert page.items[0].party == cast.mandate_executor.party
    assert page.items[3].party == busy.theater.party
    assert (page.total, page.has_next) == (4, False)


def test_legal_representatives_and_kiosk_aanvragers_may_act_for_their_organisations(
        busy: Busy) -> None:
    cast = busy.cast
    rep = cast.world.representative(busy.theater)
    assert names(applicants_for(cast.world.repo, rep.id, TODAY)) == [rep.name, "Theater Tafel"]
    cast.world.grant(busy.theater, cast.colleague, RightKind.KIOSK_APPLICANT)
    # The academy (an organising authority) has no documented route: not listed.
    assert names(applicants_for(cast.world.repo, cast.colleague.id, TODAY)) == [
        "Kobe Collega", "Theater Tafel"]


def test_a_person_with_a_mandate_may_act_for_its_giver(busy: Busy) -> None:
    cast = busy.cast
    assert names(applicants_for(cast.world.repo, busy.helper.id, TODAY)) == [
        "Hanne Helper", "Anna Aanvrager"]


def test_the_listing_follows_the_day_asked_about(busy: Busy) -> None:
    cast = busy.cast
    world = cast.world
    relation = world.relation(cast.provider, cast.mandate_executor)
    right = next(r for r in world.repo.rights_on([relation.id]))
    world.withdraw(cast.provider, right, effective=days(3))
    assert applicants_for(world.repo, cast.mandate_executor.id, days(2)).total == 4
    assert names(applicants_for(world.repo, cast.mandate_executor.id, days(3))) == [
        "Ulla Uitvoerder"]


# --- persons who may act for an applicant ---------------------------------------------------


def test_the_persons_for_a_person_applicant_are_themself_their_mandate_takers_and_executors(
        busy: Busy) -> None:
    cast = busy.cast
    page = persons_for(cast.world.repo, cast.applicant.party, TODAY)
    assert names(page) == ["Anna Aanvrager", "Hanne Helper", "Ulla Uitvoerder"]
    assert page.total == 3


def test_the_persons_for_an_organisation_are_its_representatives_aanvragers_and_executors(
        busy: Busy) -> None:
    cast = busy.cast
    world = cast.world
    world.grant(busy.theater, cast.colleague, RightKind.KIOSK_APPLICANT)
    page = persons_for(world.repo, busy.theater.party, TODAY)
    assert names(page) == ["Kobe Collega", "Rep of Theater Tafel", "Ulla Uitvoerder"]


def test_no_one_acts_for_an_organising_authority_through_the_user_management(
        busy: Busy) -> None:
    cast = busy.cast
    page = persons_for(cast.world.repo, busy.academy.party, TODAY)
    assert names(page) == ["Rep of Academie"]


# --- mandates awaiting a person's signature --------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [
    ("mandate_manager", ["waiting"]),
    ("legal_rep", ["waiting"]),
    ("new_provider_manager", ["leaving"]),
    ("applicant", []),
    ("mandate_executor", []),
    ("without_eid", []),
])
def test_the_mandates_awaiting_a_persons_signature_are_those_they_may_sign(
        busy: Busy, role: str, expected: list[str]) -> None:
    cast = busy.cast
    page = awaiting_signature(cast.world.repo, cast.role(role).id, TODAY)
    assert [m.id for m in page.items] == [busy.mandates[key].id for key in expected]


def test_a_giver_sees_the_mandates_awaiting_their_own_signature(busy: Busy) -> None:
    cast = busy.cast
    rep = cast.world.representative(busy.theater)
    page = awaiting_signature(cast.world.repo, rep.id, TODAY)
    assert [m.id for m in page.items] == [busy.mandates["not yet"].id]


def test_every_listed_mandate_can_be_signed_by_that_person_and_no_other_can(
        busy: Busy) -> None:
    world = busy.cast.world
    uow = world.uow
    for person in _everyone(busy):
        listed = {m.id for m in awaiting_signature(world.repo, person.id, TODAY).items}
        for mandate in busy.mandates.values():
            saved, events = copy.deepcopy(uow.committed), list(uow.events)
            try:
                services.sign_mandate(uow, world.clock, person.id, mandate.id)
            except (RuleViolationError, ConflictError):
                signed = False
            else:
                signed = True
                uow.committed, uow.events = saved, events
                uow.rollback()
            assert signed == (mandate.id in listed), (person.name, mandate.id)


def _everyone(busy: Busy) -> list[Person]:
    return [p for p in busy.cast.world.uow.committed.entities[Person].values()
            if isinstance(p, Person)]


def test_an_awaiting_mandate_past_its_end_date_is_no_longer_listed(busy: Busy) -> None:
    cast = busy.cast
    world = cast.world
    ending = world.mandate(busy.helper, cast.provider, "awaiting_taker", end=days(5))
    assert ending.id in {m.id for m in awaiting_signature(world.repo, cast.mandate_manager.id,
                                                          days(5)).items}
    assert ending.id not in {m.id for m in awaiting_signature(
        world.repo, cast.mandate_manager.id, days(6)).items}


# --- the listings agree with may_manage ------------------------------------------------------


def test_the_applicants_listed_are_exactly_those_may_manage_allows(busy: Busy) -> None:
    cast = busy.cast
    repo = cast.world.repo
    people = [p for p in cast.world.uow.committed.entities[Person].values()
              if isinstance(p, Person)]
    orgs = [o for o in cast.world.uow.committed.entities[Organisation].values()
            if isinstance(o, Organisation)]
    applicants = [*(p.party for p in people), *(o.party for o in orgs)]
    for person in people:
        listed = {a.party for a in applicants_for(repo, person.id, TODAY, limit=MAX_PAGE).items}
        allowed = {a for a in applicants if may_manage(repo, person.id, a, TODAY).allowed}
        assert listed == allowed, person.name
    for applicant in applicants:
        persons = {p.id for p in persons_for(repo, applicant, TODAY, limit=MAX_PAGE).items}
        allowed_persons = {p.id for p in people
                           if may_manage(repo, p.id, applicant, TODAY).allowed}
        assert persons == allowed_persons, applicant


def test_the_facts_of_many_applicants_are_each_applicants_once_in_order(busy: Busy) -> None:
    """`Repository.access_facts_many`, which the listing of applicants decides on: the facts
    of each applicant the registry holds, once, in the order asked; an unknown person is not
    found even when no applicant is."""
    cast = busy.cast
    repo = cast.world.repo
    unknown = person_party("P-9999999")
    asked = [unknown, busy.helper.party, cast.applicant.party, busy.theater.party,
             busy.helper.party]
    found = repo.access_facts_many(cast.mandate_executor.id, asked, TODAY)
    assert [f.applicant.party for f in found] == [busy.helper.party, cast.applicant.party,
                                                 busy.theater.party]
    assert [decide(f, TODAY) for f in found] == [
        may_manage(repo, cast.mandate_executor.id, a, TODAY) for a in asked[1:4]]
    for applicants in ([], asked):
        with pytest.raises(NotFoundError):
            repo.access_facts_many("P-9999999", applicants, TODAY)


# --- paging ----------------------------------------------------------------------------------

Listing = Callable[[Cast, int, int], Page[Any]]

#: Each listing, asked so that it has seven items in the `paged` world.
LISTINGS: dict[str, Listing] = {
    "applicants_for": lambda cast, offset, limit: applicants_for(
        cast.world.repo, cast.mandate_executor.id, TODAY, offset, limit),
    "persons_for": lambda cast, offset, limit: persons_for(
        cast.world.repo, cast.applicant.party, TODAY, offset, limit),
    "awaiting_signature": lambda cast, offset, limit: awaiting_signature(
        cast.world.repo, cast.mandate_manager.id, TODAY, offset, limit),
}


@pytest.fixture(scope="module")
def paged() -> Cast:
    """Seven applicants for the executor, seven persons for the applicant, seven mandates
    awaiting the mandate manager."""
    cast = standard_cast()
    world = cast.world
    for n in range(6):
        world.mandate(world.person(f"Gever {n}"), cast.provider)
        world.mandate(cast.applicant, world.person(f"Helper {n}"))
    for n in range(7):
        world.mandate(world.person(f"Wachter {n}"), cast.provider, "awaiting_taker")
    return cast


@pytest.mark.parametrize("listing", LISTINGS)
def test_pages_split_a_listing_without_gaps_or_repeats(paged: Cast, listing: str) -> None:
    ask = LISTINGS[listing]
    whole = ask(paged, 0, MAX_PAGE)
    assert (whole.total, len(whole.items), whole.has_next) == (7, 7, False)
    pages = [ask(paged, offset, 3) for offset in (0, 3, 6)]
    assert [len(page.items) for page in pages] == [3, 3, 1]
    assert [page.has_next for page in pages] == [True, True, False]
    assert all(page.total == 7 for page in pages)
    assert [(page.offset, page.limit) for page in pages] == [(0, 3), (3, 3), (6, 3)]
    assert [item for page in pages for item in page.items] == list(whole.items)


@pytest.mark.parametrize("listing", LISTINGS)
def test_a_page_past_the_end_is_empty(paged: Cast, listing: str) -> None:
    for offset in (7, 100):
        page = LISTINGS[listing](paged, offset, 3)
        assert (list(page.items), page.total, page.has_next) == ([], 7, False)


@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize(("offset", "limit", "field"), [
    pytest.param(-1, 10, "offset", id="negative-offset"),
    pytest.param(0, 0, "limit", id="zero-limit"),
    pytest.param(0, -5, "limit", id="negative-limit"),
    pytest.param(0, MAX_PAGE + 1, "limit", id="limit-above-the-maximum"),
])
def test_a_bad_offset_or_limit_is_a_validation_error_naming_the_field(
        paged: Cast, listing: str, offset: int, limit: int, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        LISTINGS[listing](paged, offset, limit)
    assert refused.value.field == field
    assert refused.value.status == 422


@pytest.mark.parametrize("ask", [
    pytest.param(lambda repo: applicants_for(repo, "P-nobody", TODAY), id="applicants_for"),
    pytest.param(lambda repo: persons_for(repo, person_party("P-nobody"), TODAY),
                 id="persons_for"),
    pytest.param(lambda repo: awaiting_signature(repo, "P-nobody", TODAY),
                 id="awaiting_signature"),
])
def test_an_unknown_person_is_not_found(paged: Cast, ask: Callable[[Repository], object]) -> None:
    with pytest.raises(NotFoundError):
        ask(paged.world.repo)


def test_bad_paging_is_reported_before_an_unknown_person(paged: Cast) -> None:
    with pytest.raises(ValidationError):
        applicants_for(paged.world.repo, "P-nobody", TODAY, -1, 10)
