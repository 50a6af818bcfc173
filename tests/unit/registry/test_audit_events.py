"""The audit trail: each use case records its change with actor, action, before and after,
in the same transaction; national numbers appear masked only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mandaatwijzer.registry import services
from mandaatwijzer.registry.audit import snapshot
from mandaatwijzer.registry.model import Person, RightKind
from mandaatwijzer.registry.ports import AuditEvent

from .scenario import Cast, MandateState, World, moment, national_number, standard_cast


@dataclass(frozen=True)
class Case:
    """A use case run by `act` (returning the changed entity's id); what its event says."""

    act: Callable[[Cast], str]
    actor: Callable[[Cast], str]
    action: str
    entity: str
    #: The fields that differ between before and after; None: a creation (no before).
    changes: frozenset[str] | None = None


def _relation(cast: Cast) -> str:
    return cast.world.relation(cast.provider, cast.newcomer).id


def _executor_right(cast: Cast) -> str:
    relation = cast.world.relation(cast.provider, cast.mandate_executor)
    return next(r.id for r in cast.world.repo.rights_on([relation.id]))


def _mandate(state: MandateState) -> Callable[[Cast], str]:
    def setup(cast: Cast) -> str:
        return cast.world.mandate(cast.applicant, cast.provider, state,
                                  new_taker=cast.new_provider).id
    return setup


def _then(setup: Callable[[Cast], str],
          use_case: Callable[[World, str, str], object], actor: str) -> Callable[[Cast], str]:
    """Set up a mandate, then run `use_case` on it as `actor`; the changed entity is it."""
    def act(cast: Cast) -> str:
        mandate_id = setup(cast)
        use_case(cast.world, cast.role(actor).id, mandate_id)
        return mandate_id
    return act


def _sign(world: World, actor: str, mandate: str) -> object:
    return services.sign_mandate(world.uow, world.clock, actor, mandate)


def _refuse(world: World, actor: str, mandate: str) -> object:
    return services.refuse_mandate(world.uow, world.clock, actor, mandate)


def _stop(world: World, actor: str, mandate: str) -> object:
    return services.stop_mandate(world.uow, world.clock, actor, mandate)


SYSTEM: Callable[[Cast], str] = lambda cast: services.SYSTEM  # noqa: E731
CASES: dict[str, Case] = {
    "register_person": Case(
        lambda cast: services.register_person(cast.world.uow, cast.world.clock,
                                              national_number(500), "Nieuwe Persoon").id,
        SYSTEM, "register_person", "person"),
    "register_organisation": Case(
        lambda cast: services.register_organisation(
            cast.world.uow, cast.world.clock, "Nieuwe vzw", "de_facto_association",
            legal_representatives=[cast.outsider.id]).id,
        SYSTEM, "register_organisation", "organisation"),
    "add_dossier": Case(
        lambda cast: services.add_dossier(cast.world.uow, cast.world.clock,
                                          cast.applicant.party, "Projectsubsidie 2025").id,
        SYSTEM, "add_dossier", "dossier"),
    "appoint_local_admin": Case(
        lambda cast: services.appoint_local_admin(cast.world.uow, cast.world.clock,
                                                  cast.legal_rep.id, cast.provider.id,
                                                  cast.newcomer.id).id,
        lambda cast: cast.legal_rep.id, "appoint_local_admin", "local_admin"),
    "add_work_relation": Case(
        lambda cast: services.add_work_relation(cast.world.uow, cast.world.clock,
                                                cast.local_admin.id, cast.provider.id,
                                                cast.recruit.id).id,
        lambda cast: cast.local_admin.id, "add_work_relation", "work_relation"),
    "grant_right": Case(
        lambda cast: services.grant_right(cast.world.uow, cast.world.clock,
                                          cast.local_admin.id, _relation(cast),
                                          RightKind.MANDATE_EXECUTOR.value).id,
        lambda cast: cast.local_admin.id, "grant_right", "right"),
    "withdraw_right": Case(
        lambda cast: services.withdraw_right(cast.world.uow, cast.world.clock,
                                             cast.local_admin.id, _executor_right(cast)).id,
        lambda cast: cast.local_admin.id, "withdraw_right", "right",
        frozenset({"withdrawn_on", "withdrawn_by"})),
    "create_mandate": Case(
        lambda cast: services.create_mandate(cast.world.uow, cast.world.clock,
                                             cast.applicant.id, cast.applicant.party,
                                             cast.provider.party).id,
        lambda cast: cast.applicant.id, "create_mandate", "mandate"),
    "sign_mandate": Case(
        _then(_mandate("awaiting_taker"), _sign, "mandate_manager"),
        lambda cast: cast.mandate_manager.id, "sign_mandate", "mandate",
        frozenset({"taker_signature"})),
    "refuse_mandate": Case(
        _then(_mandate("awaiting_giver"), _refuse, "applicant"),
        lambda cast: cast.applicant.id, "refuse_mandate", "mandate",
        frozenset({"stopped_by", "stopped_at"})),
    "stop_mandate": Case(
        _then(_mandate("active"), _stop, "legal_rep"),
        lambda cast: cast.legal_rep.id, "stop_mandate", "mandate",
        frozenset({"stopped_by", "stopped_at"})),
    "transfer_mandate": Case(
        lambda cast: services.transfer_mandate(cast.world.uow, cast.world.clock,
                                               cast.applicant.id, _mandate("active")(cast),
                                               cast.new_provider.party).id,
        lambda cast: cast.applicant.id, "transfer_mandate", "mandate",
        frozenset({"pending_transfer_to"})),
    "refuse_transfer": Case(
        _then(_mandate("pending_transfer"), _refuse, "new_provider_manager"),
        lambda cast: cast.new_provider_manager.id, "refuse_transfer", "mandate",
        frozenset({"pending_transfer_to"})),
}


def _run(cast: Cast, case: Case) -> tuple[str, list[AuditEvent]]:
    """Run the case's set-up and use case; return the entity id and the events of the last
    transaction (the use case's own)."""
    world = cast.world
    marks: list[int] = []
    commit = world.uow.commit

    def remember() -> None:
        marks.append(len(world.uow.events))
        commit()

    world.uow.commit = remember  # type: ignore[method-assign]
    try:
        entity_id = case.act(cast)
    finally:
        world.uow.commit = commit  # type: ignore[method-assign]
    return entity_id, world.uow.events[marks[-1]:]


def _stored(cast: Cast, entity: str, entity_id: str) -> dict[str, Any]:
    kinds = {kind.__name__.lower(): found
             for kind, found in cast.world.uow.committed.entities.items()}
    return snapshot(kinds[entity.replace("_", "")][entity_id])


@pytest.mark.parametrize("name", CASES)
def test_each_use_case_records_exactly_one_event_with_actor_action_before_and_after(
        name: str) -> None:
    cast, case = standard_cast(), CASES[name]
    entity_id, events = _run(cast, case)
    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.action) == (case.actor(cast), case.action)
    assert (event.entity, event.entity_id) == (case.entity, entity_id)
    assert event.at == moment(cast.world.today)
    assert event.after == _stored(cast, case.entity, entity_id)
    if case.changes is None:
        assert event.before is None
    else:
        assert event.before is not None
        changed = {key for key in event.after if event.before[key] != event.after[key]}
        assert changed == case.changes


