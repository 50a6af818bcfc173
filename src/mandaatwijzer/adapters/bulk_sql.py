"""The SQL `BulkStore`: set-wise lookups, bulk inserts and streamed scans at Core level.

It works on the unit of work's `session.connection()`, so everything it writes belongs to the
unit of work's transaction (written by `commit()` with the audit event, or rolled back). It
keeps nothing in memory beyond the batch it is given or the rows of one fetch.

It stores exactly what the ORM stores for the same entity (`sort_name` as Python's
`name.lower()`, the legal representatives as rows of their own, moments in UTC, numbers as
their digits), but writes plain tuples straight to the driver: building mapped objects, or
letting SQLAlchemy's type decorators process every value, costs more than the writing. The
values are therefore put in the form the dialect's own types would give them (`_Values`).
National and enterprise numbers are read back as raw digits (no value object per row).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Connection, Row, Select, String, Table, select, type_coerce

from ..registry.bulk import (
    MandateRecord,
    OrganisationRecord,
    PersonRecord,
    Record,
    RightRecord,
    WorkRelationRecord,
)
from ..registry.model import EntityGroup, Party, PartyKind, RightKind
from .orm import legal_representatives, mandates, organisations, persons, rights, work_relations

if TYPE_CHECKING:
    from .copy_ends import CopyEnds

R = TypeVar("R", PersonRecord, OrganisationRecord, WorkRelationRecord, RightRecord,
            MandateRecord)
N = TypeVar("N", PersonRecord, OrganisationRecord)

#: Ids per IN (...) lookup: below SQLite's and every driver's limit on parameters.
CHUNK = 500
#: Ids per `= ANY(%s)` lookup on PostgreSQL (one array parameter).
ARRAY_CHUNK = 10_000
#: SQLite's page cache during a bulk import, in KiB (the default is 2,000): the indexes of a
#: growing table are written in random places, and pages that no longer fit are written out
#: to the WAL and read back again and again. Bounded, whatever the size of the file.
IMPORT_CACHE_KIB = 32_768
#: Rows fetched at a time while scanning (a server-side cursor on PostgreSQL).
FETCH = 2000

_TABLES: dict[type[Record], Table] = {
    PersonRecord: persons, OrganisationRecord: organisations,
    WorkRelationRecord: work_relations, RightRecord: rights, MandateRecord: mandates}

_MANDATE_COLUMNS = (
    "id", "giver_kind", "giver_id", "taker_kind", "taker_id", "start_on", "end_on",
    "created_by", "created_at", "type", "giver_signed_by", "giver_signed_at",
    "taker_signed_by", "taker_signed_at", "stopped_by", "stopped_at", "transferred_to_kind",
    "transferred_to_id", "successor_id", "pending_transfer_to_kind", "pending_transfer_to_id",
    "predecessor_id")
_COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("id", "national_number", "name", "sort_name", "has_eid"),
    "organisations": ("id", "name", "sort_name", "entity_group", "enterprise_number"),
    "legal_representatives": ("organisation_id", "person_id"),
    "work_relations": ("id", "person_id", "organisation_id", "start_on", "end_on",
                       "user_type"),
    "rights": ("id", "work_relation_id", "kind", "granted_by", "start_on", "end_on",
               "withdrawn_on", "withdrawn_by"),
    "mandates": _MANDATE_COLUMNS,
    "audit_import_rows": ("import_id", "position", "entity", "entity_id", "digest"),
}


def chunks(items: Collection[str]) -> Iterator[list[str]]:
    """`items` in lists of at most `CHUNK`, one per `IN (...)` lookup."""
    listed = list(items)
    for start in range(0, len(listed), CHUNK):
        yield listed[start:start + CHUNK]


_GROUPS = {group.value: group for group in EntityGroup}
#: The fields of a mandate about transfers, and their values without one.
_TRANSFERS, _NO_TRANSFER = slice(-4, None), (None, None, None, None)
assert MandateRecord._fields[-4:] == (
    "transferred_to", "successor_id", "pending_transfer_to", "predecessor_id")


def _sqlite_moment(value: datetime | None) -> str | None:
    """A moment as SQLAlchemy's SQLite DateTime writes it: naive UTC text, microseconds."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("expected a timezone-aware datetime")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


