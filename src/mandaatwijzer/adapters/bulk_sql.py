"""The SQL `BulkStore`: set-wise lookups, executemany inserts and streamed scans at Core level.

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
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any, TypeVar, cast

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

R = TypeVar("R", PersonRecord, OrganisationRecord, WorkRelationRecord, RightRecord,
            MandateRecord)
N = TypeVar("N", PersonRecord, OrganisationRecord)

#: Ids per IN (...) lookup: below SQLite's and every driver's limit on parameters.
CHUNK = 500
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
}


def _chunks(items: Collection[str]) -> Iterator[list[str]]:
    listed = list(items)
    for start in range(0, len(listed), CHUNK):
        yield listed[start:start + CHUNK]


class _Values:
    """Python values in the form the dialect's column types would send them to the driver."""

    def __init__(self, dialect_name: str) -> None:
        self.sqlite = dialect_name == "sqlite"

    def moment(self, value: datetime | None) -> datetime | str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("expected a timezone-aware datetime")
        moment = value.astimezone(UTC)
        if self.sqlite:  # SQLAlchemy's SQLite DateTime text, naive UTC as UtcDateTime keeps
            return moment.replace(tzinfo=None).isoformat(" ", "microseconds")
        return moment

    def day(self, value: date | None) -> date | str | None:
        if value is None or not self.sqlite:
            return value
        return value.isoformat()

    def flag(self, value: bool) -> bool | int:
        return int(value) if self.sqlite else value


def _party(party: Party | None) -> tuple[str | None, str | None]:
    return (party.kind.value, party.id) if party is not None else (None, None)


def _party_of(kind: str | None, key: str | None) -> Party | None:
    if kind is None and key is None:
        return None
    return Party(PartyKind(cast(str, kind)), cast(str, key))


def _person(row: Row[Any]) -> PersonRecord:
    return PersonRecord(row.id, row.national_number, row.name, bool(row.has_eid))


def _organisation(row: Row[Any], representatives: Sequence[str]) -> OrganisationRecord:
    return OrganisationRecord(row.id, row.name, EntityGroup(row.entity_group),
                              row.enterprise_number, tuple(sorted(representatives)))


def _work_relation(row: Row[Any]) -> WorkRelationRecord:
    return WorkRelationRecord(row.id, row.person_id, row.organisation_id, row.start_on,
                              row.end_on, row.user_type)


def _right(row: Row[Any]) -> RightRecord:
    return RightRecord(row.id, row.work_relation_id, RightKind(row.kind), row.granted_by,
                       row.start_on, row.end_on, row.withdrawn_on, row.withdrawn_by)


def _mandate(row: Row[Any]) -> MandateRecord:
    return MandateRecord(
        row.id, Party(PartyKind(row.giver_kind), row.giver_id),
        Party(PartyKind(row.taker_kind), row.taker_id), row.start_on, row.end_on,
        row.created_by, row.created_at, row.type, row.giver_signed_by, row.giver_signed_at,
        row.taker_signed_by, row.taker_signed_at, row.stopped_by, row.stopped_at,
        _party_of(row.transferred_to_kind, row.transferred_to_id), row.successor_id,
        _party_of(row.pending_transfer_to_kind, row.pending_transfer_to_id),
        row.predecessor_id)


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


_READERS: dict[type[Record], Callable[[Row[Any]], Record]] = {
    PersonRecord: _person, WorkRelationRecord: _work_relation, RightRecord: _right,
    MandateRecord: _mandate}


class SqlBulkStore:
    """`BulkStore` on one connection (the unit of work's), inside its transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        dialect = connection.dialect
        self.values = _Values(dialect.name)
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self._inserts = {
            table: f"INSERT INTO {table} ({', '.join(columns)}) "
                   f"VALUES ({', '.join([mark] * len(columns))})"
            for table, columns in _COLUMNS.items()}

    # --- lookups ---------------------------------------------------------------------

    def find(self, kind: type[R], ids: Collection[str]) -> Mapping[str, R]:
        table = _TABLES[kind]
        found: dict[str, Record] = {}
        for chunk in _chunks(ids):
            rows = self.connection.execute(_select(table).where(table.c.id.in_(chunk)))
            if kind is OrganisationRecord:
                listed = list(rows)
                representatives: dict[str, list[str]] = {}
                for org_id, person_id in self.connection.execute(
                        select(legal_representatives.c.organisation_id,
                               legal_representatives.c.person_id)
                        .where(legal_representatives.c.organisation_id.in_(chunk))):
                    representatives.setdefault(org_id, []).append(person_id)
                for row in listed:
                    found[row.id] = _organisation(row, representatives.get(row.id, ()))
            else:
                read = _READERS[kind]
                for row in rows:
                    found[row.id] = read(row)
        return cast(Mapping[str, R], found)

    def taken_numbers(self, kind: type[N], numbers: Collection[str]) -> Collection[str]:
        column = (persons.c.national_number if kind is PersonRecord
                  else organisations.c.enterprise_number)
        raw = type_coerce(column, String)
        taken: set[str] = set()
        for chunk in _chunks(numbers):
            taken.update(self.connection.execute(
                select(raw).where(raw.in_(chunk))).scalars())
        return taken

    # --- writing ---------------------------------------------------------------------

    def _write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.connection.exec_driver_sql(self._inserts[table], rows)

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
            self._write("mandates", [
                (r.id, *_party(r.giver), *_party(r.taker), v.day(r.start), v.day(r.end),
                 r.created_by, v.moment(r.created_at), r.type, r.giver_signed_by,
                 v.moment(r.giver_signed_at), r.taker_signed_by, v.moment(r.taker_signed_at),
                 r.stopped_by, v.moment(r.stopped_at), *_party(r.transferred_to),
                 r.successor_id, *_party(r.pending_transfer_to), r.predecessor_id)
                for r in cast(Sequence[MandateRecord], records)])

    # --- reading everything ----------------------------------------------------------

    def scan(self, kind: type[R]) -> Iterator[R]:
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
