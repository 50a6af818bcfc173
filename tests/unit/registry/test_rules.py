"""The rules about facts alone, as pure functions: each refusal is the same, rule and message,
whether a use case asks with the domain's entities or the bulk import with its records."""

from __future__ import annotations

import pytest

from mandaatwijzer.registry import bulk, rules
from mandaatwijzer.registry.bulk import OrganisationRecord, PersonRecord, RowError
from mandaatwijzer.registry.errors import RuleViolationError
from mandaatwijzer.registry.model import EntityGroup, Organisation, Person, RightKind

from .scenario import enterprise_number, national_number

AN = PersonRecord("P-1", national_number(1), "An Peeters")
BO = PersonRecord("P-2", national_number(2), "Bo Janssens", has_eid=False)
PROVIDER = OrganisationRecord("O-1", "Boekhouding NV", EntityGroup.ECONOMIC_ACTOR,
                              enterprise_number(1))
SHOP = OrganisationRecord("O-2", "Bakkerij BV", EntityGroup.ECONOMIC_ACTOR,
                          enterprise_number(2))
UNNUMBERED = OrganisationRecord("O-3", "Zonder Nummer", EntityGroup.ECONOMIC_ACTOR)
TOWN = OrganisationRecord("O-4", "Gemeente Zele", EntityGroup.LOCAL_GOVERNMENT,
                          enterprise_number(4))
DEPARTMENT = OrganisationRecord("O-5", "Departement Cultuur",
                                EntityGroup.ORGANISING_AUTHORITY)
CLUB = OrganisationRecord("O-6", "Fanfare De Vrede", EntityGroup.DE_FACTO_ASSOCIATION)
FOREIGN = OrganisationRecord("O-7", "Verein e.V.", EntityGroup.FOREIGN_ORGANISATION)

Side = PersonRecord | OrganisationRecord


def entity(record: Side) -> Person | Organisation:
    """The domain entity the record describes, as the use cases read it."""
    found = bulk.entity_of(record)
    assert isinstance(found, Person | Organisation)
    return found


def person(record: PersonRecord) -> Person:
    found = entity(record)
    assert isinstance(found, Person)
    return found


def organisation(record: OrganisationRecord) -> Organisation:
    found = entity(record)
    assert isinstance(found, Organisation)
    return found


def said(refusal: rules.Refusal | None) -> tuple[str, str] | None:
    """A refusal's rule and its sentence, said (in English)."""
    return None if refusal is None else (refusal.rule, str(refusal.message))


def refusal_of_records(giver: Side, taker: Side) -> tuple[str, str] | None:
    return said(rules.mandate_refusal(
        giver if isinstance(giver, OrganisationRecord) else None,
        taker if isinstance(taker, PersonRecord) else None,
        taker if isinstance(taker, OrganisationRecord) else None))


def refusal_of_entities(giver: Side, taker: Side) -> tuple[str, str] | None:
    try:
        rules.require_mandate_sides(entity(giver), entity(taker))
    except RuleViolationError as error:
        return error.rule, str(error)
    return None


MANDATE_REFUSALS: list[tuple[Side, Side, str, str]] = [
    (TOWN, PROVIDER, rules.NO_LOCAL_GOVERNMENT_MANDATE,
     "Gemeente Zele is a local government, which cannot give a mandate to an external "
     "service provider"),
    (TOWN, AN, rules.GIVER_MAY_GIVE,
     "Gemeente Zele is a local government; only persons and economic actors give KIOSK "
     "mandates"),
    (DEPARTMENT, PROVIDER, rules.GIVER_MAY_GIVE,
     "Departement Cultuur is an organising authority; only persons and economic actors give "
     "KIOSK mandates"),
    (CLUB, PROVIDER, rules.GIVER_MAY_GIVE,
     "Fanfare De Vrede is a de facto association; only persons and economic actors give "
     "KIOSK mandates"),
    (SHOP, AN, rules.ORGANISATION_GIVES_TO_PROVIDER,
     "Bakkerij BV can give a mandate only to an external service provider, not to a person"),
    (AN, BO, rules.TAKER_PERSON_NEEDS_EID,
     "Bo Janssens has no Belgian eID, which a mandate taker needs"),
    (SHOP, UNNUMBERED, rules.PROVIDER_IS_ECONOMIC_ACTOR,
     "Zonder Nummer is not an external service provider (an economic actor with an "
     "enterprise number)"),
    (AN, FOREIGN, rules.PROVIDER_IS_ECONOMIC_ACTOR,
     "Verein e.V. is not an external service provider (an economic actor with an enterprise "
     "number)"),
]


