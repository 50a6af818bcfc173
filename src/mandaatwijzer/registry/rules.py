"""The rules of the user management and of SSM, each a named check that raises when broken.

The rules about facts alone (the sides of a mandate, who the user management holds, who may
hold a right) are pure functions that return the `Refusal` or None: the use cases raise it
(`enforce`), the bulk import reports it on the row, so each message is written once here. They
read a person or an organisation through `PersonFacts` and `OrganisationFacts`, which the
domain's entities and the bulk import's records both satisfy.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple, Protocol

from . import means
from .errors import NotFoundError, RuleViolationError
from .model import EntityGroup, Organisation, Party, PartyKind, Person, RightKind
from .phrases import N_, Phrase
from .ports import Repository

# Rule names, as they appear in refusals (and in docs/registry.md).
EID_REQUIRED = "eid_required"
#: The person has an eID but signed in with another means (an authenticator app, itsme…).
EID_SIGN_IN_REQUIRED = "eid_sign_in_required"
LOCAL_ADMIN_ONLY = "local_admin_only"
WORK_RELATION_OF_ORGANISATION = "work_relation_of_organisation"
LEGAL_REPRESENTATIVE_ONLY = "legal_representative_only"
SIGNER_FOR_ORGANISATION = "signer_for_organisation"
PERSON_SIGNS_FOR_SELF = "person_signs_for_self"
PARTY_TO_MANDATE = "party_to_mandate"
NO_LOCAL_GOVERNMENT_MANDATE = "no_local_government_mandate"
PROVIDER_IS_ECONOMIC_ACTOR = "provider_is_economic_actor"
GIVER_MAY_GIVE = "giver_may_give"
TAKER_PERSON_NEEDS_EID = "taker_person_needs_eid"
ORGANISATION_GIVES_TO_PROVIDER = "organisation_gives_to_provider"
KIOSK_APPLICANT_NEEDS_EID = "kiosk_applicant_needs_eid"
EITHER_SIDE_STOPS = "either_side_stops"
TRANSFER_BY_PARTY = "transfer_by_party"
IN_USER_MANAGEMENT = "in_user_management"

# The bulk import asks the rules for every row: members looked up once, not on every call.
_ECONOMIC_ACTOR, _LOCAL_GOVERNMENT = EntityGroup.ECONOMIC_ACTOR, EntityGroup.LOCAL_GOVERNMENT
_INSIDE_KIOSK = (EntityGroup.DE_FACTO_ASSOCIATION, EntityGroup.FOREIGN_ORGANISATION)


#: An organisation's entity group as a refusal names it ("… is {group}, which …").
GROUPS: dict[EntityGroup, Phrase] = {
    EntityGroup.ECONOMIC_ACTOR: N_("an economic actor"),
    EntityGroup.LOCAL_GOVERNMENT: N_("a local government"),
    EntityGroup.ORGANISING_AUTHORITY: N_("an organising authority"),
    EntityGroup.DE_FACTO_ASSOCIATION: N_("a de facto association"),
    EntityGroup.FOREIGN_ORGANISATION: N_("a foreign organisation"),
}


class Refusal(NamedTuple):
    """A broken rule: its name and the sentence that says why (said in the language asked
    for when it is read)."""

    rule: str
    message: Phrase


class PersonFacts(Protocol):
    """What the rules read of a person: a `Person`, or a bulk import's `PersonRecord`."""

    @property
    def name(self) -> str: ...

    @property
    def has_eid(self) -> bool: ...


class OrganisationFacts(Protocol):
    """What the rules read of an organisation: an `Organisation`, or an `OrganisationRecord`."""

    @property
    def name(self) -> str: ...

    @property
    def entity_group(self) -> EntityGroup: ...

    @property
    def enterprise_number(self) -> object:
        """The enterprise number (an `EnterpriseNumber` or its digits), or None."""
        ...


def enforce(refusal: Refusal | None) -> None:
    """Raise the refusal, if any, as a `RuleViolationError`."""
    if refusal is not None:
        raise RuleViolationError(refusal.rule, refusal.message)


def user_management_refusal(org: OrganisationFacts) -> Refusal | None:
    """De facto associations and foreign organisations are managed inside KIOSK: the Flemish
    user management has no local administrators, work relations or rights for them."""
    group = org.entity_group
    if group in _INSIDE_KIOSK:
        return Refusal(IN_USER_MANAGEMENT,
                       N_("{organisation} is {group}, which is managed inside KIOSK by its "
                          "main representative, not in the user management",
                          organisation=org.name, group=GROUPS[group]))
    return None


def right_holder_refusal(kind: RightKind, holder: PersonFacts) -> Refusal | None:
    """Why `holder` may not hold a right of `kind`, or None."""
    if kind is RightKind.KIOSK_APPLICANT and not holder.has_eid:
        return Refusal(KIOSK_APPLICANT_NEEDS_EID,
                       N_("{name} has no Belgian eID, which ‘{right}’ requires",
                          name=holder.name, right=RightKind.KIOSK_APPLICANT.value))
    return None


