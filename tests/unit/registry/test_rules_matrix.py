"""The authorisation matrix: every role and every action, allowed or refused by a named rule.

Each action is tried by each role in a fresh standard scenario (see `scenario.Cast`). An
allowed action must succeed (and record its audit event); a refused one must raise the
expected error naming the rule, and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from mandaatwijzer.registry import rules, services
from mandaatwijzer.registry.errors import (
    ConflictError,
    NotFoundError,
    RegistryError,
    RuleViolationError,
    ValidationError,
)
from mandaatwijzer.registry.model import (
    EntityGroup,
    Mandate,
    MandateStatus,
    Organisation,
    Person,
    RightKind,
)
from mandaatwijzer.registry.ports import Clock, UnitOfWork

from .scenario import (
    Cast,
    MandateState,
    World,
    clock_on,
    days,
    enterprise_number,
    national_number,
    standard_cast,
)


@dataclass(frozen=True)
class Allowed:
    #: For creating a mandate: the side the actor signed ("giver" or "taker").
    side: str | None = None


@dataclass(frozen=True)
class Refused:
    error: type[RegistryError]
    rule: str


OK = Allowed()
AS_GIVER = Allowed("giver")
AS_TAKER = Allowed("taker")
EID = Refused(RuleViolationError, rules.EID_REQUIRED)
ADMIN = Refused(RuleViolationError, rules.LOCAL_ADMIN_ONLY)
REP = Refused(RuleViolationError, rules.LEGAL_REPRESENTATIVE_ONLY)
PARTY = Refused(RuleViolationError, rules.PARTY_TO_MANDATE)
ORG_SIGNER = Refused(RuleViolationError, rules.SIGNER_FOR_ORGANISATION)
SELF_SIGNER = Refused(RuleViolationError, rules.PERSON_SIGNS_FOR_SELF)
STOPPER = Refused(RuleViolationError, rules.EITHER_SIDE_STOPS)
TRANSFERRER = Refused(RuleViolationError, rules.TRANSFER_BY_PARTY)

ROLES = ("applicant", "legal_rep", "local_admin", "mandate_manager", "mandate_executor",
         "colleague", "outsider", "without_eid", "lg_legal_rep", "new_provider_manager")

# What each role may do. Columns in the order of ROLES:
#  applicant | legal_rep | local_admin | mandate_manager | mandate_executor | colleague |
#  outsider | without_eid (legal rep of P without eID) | lg_legal_rep |
#  new_provider_manager (SSM Mandaatbeheerder at the new provider Q)
MATRIX: dict[str, tuple[Allowed | Refused, ...]] = {
    "add work relation":
        (ADMIN, OK, OK, ADMIN, ADMIN, ADMIN, ADMIN, EID, ADMIN, ADMIN),
    "appoint local admin":
        (REP, OK, REP, REP, REP, REP, REP, EID, REP, REP),
    "grant SSM Mandaatbeheerder":
        (ADMIN, OK, OK, ADMIN, ADMIN, ADMIN, ADMIN, EID, ADMIN, ADMIN),
    "grant SSM Mandaatuitvoerder":
        (ADMIN, OK, OK, ADMIN, ADMIN, ADMIN, ADMIN, EID, ADMIN, ADMIN),
    "grant KIOSK Aanvrager":
        (ADMIN, OK, OK, ADMIN, ADMIN, ADMIN, ADMIN, EID, ADMIN, ADMIN),
    "withdraw right":
        (ADMIN, OK, OK, ADMIN, ADMIN, ADMIN, ADMIN, EID, ADMIN, ADMIN),
    "create mandate":
        (AS_GIVER, AS_TAKER, PARTY, AS_TAKER, PARTY, PARTY, PARTY, EID, PARTY, PARTY),
    "sign as taker":
        (ORG_SIGNER, OK, ORG_SIGNER, OK, ORG_SIGNER, ORG_SIGNER, ORG_SIGNER, EID, ORG_SIGNER,
         ORG_SIGNER),
    "sign as giver":
        (OK, SELF_SIGNER, SELF_SIGNER, SELF_SIGNER, SELF_SIGNER, SELF_SIGNER, SELF_SIGNER,
         SELF_SIGNER, SELF_SIGNER, SELF_SIGNER),
    "refuse as taker":
        (ORG_SIGNER, OK, ORG_SIGNER, OK, ORG_SIGNER, ORG_SIGNER, ORG_SIGNER, EID, ORG_SIGNER,
         ORG_SIGNER),
    "refuse as giver":
        (OK, SELF_SIGNER, SELF_SIGNER, SELF_SIGNER, SELF_SIGNER, SELF_SIGNER, SELF_SIGNER,
         SELF_SIGNER, SELF_SIGNER, SELF_SIGNER),
    "stop":
        (OK, OK, STOPPER, OK, STOPPER, STOPPER, STOPPER, EID, STOPPER, STOPPER),
    "transfer":
        (OK, OK, TRANSFERRER, OK, TRANSFERRER, TRANSFERRER, TRANSFERRER, EID, TRANSFERRER,
         TRANSFERRER),
    "accept transfer":
        (ORG_SIGNER, ORG_SIGNER, ORG_SIGNER, ORG_SIGNER, ORG_SIGNER, ORG_SIGNER, ORG_SIGNER,
         ORG_SIGNER, ORG_SIGNER, OK),
}

Act = Callable[[Person], object]
#: Sets up what the action needs in the scenario, and returns the action itself.
Prepare = Callable[[Cast], Act]


def _relation_id(cast: Cast, person: Person) -> str:
    return cast.world.relation(cast.provider, person).id


def _add_work_relation(cast: Cast) -> Act:
    world = cast.world
    return lambda actor: services.add_work_relation(world.uow, world.clock, actor.id,
                                                    cast.provider.id, cast.recruit.id)


def _appoint(cast: Cast) -> Act:
    world = cast.world
    return lambda actor: services.appoint_local_admin(world.uow, world.clock, actor.id,
                                                      cast.provider.id, cast.newcomer.id)


def _grant(kind: RightKind) -> Prepare:
    def prepare(cast: Cast) -> Act:
        world, relation_id = cast.world, _relation_id(cast, cast.newcomer)
        return lambda actor: services.grant_right(world.uow, world.clock, actor.id,
                                                  relation_id, kind.value)
    return prepare


def _withdraw(cast: Cast) -> Act:
    world = cast.world
    right = next(r for r in world.repo.rights_on([_relation_id(cast, cast.mandate_executor)])
                 if r.kind is RightKind.MANDATE_EXECUTOR)
    return lambda actor: services.withdraw_right(world.uow, world.clock, actor.id, right.id)


def _create(cast: Cast) -> Act:
    world = cast.world
    return lambda actor: services.create_mandate(world.uow, world.clock, actor.id,
                                                 cast.applicant.party, cast.provider.party)


def _on_mandate(state: MandateState,
                use_case: Callable[[UnitOfWork, Clock, str, str], Mandate]) -> Prepare:
    """A mandate from the applicant to P in `state`; the actor then acts on it."""
    def prepare(cast: Cast) -> Act:
        world = cast.world
        mandate = world.mandate(cast.applicant, cast.provider, state,
                                new_taker=cast.new_provider)
        return lambda actor: use_case(world.uow, world.clock, actor.id, mandate.id)
    return prepare


def _transfer(cast: Cast) -> Act:
    world = cast.world
    mandate = world.mandate(cast.applicant, cast.provider)
    return lambda actor: services.transfer_mandate(world.uow, world.clock, actor.id,
                                                   mandate.id, cast.new_provider.party)


ACTIONS: dict[str, Prepare] = {
    "add work relation": _add_work_relation,
    "appoint local admin": _appoint,
    "grant SSM Mandaatbeheerder": _grant(RightKind.MANDATE_MANAGER),
    "grant SSM Mandaatuitvoerder": _grant(RightKind.MANDATE_EXECUTOR),
    "grant KIOSK Aanvrager": _grant(RightKind.KIOSK_APPLICANT),
    "withdraw right": _withdraw,
    "create mandate": _create,
    "sign as taker": _on_mandate("awaiting_taker", services.sign_mandate),
    "sign as giver": _on_mandate("awaiting_giver", services.sign_mandate),
    "refuse as taker": _on_mandate("awaiting_taker", services.refuse_mandate),
    "refuse as giver": _on_mandate("awaiting_giver", services.refuse_mandate),
    "stop": _on_mandate("active", services.stop_mandate),
    "transfer": _transfer,
    "accept transfer": _on_mandate("pending_transfer", services.sign_mandate),
}


def test_the_matrix_covers_every_role_and_every_action() -> None:
    assert set(MATRIX) == set(ACTIONS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())
    cast = standard_cast()
    assert all(isinstance(cast.role(role), Person) for role in ROLES)


CASES = [pytest.param(action, role, MATRIX[action][i], id=f"{action}-{role}")
         for action in MATRIX for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_a_role_may_do_an_action_exactly_when_the_rules_allow_it(
        action: str, role: str, expected: Allowed | Refused) -> None:
    cast = standard_cast()
    act, actor, world = ACTIONS[action](cast), cast.role(role), cast.world
    events, state = len(world.uow.events), world.state()
    if isinstance(expected, Allowed):
        result = act(actor)
        assert world.state() != state
        assert len(world.uow.events) > events
        assert {e.actor for e in world.uow.events[events:]} == {actor.id}
        if expected.side is not None:
            assert isinstance(result, Mandate)
            signed = result.giver_signature if expected.side == "giver" \
                else result.taker_signature
            assert signed is not None
            assert signed.by == actor.id
        return
    with pytest.raises(expected.error) as refused:
        act(actor)
    assert isinstance(refused.value, RuleViolationError)
    assert refused.value.rule == expected.rule
    assert expected.rule not in refused.value.message  # a sentence for a person, no code
    assert world.state() == state
    assert len(world.uow.events) == events


# --- the rules the matrix does not reach: who may be a side, and where rights exist --------


def test_a_local_administrator_of_another_organisation_cannot_grant_rights_at_p() -> None:
    cast = standard_cast()
    world = cast.world
    other_admin = world.person("Olga Andere")
    world.employ(cast.new_provider, other_admin)
    world.appoint(cast.new_provider, other_admin)
    relation = world.relation(cast.provider, cast.newcomer)
    with pytest.raises(RuleViolationError) as refused:
        services.grant_right(world.uow, world.clock, other_admin.id, relation.id,
                             RightKind.MANDATE_EXECUTOR.value)
    assert refused.value.rule == rules.LOCAL_ADMIN_ONLY


def test_kiosk_aanvrager_is_refused_to_a_person_without_an_eid() -> None:
    cast = standard_cast()
    world = cast.world
    relation = world.employ(cast.provider, world.person("Gust Geen-eID", eid=False))
    with pytest.raises(RuleViolationError) as refused:
        services.grant_right(world.uow, world.clock, cast.local_admin.id, relation.id,
                             RightKind.KIOSK_APPLICANT.value)
    assert refused.value.rule == rules.KIOSK_APPLICANT_NEEDS_EID


def test_an_unknown_right_is_a_validation_error_naming_the_kind() -> None:
    cast = standard_cast()
    world = cast.world
    relation = world.relation(cast.provider, cast.newcomer)
    with pytest.raises(ValidationError) as refused:
        services.grant_right(world.uow, world.clock, cast.local_admin.id, relation.id,
                             "SSM Superheld")
    assert refused.value.field == "kind"
    assert refused.value.status == 422


def test_a_right_on_an_ended_work_relation_is_a_conflict() -> None:
    cast = standard_cast()
    world = cast.world
    relation = world.employ(cast.provider, cast.recruit, end=days(5))
    later = clock_on(days(6))
    with pytest.raises(ConflictError):
        services.grant_right(world.uow, later, cast.local_admin.id, relation.id,
                             RightKind.MANDATE_EXECUTOR.value)


def test_a_right_that_ended_no_longer_lets_its_holder_sign() -> None:
    cast = standard_cast()
    world = cast.world
    signer = world.person("Tijl Tijdelijk")
    world.grant(cast.provider, signer, RightKind.MANDATE_MANAGER, end=days(5))
    mandate = world.mandate(cast.applicant, cast.provider, "awaiting_taker")
    with pytest.raises(RuleViolationError) as refused:
        services.sign_mandate(world.uow, clock_on(days(6)), signer.id, mandate.id)
    assert refused.value.rule == rules.SIGNER_FOR_ORGANISATION
    services.sign_mandate(world.uow, clock_on(days(5)), signer.id, mandate.id)


def test_a_withdrawn_local_administrator_no_longer_manages_rights() -> None:
    cast = standard_cast()
    world = cast.world
    with world.uow:
        admin = next(a for a in world.uow.repo.local_admins_of(cast.provider.id)
                     if a.person_id == cast.local_admin.id)
        admin.withdrawn_on = days(1)
        world.uow.commit()
    relation = world.relation(cast.provider, cast.newcomer)
    with pytest.raises(RuleViolationError) as refused:
        services.grant_right(world.uow, clock_on(days(1)), cast.local_admin.id, relation.id,
                             RightKind.MANDATE_EXECUTOR.value)
    assert refused.value.rule == rules.LOCAL_ADMIN_ONLY


@pytest.mark.parametrize("group", [EntityGroup.DE_FACTO_ASSOCIATION,
                                   EntityGroup.FOREIGN_ORGANISATION])
def test_organisations_managed_inside_kiosk_have_no_user_management(
        group: EntityGroup) -> None:
    world = World()
    board_member = world.person("Bea Bestuur")
    member = world.person("Mo Lid")
    org = world.organisation("Club", group, representatives=[board_member])
    for attempt in (
        lambda: services.add_work_relation(world.uow, world.clock, board_member.id, org.id,
                                           member.id),
        lambda: services.appoint_local_admin(world.uow, world.clock, board_member.id, org.id,
                                             member.id),
    ):
        with pytest.raises(RuleViolationError) as refused:
            attempt()
        assert refused.value.rule == rules.IN_USER_MANAGEMENT


def _sides_world() -> tuple[World, dict[str, Person | Organisation]]:
    world = World()
    parties: dict[str, Person | Organisation] = {
        "person": world.person("Piet Persoon"),
        "person without eID": world.person("Vera Zonder", eid=False),
        "other person": world.person("Ada Ander"),
        "provider": world.provider("Bureau BV"),
        "economic actor": world.organisation("Theater vzw"),
        "local government": world.organisation("Stad Aalst", EntityGroup.LOCAL_GOVERNMENT),
        "organising authority": world.organisation("Academie",
                                                   EntityGroup.ORGANISING_AUTHORITY),
        "de facto association": world.organisation("Buurtcomité",
                                                   EntityGroup.DE_FACTO_ASSOCIATION),
        "foreign organisation": world.organisation("Théâtre SA",
                                                   EntityGroup.FOREIGN_ORGANISATION),
    }
    return world, parties


@pytest.mark.parametrize(("giver", "taker", "rule"), [
    ("local government", "provider", rules.NO_LOCAL_GOVERNMENT_MANDATE),
    ("local government", "person", rules.GIVER_MAY_GIVE),
    ("organising authority", "provider", rules.GIVER_MAY_GIVE),
    ("de facto association", "provider", rules.GIVER_MAY_GIVE),
    ("foreign organisation", "provider", rules.GIVER_MAY_GIVE),
    ("economic actor", "person", rules.ORGANISATION_GIVES_TO_PROVIDER),
    ("person", "person without eID", rules.TAKER_PERSON_NEEDS_EID),
    ("person", "local government", rules.PROVIDER_IS_ECONOMIC_ACTOR),
    ("person", "de facto association", rules.PROVIDER_IS_ECONOMIC_ACTOR),
    ("person", "organising authority", rules.PROVIDER_IS_ECONOMIC_ACTOR),
])
def test_a_mandate_between_sides_the_rules_exclude_is_refused_naming_the_rule(
        giver: str, taker: str, rule: str) -> None:
    world, parties = _sides_world()
    giving = parties[giver]
    actor = world.signer(giving)
    events = len(world.uow.events)
    with pytest.raises(RuleViolationError) as refused:
        services.create_mandate(world.uow, world.clock, actor.id, giving.party,
                                parties[taker].party)
    assert refused.value.rule == rule
    assert len(world.uow.events) == events


@pytest.mark.parametrize(("giver", "taker"), [
    ("person", "provider"), ("person", "other person"), ("economic actor", "provider"),
    ("provider", "provider"),
])
def test_persons_and_economic_actors_give_mandates_to_persons_with_eid_or_providers(
        giver: str, taker: str) -> None:
    world, parties = _sides_world()
    if giver == taker:
        other = world.provider("Tweede Bureau BV")
        mandate = world.mandate(parties[giver], other)
    else:
        mandate = world.mandate(parties[giver], parties[taker])
    assert mandate.status(world.today) is MandateStatus.ACTIVE


def test_a_mandate_to_oneself_is_a_validation_error_naming_the_taker() -> None:
    world, parties = _sides_world()
    person = parties["person"]
    with pytest.raises(ValidationError) as refused:
        services.create_mandate(world.uow, world.clock, person.id, person.party, person.party)
    assert refused.value.field == "taker"


@pytest.mark.parametrize(("field", "call"), [
    pytest.param("national_number", lambda w: services.register_person(
        w.uow, w.clock, "85073003329", "Fout Nummer"), id="national-number-check-digits"),
    pytest.param("name", lambda w: services.register_person(
        w.uow, w.clock, national_number(900), " "), id="empty-name"),
    pytest.param("enterprise_number", lambda w: services.register_organisation(
        w.uow, w.clock, "Fout BV", "economic_actor", "0403170702"),
        id="enterprise-number-check-digits"),
    pytest.param("enterprise_number", lambda w: services.register_organisation(
        w.uow, w.clock, "Zonder BV", "economic_actor"), id="economic-actor-without-number"),
    pytest.param("enterprise_number", lambda w: services.register_organisation(
        w.uow, w.clock, "Buurtcomité", "de_facto_association", enterprise_number(900)),
        id="de-facto-association-with-number"),
    pytest.param("entity_group", lambda w: services.register_organisation(
        w.uow, w.clock, "Vaag", "club", enterprise_number(901)), id="unknown-entity-group"),
    pytest.param("title", lambda w: services.add_dossier(
        w.uow, w.clock, w.person("Dora Dossier").party, "  "), id="empty-dossier-title"),
])
def test_bad_input_is_a_validation_error_naming_the_field(
        field: str, call: Callable[[World], object]) -> None:
    world = World()
    with pytest.raises(ValidationError) as refused:
        call(world)
    assert refused.value.field == field
    assert refused.value.status == 422
    assert "85073003329" not in str(refused.value)


def test_unknown_ids_are_not_found_errors() -> None:
    cast = standard_cast()
    world = cast.world
    with pytest.raises(NotFoundError) as missing:
        services.sign_mandate(world.uow, world.clock, cast.legal_rep.id, "M-nothing")
    assert (missing.value.kind, missing.value.status) == ("mandate", 404)
    with pytest.raises(NotFoundError):
        services.create_mandate(world.uow, world.clock, "P-nobody", cast.applicant.party,
                                cast.provider.party)
