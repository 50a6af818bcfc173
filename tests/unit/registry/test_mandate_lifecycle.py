"""The life cycle of a mandate: signing, stopping, refusing, expiry, transfer, duplicates.

Also the time line of rights and work relations, which the same rules govern (end dates,
withdrawal, no duplicates).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest

from mandaatwijzer.registry import services
from mandaatwijzer.registry.errors import ConflictError, ValidationError
from mandaatwijzer.registry.model import MandateStatus, RightKind

from .scenario import (
    TODAY,
    Cast,
    MandateState,
    clock_on,
    days,
    moment,
    national_number,
    refused_without_trace,
    standard_cast,
)


@pytest.fixture
def cast() -> Cast:
    return standard_cast()


# --- signing ---------------------------------------------------------------------------------


def test_a_mandate_the_giver_creates_awaits_the_taker_and_is_active_once_the_taker_signs(
        cast: Cast) -> None:
    world = cast.world
    created = services.create_mandate(world.uow, clock_on(days(-2)), cast.applicant.id,
                                      cast.applicant.party, cast.provider.party)
    assert created.status(days(-2)) is MandateStatus.AWAITING_TAKER
    assert created.giver_signature is not None
    assert created.giver_signature.by == cast.applicant.id
    assert created.activated_at is None
    assert not created.in_force(days(-2))
    signed = services.sign_mandate(world.uow, world.clock, cast.mandate_manager.id, created.id)
    assert signed.status(TODAY) is MandateStatus.ACTIVE
    assert signed.in_force(TODAY)
    assert signed.taker_signature is not None
    assert signed.taker_signature.by == cast.mandate_manager.id
    assert signed.activated_at == moment(TODAY)


def test_a_mandate_the_taker_creates_awaits_the_giver_and_is_active_once_the_giver_signs(
        cast: Cast) -> None:
    world = cast.world
    created = services.create_mandate(world.uow, world.clock, cast.legal_rep.id,
                                      cast.applicant.party, cast.provider.party)
    assert created.status(TODAY) is MandateStatus.AWAITING_GIVER
    assert created.giver_signature is None
    signed = services.sign_mandate(world.uow, world.clock, cast.applicant.id, created.id)
    assert signed.status(TODAY) is MandateStatus.ACTIVE
    assert signed.giver_signature is not None
    assert signed.giver_signature.by == cast.applicant.id


def test_a_mandate_between_two_persons_is_signed_by_each_for_themself(cast: Cast) -> None:
    world = cast.world
    helper = world.person("Hanne Helper")
    created = services.create_mandate(world.uow, world.clock, helper.id, cast.applicant.party,
                                      helper.party)
    assert created.status(TODAY) is MandateStatus.AWAITING_GIVER
    signed = services.sign_mandate(world.uow, world.clock, cast.applicant.id, created.id)
    assert signed.in_force(TODAY)


# --- stopping and refusing -------------------------------------------------------------------


@pytest.mark.parametrize("side", ["giver", "taker"])
def test_either_side_can_stop_an_active_mandate(cast: Cast, side: str) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider)
    stopper = cast.applicant if side == "giver" else cast.mandate_manager
    stopped = services.stop_mandate(world.uow, clock_on(days(3)), stopper.id, mandate.id)
    assert stopped.status(days(3)) is MandateStatus.STOPPED
    assert (stopped.stopped_by, stopped.stopped_at) == (stopper.id, moment(days(3)))
    assert stopped.activated_at == moment(TODAY)
    assert not stopped.in_force(days(3))


@pytest.mark.parametrize("state", ["awaiting_giver", "awaiting_taker"])
def test_either_side_can_stop_a_mandate_still_awaiting_a_signature(
        cast: Cast, state: MandateState) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, state)
    for stopper in (cast.applicant, cast.legal_rep):
        fresh = world.mandate(cast.applicant, cast.provider, state) if stopper is cast.legal_rep \
            else mandate
        stopped = services.stop_mandate(world.uow, world.clock, stopper.id, fresh.id)
        assert stopped.status(TODAY) is MandateStatus.STOPPED


@pytest.mark.parametrize(("state", "refuser"), [("awaiting_taker", "mandate_manager"),
                                                ("awaiting_giver", "applicant")])
def test_refusing_to_sign_stops_a_mandate_that_was_never_active(
        cast: Cast, state: MandateState, refuser: str) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, state)
    refused = services.refuse_mandate(world.uow, world.clock, cast.role(refuser).id, mandate.id)
    assert refused.status(TODAY) is MandateStatus.STOPPED
    assert refused.stopped_by == cast.role(refuser).id
    assert refused.activated_at is None


# --- time: expiry and start ------------------------------------------------------------------


def test_an_end_date_expires_a_mandate_without_any_job_running(cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, end=days(10))
    stored = world.state()
    assert mandate.status(days(10)) is MandateStatus.ACTIVE
    assert mandate.in_force(days(10))
    assert mandate.status(days(11)) is MandateStatus.EXPIRED
    assert not mandate.in_force(days(11))
    # Nothing was written: the status follows from the date alone.
    assert world.state() == stored
    assert world.stored(mandate).status(days(11)) is MandateStatus.EXPIRED


def test_an_unsigned_mandate_past_its_end_date_is_expired_and_can_no_longer_be_signed(
        cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, "awaiting_taker", end=days(5))
    assert mandate.status(days(5)) is MandateStatus.AWAITING_TAKER
    assert mandate.status(days(6)) is MandateStatus.EXPIRED
    refused_without_trace(world, ConflictError, lambda: services.sign_mandate(
        world.uow, clock_on(days(6)), cast.mandate_manager.id, mandate.id))


def test_a_mandate_that_has_not_started_is_active_but_not_in_force_before_its_start(
        cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, "not_started")
    assert mandate.period.start == days(10)
    assert mandate.status(TODAY) is MandateStatus.ACTIVE
    assert not mandate.in_force(days(9))
    assert mandate.in_force(days(10))


@pytest.mark.parametrize(("start", "end", "problem"), [
    pytest.param(days(-5), days(-1), "in the past", id="end-in-the-past"),
    pytest.param(days(10), days(9), "before the start", id="end-before-start"),
])
def test_a_mandate_end_in_the_past_or_before_its_start_is_refused_naming_the_end(
        cast: Cast, start: date, end: date, problem: str) -> None:
    world = cast.world
    error = refused_without_trace(world, ValidationError, lambda: services.create_mandate(
        world.uow, world.clock, cast.applicant.id, cast.applicant.party, cast.provider.party,
        start=start, end=end))
    assert isinstance(error, ValidationError)
    assert error.field == "end"
    assert problem in error.problem


# --- transfer --------------------------------------------------------------------------------


def test_a_transfer_awaits_the_new_provider_while_the_old_mandate_stays_in_force(
        cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, end=days(100))
    proposed = services.transfer_mandate(world.uow, clock_on(days(1)), cast.mandate_manager.id,
                                         mandate.id, cast.new_provider.party)
    assert proposed.pending_transfer_to == cast.new_provider.party
    assert proposed.status(days(1)) is MandateStatus.ACTIVE
    assert proposed.in_force(days(1))

    successor = services.sign_mandate(world.uow, clock_on(days(2)),
                                      cast.new_provider_manager.id, mandate.id)
    old = world.stored(mandate)
    assert old.status(days(2)) is MandateStatus.TRANSFERRED
    assert (old.transferred_to, old.successor_id) == (cast.new_provider.party, successor.id)
    assert old.pending_transfer_to is None
    assert not old.in_force(days(2))
    assert successor.status(days(2)) is MandateStatus.ACTIVE
    assert (successor.giver, successor.taker) == (cast.applicant.party, cast.new_provider.party)
    assert successor.predecessor_id == mandate.id
    assert successor.giver_signature == mandate.giver_signature
    assert successor.taker_signature is not None
    assert successor.taker_signature.by == cast.new_provider_manager.id
    assert (successor.period.start, successor.period.end) == (days(2), days(100))
    assert successor.activated_at == moment(days(2))


def test_the_new_provider_can_refuse_a_transfer_and_the_mandate_stays_with_the_old_one(
        cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, "pending_transfer",
                            new_taker=cast.new_provider)
    kept = services.refuse_mandate(world.uow, world.clock, cast.new_provider_manager.id,
                                   mandate.id)
    assert kept.pending_transfer_to is None
    assert kept.taker == cast.provider.party
    assert kept.in_force(TODAY)


def test_stopping_a_mandate_awaiting_transfer_cancels_the_transfer(cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, "pending_transfer",
                            new_taker=cast.new_provider)
    stopped = services.stop_mandate(world.uow, world.clock, cast.applicant.id, mandate.id)
    assert stopped.pending_transfer_to is None
    refused_without_trace(world, ConflictError, lambda: services.sign_mandate(
        world.uow, world.clock, cast.new_provider_manager.id, mandate.id))


def test_a_mandate_cannot_be_transferred_to_a_person_or_to_its_own_taker(cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider)
    for new_taker in (cast.outsider.party, cast.provider.party):
        error = refused_without_trace(world, ValidationError, partial(
            services.transfer_mandate, world.uow, world.clock, cast.applicant.id, mandate.id,
            new_taker))
        assert isinstance(error, ValidationError)
        assert error.field == "new_taker"


# --- actions that do not fit the state are conflicts (409) ----------------------------------


@pytest.mark.parametrize("state", ["stopped", "refused", "transferred", "expired", "active"])
def test_signing_a_mandate_that_awaits_no_signature_is_a_conflict(
        cast: Cast, state: MandateState) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, state, new_taker=cast.new_provider)
    for signer in (cast.applicant, cast.legal_rep):
        error = refused_without_trace(world, ConflictError, partial(
            services.sign_mandate, world.uow, world.clock, signer.id, mandate.id))
        assert isinstance(error, ConflictError)
        assert error.status == 409
        # The mandate by its parties, not by its id.
        assert f"the mandate from {cast.applicant.name} to {cast.provider.name}" in \
            error.message
        assert mandate.id not in error.message


@pytest.mark.parametrize("state", ["stopped", "refused", "transferred", "expired"])
def test_stopping_refusing_or_transferring_a_closed_mandate_is_a_conflict(
        cast: Cast, state: MandateState) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, state, new_taker=cast.new_provider)
    other = world.provider("Derde Bureau BV")
    for action in (
        lambda: services.stop_mandate(world.uow, world.clock, cast.applicant.id, mandate.id),
        lambda: services.refuse_mandate(world.uow, world.clock, cast.applicant.id, mandate.id),
        lambda: services.transfer_mandate(world.uow, world.clock, cast.applicant.id,
                                          mandate.id, other.party),
    ):
        refused_without_trace(world, ConflictError, action)


@pytest.mark.parametrize("state", ["awaiting_giver", "awaiting_taker"])
def test_only_an_active_mandate_can_be_transferred(cast: Cast, state: MandateState) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, state)
    refused_without_trace(world, ConflictError, lambda: services.transfer_mandate(
        world.uow, world.clock, cast.applicant.id, mandate.id, cast.new_provider.party))


# --- duplicates ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["awaiting_giver", "awaiting_taker", "active", "not_started"])
def test_a_second_open_mandate_between_the_same_sides_is_refused(
        cast: Cast, state: MandateState) -> None:
    world = cast.world
    world.mandate(cast.applicant, cast.provider, state)
    refused_without_trace(world, ConflictError, lambda: services.create_mandate(
        world.uow, world.clock, cast.applicant.id, cast.applicant.party, cast.provider.party))


@pytest.mark.parametrize("state", ["stopped", "refused", "expired", "transferred"])
def test_a_new_mandate_may_follow_one_that_is_closed(cast: Cast, state: MandateState) -> None:
    world = cast.world
    world.mandate(cast.applicant, cast.provider, state, new_taker=cast.new_provider)
    again = world.mandate(cast.applicant, cast.provider)
    assert again.in_force(TODAY)


def test_a_mandate_awaiting_transfer_to_q_blocks_a_new_mandate_to_q(cast: Cast) -> None:
    world = cast.world
    world.mandate(cast.applicant, cast.provider, "pending_transfer", new_taker=cast.new_provider)
    refused_without_trace(world, ConflictError, lambda: services.create_mandate(
        world.uow, world.clock, cast.applicant.id, cast.applicant.party,
        cast.new_provider.party))


def test_a_transfer_to_a_provider_that_already_holds_a_mandate_from_the_giver_is_refused(
        cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider)
    world.mandate(cast.applicant, cast.new_provider)
    refused_without_trace(world, ConflictError, lambda: services.transfer_mandate(
        world.uow, world.clock, cast.applicant.id, mandate.id, cast.new_provider.party))


def test_a_second_transfer_while_one_is_pending_is_refused(cast: Cast) -> None:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, "pending_transfer",
                            new_taker=cast.new_provider)
    other = world.provider("Derde Bureau BV")
    refused_without_trace(world, ConflictError, lambda: services.transfer_mandate(
        world.uow, world.clock, cast.applicant.id, mandate.id, other.party))


def test_persons_organisations_relations_admins_and_rights_are_not_registered_twice(
        cast: Cast) -> None:
    world = cast.world
    provider_number = cast.provider.enterprise_number
    assert provider_number is not None
    for action in (
        lambda: services.register_person(world.uow, world.clock, national_number(1), "Twee"),
        lambda: services.register_organisation(world.uow, world.clock, "Kopie BV",
                                               "economic_actor", provider_number.value),
        lambda: services.add_work_relation(world.uow, world.clock, cast.local_admin.id,
                                           cast.provider.id, cast.colleague.id),
        lambda: services.appoint_local_admin(world.uow, world.clock, cast.legal_rep.id,
                                             cast.provider.id, cast.local_admin.id),
        lambda: world.grant(cast.provider, cast.mandate_manager, RightKind.MANDATE_MANAGER),
    ):
        error = refused_without_trace(world, ConflictError, action)
        assert national_number(1) not in str(error)


# --- rights over time ------------------------------------------------------------------------


def test_a_right_that_would_overlap_a_future_grant_of_the_same_right_is_refused(
        cast: Cast) -> None:
    world = cast.world
    world.grant(cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR, start=days(10),
                end=days(20))
    refused_without_trace(world, ConflictError, lambda: world.grant(
        cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR, end=days(10)))
    before = world.grant(cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR, end=days(9))
    after = world.grant(cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR,
                        start=days(21))
    assert before.period.end == days(9)
    assert after.period.start == days(21)


def test_a_withdrawn_right_may_be_granted_again_from_its_withdrawal_on(cast: Cast) -> None:
    world = cast.world
    right = world.grant(cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR)
    world.withdraw(cast.provider, right, effective=days(5))
    refused_without_trace(world, ConflictError, lambda: world.grant(
        cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR, start=days(4)))
    again = world.grant(cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR,
                        start=days(5))
    assert again.active(days(5))


def test_a_withdrawal_takes_effect_on_its_date(cast: Cast) -> None:
    world = cast.world
    right = world.grant(cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR)
    withdrawn = world.withdraw(cast.provider, right, effective=days(5))
    assert (withdrawn.withdrawn_on, withdrawn.withdrawn_by) == (days(5), cast.legal_rep.id)
    assert withdrawn.active(days(4))
    assert not withdrawn.active(days(5))


def test_a_withdrawal_does_not_reach_back_into_the_past(cast: Cast) -> None:
    world = cast.world
    world.employ(cast.provider, cast.recruit, on=days(-10))
    right = world.grant(cast.provider, cast.recruit, RightKind.MANDATE_EXECUTOR, on=days(-10))
    error = refused_without_trace(world, ValidationError, lambda: world.withdraw(
        cast.provider, right, effective=days(-1)))
    assert isinstance(error, ValidationError)
    assert error.field == "on"


def test_withdrawing_a_right_twice_or_after_it_ended_is_a_conflict(cast: Cast) -> None:
    world = cast.world
    right = world.grant(cast.provider, cast.newcomer, RightKind.MANDATE_EXECUTOR)
    world.withdraw(cast.provider, right)
    refused_without_trace(world, ConflictError,
                          lambda: world.withdraw(cast.provider, right, effective=days(1)))
    ending = world.grant(cast.provider, cast.newcomer, RightKind.MANDATE_MANAGER,
                         end=days(3))
    refused_without_trace(world, ConflictError,
                          lambda: world.withdraw(cast.provider, ending, effective=days(4)))


def test_a_work_relation_end_in_the_past_is_refused_naming_the_end(cast: Cast) -> None:
    world = cast.world
    error = refused_without_trace(world, ValidationError, lambda: world.employ(
        cast.provider, cast.recruit, end=TODAY - timedelta(days=1)))
    assert isinstance(error, ValidationError)
    assert error.field == "end"


def test_a_second_work_relation_over_part_of_a_later_ones_period_is_a_conflict(
        cast: Cast) -> None:
    """A relation that starts later covers part of a new open one: refused, naming its start;
    one that ends before the later one begins is a relation of its own."""
    world = cast.world
    world.employ(cast.provider, cast.recruit, start=days(5), end=days(20))
    error = refused_without_trace(world, ConflictError, lambda: world.employ(
        cast.provider, cast.recruit))
    assert "from 2025-03-08, for part of that period" in str(error)
    before = world.employ(cast.provider, cast.recruit, end=days(4))
    assert (before.period.start, before.period.end) == (TODAY, days(4))


def test_a_right_cannot_start_outside_its_work_relation(cast: Cast) -> None:
    world = cast.world
    relation = world.employ(cast.provider, cast.recruit, start=days(5), end=days(20))
    for start, says in ((TODAY, "starts on 2025-03-08"), (days(21), "ended on 2025-03-23")):
        error = refused_without_trace(world, ConflictError, partial(
            services.grant_right, world.uow, world.clock, cast.local_admin.id, relation.id,
            RightKind.MANDATE_EXECUTOR.value, start=start))
        assert says in str(error)
    early = world.grant(cast.provider, cast.recruit, RightKind.MANDATE_EXECUTOR, start=days(5))
    assert early.period.start == days(5)


def test_a_signature_confirmed_for_one_side_never_signs_the_other(cast: Cast) -> None:
    """A second copy of a signing confirmation, sent after the first signed, finds the mandate
    awaiting the other side: it signs nothing."""
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider, "awaiting_taker")
    error = refused_without_trace(world, ConflictError, partial(
        services.sign_mandate, world.uow, world.clock, cast.mandate_manager.id, mandate.id,
        mandate.giver))
    assert "no longer awaits that signature" in error.message
    signed = services.sign_mandate(world.uow, world.clock, cast.mandate_manager.id, mandate.id,
                                   mandate.taker)
    assert signed.taker_signature is not None
