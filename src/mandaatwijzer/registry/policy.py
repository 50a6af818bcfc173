"""Who may read what: the use cases guard every change (`rules.py`), these rules guard reads.

A person sees themself, the users of the organisations they administer (as local
administrator or legal representative), the local administrators of the organisations they
administer or work for, and the applicants and mandates they act for. The
system (a token, or the operator of the command line) sees everything: the functions take
the viewer as a `Person`, or None for the system. Every refusal names its rule, like the
change rules do.
"""

from __future__ import annotations

from datetime import date
from typing import NoReturn

from . import rules
from .errors import RuleViolationError
from .model import Mandate, Organisation, Party, PartyKind, Person, RightKind
from .phrases import N_, Phrase
from .ports import Repository

#: The viewer of a read: a person, or None for the system (a token, the command line).
Viewer = Person | None

# Rule names of the reads, as they appear in refusals.
PERSON_VISIBLE = "person_visible"
ACTS_FOR_APPLICANT = "acts_for_applicant"
MANDATE_PARTY = "mandate_party"
CHECKER_SCOPE = "checker_scope"
LOOKUP_BY_ADMIN = "lookup_by_local_admin"
MAY_MANAGE_DOSSIERS = "may_manage_dossiers"
SYSTEM_REGISTERS = "system_registers"
PERSON_ACTS = "person_acts"
LOCAL_ADMINS_VISIBLE = "local_admins_visible"
#: Reading an organisation's users is the local administrators' rule of the user management.
USERS_OF_ORGANISATION = rules.LOCAL_ADMIN_ONLY


# --- the questions -------------------------------------------------------------------------


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


def works_for(repo: Repository, viewer: Person, org: Organisation, day: date) -> bool:
    """The viewer is a user of the organisation: a work relation with it on `day`."""
    return any(relation.organisation_id == org.id and relation.active(day)
               for relation in repo.work_relations_of(viewer.id))


def may_see_local_admins(repo: Repository, viewer: Person, org: Organisation,
                         day: date) -> bool:
    """Those who administer the organisation, and its users (who ask them for rights)."""
    return has_authority(repo, viewer, org, day) or works_for(repo, viewer, org, day)


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


# --- the rules: each raises `RuleViolationError` naming itself -----------------------------


def _name(repo: Repository, party: Party) -> str:
    """A side's name, for a refusal (its id when nothing has it)."""
    entity = (repo.person(party.id) if party.kind is PartyKind.PERSON
              else repo.organisation(party.id))
    return entity.name if entity is not None else party.id


def require(allowed: bool, rule: str, message: Phrase) -> None:
    if not allowed:
        raise RuleViolationError(rule, message)


def require_person_visible(repo: Repository, viewer: Viewer, person_id: str,
                           day: date) -> None:
    if viewer is not None:
        require(may_view_person(repo, viewer, person_id, day), PERSON_VISIBLE,
                N_("{name} sees only themself and the users of the organisations they "
                   "administer", name=viewer.name))


def require_sees_everyone(viewer: Viewer) -> None:
    """Every person's record at once: the system only."""
    if viewer is not None:
        require(False, PERSON_VISIBLE,
                N_("{name} sees only themself and the users of the organisations they "
                   "administer", name=viewer.name))


def require_looks_up_numbers(repo: Repository, viewer: Viewer, day: date) -> None:
    """A person is found by national number by the system, or by whoever administers users."""
    if viewer is not None:
        require(bool(administered(repo, viewer, day)), LOOKUP_BY_ADMIN,
                N_("{name} administers no organisation's users, so may not look persons "
                   "up by national number", name=viewer.name))


def require_administers(repo: Repository, viewer: Viewer, org: Organisation,
                        day: date) -> None:
    """An organisation's users and their rights: its local administrators and legal
    representatives (and the system)."""
    if viewer is not None:
        require(has_authority(repo, viewer, org, day), USERS_OF_ORGANISATION,
                N_("{name} is neither a local administrator nor a legal representative "
                   "of {organisation}; only they manage its users and rights",
                   name=viewer.name, organisation=org.name))


