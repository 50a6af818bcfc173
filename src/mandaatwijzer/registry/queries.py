"""Read-only use cases: the access decision and the paged listings built on it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from . import rules
from .access import AccessFacts, Decision, Employment, decide
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
from .ports import Page, Repository

MAX_PAGE = 200
T = TypeVar("T")


def _names_with_right(repo: Repository, org_id: str, kind: RightKind,
                      day: date) -> tuple[str, ...]:
    relations = [r for r in repo.work_relations_at(org_id) if r.active(day)]
    holders = {r.work_relation_id for r in repo.rights_on([r.id for r in relations])
               if r.kind is kind and r.active(day)}
    names = []
    for relation in relations:
        if relation.id in holders:
            holder = repo.person(relation.person_id)
            if holder is not None:
                names.append(holder.name)
    return tuple(sorted(names))


def _admin_names(repo: Repository, org_id: str, day: date) -> tuple[str, ...]:
    names = []
    for admin in repo.local_admins_of(org_id):
        holder = repo.person(admin.person_id) if admin.active(day) else None
        if holder is not None:
            names.append(holder.name)
    return tuple(sorted(names))


def gather_facts(repo: Repository, person_id: str, applicant: Party, day: date) -> AccessFacts:
    """Everything `decide` needs, read through the repository port."""
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
        local_admins={o: _admin_names(repo, o, day) for o in sorted(orgs)},
        mandate_managers={o: _names_with_right(repo, o, RightKind.MANDATE_MANAGER, day)
                          for o in takers},
    )


def may_manage(repo: Repository, person_id: str, applicant: Party, day: date) -> Decision:
    return decide(gather_facts(repo, person_id, applicant, day), day)


def _page(items: Sequence[T], offset: int, limit: int) -> Page[T]:
    if offset < 0:
        raise ValidationError("offset", f"is {offset}", "0 or more")
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError("limit", f"is {limit}", f"1 to {MAX_PAGE}")
    return Page(items[offset:offset + limit], len(items), offset, limit)


@dataclass(frozen=True, slots=True)
class Applicant:
    party: Party
    name: str


def _applicant(repo: Repository, party: Party) -> Applicant | None:
    entity = repo.person(party.id) if party.kind is PartyKind.PERSON \
        else repo.organisation(party.id)
    return Applicant(party, entity.name) if entity is not None else None


def applicants_for(repo: Repository, person_id: str, day: date, offset: int = 0,
                   limit: int = 50) -> Page[Applicant]:
    """The applicants whose dossiers the person may manage, by name."""
    person = rules.person(repo, person_id)
    found: dict[Party, Applicant] = {person.party: Applicant(person.party, person.name)}
    for org in repo.organisations_represented_by(person.id):
        found[org.party] = Applicant(org.party, org.name)
    relations = [r for r in repo.work_relations_of(person.id) if r.active(day)]
    rights = [r for r in repo.rights_on([r.id for r in relations]) if r.active(day)]
    for relation in relations:
        kinds = {r.kind for r in rights if r.work_relation_id == relation.id}
        org_party = Party(PartyKind.ORGANISATION, relation.organisation_id)
        if RightKind.KIOSK_APPLICANT in kinds and person.has_eid:
            applicant = _applicant(repo, org_party)
            if applicant is not None:
                found[org_party] = applicant
        if RightKind.MANDATE_EXECUTOR in kinds:
            for mandate in repo.mandates_taken_by(org_party):
                if mandate.in_force(day) and mandate.type == "KIOSK":
                    _add(repo, found, mandate.giver)
    for mandate in repo.mandates_taken_by(person.party):
        if mandate.in_force(day) and mandate.type == "KIOSK":
            _add(repo, found, mandate.giver)
    ordered = sorted(found.values(), key=lambda a: (a.party != person.party, a.name.lower()))
    return _page(ordered, offset, limit)


def _add(repo: Repository, found: dict[Party, Applicant], party: Party) -> None:
    if party not in found:
        applicant = _applicant(repo, party)
        if applicant is not None:
            found[party] = applicant


def persons_for(repo: Repository, applicant: Party, day: date, offset: int = 0,
                limit: int = 50) -> Page[Person]:
    """The persons who may manage the applicant's dossiers, by name."""
    found: dict[str, Person] = {}

    def add(person_id: str, condition: Callable[[Person], bool] = lambda p: True) -> None:
        person = repo.person(person_id)
        if person is not None and condition(person):
            found[person.id] = person

    if applicant.kind is PartyKind.PERSON:
        add(rules.person(repo, applicant.id).id)
    else:
        org = rules.organisation(repo, applicant.id)
        for person_id in org.legal_representatives:
            add(person_id)
        for person_id in _holders(repo, org.id, RightKind.KIOSK_APPLICANT, day):
            add(person_id, lambda p: p.has_eid)
    for mandate in repo.mandates_given_by(applicant):
        if not mandate.in_force(day) or mandate.type != "KIOSK":
            continue
        if mandate.taker.kind is PartyKind.PERSON:
            add(mandate.taker.id)
        else:
            for person_id in _holders(repo, mandate.taker.id, RightKind.MANDATE_EXECUTOR, day):
                add(person_id)
    return _page(sorted(found.values(), key=lambda p: p.name.lower()), offset, limit)


def _holders(repo: Repository, org_id: str, kind: RightKind, day: date) -> list[str]:
    relations = [r for r in repo.work_relations_at(org_id) if r.active(day)]
    holding = {r.work_relation_id for r in repo.rights_on([r.id for r in relations])
               if r.kind is kind and r.active(day)}
    return [r.person_id for r in relations if r.id in holding]


def awaiting_signature(repo: Repository, person_id: str, day: date, offset: int = 0,
                       limit: int = 50) -> Page[Mandate]:
    """Mandates that await a signature this person may give (for themself or an organisation)."""
    person = rules.person(repo, person_id)
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
