"""Bulk import and export of the registry: records, the port they need, and the two use cases.

A *record* is one entity as plain values (a named tuple), the shape of one CSV row
(`csvio.py` reads and writes them). Records are not the domain classes on purpose: those are
mapped onto tables when a SQL database is in use, which makes building a million of them
slow, and an import must not keep what it wrote in memory.

An import is one transaction: every row is read lazily, checked on its own (`csvio`), then
checked in batches against what is stored (references, uniqueness, the rules that concern
stored facts) and written batch by batch; any error anywhere leaves nothing written. Checks
against "what is stored" see the earlier batches of the same file, because they were written
in the same transaction: so a duplicate of an earlier row is found without remembering the
rows. Only the links between mandates (successor, predecessor) that point forward in the file
are remembered until their other end arrives.

A unit of work may offer a fast path (`BulkUnitOfWork.bulk()`: set-wise lookups, inserts that
keep nothing in memory, streamed reads). Without one the import and export go through the
`Repository` port, one entity at a time: correct everywhere, fast only in memory.

The import records one audit event (`import`), naming the kind, the number of rows and the
file's SHA-256; the rows carry who created, granted, signed and stopped what.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import NamedTuple, Protocol, TypeVar, cast, runtime_checkable

from . import rules
from .errors import RegistryError
from .identifiers import EnterpriseNumber, NationalNumber
from .model import (
    EntityGroup,
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Period,
    Person,
    Right,
    RightKind,
    Signature,
    WorkRelation,
    new_id,
)
from .ports import AuditEvent, Clock, Page, Repository, UnitOfWork
from .services import SYSTEM

# --- records ---------------------------------------------------------------------------------


class PersonRecord(NamedTuple):
    id: str
    #: The 11 digits of a valid national register or BIS number (personal data).
    national_number: str
    name: str
    has_eid: bool = True


class OrganisationRecord(NamedTuple):
    id: str
    name: str
    entity_group: EntityGroup
    #: The 10 digits of a valid enterprise number, or None.
    enterprise_number: str | None = None
    legal_representatives: tuple[str, ...] = ()


class WorkRelationRecord(NamedTuple):
    id: str
    person_id: str
    organisation_id: str
    start: date
    end: date | None = None
    user_type: str = "employee"


class RightRecord(NamedTuple):
    id: str
    work_relation_id: str
    kind: RightKind
    granted_by: str
    start: date
    end: date | None = None
    withdrawn_on: date | None = None
    withdrawn_by: str | None = None


class MandateRecord(NamedTuple):
    id: str
    giver: Party
    taker: Party
    start: date
    end: date | None
    created_by: str
    created_at: datetime
    type: str = "KIOSK"
    giver_signed_by: str | None = None
    giver_signed_at: datetime | None = None
    taker_signed_by: str | None = None
    taker_signed_at: datetime | None = None
    stopped_by: str | None = None
    stopped_at: datetime | None = None
    transferred_to: Party | None = None
    successor_id: str | None = None
    pending_transfer_to: Party | None = None
    predecessor_id: str | None = None


Record = PersonRecord | OrganisationRecord | WorkRelationRecord | RightRecord | MandateRecord
R = TypeVar("R", PersonRecord, OrganisationRecord, WorkRelationRecord, RightRecord,
            MandateRecord)
NumberedRecord = TypeVar("NumberedRecord", PersonRecord, OrganisationRecord)
T = TypeVar("T")

#: The kinds in the order an import of a whole registry must follow (references point back).
KINDS: tuple[type[Record], ...] = (PersonRecord, OrganisationRecord, WorkRelationRecord,
                                   RightRecord, MandateRecord)


# --- records from and to entities ---------------------------------------------------------


def record_of(entity: Person | Organisation | WorkRelation | Right | Mandate) -> Record:
    """The record of a stored entity (export through the repository)."""
    if isinstance(entity, Person):
        return PersonRecord(entity.id, entity.national_number.value, entity.name,
                            entity.has_eid)
    if isinstance(entity, Organisation):
        number = entity.enterprise_number
        return OrganisationRecord(entity.id, entity.name, entity.entity_group,
                                  number.value if number else None,
                                  tuple(sorted(entity.legal_representatives)))
    if isinstance(entity, WorkRelation):
        return WorkRelationRecord(entity.id, entity.person_id, entity.organisation_id,
                                  entity.period.start, entity.period.end, entity.user_type)
    if isinstance(entity, Right):
        return RightRecord(entity.id, entity.work_relation_id, entity.kind, entity.granted_by,
                           entity.period.start, entity.period.end, entity.withdrawn_on,
                           entity.withdrawn_by)
    giver, taker = entity.giver_signature, entity.taker_signature
    return MandateRecord(
        entity.id, entity.giver, entity.taker, entity.period.start, entity.period.end,
        entity.created_by, entity.created_at, entity.type,
        giver.by if giver else None, giver.at if giver else None,
        taker.by if taker else None, taker.at if taker else None,
        entity.stopped_by, entity.stopped_at, entity.transferred_to, entity.successor_id,
        entity.pending_transfer_to, entity.predecessor_id)


def _signature(by: str | None, at: datetime | None) -> Signature | None:
    return Signature(by, at) if by is not None and at is not None else None


def entity_of(record: Record) -> Person | Organisation | WorkRelation | Right | Mandate:
    """The entity a (checked) record describes (import through the repository)."""
    if isinstance(record, PersonRecord):
        return Person(record.id, NationalNumber(record.national_number), record.name,
                      record.has_eid)
    if isinstance(record, OrganisationRecord):
        number = record.enterprise_number
        return Organisation(record.id, record.name, record.entity_group,
                            EnterpriseNumber(number) if number else None,
                            set(record.legal_representatives))
    if isinstance(record, WorkRelationRecord):
        return WorkRelation(record.id, record.person_id, record.organisation_id,
                            Period(record.start, record.end), record.user_type)
    if isinstance(record, RightRecord):
        return Right(record.id, record.work_relation_id, record.kind, record.granted_by,
                     Period(record.start, record.end), record.withdrawn_on,
                     record.withdrawn_by)
    return Mandate(
        record.id, record.giver, record.taker, Period(record.start, record.end),
        record.created_by, record.created_at, record.type,
        _signature(record.giver_signed_by, record.giver_signed_at),
        _signature(record.taker_signed_by, record.taker_signed_at),
        record.stopped_by, record.stopped_at, record.transferred_to, record.successor_id,
        record.pending_transfer_to, record.predecessor_id)


# --- the port ------------------------------------------------------------------------------


class BulkStore(Protocol):
    """What an import and an export need from storage, set-wise. Used inside `with uow:`."""

    def find(self, kind: type[R], ids: Collection[str]) -> Mapping[str, R]:
        """The stored records of that kind among `ids` (written earlier in this transaction
        too), by id; ids not stored are left out."""
        ...

    def stored_ids(self, kind: type[Record], ids: Collection[str]) -> Collection[str]:
        """Which of these ids are taken by stored records of that kind (written earlier in
        this transaction too)."""
        ...

    def taken_numbers(self, kind: type[NumberedRecord],
                      numbers: Collection[str]) -> Collection[str]:
        """Which of these national numbers (persons) or enterprise numbers (organisations),
        as digits, are stored already."""
        ...

    def writing(self) -> AbstractContextManager[None]:
        """Around the inserts of one import, in its transaction: the store may set itself up
        for many inserts (within bounded memory), and undoes that at the end."""
        ...

    def insert(self, kind: type[Record], records: Sequence[Record]) -> None:
        """Write new records in the current transaction, keeping nothing of them in memory."""
        ...

    def scan(self, kind: type[R]) -> Iterator[R]:
        """Every stored record of that kind, streamed (not all in memory at once)."""
        ...


@runtime_checkable
class BulkUnitOfWork(Protocol):
    """A unit of work with a fast path for bulk work (the SQL adapter may offer one)."""

    def bulk(self) -> BulkStore: ...


class RepositoryStore:
    """`BulkStore` through the `Repository` port, one entity at a time (the fallback)."""

    PAGE = 200

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._getters: dict[type[Record], Callable[[str], Person | Organisation | WorkRelation
                                                   | Right | Mandate | None]] = {
            PersonRecord: repo.person, OrganisationRecord: repo.organisation,
            WorkRelationRecord: repo.work_relation, RightRecord: repo.right,
            MandateRecord: repo.mandate}

    def find(self, kind: type[R], ids: Collection[str]) -> Mapping[str, R]:
        get = self._getters[kind]
        found = {key: get(key) for key in ids}
        return {key: cast(R, record_of(entity)) for key, entity in found.items()
                if entity is not None}

    def stored_ids(self, kind: type[Record], ids: Collection[str]) -> Collection[str]:
        get = self._getters[kind]
        return {key for key in ids if get(key) is not None}

    def writing(self) -> AbstractContextManager[None]:
        return nullcontext()

    def taken_numbers(self, kind: type[NumberedRecord],
                      numbers: Collection[str]) -> Collection[str]:
        if kind is PersonRecord:
            return {n for n in numbers
                    if self.repo.person_by_number(NationalNumber(n)) is not None}
        return {n for n in numbers
                if self.repo.organisation_by_number(EnterpriseNumber(n)) is not None}

    def insert(self, kind: type[Record], records: Sequence[Record]) -> None:
        for record in records:
            self.repo.add(entity_of(record))

    def _all(self, page: Callable[[int, int], Page[T]]) -> Iterator[T]:
        offset = 0
        while True:
            found = page(offset, self.PAGE)
            yield from found.items
            offset += self.PAGE
            if offset >= found.total:
                return

    def _persons(self) -> Iterator[Person]:
        return self._all(self.repo.persons)

    def _organisations(self) -> Iterator[Organisation]:
        return self._all(self.repo.organisations)

    def _entities(self, kind: type[Record]) -> Iterator[
            Person | Organisation | WorkRelation | Right | Mandate]:
        if kind is PersonRecord:
            yield from self._persons()
        elif kind is OrganisationRecord:
            yield from self._organisations()
        elif kind is WorkRelationRecord:
            for person in self._persons():
                yield from self.repo.work_relations_of(person.id)
        elif kind is RightRecord:
            for person in self._persons():
                relations = self.repo.work_relations_of(person.id)
                yield from self.repo.rights_on([r.id for r in relations])
        else:
            for person in self._persons():
                yield from self.repo.mandates_given_by(person.party)
            for org in self._organisations():
                yield from self.repo.mandates_given_by(org.party)

    def scan(self, kind: type[R]) -> Iterator[R]:
        for entity in self._entities(kind):
            yield cast(R, record_of(entity))


def store_of(uow: UnitOfWork) -> BulkStore:
    """The unit of work's fast path if it has one, else the repository (inside `with uow:`)."""
    if isinstance(uow, BulkUnitOfWork):
        return uow.bulk()
    return RepositoryStore(uow.repo)