def require_sees_local_admins(repo: Repository, viewer: Viewer, org: Organisation,
                              day: date) -> None:
    """An organisation's local administrators: its legal representatives, its local
    administrators, its users (and the system); not every signed-in person."""
    if viewer is not None:
        require(may_see_local_admins(repo, viewer, org, day), LOCAL_ADMINS_VISIBLE,
                N_("{name} neither administers nor works for {organisation}; only they "
                   "see its local administrators", name=viewer.name, organisation=org.name))


def require_speaks_for(repo: Repository, viewer: Viewer, party: Party, day: date) -> None:
    if viewer is not None and not speaks_for(repo, viewer, party, day):
        require(False, ACTS_FOR_APPLICANT, N_("{name} does not act for {party}",
                                              name=viewer.name, party=_name(repo, party)))


def require_own_signatures(viewer: Viewer, person_id: str) -> None:
    """The signatures a person may give are theirs to see (and the system's)."""
    if viewer is not None:
        require(viewer.id == person_id, PERSON_VISIBLE,
                N_("{name} sees only the signatures they may give themself",
                   name=viewer.name))


def require_sees_mandate(repo: Repository, viewer: Viewer, mandate: Mandate,
                         day: date) -> None:
    if viewer is not None and not may_see_mandate(repo, viewer, mandate, day):
        require(False, MANDATE_PARTY,
                N_("{name} acts for neither side of {mandate}", name=viewer.name,
                   mandate=N_("the mandate from {giver} to {taker}",
                              giver=_name(repo, mandate.giver),
                              taker=_name(repo, mandate.taker))))


def require_checkable(repo: Repository, viewer: Viewer, person_id: str, applicant: Party,
                      day: date) -> None:
    """The checker answers about oneself, one's users, or the applicants one acts for."""
    if viewer is not None:
        require(may_view_person(repo, viewer, person_id, day)
                or speaks_for(repo, viewer, applicant, day), CHECKER_SCOPE,
                N_("{name} may check only themself, the users of the organisations they "
                   "administer, or the applicants they act for", name=viewer.name))


def require_manages_dossiers(viewer: Viewer, applicant_name: str, allowed: bool) -> None:
    """An applicant's dossiers: for whoever may manage them (and the system)."""
    if viewer is not None:
        require(allowed, MAY_MANAGE_DOSSIERS,
                N_("{name} may not manage the dossiers of {applicant}; the check says why, "
                   "and what must happen first", name=viewer.name, applicant=applicant_name))


def refuse_person_registering() -> NoReturn:
    raise RuleViolationError(SYSTEM_REGISTERS,
                             N_("persons and organisations are registered by the system (an "
                                "import or an administrator's token), not by a signed-in "
                                "person"))


def refuse_system_acting() -> NoReturn:
    raise RuleViolationError(PERSON_ACTS,
                             N_("a token acts as the system; this action is taken by a "
                                "signed-in person, in their own name"))


__all__ = [
    "ACTS_FOR_APPLICANT",
    "CHECKER_SCOPE",
    "LOCAL_ADMINS_VISIBLE",
    "LOOKUP_BY_ADMIN",
    "MANDATE_PARTY",
    "MAY_MANAGE_DOSSIERS",
    "PERSON_ACTS",
    "PERSON_VISIBLE",
    "SYSTEM_REGISTERS",
    "USERS_OF_ORGANISATION",
    "Viewer",
    "administered",
    "has_authority",
    "may_see_local_admins",
    "may_see_mandate",
    "may_view_person",
    "refuse_person_registering",
    "refuse_system_acting",
    "require",
    "require_administers",
    "require_checkable",
    "require_looks_up_numbers",
    "require_manages_dossiers",
    "require_own_signatures",
    "require_person_visible",
    "require_sees_everyone",
    "require_sees_local_admins",
    "require_sees_mandate",
    "require_speaks_for",
    "signs_for",
    "speaks_for",
    "works_for",
]