def test_accepting_a_transfer_records_the_new_mandate_and_the_handed_over_one() -> None:
    cast = standard_cast()
    world = cast.world
    old = world.mandate(cast.applicant, cast.provider, "pending_transfer",
                        new_taker=cast.new_provider)
    events = len(world.uow.events)
    successor = services.sign_mandate(world.uow, world.clock, cast.new_provider_manager.id,
                                      old.id)
    created, handed_over = world.uow.events[events:]
    assert {created.action, handed_over.action} == {"accept_transfer"}
    assert {created.actor, handed_over.actor} == {cast.new_provider_manager.id}
    assert (created.entity_id, created.before) == (successor.id, None)
    assert created.after == _stored(cast, "mandate", successor.id)
    assert handed_over.entity_id == old.id
    assert handed_over.before is not None
    assert handed_over.after is not None
    assert handed_over.before["successor_id"] is None
    assert handed_over.after["successor_id"] == successor.id
    assert handed_over.after["pending_transfer_to"] is None


def test_a_registered_persons_national_number_is_masked_in_the_event() -> None:
    world = World()
    number = national_number(321)
    services.register_person(world.uow, world.clock, number, "Tweede Persoon")
    after = world.uow.events[-1].after
    assert after is not None
    assert after["national_number"] == f"**.**.**-***.{number[-2:]}"


def test_no_event_of_a_whole_scenario_holds_a_national_number_in_full() -> None:
    cast = standard_cast()
    world = cast.world
    world.mandate(cast.applicant, cast.provider, "transferred", new_taker=cast.new_provider)
    numbers = {p.national_number.value for p in world.uow.committed.entities[Person].values()
               if isinstance(p, Person)}
    trail = repr(world.uow.events)
    assert len(numbers) > 10
    for number in numbers:
        assert number not in trail
        assert re.sub(r"(\d{2})(\d{2})(\d{2})(\d{3})(\d{2})", r"\1.\2.\3-\4.\5", number) \
            not in trail
