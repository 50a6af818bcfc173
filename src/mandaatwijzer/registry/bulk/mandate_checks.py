"""The checks of mandates against what is stored: the parties and actors, the rules of the
sides (`rules.mandate_refusal`, for the taker and every later taker) and the transfer links.

Only the links between mandates (successor, predecessor) that point forward in the file are
remembered until their other end arrives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import cast

from ..model import Party, PartyKind
from ..phrases import N_
from ..rules import Refusal, mandate_refusal
from .checks import Checker, accepted, missing, rows_of
from .records import MandateRecord, OrganisationRecord, PersonRecord, Record
from .reports import Parsed, RowError
from .store import BulkStore

_PERSON = PartyKind.PERSON
#: The fields of a mandate about transfers (its last four), and their values without one.
_TRANSFERS, _NO_TRANSFER = slice(-4, None), (None, None, None, None)
assert MandateRecord._fields[-4:] == (
    "transferred_to", "successor_id", "pending_transfer_to", "predecessor_id")
_GIVER, _TAKER = attrgetter("giver"), attrgetter("taker")
_CREATED_BY, _GIVER_SIGNED_BY = attrgetter("created_by"), attrgetter("giver_signed_by")
_TAKER_SIGNED_BY, _STOPPED_BY = attrgetter("taker_signed_by"), attrgetter("stopped_by")


@dataclass
class _Link:
    """A mandate's successor_id or predecessor_id whose other end has not been seen yet."""

    row: int
    column: str
    record: MandateRecord


class Mandates(Checker):
    def __init__(self, store: BulkStore) -> None:
        super().__init__(store)
        #: Forward links, by the id of the mandate they point to (only until it arrives).
        self.waiting: dict[str, list[_Link]] = {}

    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = rows_of(batch, MandateRecord)
        errors = self._unique(MandateRecord, records)
        mandates = [r for _, r in records]
        later = [r for r in mandates if r[_TRANSFERS] != _NO_TRANSFER]
        person_ids: set[str | None] = set()
        org_ids: set[str] = set()
        for parties in (map(_GIVER, mandates), map(_TAKER, mandates),
                        (p for r in later for p in (r.transferred_to, r.pending_transfer_to)
                         if p is not None)):
            for party in parties:
                (person_ids if party.kind is _PERSON else org_ids).add(party.id)
        for actor in (_CREATED_BY, _GIVER_SIGNED_BY, _TAKER_SIGNED_BY, _STOPPED_BY):
            person_ids.update(map(actor, mandates))
        person_ids.discard(None)
        facts = PartyFacts(self.referenced(PersonRecord, cast(set[str], person_ids)),
                            self.referenced(OrganisationRecord, org_ids))
        stored = self.store.find(MandateRecord, {
            key for r in later for key in (r.successor_id, r.predecessor_id) if key})
        here: dict[str, MandateRecord] = {}
        allowed, waiting = facts.allowed, self.waiting
        for row, record in records:
            if not allowed(record):
                errors += facts.sides(row, record)
                errors += facts.actors(row, record)
            if waiting or record.successor_id is not None or \
                    record.predecessor_id is not None:
                errors += self._links(row, record, stored, here)
            here[record.id] = record
        return (list(mandates) if not errors else list(accepted(records, errors))), errors

    def _links(self, row: int, record: MandateRecord, stored: Mapping[str, MandateRecord],
               here: Mapping[str, MandateRecord]) -> list[RowError]:
        problems = []
        settled = set()
        # Links from earlier rows that point to this mandate.
        for link in self.waiting.pop(record.id, []):
            settled.add(link.record.id)
            problems += _link_problems(link, record)
        for column, other in (("successor_id", record.successor_id),
                              ("predecessor_id", record.predecessor_id)):
            if other is None or other in settled:
                continue
            link = _Link(row, column, record)
            known = here.get(other) or stored.get(other)
            if known is not None:
                problems += _link_problems(link, known)
            else:
                self.waiting.setdefault(other, []).append(link)
        return problems

    def finish(self) -> list[RowError]:
        errors = [RowError(link.row, link.column,
                           N_("no mandate {key} is stored, nor on a correct row of this file",
                              key=key),
                           N_("the id of a stored mandate or of one in this file"))
                  for key, links in self.waiting.items() for link in links]
        self.waiting.clear()
        return errors


