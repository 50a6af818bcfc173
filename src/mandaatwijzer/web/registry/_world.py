"""A person's place in the registry, gathered for the pages: organisations, roles, mandates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...api.registry import _policy, _views
from ...registry import queries
from ...registry.model import (
    EntityGroup,
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Person,
    Right,
    WorkRelation,
)
from ...registry.ports import Repository


@dataclass
class Membership:
    """One organisation and everything the person is there."""

    organisation: Organisation
    legal_representative: bool = False
    local_admin: bool = False
    relations: list[tuple[WorkRelation, list[Right]]] = field(default_factory=list)
    authority: bool = False
    signs: bool = False

    @property
    def gives_mandates(self) -> bool:
        return self.signs and self.organisation.entity_group is EntityGroup.ECONOMIC_ACTOR


def name_of(repo: Repository, party: Party) -> str:
    entity = repo.person(party.id) if party.kind is PartyKind.PERSON \
        else repo.organisation(party.id)
    return entity.name if entity is not None else party.id


def memberships(repo: Repository, person: Person, day: date) -> list[Membership]:
    found: dict[str, Membership] = {}

    def of(org: Organisation) -> Membership:
        return found.setdefault(org.id, Membership(org))

    for org in repo.organisations_represented_by(person.id):
        of(org).legal_representative = True
    for admin in repo.local_admin_roles_of(person.id):
        admin_of = repo.organisation(admin.organisation_id)
        if admin_of is not None and admin.active(day):
            of(admin_of).local_admin = True
    relations = repo.work_relations_of(person.id)
    rights = repo.rights_on([r.id for r in relations])
    for relation in relations:
        employer = repo.organisation(relation.organisation_id)
        if employer is not None:
            of(employer).relations.append(
                (relation, [r for r in rights if r.work_relation_id == relation.id]))
    for membership in found.values():
        membership.authority = _policy.has_authority(repo, person, membership.organisation, day)
        membership.signs = _policy.signs_for(repo, person, membership.organisation.party, day)
    return sorted(found.values(), key=lambda m: m.organisation.name.lower())


def mandate_row(repo: Repository, mandate: Mandate, day: date) -> dict[str, Any]:
    view = _views.mandate(mandate, day)
    view["giver_name"] = name_of(repo, mandate.giver)
    view["taker_name"] = name_of(repo, mandate.taker)
    if mandate.pending_transfer_to is not None:
        view["pending_name"] = name_of(repo, mandate.pending_transfer_to)
    return view


def mandates_of(repo: Repository, sides: list[Party], day: date) -> list[dict[str, Any]]:
    found: dict[str, Mandate] = {}
    for side in sides:
        for mandate in [*repo.mandates_given_by(side), *repo.mandates_taken_by(side)]:
            found[mandate.id] = mandate
    ordered = sorted(found.values(), key=lambda m: (m.created_at, m.id))
    return [mandate_row(repo, m, day) for m in ordered]


def roles(repo: Repository, person: Person, day: date) -> list[dict[str, str]]:
    """What the person is, for the demo sign-in list: role codes with organisation names."""
    found = []
    for membership in memberships(repo, person, day):
        name = membership.organisation.name
        if membership.legal_representative:
            found.append({"role": "legal_representative", "organisation": name})
        if membership.local_admin:
            found.append({"role": "local_admin", "organisation": name})
        for relation, rights in membership.relations:
            for right in rights:
                if right.active(day) and relation.active(day):
                    found.append({"role": "right", "right": right.kind.value,
                                  "organisation": name})
    return found


def checker_choices(repo: Repository, person: Person, day: date) -> dict[str, list[dict[str, str]]]:
    """Whom the person may ask about, and about which applicants."""
    persons = {person.id: person.name}
    applicants: dict[str, str] = {person.id: person.name}
    for membership in memberships(repo, person, day):
        org = membership.organisation
        applicants[org.id] = org.name
        if membership.authority:
            for relation in repo.work_relations_at(org.id):
                holder = repo.person(relation.person_id)
                if holder is not None:
                    persons[holder.id] = holder.name
        for mandate in repo.mandates_taken_by(org.party):
            applicants[mandate.giver.id] = name_of(repo, mandate.giver)
    for mandate in repo.mandates_taken_by(person.party):
        applicants[mandate.giver.id] = name_of(repo, mandate.giver)
    for applicant in queries.applicants_for(repo, person.id, day, 0, queries.MAX_PAGE).items:
        applicants[applicant.party.id] = applicant.name

    def listed(found: dict[str, str]) -> list[dict[str, str]]:
        return [{"id": k, "name": v} for k, v in sorted(found.items(),
                                                        key=lambda i: i[1].lower())]

    return {"persons": listed(persons), "applicants": listed(applicants)}

