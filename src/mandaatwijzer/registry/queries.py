"""Read-only use cases: the access decision and the paged listings built on it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TypeVar

from . import rules
from .access import AccessFacts, Decision, Employment, allows, decide
from .errors import ValidationError
from .model import (
    Mandate,
    MandateStatus,
    Organisation,
    Party,
    PartyKind,
    Person,
    RightKind,
)
from .phrases import N_
from .ports import Page, Repository

MAX_PAGE = 200
T = TypeVar("T")


def right_holders(repo: Repository, org_id: str, kind: RightKind, day: date) -> list[Person]:
    """The persons who hold `kind` at the organisation on `day` (through an active work
    relation)."""
    relations = [r for r in repo.work_relations_at(org_id) if r.active(day)]
    holders = {r.work_relation_id for r in repo.rights_on([r.id for r in relations])
               if r.kind is kind and r.active(day)}
    found = (repo.person(r.person_id) for r in relations if r.id in holders)
    return [person for person in found if person is not None]


def local_admins_at(repo: Repository, org_id: str, day: date) -> list[Person]:
    """The organisation's local administrators on `day`."""
    found = (repo.person(a.person_id) for a in repo.local_admins_of(org_id) if a.active(day))
    return [person for person in found if person is not None]


def _names_with_right(repo: Repository, org_id: str, kind: RightKind,
                      day: date) -> tuple[str, ...]:
    return tuple(sorted(person.name for person in right_holders(repo, org_id, kind, day)))


def _admin_names(repo: Repository, org_id: str, day: date) -> tuple[str, ...]:
    return tuple(sorted(person.name for person in local_admins_at(repo, org_id, day)))


#: The names of an organisation's local administrators ("admins") and holders of SSM
#: Mandaatbeheerder ("managers") on one day, by (organisation, which): kept by a caller that
#: gathers the facts of many pairs about the same organisations (the memory fake's
#: `access_facts_many`).
Names = dict[tuple[str, str], tuple[str, ...]]


def _names(names: Names | None, org_id: str, which: str,
           read: Callable[[], tuple[str, ...]]) -> tuple[str, ...]:
    if names is None:
        return read()
    found = names.get((org_id, which))
    if found is None:
        found = names[(org_id, which)] = read()
    return found


def gather_facts(repo: Repository, person_id: str, applicant: Party, day: date,
                 names: Names | None = None) -> AccessFacts:
    """Everything `decide` needs, read through the repository port (`names`: the names read
    before on the same day, reused)."""
    person = rules.person(repo, person_id)
    applicant_entity: Person | Organisation = (
        rules.person(repo, applicant.id) if applicant.kind is PartyKind.PERSON
        else rules.organisation(repo, applicant.id))
    relations = repo.work_relations_of(person.id)
    rights = repo.rights_on([r.id for r in relations])
    employments = []
    for relation in relations:
        org = repo.organisation(relation.organisation_id)
        if org is not None:
            employments.append(Employment(relation, org, tuple(
                r for r in rights if r.work_relation_id == relation.id)))
    mandates = tuple(m for m in repo.mandates_given_by(applicant) if m.type == "KIOSK")
    takers = {}
    for mandate in mandates:
        if mandate.taker.kind is PartyKind.ORGANISATION:
            org = repo.organisation(mandate.taker.id)
            if org is not None:
                takers[org.id] = org
    orgs = {*takers, *(e.organisation.id for e in employments)}
    if isinstance(applicant_entity, Organisation):
        orgs.add(applicant_entity.id)
    return AccessFacts(
        person=person,
        applicant=applicant_entity,
        employments=tuple(employments),
        mandates=mandates,
        takers=takers,
        local_admins={o: _names(names, o, "admins", partial(_admin_names, repo, o, day))
                      for o in sorted(orgs)},
        # Named when a mandate awaits a taker's signature, or an employer took none.
        mandate_managers={o: _names(names, o, "managers", partial(
            _names_with_right, repo, o, RightKind.MANDATE_MANAGER, day))
            for o in {*takers, *(e.organisation.id for e in employments)}},
    )


def may_manage(repo: Repository, person_id: str, applicant: Party, day: date) -> Decision:
    return decide(repo.access_facts(person_id, applicant, day), day)


def check_paging(offset: int, limit: int) -> None:
    if offset < 0:
        raise ValidationError("offset", N_("is {value}", value=offset), N_("0 or more"))
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError("limit", N_("is {value}", value=limit),
                              N_("1 to {most}", most=MAX_PAGE))


def _page(items: Sequence[T], offset: int, limit: int) -> Page[T]:
    return Page(items[offset:offset + limit], len(items), offset, limit)