def _link_problems(link: _Link, other: MandateRecord) -> list[RowError]:
    """Whether `link.record` and `other`, which it names, agree about the transfer."""
    if link.column == "successor_id":
        before, after = link.record, other
    else:
        before, after = other, link.record
    problem = None
    if before.successor_id != after.id:
        problem = N_("mandate {id} names {named} as its successor, not {other}", id=before.id,
                     named=before.successor_id or N_("no mandate"), other=after.id)
    elif after.predecessor_id != before.id:
        problem = N_("mandate {id} names {named} as its predecessor, not {other}", id=after.id,
                     named=after.predecessor_id or N_("no mandate"), other=before.id)
    elif after.giver != before.giver:
        problem = N_("mandate {id} has another giver than mandate {other}", id=after.id,
                     other=before.id)
    elif before.transferred_to != after.taker:
        problem = N_("mandate {id} was transferred to {to}, but mandate {other} is taken by "
                     "{taker}", id=before.id, to=str(before.transferred_to), other=after.id,
                     taker=str(after.taker))
    if problem is None:
        return []
    return [RowError(link.row, link.column, problem,
                     N_("a predecessor and successor that name each other, with the same "
                        "giver, the successor taken by the one the predecessor was "
                        "transferred to"))]


@dataclass(frozen=True, slots=True)
class PartyFacts:
    persons: Mapping[str, PersonRecord]
    orgs: Mapping[str, OrganisationRecord]

    def name(self, party: Party) -> str:
        entity = (self.persons if party.kind is PartyKind.PERSON else self.orgs).get(party.id)
        return entity.name if entity is not None else party.id

    def exists(self, party: Party) -> bool:
        return party.id in (self.persons if party.kind is PartyKind.PERSON else self.orgs)

    def allowed(self, record: MandateRecord) -> bool:
        """True when `sides` and `actors` find nothing wrong with a mandate that was never
        transferred; False when they might (they then say what)."""
        if record.transferred_to is not None or record.pending_transfer_to is not None:
            return False
        persons, orgs = self.persons, self.orgs
        giver, taker = record.giver, record.taker
        giver_org: OrganisationRecord | None = None
        if giver.kind is _PERSON:
            if giver.id not in persons:
                return False
        elif (giver_org := orgs.get(giver.id)) is None:
            return False
        if taker.kind is _PERSON:
            if (holder := persons.get(taker.id)) is None or \
                    mandate_refusal(giver_org, holder, None) is not None:
                return False
        elif (provider := orgs.get(taker.id)) is None or \
                mandate_refusal(giver_org, None, provider) is not None:
            return False
        return record.created_by in persons and \
            (record.giver_signed_by is None or record.giver_signed_by in persons) and \
            (record.taker_signed_by is None or record.taker_signed_by in persons) and \
            (record.stopped_by is None or record.stopped_by in persons)

    def sides(self, row: int, record: MandateRecord) -> list[RowError]:
        """The rules of the mandate's sides (as `services.create_mandate` and
        `transfer_mandate` apply them), for the taker and for every later taker."""
        errors = []
        takers = [("taker_id", record.taker), ("transferred_to", record.transferred_to),
                  ("pending_transfer_to", record.pending_transfer_to)]
        for column, party in (("giver_id", record.giver), *takers):
            if party is not None and not self.exists(party):
                errors.append(missing(row, column, party.kind.value, party.id))
        if errors:
            return errors
        for column, taker in takers:
            if taker is not None:
                refusal = self._refusal(record.giver, taker)
                if refusal is not None:
                    errors.append(RowError.refused(row, column, refusal))
        return errors

    def _refusal(self, giver: Party, taker: Party) -> Refusal | None:
        """The rules of a mandate's sides, both of them stored."""
        giver_org = self.orgs[giver.id] if giver.kind is not _PERSON else None
        if taker.kind is _PERSON:
            return mandate_refusal(giver_org, self.persons[taker.id], None)
        return mandate_refusal(giver_org, None, self.orgs[taker.id])

    def actors(self, row: int, record: MandateRecord) -> list[RowError]:
        return [missing(row, column, "person", person_id)
                for column, person_id in (("created_by", record.created_by),
                                          ("giver_signed_by", record.giver_signed_by),
                                          ("taker_signed_by", record.taker_signed_by),
                                          ("stopped_by", record.stopped_by))
                if person_id is not None and person_id not in self.persons]
