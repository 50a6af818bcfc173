"""Persons and organisations: listed, looked up, and shown with their users, roles and rights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import policy, rules
from ..errors import NotFoundError
from ..identifiers import EnterpriseNumber, NationalNumber
from ..model import (
    LocalAdmin,
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Person,
    Right,
    WorkRelation,
)
from ..policy import Viewer
from ..ports import Page, Repository
from ._names import name_of


def persons(repo: Repository, viewer: Viewer, offset: int, limit: int) -> Page[Person]:
    """Every registered person, by name (the system only)."""
    policy.require_sees_everyone(viewer)
    return repo.persons(offset, limit)


def person(repo: Repository, viewer: Viewer, person_id: str, day: date) -> Person:
    found = rules.person(repo, person_id)
    policy.require_person_visible(repo, viewer, found.id, day)
    return found


def person_by_number(repo: Repository, viewer: Viewer, number: NationalNumber,
                     day: date) -> Person:
    """The person with this national number, for the system or whoever administers users."""
    policy.require_looks_up_numbers(repo, viewer, day)
    found = repo.person_by_number(number)
    if found is None:
        raise NotFoundError("person with national number", number.masked)
    return found


def organisations(repo: Repository, offset: int, limit: int) -> Page[Organisation]:
    """Every registered organisation, by name (their data is public, as in the KBO)."""
    return repo.organisations(offset, limit)


def organisation(repo: Repository, organisation_id: str) -> Organisation:
    return rules.organisation(repo, organisation_id)


def organisation_by_number(repo: Repository, number: EnterpriseNumber) -> Organisation:
    found = repo.organisation_by_number(number)
    if found is None:
        raise NotFoundError("organisation with enterprise number", number.formatted)
    return found


def local_admins(repo: Repository, viewer: Viewer, organisation_id: str,
                 day: date) -> list[LocalAdmin]:
    """The organisation's local administrators (its administrators and users, the system)."""
    org = rules.organisation(repo, organisation_id)
    policy.require_sees_local_admins(repo, viewer, org, day)
    return list(repo.local_admins_of(org.id))


@dataclass(frozen=True, slots=True)
class User:
    """A person's work relation with an organisation, and the rights on it."""

    relation: WorkRelation
    person: Person
    rights: list[Right]
    active: bool

    @property
    def masked(self) -> str:
        return self.person.national_number.masked


@dataclass(frozen=True, slots=True)
class OrganisationUsers:
    organisation: Organisation
    users: list[User]


def organisation_users(repo: Repository, viewer: Viewer, organisation_id: str,
                       day: date) -> OrganisationUsers:
    """The organisation's users and their rights, by name (its administrators, the system)."""
    org = rules.organisation(repo, organisation_id)
    policy.require_administers(repo, viewer, org, day)
    relations = repo.work_relations_at(org.id)
    rights = repo.rights_on([r.id for r in relations])
    users = [User(relation, rules.person(repo, relation.person_id),
                  [r for r in rights if r.work_relation_id == relation.id], relation.active(day))
             for relation in relations]
    users.sort(key=lambda u: u.person.name.lower())
    return OrganisationUsers(org, users)


@dataclass(frozen=True, slots=True)
class PersonDetails:
    """Everything the registry holds about a person (the system's view)."""

    person: Person
    represents: list[Organisation]
    local_admin_roles: list[LocalAdmin]
    work_relations: list[WorkRelation]
    rights: list[Right]
    mandates: list[Mandate]


def person_details(repo: Repository, person_id: str) -> PersonDetails:
    found = rules.person(repo, person_id)
    relations = list(repo.work_relations_of(found.id))
    return PersonDetails(
        found, list(repo.organisations_represented_by(found.id)),
        list(repo.local_admin_roles_of(found.id)), relations,
        list(repo.rights_on([r.id for r in relations])),
        [*repo.mandates_given_by(found.party), *repo.mandates_taken_by(found.party)])


@dataclass(frozen=True, slots=True)
class OrganisationDetails:
    """Everything the registry holds about an organisation (the system's view)."""

    organisation: Organisation
    local_admins: list[LocalAdmin]
    work_relations: list[WorkRelation]
    rights: list[Right]
    #: Given, taken, and offered to it by a transfer; each once.
    mandates: list[Mandate]


def organisation_details(repo: Repository, organisation_id: str) -> OrganisationDetails:
    org = rules.organisation(repo, organisation_id)
    relations = list(repo.work_relations_at(org.id))
    mandates = {m.id: m for m in [*repo.mandates_given_by(org.party),
                                  *repo.mandates_taken_by(org.party),
                                  *repo.mandates_pending_transfer_to(org.party)]}
    return OrganisationDetails(org, list(repo.local_admins_of(org.id)), relations,
                               list(repo.rights_on([r.id for r in relations])),
                               list(mandates.values()))


def person_name(repo: Repository, person_id: str) -> str:
    return name_of(repo, Party(PartyKind.PERSON, person_id))


def organisation_name(repo: Repository, organisation_id: str) -> str:
    return name_of(repo, Party(PartyKind.ORGANISATION, organisation_id))

