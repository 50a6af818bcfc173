"""A person's to-do list ("Te doen"): what waits for them in the registry.

- the mandates that await their signature (for themself or an organisation they sign for),
- the transfers proposed to an organisation they sign for (to accept or refuse),
- the rights of the organisations they administer that end within `ENDING_WITHIN` days,
- the mandates of the sides they sign for that end within as many days,
- the right requests of the organisations they administer that await their decision.

Each item names the page where the person acts (the edges make its address).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .. import policy, queries, requests, rules
from ..model import Mandate, MandateStatus, Party, Person, Right
from ..ports import Repository
from ._mandates import MandateRow, by_creation, mandate_rows

#: How far ahead an end is worth a reminder, in days.
ENDING_WITHIN = 30


@dataclass(frozen=True, slots=True)
class Signature:
    """A mandate that awaits the person's signature for `side` (or, for a transfer, the
    acceptance by `side`)."""

    row: MandateRow
    side: Party
    side_name: str


@dataclass(frozen=True, slots=True)
class EndingRight:
    """A right of an organisation the person administers, ending on `right.period.end`."""

    right: Right
    holder_name: str
    organisation_id: str
    organisation_name: str

    @property
    def ends(self) -> date:
        assert self.right.period.end is not None
        return self.right.period.end


@dataclass(frozen=True, slots=True)
class EndingMandate:
    """A mandate in force of a side the person signs for, ending on `ends`."""

    row: MandateRow

    @property
    def ends(self) -> date:
        end = self.row.until
        assert end is not None
        return end


@dataclass(frozen=True, slots=True)
class Todo:
    """What waits for the person, each kind oldest (or soonest) first."""

    signatures: tuple[Signature, ...]
    transfers: tuple[Signature, ...]
    rights_ending: tuple[EndingRight, ...]
    mandates_ending: tuple[EndingMandate, ...]
    #: The right requests that await the person's decision, oldest first.
    requests: tuple[requests.RequestRow, ...] = ()

    @property
    def count(self) -> int:
        return (len(self.signatures) + len(self.transfers) + len(self.rights_ending)
                + len(self.mandates_ending) + len(self.requests))


def _signatures(repo: Repository, person: Person,
                day: date) -> tuple[list[Signature], list[Signature]]:
    """The mandates awaiting the person's signature, and the transfers awaiting their
    acceptance (`queries.awaiting_signature`: nothing without an eID)."""
    signatures, transfers = [], []
    awaiting = queries.awaiting_signature(repo, person.id, day, 0, queries.MAX_PAGE)
    for row in mandate_rows(repo, awaiting.items, day):
        mandate, pending = row.mandate, row.mandate.pending_transfer_to
        if pending is not None and row.status is MandateStatus.ACTIVE:
            assert row.pending_name is not None
            transfers.append(Signature(row, pending, row.pending_name))
        elif row.status is MandateStatus.AWAITING_GIVER:
            signatures.append(Signature(row, mandate.giver, row.giver_name))
        else:
            signatures.append(Signature(row, mandate.taker, row.taker_name))
    return signatures, transfers


def _ends_soon(end: date | None, day: date) -> bool:
    return end is not None and day <= end <= day + timedelta(days=ENDING_WITHIN)


def _rights_ending(repo: Repository, person: Person, day: date) -> list[EndingRight]:
    found = []
    for org in policy.administered(repo, person, day):
        relations = {r.id: r for r in repo.work_relations_at(org.id)}
        for right in repo.rights_on(list(relations)):
            if right.active(day) and _ends_soon(right.period.end, day):
                holder = rules.person(repo, relations[right.work_relation_id].person_id)
                found.append(EndingRight(right, holder.name, org.id, org.name))
    found.sort(key=lambda e: (e.ends, e.holder_name.lower(), e.right.id))
    return found


def _signing_sides(repo: Repository, person: Person, day: date) -> list[Party]:
    """The person and the organisations whose mandates they sign."""
    candidates = {o.id: o for o in repo.organisations_represented_by(person.id)}
    for relation in repo.work_relations_of(person.id):
        org = repo.organisation(relation.organisation_id)
        if org is not None and relation.active(day):
            candidates[org.id] = org
    return [person.party, *(org.party for org in candidates.values()
                            if policy.signs_for(repo, person, org.party, day))]


def _mandates_ending(repo: Repository, person: Person, day: date) -> list[EndingMandate]:
    mandates: list[Mandate] = []
    for side in _signing_sides(repo, person, day):
        mandates += [m for m in [*repo.mandates_given_by(side), *repo.mandates_taken_by(side)]
                     if m.in_force(day) and _ends_soon(m.period.end, day)]
    found = [EndingMandate(row) for row in mandate_rows(repo, by_creation(mandates), day)]
    found.sort(key=lambda e: e.ends)
    return found


def todo(repo: Repository, person_id: str, day: date) -> Todo:
    """What waits for the person on `day`."""
    person = rules.person(repo, person_id)
    signatures, transfers = _signatures(repo, person, day)
    return Todo(tuple(signatures), tuple(transfers), tuple(_rights_ending(repo, person, day)),
                tuple(_mandates_ending(repo, person, day)),
                requests.requests_to_decide(repo, person, day))


__all__ = ["ENDING_WITHIN", "EndingMandate", "EndingRight", "Signature", "Todo", "todo"]
