"""The rules of the user management and of SSM, each a named check that raises when broken."""

from __future__ import annotations

from datetime import date

from .errors import NotFoundError, RuleViolationError
from .model import EntityGroup, Organisation, Party, PartyKind, Person, RightKind
from .ports import Repository

# Rule names, as they appear in refusals (and in docs/registry.md).
EID_REQUIRED = "eid_required"
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


def require_eid(actor: Person, doing: str) -> None:
    if not actor.has_eid:
        raise RuleViolationError(EID_REQUIRED,
                            f"{actor.name} has no Belgian eID, which is needed to {doing}")


def require_user_management(org: Organisation) -> None:
    """De facto associations and foreign organisations are managed inside KIOSK: the Flemish
    user management has no local administrators, work relations or rights for them."""
    if org.entity_group in (EntityGroup.DE_FACTO_ASSOCIATION,
                            EntityGroup.FOREIGN_ORGANISATION):
        raise RuleViolationError(
            IN_USER_MANAGEMENT,
            f"{org.name} is a {org.entity_group.value.replace('_', ' ')}, which is managed "
            "inside KIOSK by its main representative, not in the user management",
        )


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
            f"{actor.name} is neither a local administrator nor a legal representative of "
            f"{org.name}; only they grant and withdraw rights there",
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
            refusal, f"{actor.name} can sign only for themself, not for another person")
    if refusal == SIGNER_FOR_ORGANISATION:
        org = organisation(repo, side.id)
        raise RuleViolationError(
            refusal,
            f"{actor.name} may not sign for {org.name}: that takes a legal representative or a "
            f"holder of the right ‘{RightKind.MANDATE_MANAGER}’ there",
        )
