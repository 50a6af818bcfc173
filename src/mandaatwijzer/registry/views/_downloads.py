"""Download: the CSV files of the lists a person may see, through the read policy
(`registry/policy.py`).

The downloads are the import's own formats (`bulk.csv_formats`), so that what is downloaded
imports again: the work relations and rights of an organisation for whoever administers its
users, and the mandates of a party for whoever acts for it. A person's national number leaves
the registry over HTTP only masked (as every API answer shows it); the persons file then names
the users but cannot be imported again. Only the command line's `registry export persons`
writes them in full, to a file.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import policy, rules
from ..bulk import csv_formats, record_of
from ..bulk.csv_cells import Format
from ..bulk.records import PersonRecord
from ..errors import ValidationError
from ..identifiers import mask_national_number
from ..model import Organisation, PartyKind
from ..phrases import N_
from ..policy import Viewer
from ..ports import Repository
from ._find import fold
from ._mandates import mandates_of_party
from ._names import party_of


@dataclass(frozen=True, slots=True)
class Download:
    """A CSV file: its name (no personal data in it) and its text."""

    filename: str
    text: str


def _masked_person_cells(record: PersonRecord) -> list[str]:
    return [record.id, mask_national_number(record.national_number), record.name,
            "true" if record.has_eid else "false"]


#: The import's persons columns, the national number masked: it names the users, and does
#: not import again (a masked number is no number).
MASKED_PERSONS = dataclasses.replace(csv_formats.PERSONS, cells=_masked_person_cells)

#: What an organisation's administrator downloads, by name.
USER_LISTS = ("persons", "work-relations", "rights")


def _written(fmt: Format[Any], records: Iterable[Any]) -> str:
    out = io.StringIO(newline="")
    csv_formats.write(fmt, records, out)
    return out.getvalue()


def _label(org: Organisation) -> str:
    number = org.enterprise_number
    return number.value if number is not None else org.id


def users_csv(repo: Repository, viewer: Viewer, organisation_id: str, kind: str,
              day: date) -> Download:
    """The users of an organisation (`kind`: its users as persons, their work relations or
    their rights), in the import's columns, for whoever administers its users (the system)."""
    org = rules.organisation(repo, organisation_id)
    policy.require_administers(repo, viewer, org, day)
    if kind not in USER_LISTS:
        raise ValidationError("kind", N_("is not a list of users"),
                              N_("persons, work-relations or rights"))
    relations = sorted(repo.work_relations_at(org.id),
                       key=lambda r: (r.period.start, r.id))
    filename = f"{kind}-{_label(org)}-{day.isoformat()}.csv"
    if kind == "work-relations":
        return Download(filename, _written(csv_formats.WORK_RELATIONS,
                                           (record_of(r) for r in relations)))
    if kind == "rights":
        rights = sorted(repo.rights_on([r.id for r in relations]),
                        key=lambda r: (r.period.start, r.id))
        return Download(filename, _written(csv_formats.RIGHTS, (record_of(r) for r in rights)))
    persons = {}
    for relation in relations:
        person = rules.person(repo, relation.person_id)
        persons[person.id] = person
    ordered = sorted(persons.values(), key=lambda p: (fold(p.name), p.id))
    return Download(filename, _written(MASKED_PERSONS, (record_of(p) for p in ordered)))


def mandates_csv(repo: Repository, viewer: Viewer, party_id: str, day: date) -> Download:
    """The mandates a party gave, took or is offered, in the import's columns, for whoever
    acts for it (and the system); oldest first."""
    party = party_of(repo, party_id)
    policy.require_speaks_for(repo, viewer, party, day)
    found = [m for m in mandates_of_party(repo, party)
             if viewer is None or policy.may_see_mandate(repo, viewer, m, day)]
    org = repo.organisation(party.id) if party.kind is PartyKind.ORGANISATION else None
    label = f"-{_label(org)}" if org is not None else ""
    return Download(f"mandates{label}-{day.isoformat()}.csv",
                    _written(csv_formats.MANDATES, (record_of(m) for m in found)))


__all__ = ["MASKED_PERSONS", "USER_LISTS", "Download", "mandates_csv", "users_csv"]
