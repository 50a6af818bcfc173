"""A person's place in the registry: their organisations and roles there, the mandates they
see, and whom they may ask the checker about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .. import policy, queries, rules
from ..model import EntityGroup, Organisation, Party, PartyKind, Person, Right, WorkRelation
from ..ports import Repository
from ._mandates import MandateRow, mandates_of_sides
from ._names import names_of


@dataclass
class Membership:
    """One organisation and everything the person is there."""

    organisation: Organisation
    legal_representative: bool = False
    local_admin: bool = False
    relations: list[tuple[WorkRelation, list[Right]]] = field(default_factory=list)
    #: Manages its users and rights (local administrator or legal representative).
    authority: bool = False
    #: Signs its mandates (legal representative or mandate administrator).
    signs: bool = False

    @property
    def gives_mandates(self) -> bool:
        return self.signs and self.organisation.entity_group is EntityGroup.ECONOMIC_ACTOR


def memberships(repo: Repository, person: Person, day: date) -> list[Membership]:
    """The person's organisations, by name."""
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
        membership.authority = policy.has_authority(repo, person, membership.organisation, day)
        membership.signs = policy.signs_for(repo, person, membership.organisation.party, day)
    return sorted(found.values(), key=lambda m: m.organisation.name.lower())


@dataclass(frozen=True, slots=True)
class Overview:
    """What a signed-in person sees first: their organisations, rights and mandates."""

    person: Person
    memberships: list[Membership]
    #: The mandates of the person and of the organisations they sign for.
    mandates: list[MandateRow]
    applicants: Sequence[queries.Applicant]
    #: How many mandates await a signature the person may give.
    awaiting: int


def overview(repo: Repository, person_id: str, day: date) -> Overview:
    person = rules.person(repo, person_id)
    found = memberships(repo, person, day)
    sides = [person.party, *(m.organisation.party for m in found if m.signs)]
    return Overview(
        person, found, mandates_of_sides(repo, sides, day),
        queries.applicants_for(repo, person.id, day, 0, queries.MAX_PAGE).items,
        queries.awaiting_signature(repo, person.id, day, 0, queries.MAX_PAGE).total)


def checker_choices(repo: Repository, person: Person,
                    day: date) -> dict[str, list[dict[str, str]]]:
    """Whom the person may ask about, and about which applicants: ids and names, by name."""
    persons = {person.id: person.name}
    applicants: dict[str, str] = {person.id: person.name}
    # The givers' names are read at once below (a provider takes a thousand mandates or
    # more); each keeps its place in the listing meanwhile.
    givers: list[Party] = []
    staff: list[Party] = []  # their names too, read at once (a provider's hundred users)
    for membership in memberships(repo, person, day):
        org = membership.organisation
        applicants[org.id] = org.name
        if membership.authority:
            staff += [Party(PartyKind.PERSON, relation.person_id)
                      for relation in repo.work_relations_at(org.id)]
        for giver in repo.givers_to(org.party):
            applicants.setdefault(giver.id, "")
            givers.append(giver)
    for giver in repo.givers_to(person.party):
        applicants.setdefault(giver.id, "")
        givers.append(giver)
    named = names_of(repo, givers)
    for giver in givers:
        applicants[giver.id] = named[giver]
    persons.update((member.id, name) for member, name in repo.names(staff).items())
    # Every applicant `queries.applicants_for` would add is listed already: the person, the
    # organisations they represent or work for, and the givers of the mandates those (and the
    # person) took; deciding access for each of a provider's thousand clients is left to the
    # check itself.

    def listed(found: dict[str, str]) -> list[dict[str, str]]:
        return [{"id": k, "name": v} for k, v in sorted(found.items(),
                                                        key=lambda i: i[1].lower())]

    return {"persons": listed(persons), "applicants": listed(applicants)}