class _SqliteTexts:
    """`_sqlite_moment` and `date.isoformat` for many values, faster: the text of each day is
    made once (an import has few distinct days; at most `DAYS` are kept), and the time of day
    is formatted naive, which costs half of formatting the whole aware moment."""

    DAYS = 100_000

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def _day(self, ordinal: int) -> str:
        if len(self._days) >= self.DAYS:
            self._days.clear()
        text = self._days[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def day(self, value: date | None) -> str | None:
        if value is None:
            return None
        ordinal = value.toordinal()
        return self._days.get(ordinal) or self._day(ordinal)

    def moment(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is not UTC:
            return _sqlite_moment(value)
        ordinal = value.toordinal()
        day = self._days.get(ordinal) or self._day(ordinal)
        return day + " " + value.time().isoformat("microseconds")


def _aware_moment(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("expected a timezone-aware datetime")
    return value.astimezone(UTC)


class _Values:
    """Python values in the form the dialect's column types would send them to the driver."""

    def __init__(self, dialect_name: str) -> None:
        self.sqlite = dialect_name == "sqlite"

    def moment(self, value: datetime | None) -> datetime | str | None:
        # SQLAlchemy's SQLite DateTime text, naive UTC as UtcDateTime keeps
        return _sqlite_moment(value) if self.sqlite else _aware_moment(value)

    def day(self, value: date | None) -> date | str | None:
        if value is None or not self.sqlite:
            return value
        return value.isoformat()

    def flag(self, value: bool) -> bool | int:
        return int(value) if self.sqlite else value


def _party(party: Party | None) -> tuple[str | None, str | None]:
    return (party.kind.value, party.id) if party is not None else (None, None)


# The readers take a row apart by position (a row's attributes and an enum's lookup by value
# cost three times the rest: 13,000 rights 35 -> 12 ms); `_select` gives the columns in the
# table's order, which the assertions after it check.
_RIGHT_KINDS = {kind.value: kind for kind in RightKind}
_PARTY_KINDS = {kind.value: kind for kind in PartyKind}


def _person(row: Sequence[Any]) -> PersonRecord:
    key, number, name, has_eid = row
    return PersonRecord(key, number, name, bool(has_eid))


def _organisation(row: Row[Any], representatives: Sequence[str]) -> OrganisationRecord:
    return OrganisationRecord(row.id, row.name, EntityGroup(row.entity_group),
                              row.enterprise_number, tuple(sorted(representatives)))


def _work_relation(row: Sequence[Any]) -> WorkRelationRecord:
    return WorkRelationRecord(*row)


def _right(row: Sequence[Any]) -> RightRecord:
    key, relation, kind, granted_by, start, end, withdrawn_on, withdrawn_by = row
    return RightRecord(key, relation, _RIGHT_KINDS[kind], granted_by, start, end,
                       withdrawn_on, withdrawn_by)


def _party_of(kind: str | None, key: str | None) -> Party | None:
    if kind is None and key is None:
        return None
    return Party(_PARTY_KINDS[cast(str, kind)], cast(str, key))


def _mandate(row: Sequence[Any]) -> MandateRecord:
    (key, giver_kind, giver_id, taker_kind, taker_id, start, end, created_by, created_at, kind,
     giver_by, giver_at, taker_by, taker_at, stopped_by, stopped_at, moved_kind, moved_id,
     successor, pending_kind, pending_id, predecessor) = row
    return MandateRecord(
        key, Party(_PARTY_KINDS[giver_kind], giver_id), Party(_PARTY_KINDS[taker_kind], taker_id),
        start, end, created_by, created_at, kind, giver_by, giver_at, taker_by, taker_at,
        stopped_by, stopped_at, _party_of(moved_kind, moved_id), successor,
        _party_of(pending_kind, pending_id), predecessor)


def _select(table: Table) -> Select[Any]:
    """Every column but `seq` and `sort_name`; the numbers as raw digits."""
    columns: list[Any] = []
    for column in table.c:
        if column.name in ("seq", "sort_name"):
            continue
        if column.name in ("national_number", "enterprise_number"):
            columns.append(type_coerce(column, String).label(column.name))
        else:
            columns.append(column)
    return select(*columns)


def _names(table: Table) -> list[str]:
    return [column.name for column in _select(table).selected_columns]


assert _names(persons) == ["id", "national_number", "name", "has_eid"]
assert _names(work_relations) == ["id", "person_id", "organisation_id", "start_on", "end_on",
                                  "user_type"]
assert _names(rights) == ["id", "work_relation_id", "kind", "granted_by", "start_on", "end_on",
                          "withdrawn_on", "withdrawn_by"]
assert _names(mandates) == list(_MANDATE_COLUMNS)


_READERS: dict[type[Record], Callable[[Sequence[Any]], Record]] = {
    PersonRecord: _person, WorkRelationRecord: _work_relation, RightRecord: _right,
    MandateRecord: _mandate}


class _Confirmed:
    """SQLite's writes: confirmed when they return, nothing left to wait for."""

    def settle(self, *, quietly: bool = False) -> None:
        return None


class SqlBulkStore:
    """`BulkStore` on one connection (the unit of work's), inside its transaction.

    The lookups an import repeats for every batch (ids taken, persons, organisations, numbers)
    and the inserts go to the driver's own cursor on that connection, with statements written
    once: SQLAlchemy's compiling of `IN (...)` and its processing of every result row cost more
    than the database's work.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        dialect = connection.dialect
        self.values = _Values(dialect.name)
        self.sqlite = dialect.name == "sqlite"
        self._texts = _SqliteTexts()
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self._inserts = {
            table: f"INSERT INTO {table} ({', '.join(columns)}) "
                   f"VALUES ({', '.join([mark] * len(columns))})"
            for table, columns in _COLUMNS.items()}
        self._copies = {table: f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                        for table, columns in _COLUMNS.items()}
        if self.sqlite:  # a fixed number of parameters: one prepared statement, reused
            self._where, self._chunk = f" IN ({', '.join([mark] * CHUNK)})", CHUNK
        else:
            self._where, self._chunk = " = ANY(%s)", ARRAY_CHUNK
        #: On PostgreSQL, the COPY whose end the server has not confirmed yet: every
        #: statement on the connection waits for it first (`copy_ends`, which imports psycopg:
        #: not for SQLite, whose writes are confirmed when they return).
        self._ends: CopyEnds | _Confirmed = _Confirmed()
        if not self.sqlite:
            from .copy_ends import CopyEnds

            self._ends = CopyEnds()

    def _lookup(self, select_from: str, column: str, keys: Collection[str]
                ) -> Iterator[tuple[Any, ...]]:
        """The rows of `SELECT ... FROM ...` whose `column` is among `keys`, on the driver."""
        listed = list(keys)
        if not listed:
            return
        self._ends.settle()
        cursor = self.connection.connection.cursor()
        statement = select_from + " WHERE " + column + self._where
        split = select_from + " WHERE " + column + " = ANY(string_to_array(%s, ','))"
        size = self._chunk
        try:
            for start in range(0, len(listed), size):
                chunk = listed[start:start + size]
                if self.sqlite:
                    chunk += [None] * (size - len(chunk))  # type: ignore[list-item]
                    cursor.execute(statement, chunk)
                    yield from cursor.fetchall()
                    continue
                # The keys as one text that the server splits: psycopg dumps a list as an
                # array item by item, about 4 ms of the client's CPU per 10,000 keys against
                # 0.05 ms for the joined text (2-3 s of a 1M import at 10M). Ids and numbers
                # hold no comma; keys that do go as an array.
                joined = ",".join(chunk)
                if joined.count(",") == len(chunk) - 1:
                    cursor.execute(split, (joined,))
                else:
                    cursor.execute(statement, (chunk,))
                yield from cursor.fetchall()
        finally:
            cursor.close()

    # --- lookups ---------------------------------------------------------------------

    def stored_ids(self, kind: type[Record], ids: Collection[str]) -> Collection[str]:
        table = _TABLES[kind].name
        return {row[0] for row in self._lookup(f"SELECT id FROM {table}", "id", ids)}

    def _persons(self, ids: Collection[str]) -> dict[str, PersonRecord]:
        return {key: PersonRecord(key, number, name, bool(has_eid))
                for key, number, name, has_eid in self._lookup(
                    "SELECT id, national_number, name, has_eid FROM persons", "id", ids)}

    def _organisations(self, ids: Collection[str]) -> dict[str, OrganisationRecord]:
        found = list(self._lookup(
            "SELECT id, name, entity_group, enterprise_number FROM organisations", "id", ids))
        representatives: dict[str, list[str]] = {}
        if found:
            for org_id, person_id in self._lookup(
                    "SELECT organisation_id, person_id FROM legal_representatives",
                    "organisation_id", [row[0] for row in found]):
                representatives.setdefault(org_id, []).append(person_id)
        return {key: OrganisationRecord(key, name, _GROUPS[group], number,
                                        tuple(sorted(representatives.get(key, ()))))
                for key, name, group, number in found}

    def find(self, kind: type[R], ids: Collection[str]) -> Mapping[str, R]:
        if kind is PersonRecord:
            return cast(Mapping[str, R], self._persons(ids))
        if kind is OrganisationRecord:
            return cast(Mapping[str, R], self._organisations(ids))
        table = _TABLES[kind]
        found: dict[str, Record] = {}
        self._ends.settle()
        for chunk in chunks(ids):
            read = _READERS[kind]
            for row in self.connection.execute(_select(table).where(table.c.id.in_(chunk))):
                found[row.id] = read(row)
        return cast(Mapping[str, R], found)

    def taken_numbers(self, kind: type[N], numbers: Collection[str]) -> Collection[str]:
        table, column = (("persons", "national_number") if kind is PersonRecord
                         else ("organisations", "enterprise_number"))
        return {row[0] for row in self._lookup(f"SELECT {column} FROM {table}", column,
                                               numbers)}

    # --- writing ---------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        if not self.sqlite:
            try:
                yield
            except BaseException:
                self._ends.settle(quietly=True)
                raise
            self._ends.settle()
            return
        cursor = self.connection.connection.cursor()
        try:
            before = cursor.execute("PRAGMA cache_size").fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
            try:
                yield
            finally:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")
        finally:
            cursor.close()

    def _write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """The rows into `table`, in the unit of work's transaction: `executemany` on SQLite,
        `COPY ... FROM STDIN` on PostgreSQL (psycopg 3's `cursor.copy`, the values adapted as
        for an INSERT): 1M mandates in 41 s instead of 71-86 s with `executemany`
        (docs/performance.md, "10 million mandates on PostgreSQL")."""
        if not rows:
            return
        self._ends.settle()
        cursor = self.connection.connection.cursor()
        try:
            if self.sqlite:
                cursor.executemany(self._inserts[table], rows)
                return
            ends = cast("CopyEnds", self._ends)
            with cast(Any, cursor).copy(self._copies[table],
                                        writer=ends.writer(cast(Any, cursor))) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        finally:
            cursor.close()

    def insert(self, kind: type[Record], records: Sequence[Record]) -> None:
        if not records:
            return
        v = self.values
        if kind is PersonRecord:
            self._write("persons", [
                (r.id, r.national_number, r.name, r.name.lower(), v.flag(r.has_eid))
                for r in cast(Sequence[PersonRecord], records)])
        elif kind is OrganisationRecord:
            orgs = cast(Sequence[OrganisationRecord], records)
            self._write("organisations", [
                (r.id, r.name, r.name.lower(), r.entity_group.value, r.enterprise_number)
                for r in orgs])
            self._write("legal_representatives", [
                (r.id, person_id) for r in orgs for person_id in sorted(r.legal_representatives)])
        elif kind is WorkRelationRecord:
            self._write("work_relations", [
                (r.id, r.person_id, r.organisation_id, v.day(r.start), v.day(r.end),
                 r.user_type)
                for r in cast(Sequence[WorkRelationRecord], records)])
        elif kind is RightRecord:
            self._write("rights", [
                (r.id, r.work_relation_id, r.kind.value, r.granted_by, v.day(r.start),
                 v.day(r.end), v.day(r.withdrawn_on), r.withdrawn_by)
                for r in cast(Sequence[RightRecord], records)])
        else:
            self._write("mandates", self._mandate_rows(cast(Sequence[MandateRecord], records)))

    def _mandate_rows(self, records: Sequence[MandateRecord]) -> list[tuple[Any, ...]]:
        """The rows of the mandates table; the one place a million values pass through."""
        rows: list[tuple[Any, ...]] = []
        if not self.sqlite:
            for r in records:
                rows.append((r.id, *_party(r.giver), *_party(r.taker), r.start, r.end,
                             r.created_by, _aware_moment(r.created_at), r.type,
                             r.giver_signed_by, _aware_moment(r.giver_signed_at),
                             r.taker_signed_by, _aware_moment(r.taker_signed_at),
                             r.stopped_by, _aware_moment(r.stopped_at),
                             *_party(r.transferred_to), r.successor_id,
                             *_party(r.pending_transfer_to), r.predecessor_id))
            return rows
        day, moment = self._texts.day, self._texts.moment
        for r in records:
            giver, taker = r.giver, r.taker
            row = (r.id, str(giver.kind), giver.id, str(taker.kind), taker.id, day(r.start),
                   day(r.end), r.created_by, moment(r.created_at), r.type, r.giver_signed_by,
                   moment(r.giver_signed_at), r.taker_signed_by, moment(r.taker_signed_at))
            if r.stopped_at is None and r[_TRANSFERS] == _NO_TRANSFER:
                rows.append((*row, r.stopped_by, None, None, None, None, None, None, None))
            else:
                rows.append((*row, r.stopped_by, moment(r.stopped_at),
                             *_party(r.transferred_to), r.successor_id,
                             *_party(r.pending_transfer_to), r.predecessor_id))
        return rows

    def keep_digests(self, import_id: str, entity: str, first: int, ids: Sequence[str],
                     digests: Sequence[bytes]) -> None:
        """Into `audit_import_rows` (adapters/audit.py), numbered from `first`."""
        self._write("audit_import_rows", [
            (import_id, position, entity, key, digest)
            for position, key, digest in zip(range(first, first + len(ids)), ids, digests,
                                             strict=True)])

    # --- reading everything ----------------------------------------------------------

    def scan(self, kind: type[R]) -> Iterator[R]:
        self._ends.settle()
        table = _TABLES[kind]
        streamed = self.connection.execution_options(yield_per=FETCH)
        if kind is OrganisationRecord:
            statement = (_select(table)
                         .add_columns(legal_representatives.c.person_id.label("representative"))
                         .outerjoin(legal_representatives,
                                    legal_representatives.c.organisation_id == table.c.id)
                         .order_by(table.c.seq, legal_representatives.c.person_id))
            result = streamed.execute(statement)
            try:
                for _, group in groupby(result, key=lambda row: row.id):
                    rows = list(group)
                    org: Any = _organisation(rows[0], [row.representative for row in rows
                                                       if row.representative is not None])
                    yield cast(R, org)
            finally:
                result.close()
            return
        read = _READERS[kind]
        result = streamed.execute(_select(table).order_by(table.c.seq))
        try:
            for row in result:
                yield cast(R, read(row))
        finally:
            result.close()


__all__ = ["SqlBulkStore"]
