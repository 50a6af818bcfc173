"""The access question and its listings, as a viewer may ask them (`policy` decides)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import policy, queries, rules
from ..access import Decision
from ..model import Mandate, Party, Person
from ..policy import Viewer
from ..ports import Page, Repository
from ._names import name_of, party_of


@dataclass(frozen=True, slots=True)
class Checked:
    """A decision with the names of whom it is about."""

    decision: Decision
    person_name: str
    applicant: Party
    applicant_name: str


def check(repo: Repository, viewer: Viewer, person_id: str, applicant_id: str, day: date,
          today: date) -> Checked:
    """May the person manage the applicant's dossiers on `day`? Asked today by the viewer."""
    applicant = party_of(repo, applicant_id)
    person = rules.person(repo, person_id)
    policy.require_checkable(repo, viewer, person.id, applicant, today)
    return Checked(queries.may_manage(repo, person.id, applicant, day), person.name, applicant,
                   name_of(repo, applicant))


def applicants_for(repo: Repository, viewer: Viewer, person_id: str, day: date, today: date,
                   offset: int, limit: int) -> Page[queries.Applicant]:
    policy.require_person_visible(repo, viewer, person_id, today)
    return queries.applicants_for(repo, person_id, day, offset, limit)


def persons_for(repo: Repository, viewer: Viewer, applicant_id: str, day: date, today: date,
                offset: int, limit: int) -> Page[Person]:
    applicant = party_of(repo, applicant_id)
    policy.require_speaks_for(repo, viewer, applicant, today)
    return queries.persons_for(repo, applicant, day, offset, limit)


def awaiting_signature(repo: Repository, viewer: Viewer, person_id: str, day: date,
                       offset: int, limit: int) -> Page[Mandate]:
    policy.require_own_signatures(viewer, person_id)
    return queries.awaiting_signature(repo, person_id, day, offset, limit)