# --- errors and reports --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one row: where (row, column), what, and what was expected or which
    rule forbids it. Row 1 is the header; the first data row is row 2, as in a spreadsheet."""

    row: int
    column: str | None
    problem: str
    expected: str | None = None
    rule: str | None = None

    def __str__(self) -> str:
        text = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        text += f": {self.problem}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.rule:
            text += f" (rule: {self.rule})"
        return text


class Parsed(NamedTuple):
    """One data row as read: its record, or what is wrong with it."""

    row: int
    record: Record | None
    errors: tuple[RowError, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: type[Record]
    rows: int
    imported: int
    errors: tuple[RowError, ...] = ()
    #: True when checking stopped at the error cap: rows after `last_row` were not checked.
    truncated: bool = False
    last_row: int = 0


class ImportRefusedError(RegistryError):
    """An import with errors: nothing was written. Carries every error found (up to the cap)."""

    code = "invalid"
    status = 422
    exit_code = 6

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        count = len(report.errors)
        more = (f"; stopped checking at row {report.last_row} after {count} errors"
                if report.truncated else "")
        super().__init__(f"nothing imported: {count} error{'s' if count != 1 else ''} in "
                         f"{report.rows} row{'s' if report.rows != 1 else ''}{more}")


# --- checks against what is stored -------------------------------------------------------


_ID_EXPECTED = "an id that is not taken (or an empty cell, for a new id)"


class _Checker:
    """Checks a batch of well-formed records against the store; may keep state across batches.

    Records of other kinds than the one imported do not change during the import, so what was
    looked up of them is kept for the next batches (up to `CACHED` per kind, then forgotten:
    memory stays bounded whatever the size of the file).
    """

    CACHED = 100_000

    def __init__(self, store: BulkStore) -> None:
        self.store = store
        self._cache: dict[type[Record], dict[str, Record]] = {}

    def referenced(self, kind: type[R], ids: Collection[str]) -> Mapping[str, R]:
        """The stored records of another kind among `ids`, by id."""
        cache = cast(dict[str, R], self._cache.setdefault(kind, {}))
        missing: Collection[str] = (
            ids if isinstance(ids, set | frozenset) else set(ids)) - cache.keys()
        if len(cache) + len(missing) > self.CACHED:
            cache.clear()
            missing = ids
        if missing:
            cache.update(self.store.find(kind, missing))
        return cache

    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        raise NotImplementedError

    def finish(self) -> list[RowError]:
        return []

    def _unique(self, kind: type[R], batch: Sequence[tuple[int, R]]) -> list[RowError]:
        """Ids taken by stored records, earlier batches or earlier rows of this batch."""
        stored = self.store.stored_ids(kind, {record.id for _, record in batch})
        first: dict[str, int] = {}
        errors = []
        for row, record in batch:
            if record.id in stored:
                errors.append(RowError(row, "id", f"{record.id} is taken (stored, or on an "
                                       "earlier row)", _ID_EXPECTED))
            elif record.id in first:
                errors.append(RowError(row, "id", f"{record.id} is also on row "
                                       f"{first[record.id]}", _ID_EXPECTED))
            else:
                first[record.id] = row
        return errors


def _records(batch: Sequence[Parsed], kind: type[R]) -> list[tuple[int, R]]:
    return [(p.row, p.record) for p in batch if isinstance(p.record, kind)]


def _accepted(batch: Sequence[tuple[int, R]], errors: Sequence[RowError]) -> list[R]:
    bad = {error.row for error in errors}
    return [record for row, record in batch if row not in bad]


def _missing(row: int, column: str, what: str, key: str) -> RowError:
    return RowError(row, column, f"no {what} {key} is stored", f"the id of a stored {what}")


class _Persons(_Checker):
    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = _records(batch, PersonRecord)
        errors = self._unique(PersonRecord, records)
        taken = self.store.taken_numbers(PersonRecord, {r.national_number for _, r in records})
        first: dict[str, int] = {}
        for row, record in records:
            number = record.national_number
            if number in taken:
                errors.append(RowError(row, "national_number", "a person with this number is "
                                       "registered already (stored, or on an earlier row)",
                                       "each person once"))
            elif number in first:
                errors.append(RowError(row, "national_number", "the same person is also on "
                                       f"row {first[number]}", "each person once"))
            else:
                first[number] = row
        return list(_accepted(records, errors)), errors


class _Organisations(_Checker):
    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = _records(batch, OrganisationRecord)
        errors = self._unique(OrganisationRecord, records)
        numbers = {r.enterprise_number for _, r in records if r.enterprise_number}
        taken = self.store.taken_numbers(OrganisationRecord, numbers)
        persons = self.referenced(PersonRecord, {p for _, r in records
                                                 for p in r.legal_representatives})
        first: dict[str, int] = {}
        for row, record in records:
            number = record.enterprise_number
            if number is not None:
                shown = EnterpriseNumber(number)
                if number in taken:
                    errors.append(RowError(row, "enterprise_number", f"{shown} is registered "
                                           "already (stored, or on an earlier row)",
                                           "each organisation once"))
                elif number in first:
                    errors.append(RowError(row, "enterprise_number", f"{shown} is also on row "
                                           f"{first[number]}", "each organisation once"))
                else:
                    first[number] = row
            errors.extend(_missing(row, "legal_representatives", "person", person_id)
                          for person_id in record.legal_representatives
                          if person_id not in persons)
        return list(_accepted(records, errors)), errors


def _outside_user_management(org: OrganisationRecord) -> str | None:
    """Why the user management holds no users of `org` (as `rules.require_user_management`)."""
    if org.entity_group in (EntityGroup.DE_FACTO_ASSOCIATION,
                            EntityGroup.FOREIGN_ORGANISATION):
        return (f"{org.name} is a {org.entity_group.value.replace('_', ' ')}, which is managed "
                "inside KIOSK by its main representative, not in the user management")
    return None


class _WorkRelations(_Checker):
    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = _records(batch, WorkRelationRecord)
        errors = self._unique(WorkRelationRecord, records)
        persons = self.referenced(PersonRecord, {r.person_id for _, r in records})
        orgs = self.referenced(OrganisationRecord, {r.organisation_id for _, r in records})
        for row, record in records:
            if record.person_id not in persons:
                errors.append(_missing(row, "person_id", "person", record.person_id))
            org = orgs.get(record.organisation_id)
            if org is None:
                errors.append(_missing(row, "organisation_id", "organisation",
                                       record.organisation_id))
            elif (outside := _outside_user_management(org)) is not None:
                errors.append(RowError(row, "organisation_id", outside,
                                       rule=rules.IN_USER_MANAGEMENT))
        return list(_accepted(records, errors)), errors


class _Rights(_Checker):
    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = _records(batch, RightRecord)
        errors = self._unique(RightRecord, records)
        relations = self.referenced(WorkRelationRecord,
                                    {r.work_relation_id for _, r in records})
        persons = self.referenced(PersonRecord, {
            *(r.granted_by for _, r in records),
            *(r.withdrawn_by for _, r in records if r.withdrawn_by),
            *(relation.person_id for relation in relations.values())})
        orgs = self.referenced(OrganisationRecord,
                               {relation.organisation_id for relation in relations.values()})
        for row, record in records:
            relation = relations.get(record.work_relation_id)
            if relation is None:
                errors.append(_missing(row, "work_relation_id", "work relation",
                                       record.work_relation_id))
            else:
                errors += _right_on_relation(row, record, relation, persons, orgs)
            for column, person_id in (("granted_by", record.granted_by),
                                      ("withdrawn_by", record.withdrawn_by)):
                if person_id is not None and person_id not in persons:
                    errors.append(_missing(row, column, "person", person_id))
        return list(_accepted(records, errors)), errors


def _right_on_relation(row: int, record: RightRecord, relation: WorkRelationRecord,
                       persons: Mapping[str, PersonRecord],
                       orgs: Mapping[str, OrganisationRecord]) -> list[RowError]:
    """What `services.grant_right` checks of the work relation a right is granted on."""
    errors = []
    org = orgs.get(relation.organisation_id)
    outside = _outside_user_management(org) if org is not None else None
    if outside is not None:
        errors.append(RowError(row, "work_relation_id", outside,
                               rule=rules.IN_USER_MANAGEMENT))
    if record.start < relation.start:
        errors.append(RowError(row, "start", f"{record.start.isoformat()} lies before the "
                               f"start of work relation {relation.id} "
                               f"({relation.start.isoformat()})",
                               "a start within the work relation"))
    elif relation.end is not None and record.start > relation.end:
        errors.append(RowError(row, "start", f"{record.start.isoformat()} lies after the end "
                               f"of work relation {relation.id} ({relation.end.isoformat()})",
                               "a start within the work relation"))
    holder = persons.get(relation.person_id)
    if record.kind is RightKind.KIOSK_APPLICANT and holder is not None and not holder.has_eid:
        errors.append(RowError(row, "kind", f"{holder.name} has no Belgian eID, which "
                               f"‘{RightKind.KIOSK_APPLICANT}’ requires",
                               rule=rules.KIOSK_APPLICANT_NEEDS_EID))
    return errors


_PERSON, _ECONOMIC_ACTOR = PartyKind.PERSON, EntityGroup.ECONOMIC_ACTOR
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


class _Mandates(_Checker):
    def __init__(self, store: BulkStore) -> None:
        super().__init__(store)
        #: Forward links, by the id of the mandate they point to (only until it arrives).
        self.waiting: dict[str, list[_Link]] = {}

    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = _records(batch, MandateRecord)
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
        facts = _PartyFacts(self.referenced(PersonRecord, cast(set[str], person_ids)),
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
        return (list(mandates) if not errors else list(_accepted(records, errors))), errors

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
        errors = [RowError(link.row, link.column, f"no mandate {key} is stored, nor on a "
                           "correct row of this file",
                           "the id of a stored mandate or of one in this file")
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
        problem = (f"mandate {before.id} names {before.successor_id or 'no mandate'} as its "
                   f"successor, not {after.id}")
    elif after.predecessor_id != before.id:
        problem = (f"mandate {after.id} names {after.predecessor_id or 'no mandate'} as its "
                   f"predecessor, not {before.id}")
    elif after.giver != before.giver:
        problem = f"mandate {after.id} has another giver than mandate {before.id}"
    elif before.transferred_to != after.taker:
        problem = (f"mandate {before.id} was transferred to {before.transferred_to}, but "
                   f"mandate {after.id} is taken by {after.taker}")
    if problem is None:
        return []
    return [RowError(link.row, link.column, problem,
                     "a predecessor and successor that name each other, with the same giver, "
                     "the successor taken by the one the predecessor was transferred to")]


@dataclass(frozen=True, slots=True)
class _PartyFacts:
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
        if taker.kind is _PERSON:
            holder = persons.get(taker.id)
            if holder is None or not holder.has_eid:
                return False
        else:
            provider = orgs.get(taker.id)
            if provider is None or provider.entity_group is not _ECONOMIC_ACTOR or \
                    provider.enterprise_number is None:
                return False
        if giver.kind is _PERSON:
            if giver.id not in persons:
                return False
        else:
            org = orgs.get(giver.id)
            if org is None or org.entity_group is not _ECONOMIC_ACTOR or \
                    taker.kind is _PERSON:
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
                errors.append(_missing(row, column, party.kind.value, party.id))
        if errors:
            return errors
        for column, taker in takers:
            if taker is not None:
                found = self._side_problem(record.giver, taker)
                if found is not None:
                    rule, message = found
                    errors.append(RowError(row, column, message, rule=rule))
        return errors

    def _side_problem(self, giver: Party, taker: Party) -> tuple[str, str] | None:
        giver_org = self.orgs.get(giver.id) if giver.kind is PartyKind.ORGANISATION else None
        taker_org = self.orgs.get(taker.id) if taker.kind is PartyKind.ORGANISATION else None
        if giver_org is not None:
            group = giver_org.entity_group
            if group is EntityGroup.LOCAL_GOVERNMENT and taker_org is not None:
                return (rules.NO_LOCAL_GOVERNMENT_MANDATE,
                        f"{giver_org.name} is a local government, which cannot give a mandate "
                        "to an external service provider")
            if group is not EntityGroup.ECONOMIC_ACTOR:
                return (rules.GIVER_MAY_GIVE,
                        f"{giver_org.name} is a {group.value}; only persons and economic "
                        "actors give KIOSK mandates")
            if taker_org is None:
                return (rules.ORGANISATION_GIVES_TO_PROVIDER,
                        f"{giver_org.name} can give a mandate only to an external service "
                        "provider, not to a person")
        if taker_org is None:
            person = self.persons[taker.id]
            if not person.has_eid:
                return (rules.TAKER_PERSON_NEEDS_EID,
                        f"{person.name} has no Belgian eID, which a mandate taker needs")
        elif taker_org.entity_group is not EntityGroup.ECONOMIC_ACTOR or \
                taker_org.enterprise_number is None:
            return (rules.PROVIDER_IS_ECONOMIC_ACTOR,
                    f"{taker_org.name} is not an external service provider (an economic "
                    "actor with an enterprise number)")
        return None

    def actors(self, row: int, record: MandateRecord) -> list[RowError]:
        return [_missing(row, column, "person", person_id)
                for column, person_id in (("created_by", record.created_by),
                                          ("giver_signed_by", record.giver_signed_by),
                                          ("taker_signed_by", record.taker_signed_by),
                                          ("stopped_by", record.stopped_by))
                if person_id is not None and person_id not in self.persons]


_CHECKERS: dict[type[Record], type[_Checker]] = {
    PersonRecord: _Persons, OrganisationRecord: _Organisations,
    WorkRelationRecord: _WorkRelations, RightRecord: _Rights, MandateRecord: _Mandates,
}

#: What an import is called in the audit log and in messages, per kind.
KIND_NAMES: dict[type[Record], str] = {
    PersonRecord: "persons", OrganisationRecord: "organisations",
    WorkRelationRecord: "work-relations", RightRecord: "rights", MandateRecord: "mandates",
}


# --- the use cases -----------------------------------------------------------------------------


def _batches(rows: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    batch: list[Parsed] = []
    for parsed in rows:
        batch.append(parsed)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_records(uow: UnitOfWork, clock: Clock, kind: type[Record], rows: Iterable[Parsed],
                   *, actor: str = SYSTEM, source: Callable[[], Mapping[str, str]] | None = None,
                   max_errors: int = 100, batch_size: int = 5000) -> ImportReport:
    """Check and write the rows in one transaction: all of them, or none when any is wrong.

    `rows` is read lazily; `source`, called once all rows are read, describes where they
    came from (e.g. the file's name and SHA-256) for the audit event. Raises
    `ImportRefusedError` with every error found, up to `max_errors` (checking stops there).
    """
    errors: list[RowError] = []
    read = imported = last_row = 0
    truncated = False
    with uow:
        store = store_of(uow)
        checker = _CHECKERS[kind](store)
        with store.writing():
            for batch in _batches(rows, batch_size):
                last_row = batch[-1].row
                wrong = [parsed for parsed in batch if parsed.errors]
                if wrong:  # row 1 (the header) comes only with errors
                    read -= sum(1 for parsed in wrong if parsed.row <= 1)
                    errors += (error for parsed in wrong for error in parsed.errors)
                    batch = [parsed for parsed in batch if not parsed.errors]
                read += len(batch) + len(wrong)
                accepted, problems = checker.check(batch)
                errors += problems
                # Rows after an error are still written (and rolled back at the end), so
                # that the checks of later rows see them as they would in a correct file.
                store.insert(kind, accepted)
                imported += len(accepted)
                if len(errors) >= max_errors:
                    truncated = True
                    break
            if not truncated:
                errors += checker.finish()
        if errors:
            raise ImportRefusedError(ImportReport(
                kind, read, 0, tuple(sorted(errors, key=lambda e: e.row)[:max_errors]),
                truncated or len(errors) > max_errors, last_row))
        uow.record(AuditEvent(actor, "import", "import", new_id("I"), clock.now(), None,
                              {"kind": KIND_NAMES[kind], "rows": imported,
                               **(source() if source else {})}))
        uow.commit()
    return ImportReport(kind, read, imported, last_row=last_row)


def export_records(uow: UnitOfWork, kind: type[R]) -> Iterator[R]:
    """Every stored record of a kind, streamed, inside one read transaction."""
    with uow:
        yield from store_of(uow).scan(kind)


__all__ = [
    "KINDS",
    "KIND_NAMES",
    "BulkStore",
    "BulkUnitOfWork",
    "ImportRefusedError",
    "ImportReport",
    "MandateRecord",
    "OrganisationRecord",
    "Parsed",
    "PersonRecord",
    "Record",
    "RepositoryStore",
    "RightRecord",
    "RowError",
    "WorkRelationRecord",
    "entity_of",
    "export_records",
    "import_records",
    "record_of",
]