def mandate_refusal(giver_org: OrganisationFacts | None, taker_person: PersonFacts | None,
                    taker_org: OrganisationFacts | None) -> Refusal | None:
    """Why this giver may not give this taker a KIOSK mandate, or None.

    `giver_org` is the giving organisation, None when a person gives (no rule reads the
    giving person). The taker is a person (`taker_person`) or else the organisation
    `taker_org`. The first rule broken is the one refused, in this order.
    """
    if giver_org is not None:
        group = giver_org.entity_group
        if group is _LOCAL_GOVERNMENT and taker_org is not None:
            return Refusal(NO_LOCAL_GOVERNMENT_MANDATE,
                           N_("{organisation} is a local government, which cannot give a "
                              "mandate to an external service provider",
                              organisation=giver_org.name))
        if group is not _ECONOMIC_ACTOR:
            return Refusal(GIVER_MAY_GIVE,
                           N_("{organisation} is {group}; only persons and economic actors "
                              "give KIOSK mandates", organisation=giver_org.name,
                              group=GROUPS[group]))
        if taker_org is None:
            return Refusal(ORGANISATION_GIVES_TO_PROVIDER,
                           N_("{organisation} can give a mandate only to an external service "
                              "provider, not to a person", organisation=giver_org.name))
    if taker_person is not None:
        if not taker_person.has_eid:
            return Refusal(TAKER_PERSON_NEEDS_EID,
                           N_("{name} has no Belgian eID, which a mandate taker needs",
                              name=taker_person.name))
        return None
    if taker_org is not None and (taker_org.entity_group is not _ECONOMIC_ACTOR
                                  or taker_org.enterprise_number is None):
        # Not `Organisation.is_service_provider`: a record has no such property.
        return Refusal(PROVIDER_IS_ECONOMIC_ACTOR,
                       N_("{organisation} is not an external service provider (an economic "
                          "actor with an enterprise number)", organisation=taker_org.name))
    return None


def require_mandate_sides(giver: Person | Organisation, taker: Person | Organisation) -> None:
    """`mandate_refusal` for stored entities, raised."""
    enforce(mandate_refusal(giver if isinstance(giver, Organisation) else None,
                            taker if isinstance(taker, Person) else None,
                            taker if isinstance(taker, Organisation) else None))


def person(repo: Repository, person_id: str) -> Person:
    found = repo.person(person_id)
    if found is None:
        raise NotFoundError("person", person_id)
    return found


def organisation(repo: Repository, organisation_id: str) -> Organisation:
    found = repo.organisation(organisation_id)
    if found is None:
        raise NotFoundError("organisation", organisation_id)
    return found


def require_eid(actor: Person, doing: Phrase) -> None:
    """The seed's "Ik heb een Belgische eID": the person has one, and, when they signed in,
    they signed in with it (`means.current`). `doing` is the action as an infinitive phrase
    ("sign a mandate"; Dutch "een mandaat te ondertekenen")."""
    if not actor.has_eid:
        raise RuleViolationError(EID_REQUIRED,
                                 N_("{name} has no Belgian eID, which is needed to {doing}",
                                    name=actor.name, doing=doing))
    signed_in = means.current()
    if signed_in is not None and not signed_in.eid:
        raise RuleViolationError(
            EID_SIGN_IN_REQUIRED,
            N_("{name} signed in without an eID; to {doing}, sign in again with an eID",
               name=actor.name, doing=doing))


def require_user_management(org: Organisation) -> None:
    enforce(user_management_refusal(org))


def is_legal_representative(actor: Person, org: Organisation) -> bool:
    return actor.id in org.legal_representatives


def is_local_admin(repo: Repository, actor: Person, org: Organisation, day: date) -> bool:
    return any(admin.person_id == actor.id and admin.active(day)
               for admin in repo.local_admins_of(org.id))


def require_rights_authority(repo: Repository, actor: Person, org: Organisation,
                             day: date) -> None:
    """Only a local administrator (or a legal representative) manages users and rights."""
    if not (is_legal_representative(actor, org) or is_local_admin(repo, actor, org, day)):
        raise RuleViolationError(
            LOCAL_ADMIN_ONLY,
            N_("{name} is neither a local administrator nor a legal representative of "
               "{organisation}; only they grant and withdraw rights there",
               name=actor.name, organisation=org.name),
        )


def holds_right(repo: Repository, person_id: str, org_id: str, kind: RightKind,
                day: date) -> bool:
    relations = [r for r in repo.work_relations_of(person_id)
                 if r.organisation_id == org_id and r.active(day)]
    if not relations:
        return False
    return any(right.kind is kind and right.active(day)
               for right in repo.rights_on([r.id for r in relations]))


def signing_refusal(repo: Repository, actor: Person, side: Party, day: date) -> str | None:
    """Why `actor` may not sign for `side`, or None when they may."""
    if side.kind is PartyKind.PERSON:
        if side.id != actor.id:
            return PERSON_SIGNS_FOR_SELF
        return None
    org = organisation(repo, side.id)
    if is_legal_representative(actor, org):
        return None
    if holds_right(repo, actor.id, org.id, RightKind.MANDATE_MANAGER, day):
        return None
    return SIGNER_FOR_ORGANISATION


def require_signer(repo: Repository, actor: Person, side: Party, day: date) -> None:
    refusal = signing_refusal(repo, actor, side, day)
    if refusal == PERSON_SIGNS_FOR_SELF:
        raise RuleViolationError(
            refusal, N_("{name} can sign only for themself, not for another person",
                        name=actor.name))
    if refusal == SIGNER_FOR_ORGANISATION:
        org = organisation(repo, side.id)
        raise RuleViolationError(
            refusal,
            N_("{name} may not sign for {organisation}: that takes a legal representative or "
               "a holder of the right ‘{right}’ there", name=actor.name,
               organisation=org.name, right=RightKind.MANDATE_MANAGER.value),
        )