@pytest.mark.parametrize(("giver", "taker", "rule", "message"), MANDATE_REFUSALS,
                         ids=[f"{rule}-{giver.id}-{taker.id}"
                              for giver, taker, rule, _ in MANDATE_REFUSALS])
def test_a_mandate_between_these_sides_is_refused_alike_for_entities_and_records(
        giver: Side, taker: Side, rule: str, message: str) -> None:
    expected = (rule, message)
    assert refusal_of_records(giver, taker) == expected
    assert refusal_of_entities(giver, taker) == expected
    assert rule not in message  # the sentence names no code
    refusal = rules.mandate_refusal(
        giver if isinstance(giver, OrganisationRecord) else None,
        taker if isinstance(taker, PersonRecord) else None,
        taker if isinstance(taker, OrganisationRecord) else None)
    assert refusal is not None
    row_error = RowError.refused(7, "taker_id", refusal)
    assert str(row_error) == f"row 7, column taker_id: {message} (rule: {rule})"


@pytest.mark.parametrize(("giver", "taker"), [(AN, PROVIDER), (AN, AN), (BO, PROVIDER),
                                              (SHOP, PROVIDER), (PROVIDER, SHOP)])
def test_a_mandate_a_person_or_an_economic_actor_gives_as_the_rules_allow_is_not_refused(
        giver: Side, taker: Side) -> None:
    assert refusal_of_records(giver, taker) is None
    assert refusal_of_entities(giver, taker) is None


@pytest.mark.parametrize(("org", "words"), [(CLUB, "de facto association"),
                                            (FOREIGN, "foreign organisation")])
def test_an_organisation_managed_inside_kiosk_is_refused_by_the_user_management(
        org: OrganisationRecord, words: str) -> None:
    expected = (
        rules.IN_USER_MANAGEMENT,
        f"{org.name} is a {words}, which is managed inside KIOSK by its main representative, "
        "not in the user management")
    as_entity = organisation(org)
    assert said(rules.user_management_refusal(org)) == expected
    assert said(rules.user_management_refusal(as_entity)) == expected
    with pytest.raises(RuleViolationError) as caught:
        rules.require_user_management(as_entity)
    assert (caught.value.rule, str(caught.value)) == expected


@pytest.mark.parametrize("org", [PROVIDER, UNNUMBERED, TOWN, DEPARTMENT])
def test_the_user_management_holds_the_users_of_other_organisations(
        org: OrganisationRecord) -> None:
    as_entity = organisation(org)
    assert rules.user_management_refusal(org) is None
    assert rules.user_management_refusal(as_entity) is None
    rules.require_user_management(as_entity)


def test_a_kiosk_applicant_right_is_refused_to_a_holder_without_eid_alike_for_both() -> None:
    expected = (rules.KIOSK_APPLICANT_NEEDS_EID,
                "Bo Janssens has no Belgian eID, which ‘KIOSK Aanvrager’ requires")
    assert said(rules.right_holder_refusal(RightKind.KIOSK_APPLICANT, BO)) == expected
    refusal = rules.right_holder_refusal(RightKind.KIOSK_APPLICANT, person(BO))
    assert said(refusal) == expected
    with pytest.raises(RuleViolationError) as caught:
        rules.enforce(refusal)
    assert (caught.value.rule, str(caught.value)) == expected


@pytest.mark.parametrize("kind", list(RightKind))
def test_any_right_may_be_held_with_an_eid_and_the_ssm_rights_without(kind: RightKind) -> None:
    assert rules.right_holder_refusal(kind, AN) is None
    assert rules.right_holder_refusal(kind, person(AN)) is None
    if kind is not RightKind.KIOSK_APPLICANT:
        assert rules.right_holder_refusal(kind, BO) is None


def test_enforce_lets_no_refusal_pass() -> None:
    rules.enforce(None)
