"""The consequence a confirmation page states (`registry/consequences.py`) is exactly what the
change does to the access decision: for every person and every applicant of the world, the
answers of `may_manage` on the consequence's day before and after the use case differ exactly
for the pairs the consequence lists, no more, no less."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from mandaatwijzer.registry import consequences, queries, services, views
from mandaatwijzer.registry.consequences import Access, SignSide
from mandaatwijzer.registry.errors import RuleViolationError
from mandaatwijzer.registry.model import MandateStatus, Organisation, Person, RightKind

from .scenario import World, days, moment

Answers = dict[tuple[str, str], bool]


def _everyone(world: World) -> tuple[list[Person], list[Person | Organisation]]:
    persons = list(world.repo.persons(0, 200).items)
    return persons, [*persons, *world.repo.organisations(0, 200).items]


def _answers(world: World, day: date) -> Answers:
    persons, applicants = _everyone(world)
    return {(p.name, a.name): queries.may_manage(world.repo, p.id, a.party, day).allowed
            for p in persons for a in applicants}


def _listed(accesses: tuple[Access, ...]) -> set[tuple[str, str]]:
    return {(a.person_name, name) for a in accesses for name in a.applicant_names}


def _changed(world: World, day: date, change: Callable[[], object]) -> tuple[set[tuple[str, str]],
                                                                              set[tuple[str, str]]]:
    """(pairs that lose access, pairs that gain it) on `day` when `change` runs."""
    before = _answers(world, day)
    change()
    after = _answers(world, day)
    return ({pair for pair, allowed in before.items() if allowed and not after[pair]},
            {pair for pair, allowed in before.items() if not allowed and after[pair]})


@pytest.fixture
def world() -> World:
    """Provider P (executors Emil and Xena; Xena also works at Q), Q (Xena executor), giver
    Bakkerij with mandates to P and Q, Anna with one to P."""
    w = World()
    p, q = w.provider("P"), w.provider("Q")
    emil, xena = w.person("Emil"), w.person("Xena")
    w.grant(p, emil, RightKind.MANDATE_EXECUTOR)
    w.grant(p, xena, RightKind.MANDATE_EXECUTOR)
    w.grant(q, xena, RightKind.MANDATE_EXECUTOR)
    w.grant(p, w.person("Mia"), RightKind.MANDATE_MANAGER)
    bakery = w.organisation("Bakkerij")
    anna = w.person("Anna")
    w.mandate(bakery, p)
    w.mandate(bakery, q)
    w.mandate(anna, p)
    return w


def _org(world: World, name: str) -> Organisation:
    return next(o for o in world.repo.organisations(0, 200).items if o.name == name)


def _person(world: World, name: str) -> Person:
    return next(p for p in world.repo.persons(0, 200).items if p.name == name)


def test_withdrawing_an_executor_right_lists_the_dossiers_lost_through_it_only(
        world: World) -> None:
    p = _org(world, "P")
    xena = _person(world, "Xena")
    right = next(r for r in world.repo.rights_on(
        [w.id for w in world.repo.work_relations_of(xena.id) if w.organisation_id == p.id]))
    found = consequences.withdrawal(world.repo, right.id, world.today, "system")
    # Xena keeps Bakkerij through Q; she loses Anna, who gave Q no mandate.
    assert _listed(found.lost) == {("Xena", "Anna")}
    lost, gained = _changed(world, found.day, lambda: world.withdraw(p, right))
    assert lost == _listed(found.lost)
    assert gained == set()


def test_a_withdrawal_from_a_later_day_is_counted_on_that_day(world: World) -> None:
    p = _org(world, "P")
    emil = _person(world, "Emil")
    right = world.repo.rights_on([world.relation(p, emil).id])[0]
    found = consequences.withdrawal(world.repo, right.id, days(7), "system")
    assert found.day == days(7)
    assert _listed(found.lost) == {("Emil", "Bakkerij"), ("Emil", "Anna")}
    lost, _ = _changed(world, days(7), lambda: world.withdraw(p, right, effective=days(7)))
    assert lost == _listed(found.lost)
    assert queries.may_manage(world.repo, emil.id, _org(world, "Bakkerij").party,
                              world.today).allowed


def test_withdrawing_the_manager_right_takes_no_dossier_away(world: World) -> None:
    p = _org(world, "P")
    mia = _person(world, "Mia")
    right = world.repo.rights_on([world.relation(p, mia).id])[0]
    assert consequences.withdrawal(world.repo, right.id, world.today, "system").lost == ()


def test_stopping_lists_whoever_acted_through_the_mandate_only(world: World) -> None:
    bakery, p = _org(world, "Bakkerij"), _org(world, "P")
    mandate = next(m for m in world.repo.mandates_given_by(bakery.party) if m.taker == p.party)
    found = consequences.stopping(world.repo, mandate.id, moment(world.today), "system")
    assert _listed(found.lost) == {("Emil", "Bakkerij")}  # Xena keeps it through Q
    assert found.cancels_transfer_to is None
    lost, gained = _changed(world, found.day, lambda: services.stop_mandate(
        world.uow, world.clock, world.representative(bakery).id, mandate.id))
    assert lost == _listed(found.lost)
    assert gained == set()
    again = consequences.stopping(world.repo, mandate.id, moment(world.today), "system")
    assert again.already
    assert again.lost == ()


def test_stopping_a_mandate_that_has_not_started_counts_from_its_start(world: World) -> None:
    bob = world.person("Bob")
    q = _org(world, "Q")
    mandate = world.mandate(bob, q, start=days(10))
    found = consequences.stopping(world.repo, mandate.id, moment(world.today), "system")
    assert found.on == world.today
    assert found.day == days(10)
    assert _listed(found.lost) == {("Xena", "Bob")}
    lost, _ = _changed(world, days(10), lambda: services.stop_mandate(
        world.uow, world.clock, bob.id, mandate.id))
    assert lost == _listed(found.lost)


def test_signing_that_completes_a_mandate_lists_who_gains_from_its_start(world: World) -> None:
    q = _org(world, "Q")
    anna = _person(world, "Anna")
    mandate = world.mandate(anna, q, "awaiting_taker", start=days(3))
    found = consequences.signing(world.repo, mandate.id, moment(world.today), "system")
    assert found.side is SignSide.TAKER
    assert found.side_name == "Q"
    assert found.day == days(3)
    assert found.still_awaits is None
    assert _listed(found.gained) == set()  # Xena already manages Anna's dossiers through P
    assert [s.side for s in found.mandate.signatures] == [SignSide.GIVER]
    assert found.mandate.giver.number is not None
    assert found.mandate.giver.number.startswith("**.**.**-***.")
    lost, gained = _changed(world, days(3), lambda: services.sign_mandate(
        world.uow, world.clock, world.representative(q).id, mandate.id))
    assert (lost, gained) == (set(), _listed(found.gained))


def test_signing_a_mandate_from_a_new_giver_lists_every_executor_of_the_taker(
        world: World) -> None:
    p = _org(world, "P")
    bob = world.person("Bob")
    mandate = world.mandate(bob, p, "awaiting_giver")
    found = consequences.signing(world.repo, mandate.id, moment(world.today), "system")
    assert found.side is SignSide.GIVER
    assert _listed(found.gained) == {("Emil", "Bob"), ("Xena", "Bob")}
    _, gained = _changed(world, found.day, lambda: services.sign_mandate(
        world.uow, world.clock, bob.id, mandate.id))
    assert gained == _listed(found.gained)
    again = consequences.signing(world.repo, mandate.id, moment(world.today), "system",
                                 SignSide.GIVER)
    assert again.already


def test_accepting_a_transfer_lists_who_loses_and_who_gains(world: World) -> None:
    anna = _person(world, "Anna")
    p, q = _org(world, "P"), _org(world, "Q")
    mandate = next(m for m in world.repo.mandates_given_by(anna.party) if m.taker == p.party)
    services.transfer_mandate(world.uow, world.clock, anna.id, mandate.id, q.party)
    stop = consequences.stopping(world.repo, mandate.id, moment(world.today), "system")
    assert stop.cancels_transfer_to == "Q"
    found = consequences.signing(world.repo, mandate.id, moment(world.today), "system")
    assert found.side is SignSide.TRANSFER
    assert _listed(found.lost) == {("Emil", "Anna")}
    assert _listed(found.gained) == set()  # Xena works at both
    lost, gained = _changed(world, found.day, lambda: services.sign_mandate(
        world.uow, world.clock, world.representative(q).id, mandate.id))
    assert (lost, gained) == (_listed(found.lost), _listed(found.gained))
    assert consequences.signing(world.repo, mandate.id, moment(world.today), "system",
                                SignSide.TRANSFER).already


def test_refusing_changes_no_access_and_a_second_refusal_is_recognised(world: World) -> None:
    q = _org(world, "Q")
    bob = world.person("Bob")
    mandate = world.mandate(bob, q, "awaiting_taker")
    found = consequences.refusal(world.repo, mandate.id, moment(world.today), "system")
    assert found.side is SignSide.TAKER
    assert found.lost == ()
    lost, gained = _changed(world, world.today, lambda: services.refuse_mandate(
        world.uow, world.clock, world.representative(q).id, mandate.id))
    assert (lost, gained) == (set(), set())
    again = consequences.refusal(world.repo, mandate.id, moment(world.today), "system",
                                 SignSide.TAKER)
    assert again.already
    assert again.mandate.status is MandateStatus.STOPPED


def test_the_reads_apply_the_read_policy(world: World) -> None:
    p = _org(world, "P")
    emil = _person(world, "Emil")
    right = world.repo.rights_on([world.relation(p, emil).id])[0]
    with pytest.raises(RuleViolationError):
        views.withdrawal(world.repo, emil, right.id, world.today, world.today)
    assert views.withdrawal(world.repo, world.representative(p), right.id, world.today,
                            world.today).lost
    bakery = _org(world, "Bakkerij")
    mandate = world.repo.mandates_given_by(bakery.party)[0]
    anna = _person(world, "Anna")
    for read in (views.stopping, views.signing, views.refusal):
        with pytest.raises(RuleViolationError):
            read(world.repo, anna, mandate.id, moment(world.today))
    assert views.stopping(world.repo, None, mandate.id, moment(world.today)).lost