@dataclass(frozen=True, slots=True)
class Applicant:
    party: Party
    name: str


def _kiosk_mandates(mandates: Iterable[Mandate], day: date) -> list[Mandate]:
    return [m for m in mandates if m.type == "KIOSK" and m.in_force(day)]


# The listings gather candidates cheaply, then keep those `may_manage` allows: a listing
# never says more or less than the decision for one applicant does.


def applicants_for(repo: Repository, person_id: str, day: date, offset: int = 0,
                   limit: int = 50) -> Page[Applicant]:
    """The applicants whose dossiers the person may manage: themself first, then by name."""
    check_paging(offset, limit)
    return _page(every_applicant_for(repo, person_id, day), offset, limit)


def every_applicant_for(repo: Repository, person_id: str, day: date) -> list[Applicant]:
    """`applicants_for`, every one (a confirmation lists all whose access a change ends).

    The candidates: the person, the organisations they represent or work for, and the giver
    of every mandate those employers or the person took (a provider's thousand clients, read
    without the mandates, whose facts the decisions read at once)."""
    person = rules.person(repo, person_id)
    candidates = [person.party, *(org.party for org in repo.organisations_represented_by(
        person.id))]
    for relation in repo.work_relations_of(person.id):
        if relation.active(day):
            employer = Party(PartyKind.ORGANISATION, relation.organisation_id)
            candidates.append(employer)
            candidates += repo.givers_to(employer)
    candidates += repo.givers_to(person.party)
    found = [Applicant(facts.applicant.party, facts.applicant.name)
             for facts in repo.access_facts_many(person.id, candidates, day)
             if allows(facts, day)]
    found.sort(key=lambda a: (a.party != person.party, a.name.lower(), a.party.id))
    return found


def persons_for(repo: Repository, applicant: Party, day: date, offset: int = 0,
                limit: int = 50) -> Page[Person]:
    """The persons who may manage the applicant's dossiers, by name."""
    check_paging(offset, limit)
    return _page(every_person_for(repo, applicant, day), offset, limit)


def every_person_for(repo: Repository, applicant: Party, day: date) -> list[Person]:
    """`persons_for`, every one (the candidates' facts read at once)."""
    candidates: list[str] = []
    if applicant.kind is PartyKind.PERSON:
        candidates.append(rules.person(repo, applicant.id).id)
    else:
        org = rules.organisation(repo, applicant.id)
        candidates += sorted(org.legal_representatives)
        candidates += _staff(repo, org.id, day)
    for mandate in _kiosk_mandates(repo.mandates_given_by(applicant), day):
        if mandate.taker.kind is PartyKind.PERSON:
            candidates.append(mandate.taker.id)
        else:
            candidates += _staff(repo, mandate.taker.id, day)
    found = [facts.person for facts in repo.access_facts_of_persons(candidates, applicant, day)
             if allows(facts, day)]
    found.sort(key=lambda p: (p.name.lower(), p.id))
    return found


def _staff(repo: Repository, org_id: str, day: date) -> list[str]:
    return [r.person_id for r in repo.work_relations_at(org_id) if r.active(day)]


def awaiting_signature(repo: Repository, person_id: str, day: date, offset: int = 0,
                       limit: int = 50) -> Page[Mandate]:
    """Mandates that await a signature this person may give (for themself or an organisation),
    oldest first. Without a Belgian eID a person signs nothing, so the page is empty."""
    check_paging(offset, limit)
    person = rules.person(repo, person_id)
    if not person.has_eid:
        return _page([], offset, limit)
    sides = {person.party}
    for org in repo.organisations_represented_by(person.id):
        sides.add(org.party)
    relations = [r for r in repo.work_relations_of(person.id) if r.active(day)]
    for right in repo.rights_on([r.id for r in relations]):
        if right.kind is RightKind.MANDATE_MANAGER and right.active(day):
            relation = next(r for r in relations if r.id == right.work_relation_id)
            sides.add(Party(PartyKind.ORGANISATION, relation.organisation_id))
    found: dict[str, Mandate] = {}
    for side in sides:
        for mandate in repo.mandates_given_by(side):
            if mandate.status(day) is MandateStatus.AWAITING_GIVER:
                found[mandate.id] = mandate
        for mandate in repo.mandates_taken_by(side):
            if mandate.status(day) is MandateStatus.AWAITING_TAKER:
                found[mandate.id] = mandate
        for mandate in repo.mandates_pending_transfer_to(side):
            if mandate.status(day) is MandateStatus.ACTIVE:
                found[mandate.id] = mandate
    ordered = sorted(found.values(), key=lambda m: (m.created_at, m.id))
    return _page(ordered, offset, limit)
