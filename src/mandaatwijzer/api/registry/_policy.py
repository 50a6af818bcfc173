"""Who may read what: the registry's use cases guard every change, these guard the reads.

A person sees themself, the users of the organisations they administer (as local
administrator or legal representative), and the applicants and mandates they act for.
"""

from __future__ import annotations

from datetime import date

from ...registry import rules
from ...registry.errors import NotFoundError, RuleViolationError
from ...registry.model import Mandate, Organisation, Party, PartyKind, Person, RightKind
from ...registry.ports import Repository

# Rule names of the entry points, as they appear in refusals.
PERSON_VISIBLE = "person_visible"
ACTS_FOR_APPLICANT = "acts_for_applicant"
MANDATE_PARTY = "mandate_party"
CHECKER_SCOPE = "checker_scope"
LOOKUP_BY_ADMIN = "lookup_by_local_admin"
MAY_MANAGE_DOSSIERS = "may_manage_dossiers"
SYSTEM_REGISTERS = "system_registers"
PERSON_ACTS = "person_acts"
DEMO_PERSON = "demo_sign_in"


def has_authority(repo: Repository, viewer: Person, org: Organisation, day: date) -> bool:
    """Local administrator or legal representative: may manage the organisation's users."""
    return rules.is_legal_representative(viewer, org) or \
        rules.is_local_admin(repo, viewer, org, day)


def administered(repo: Repository, viewer: Person, day: date) -> list[Organisation]:
    """The organisations whose users the viewer manages, by name."""
    found = {o.id: o for o in repo.organisations_represented_by(viewer.id)}
    for admin in repo.local_admin_roles_of(viewer.id):
        org = repo.organisation(admin.organisation_id)
        if org is not None and admin.active(day):
            found[org.id] = org
    return sorted(found.values(), key=lambda o: o.name.lower())


def may_view_person(repo: Repository, viewer: Person, person_id: str, day: date) -> bool:
    if viewer.id == person_id:
        return True
    for relation in repo.work_relations_of(person_id):
        org = repo.organisation(relation.organisation_id)
        if org is not None and has_authority(repo, viewer, org, day):
            return True
    return False


def signs_for(repo: Repository, viewer: Person, party: Party, day: date) -> bool:
    """The viewer may sign mandates for `party`: themself, or as representative/manager."""
    return rules.signing_refusal(repo, viewer, party, day) is None


def speaks_for(repo: Repository, viewer: Person, party: Party, day: date) -> bool:
    """The viewer acts for `party` in the registry (and so may see its mandates and users)."""
    if party.kind is PartyKind.PERSON:
        return party.id == viewer.id
    org = repo.organisation(party.id)
    if org is None:
        return False
    return has_authority(repo, viewer, org, day) or any(
        rules.holds_right(repo, viewer.id, org.id, kind, day)
        for kind in (RightKind.MANDATE_MANAGER, RightKind.KIOSK_APPLICANT))


def may_see_mandate(repo: Repository, viewer: Person, mandate: Mandate, day: date) -> bool:
    sides = [mandate.giver, mandate.taker]
    if mandate.pending_transfer_to is not None:
        sides.append(mandate.pending_transfer_to)
    return any(speaks_for(repo, viewer, side, day) for side in sides)


def require(allowed: bool, rule: str, message: str) -> None:
    if not allowed:
        raise RuleViolationError(rule, message)


def require_person_visible(repo: Repository, viewer: Person, person_id: str, day: date) -> None:
    require(may_view_person(repo, viewer, person_id, day), PERSON_VISIBLE,
            f"{viewer.name} sees only themself and the users of the organisations they "
            "administer")


def require_speaks_for(repo: Repository, viewer: Person, party: Party, day: date) -> None:
    require(speaks_for(repo, viewer, party, day), ACTS_FOR_APPLICANT,
            f"{viewer.name} does not act for {party.id}")


def require_checkable(repo: Repository, viewer: Person, person_id: str, applicant: Party,
                      day: date) -> None:
    """The checker answers about oneself, one's users, or the applicants one acts for."""
    require(may_view_person(repo, viewer, person_id, day)
            or speaks_for(repo, viewer, applicant, day), CHECKER_SCOPE,
            f"{viewer.name} may check only themself, the users of the organisations they "
            "administer, or the applicants they act for")


def party_of(repo: Repository, party_id: str) -> Party:
    """A person's or an organisation's id as a party (ids are unique across both)."""
    if repo.person(party_id) is not None:
        return Party(PartyKind.PERSON, party_id)
    if repo.organisation(party_id) is None:
        raise NotFoundError("person or organisation", party_id)
    return Party(PartyKind.ORGANISATION, party_id)
