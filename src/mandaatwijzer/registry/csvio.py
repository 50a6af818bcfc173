"""CSV formats of the registry's bulk import and export: one format per kind, pure.

Each format is a list of named columns (documented in docs/registry.md). `read` turns the
lines of a CSV file into `Parsed` rows lazily, checking every cell and the cells of a row
against each other; what needs the stored registry (references, uniqueness, the rules about
the sides of a mandate) is checked by `bulk.import_records`. `write` writes records in the
same columns, so an export imports again as it is.

The file: UTF-8 (a byte order mark is allowed), comma-separated, a header row naming the
columns in any order; optional columns may be left out. Row numbers count as a spreadsheet
does: the header is row 1. Dates are `YYYY-MM-DD`; moments are ISO 8601 with an offset
(exported in UTC, `2025-03-03T09:00:00+00:00`); an empty cell is "none".

No error message quotes a national number, nor any cell that looks like one.
"""

from __future__ import annotations

import csv
import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from operator import itemgetter
from typing import IO, Any, Generic, Protocol, TypeVar

from .bulk import (
    MandateRecord,
    OrganisationRecord,
    Parsed,
    PersonRecord,
    RightRecord,
    RowError,
    WorkRelationRecord,
)
from .identifiers import EnterpriseNumber, InvalidIdentifierError, NationalNumber
from .model import EntityGroup, Party, PartyKind, RightKind, new_id


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    required: bool
    description: str


R = TypeVar("R", PersonRecord, OrganisationRecord, WorkRelationRecord, RightRecord,
            MandateRecord)
E = TypeVar("E", bound=enum.Enum)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_NUMBERISH = re.compile(r"[\d.\- /]+")
_ID_EXPECTED = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
_DATE_EXPECTED = "a date as YYYY-MM-DD"
_MOMENT_EXPECTED = "a moment in ISO 8601 with its offset, e.g. 2025-03-03T09:00:00+00:00"
_FLAGS = {"true": True, "yes": True, "ja": True, "1": True,
          "false": False, "no": False, "nee": False, "0": False}


_LONG_NUMBER = re.compile(r"\d{9}")
_SEPARATORS = str.maketrans("", "", " .-/")


def _shown(value: str) -> str:
    """A cell's value for a message; never one that could hold a national number."""
    if _LONG_NUMBER.search(value.translate(_SEPARATORS)):
        return "the value"
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _id_problem(value: str) -> tuple[str, str] | None:
    """What is wrong with a cell as an id (problem, expected), or None when it is one."""
    if not _ID.fullmatch(value):
        return "is not an id", _ID_EXPECTED
    if value[0].isdigit() and _NUMBERISH.fullmatch(value) and \
            sum(c.isdigit() for c in value) == 11:
        return ("looks like a national register number, which is no id",
                "an id that carries no personal data")
    return None


class _Errors(Protocol):
    def error(self, column: str | None, problem: str, expected: str | None = None) -> None: ...


class _Flag:
    """Stands in for `_Cells` where only whether something is wrong matters."""

    __slots__ = ("wrong",)

    def __init__(self) -> None:
        self.wrong = False

    def error(self, column: str | None, problem: str, expected: str | None = None) -> None:
        self.wrong = True


@cache
def _members(kind: type[E]) -> dict[str, E]:
    return {str(member.value): member for member in kind}


class _Cells:
    """The cells of one row by column name, collecting what is wrong with them."""

    __slots__ = ("errors", "row", "values")

    def __init__(self, row: int, values: dict[str, str]) -> None:
        #: The cells that are not empty, trimmed, by column name.
        self.row, self.values = row, values
        self.errors: list[RowError] = []

    def error(self, column: str | None, problem: str, expected: str | None = None) -> None:
        self.errors.append(RowError(self.row, column, problem, expected))

    def optional(self, column: str) -> str | None:
        return self.values.get(column)

    def required(self, column: str, expected: str) -> str:
        value = self.optional(column)
        if value is None:
            self.error(column, "is empty", expected)
            return ""
        return value

    def _id(self, column: str, value: str) -> str:
        problem = _id_problem(value)
        if problem is not None:
            self.error(column, *problem)
        return value

    def id(self, column: str = "id", prefix: str | None = None) -> str:
        """An id; with `prefix`, an empty cell makes a new one."""
        value = self.optional(column)
        if value is None:
            if prefix is not None:
                return new_id(prefix)
            self.error(column, "is empty", "an id")
            return ""
        return self._id(column, value)

    def optional_id(self, column: str) -> str | None:
        value = self.optional(column)
        return None if value is None else self._id(column, value)

    def day(self, column: str, required: bool = False) -> date | None:
        value = self.required(column, _DATE_EXPECTED) if required else self.optional(column)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(column, f"{_shown(value)} is not a date", _DATE_EXPECTED)
            return None

    def moment(self, column: str, required: bool = False) -> datetime | None:
        value = self.required(column, _MOMENT_EXPECTED) if required else self.optional(column)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.error(column, f"{_shown(value)} is not a moment", _MOMENT_EXPECTED)
            return None
        if moment.tzinfo is None:
            self.error(column, f"{_shown(value)} has no offset from UTC", _MOMENT_EXPECTED)
            return None
        return moment if moment.tzinfo is UTC else moment.astimezone(UTC)

    def flag(self, column: str, default: bool) -> bool:
        value = self.optional(column)
        if value is None:
            return default
        found = _FLAGS.get(value.lower())
        if found is None:
            self.error(column, f"{_shown(value)} is not true or false", "true or false")
            return default
        return found

    def choice(self, column: str, kind: type[E]) -> E | None:
        value = self.optional(column)
        found = _members(kind).get(value) if value is not None else None
        if found is None:
            expected = "one of: " + ", ".join(str(member.value) for member in kind)
            self.error(column, "is empty" if value is None else
                       f"{_shown(value)} is not allowed here", expected)
        return found

    def party(self, prefix: str) -> Party | None:
        kind = self.choice(f"{prefix}_kind", PartyKind)
        key = self.id(f"{prefix}_id")
        return Party(kind, key) if kind is not None and key else None

    def both_or_neither(self, first: str, second: str, has_first: bool,
                        has_second: bool) -> None:
        if has_first and not has_second:
            self.error(second, f"is empty while {first} is filled in",
                       f"both {first} and {second}, or neither")
        elif has_second and not has_first:
            self.error(first, f"is empty while {second} is filled in",
                       f"both {first} and {second}, or neither")

    def period(self, start: date | None, end: date | None, column: str = "end") -> None:
        if start is not None and end is not None and end < start:
            self.error(column, f"{end.isoformat()} lies before the start {start.isoformat()}",
                       "a date on or after the start")


# --- the formats ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Format(Generic[R]):
    """The columns of one kind, how a row becomes a record, and how a record becomes a row."""

    name: str
    kind: type[R]
    columns: tuple[Column, ...]
    parse: Callable[[_Cells], R]
    cells: Callable[[R], list[str]]
    #: Optional, given the header: a row's record when the row is entirely correct, else
    #: None, and `parse` runs to name what is wrong (it must agree with `parse`). It must
    #: not change the cells it is given.
    fast: Callable[[list[str]], Callable[[list[str]], R | None]] | None = None

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


def _text(value: str | None) -> str:
    return "" if value is None else value


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat()


def _party_id(value: Party | None) -> str:
    return "" if value is None else value.id


_ID_COLUMN = Column("id", False, "The id to keep; empty: a new id is made.")


def _parse_person(cells: _Cells) -> PersonRecord:
    key = cells.id(prefix="P")
    raw = cells.required("national_number", "a national register number or BIS number")
    number = ""
    if raw:
        try:
            number = NationalNumber.parse(raw, field="national_number").value
        except InvalidIdentifierError as error:
            cells.error("national_number", error.problem, error.expected)
    name = cells.required("name", "the person's name")
    return PersonRecord(key, number, name, cells.flag("has_eid", True))


def _person_cells(record: PersonRecord) -> list[str]:
    return [record.id, NationalNumber(record.national_number).formatted, record.name,
            "true" if record.has_eid else "false"]


PERSONS = Format(
    "persons", PersonRecord,
    (_ID_COLUMN,
     Column("national_number", True, "National register number or BIS number, with or "
            "without dots and dash (exported as YY.MM.DD-sss.CC). Personal data."),
     Column("name", True, "The person's name."),
     Column("has_eid", False, "Whether the person has a Belgian eID: true or false "
            "(also yes/no, ja/nee, 1/0); empty: true.")),
    _parse_person, _person_cells)


def _parse_organisation(cells: _Cells) -> OrganisationRecord:
    key = cells.id(prefix="O")
    name = cells.required("name", "the organisation's name")
    group = cells.choice("entity_group", EntityGroup)
    raw = cells.optional("enterprise_number")
    number = None
    if raw is not None:
        try:
            number = EnterpriseNumber.parse(raw, field="enterprise_number").value
        except InvalidIdentifierError as error:
            cells.error("enterprise_number", error.problem, error.expected)
    elif group is not None and group.needs_enterprise_number:
        cells.error("enterprise_number", f"is empty for a {group.value}",
                    "a KBO enterprise number")
    if number is not None and group is not None and not group.needs_enterprise_number:
        cells.error("enterprise_number", f"is given for a {group.value}",
                    "none: this entity group has no enterprise number of its own")
    representatives: list[str] = []
    for person_id in (cells.optional("legal_representatives") or "").split(";"):
        person_id = person_id.strip()
        if not person_id:
            continue
        if person_id in representatives:
            cells.error("legal_representatives", f"lists {_shown(person_id)} twice",
                        "each person once")
        else:
            representatives.append(cells._id("legal_representatives", person_id))
    return OrganisationRecord(key, name, group or EntityGroup.ECONOMIC_ACTOR, number,
                              tuple(representatives))


def _organisation_cells(record: OrganisationRecord) -> list[str]:
    number = record.enterprise_number
    return [record.id, record.name, record.entity_group.value,
            EnterpriseNumber(number).formatted if number else "",
            ";".join(record.legal_representatives)]


ORGANISATIONS = Format(
    "organisations", OrganisationRecord,
    (_ID_COLUMN,
     Column("name", True, "The organisation's name."),
     Column("entity_group", True, "economic_actor, local_government, organising_authority, "
            "de_facto_association or foreign_organisation."),
     Column("enterprise_number", False, "KBO enterprise number (0xxx.xxx.xxx or "
            "1xxx.xxx.xxx): required for economic_actor and local_government, empty for the "
            "other groups."),
     Column("legal_representatives", False, "Ids of stored persons listed as legal "
            "representatives, separated by ';'.")),
    _parse_organisation, _organisation_cells)


def _parse_work_relation(cells: _Cells) -> WorkRelationRecord:
    key = cells.id(prefix="WR")
    person_id, org_id = cells.id("person_id"), cells.id("organisation_id")
    start, end = cells.day("start", required=True), cells.day("end")
    cells.period(start, end)
    user_type = cells.optional("user_type") or "employee"
    return WorkRelationRecord(key, person_id, org_id, start or date.min, end, user_type)


def _work_relation_cells(record: WorkRelationRecord) -> list[str]:
    return [record.id, record.person_id, record.organisation_id, _day(record.start),
            _day(record.end), record.user_type]


WORK_RELATIONS = Format(
    "work-relations", WorkRelationRecord,
    (_ID_COLUMN,
     Column("person_id", True, "Id of a stored person."),
     Column("organisation_id", True, "Id of a stored organisation."),
     Column("start", True, "First day of the work relation."),
     Column("end", False, "Last day; empty: open-ended."),
     Column("user_type", False, "The user type in the user management; empty: employee.")),
    _parse_work_relation, _work_relation_cells)


def _parse_right(cells: _Cells) -> RightRecord:
    key = cells.id(prefix="R")
    relation_id = cells.id("work_relation_id")
    kind = cells.choice("kind", RightKind)
    granted_by = cells.id("granted_by")
    start, end = cells.day("start", required=True), cells.day("end")
    cells.period(start, end)
    withdrawn_on, withdrawn_by = cells.day("withdrawn_on"), cells.optional_id("withdrawn_by")
    cells.both_or_neither("withdrawn_on", "withdrawn_by", withdrawn_on is not None,
                          withdrawn_by is not None)
    return RightRecord(key, relation_id, kind or RightKind.KIOSK_APPLICANT, granted_by,
                       start or date.min, end, withdrawn_on, withdrawn_by)


def _right_cells(record: RightRecord) -> list[str]:
    return [record.id, record.work_relation_id, record.kind.value, record.granted_by,
            _day(record.start), _day(record.end), _day(record.withdrawn_on),
            _text(record.withdrawn_by)]


RIGHTS = Format(
    "rights", RightRecord,
    (_ID_COLUMN,
     Column("work_relation_id", True, "Id of the stored work relation the right is granted "
            "on."),
     Column("kind", True, "SSM Mandaatbeheerder, SSM Mandaatuitvoerder or KIOSK Aanvrager."),
     Column("granted_by", True, "Id of the stored person who granted it."),
     Column("start", True, "First day of the right."),
     Column("end", False, "Last day; empty: open-ended."),
     Column("withdrawn_on", False, "Day from which it was withdrawn; empty: not withdrawn."),
     Column("withdrawn_by", False, "Id of the stored person who withdrew it (with "
            "withdrawn_on).")),
    _parse_right, _right_cells)


def _organisation_ref(cells: _Cells, column: str) -> Party | None:
    key = cells.optional_id(column)
    return None if key is None else Party(PartyKind.ORGANISATION, key)


def _parse_mandate(cells: _Cells) -> MandateRecord:
    key = cells.id(prefix="M")
    kind = cells.optional("type") or "KIOSK"
    if len(kind) > 20:
        cells.error("type", "is longer than 20 characters", "a mandate type such as KIOSK")
    giver, taker = cells.party("giver"), cells.party("taker")
    if giver is not None and giver == taker:
        cells.error("taker_id", "is the giver", "another person or a service provider")
    start, end = cells.day("start", required=True), cells.day("end")
    cells.period(start, end)
    created_by, created_at = cells.id("created_by"), cells.moment("created_at", required=True)
    giver_by, giver_at = cells.optional_id("giver_signed_by"), cells.moment("giver_signed_at")
    cells.both_or_neither("giver_signed_by", "giver_signed_at", giver_by is not None,
                          giver_at is not None)
    taker_by, taker_at = cells.optional_id("taker_signed_by"), cells.moment("taker_signed_at")
    cells.both_or_neither("taker_signed_by", "taker_signed_at", taker_by is not None,
                          taker_at is not None)
    if giver_by is None and taker_by is None:
        cells.error("giver_signed_by", "neither side signed",
                    "the signature of at least the side that created the mandate")
    record = MandateRecord(key, giver or Party(PartyKind.PERSON, ""),
                           taker or Party(PartyKind.PERSON, ""), start or date.min, end,
                           created_by, created_at or datetime.min.replace(tzinfo=UTC), kind,
                           giver_by, giver_at, taker_by, taker_at)
    if _LATER.isdisjoint(cells.values):
        return record  # most rows: never stopped nor transferred
    stopped_by, stopped_at = cells.optional_id("stopped_by"), cells.moment("stopped_at")
    cells.both_or_neither("stopped_by", "stopped_at", stopped_by is not None,
                          stopped_at is not None)
    transferred_to = _organisation_ref(cells, "transferred_to")
    successor_id = cells.optional_id("successor_id")
    cells.both_or_neither("transferred_to", "successor_id", transferred_to is not None,
                          successor_id is not None)
    record = record._replace(
        stopped_by=stopped_by, stopped_at=stopped_at, transferred_to=transferred_to,
        successor_id=successor_id,
        pending_transfer_to=_organisation_ref(cells, "pending_transfer_to"),
        predecessor_id=cells.optional_id("predecessor_id"))
    _check_later_states(cells, record)
    return record


#: The columns of what happens to a mandate after it was signed.
_LATER = frozenset({"stopped_by", "stopped_at", "transferred_to", "successor_id",
                    "pending_transfer_to", "predecessor_id"})


def _check_later_states(cells: _Errors, record: MandateRecord) -> None:
    """Stops and transfers must describe a state the life cycle can reach."""
    signed = record.giver_signed_by is not None and record.taker_signed_by is not None
    for column, target in (("transferred_to", record.transferred_to),
                           ("pending_transfer_to", record.pending_transfer_to)):
        if target is None:
            continue
        if not signed:
            cells.error(column, "is filled in for a mandate that was never active",
                        "a transfer only of a mandate both sides signed")
        elif record.stopped_at is not None:
            cells.error(column, "is filled in for a stopped mandate",
                        "a transfer only of a mandate that was not stopped")
        if target == record.taker:
            cells.error(column, "is the taker itself", "another service provider")
    if record.transferred_to is not None and record.pending_transfer_to is not None:
        cells.error("pending_transfer_to", "is filled in for a mandate that was transferred",
                    "a pending transfer only of a mandate not transferred yet")
    for column, other in (("successor_id", record.successor_id),
                          ("predecessor_id", record.predecessor_id)):
        if other is not None and other == record.id:
            cells.error(column, "is the mandate itself", "the id of another mandate")


def _mandate_cells(record: MandateRecord) -> list[str]:
    return [record.id, record.type, record.giver.kind.value, record.giver.id,
            record.taker.kind.value, record.taker.id, _day(record.start), _day(record.end),
            record.created_by, _moment(record.created_at), _text(record.giver_signed_by),
            _moment(record.giver_signed_at), _text(record.taker_signed_by),
            _moment(record.taker_signed_at), _text(record.stopped_by),
            _moment(record.stopped_at), _party_id(record.transferred_to),
            _text(record.successor_id), _party_id(record.pending_transfer_to),
            _text(record.predecessor_id)]


#: Six ids that start with a letter, one a line (then none looks like a national number).
_SIX_IDS = re.compile(r"(?:[A-Za-z][A-Za-z0-9._-]{0,63}\n){5}[A-Za-z][A-Za-z0-9._-]{0,63}")
#: Takers remembered by `_fast_mandates` (Party objects are immutable, so they are shared).
_TAKERS = 10_000


def _fast_mandates(header: list[str]) -> Callable[[list[str]], MandateRecord | None]:
    """`_parse_mandate` for rows without any mistake, without its bookkeeping per cell.

    A bulk import spends most of its time reading rows, nearly all of them correct: this
    checks the same things straight on the cells and gives up (None) at the first thing it
    does not like, so that `_parse_mandate` then finds and names it.
    """
    width = len(header)  # an absent column reads an empty cell appended at this index
    at = {name: i for i, name in enumerate(header)}
    main = [at.get(name, width) for name in (
        "id", "type", "giver_kind", "giver_id", "taker_kind", "taker_id", "start", "end",
        "created_by", "created_at", "giver_signed_by", "giver_signed_at", "taker_signed_by",
        "taker_signed_at")]
    later = [at.get(name, width) for name in (
        "stopped_by", "stopped_at", "transferred_to", "successor_id", "pending_transfer_to",
        "predecessor_id")]
    kinds = _members(PartyKind)
    organisation = PartyKind.ORGANISATION
    day, moment = date.fromisoformat, datetime.fromisoformat
    takers: dict[str, Party] = {}

    def is_id(value: str) -> bool:
        return _ID.fullmatch(value) is not None and (
            not value[0].isdigit() or _id_problem(value) is None)

    def when(value: str) -> datetime | None:
        """A moment in UTC, or None when the cell is not one with an offset."""
        try:
            found = moment(value)
        except ValueError:
            return None
        zone = found.tzinfo
        if zone is UTC:
            return found
        return None if zone is None else found.astimezone(UTC)

    padded = max(main + later) == width
    main_cells, later_cells = itemgetter(*main), itemgetter(*later)

    def parse(fields: list[str]) -> MandateRecord | None:
        if padded:
            fields = [*fields, ""]
        (key, kind, giver_kind, giver_id, taker_kind, taker_id, start_cell, end_cell,
         created_by, created_cell, giver_by, giver_cell, taker_by, taker_cell) = [
            cell.strip() for cell in main_cells(fields)]
        kind = kind or "KIOSK"
        giver_as, taker_as = kinds.get(giver_kind), kinds.get(taker_kind)
        if (len(kind) > 20 or giver_as is None or taker_as is None or not giver_id
                or not taker_id or not created_by or not start_cell or not created_cell
                or (giver_id == taker_id and giver_as is taker_as)
                or not (giver_by or taker_by)
                or (not giver_by) != (not giver_cell) or (not taker_by) != (not taker_cell)):
            return None
        ids = (giver_id, taker_id, created_by, key or "M", giver_by or "P", taker_by or "P")
        if _SIX_IDS.fullmatch("\n".join(ids)) is None and not all(map(is_id, ids)):
            return None
        try:
            start = day(start_cell)
            end = day(end_cell) if end_cell else None
            created_at: datetime | None = moment(created_cell)
            giver_at = moment(giver_cell) if giver_cell else None
            taker_at = moment(taker_cell) if taker_cell else None
        except ValueError:
            return None
        if end is not None and end < start:
            return None
        if (created_at is not None and created_at.tzinfo is not UTC) or \
                (giver_at is not None and giver_at.tzinfo is not UTC) or \
                (taker_at is not None and taker_at.tzinfo is not UTC):
            # Another offset than +00:00, or none: as `_Cells.moment` takes them.
            created_at = when(created_cell)
            giver_at = when(giver_cell) if giver_cell else None
            taker_at = when(taker_cell) if taker_cell else None
            if created_at is None or (giver_cell and giver_at is None) or \
                    (taker_cell and taker_at is None):
                return None
        taker = takers.get(taker_id)  # few takers, many mandates each
        if taker is None or taker.kind is not taker_as:
            if len(takers) >= _TAKERS:
                takers.clear()
            taker = takers[taker_id] = Party(taker_as, taker_id)
        record = MandateRecord._make((
            key or new_id("M"), Party(giver_as, giver_id), taker, start, end, created_by,
            created_at, kind, giver_by or None, giver_at, taker_by or None, taker_at, None,
            None, None, None, None, None))
        cells = later_cells(fields)
        if not any(cells):
            return record
        (stopped_by, stopped_cell, transferred_to, successor_id, pending_to,
         predecessor_id) = [cell.strip() for cell in cells]
        if not (stopped_by or stopped_cell or transferred_to or successor_id or pending_to
                or predecessor_id):
            return record
        if ((not stopped_by) != (not stopped_cell)
                or (not transferred_to) != (not successor_id)
                or any(value and not is_id(value) for value in (
                    stopped_by, transferred_to, successor_id, pending_to, predecessor_id))):
            return None
        stopped_at = when(stopped_cell) if stopped_cell else None
        if stopped_cell and stopped_at is None:
            return None
        record = record._replace(
            stopped_by=stopped_by or None, stopped_at=stopped_at,
            transferred_to=Party(organisation, transferred_to) if transferred_to else None,
            successor_id=successor_id or None,
            pending_transfer_to=Party(organisation, pending_to) if pending_to else None,
            predecessor_id=predecessor_id or None)
        flag = _Flag()
        _check_later_states(flag, record)
        return None if flag.wrong else record

    return parse


MANDATES = Format(
    "mandates", MandateRecord,
    (_ID_COLUMN,
     Column("type", False, "The application the mandate serves; empty: KIOSK."),
     Column("giver_kind", True, "person or organisation."),
     Column("giver_id", True, "Id of the stored mandate giver."),
     Column("taker_kind", True, "person or organisation."),
     Column("taker_id", True, "Id of the stored mandate taker."),
     Column("start", True, "First day of the mandate."),
     Column("end", False, "Last day; empty: unlimited."),
     Column("created_by", True, "Id of the stored person who created it."),
     Column("created_at", True, "When it was created."),
     Column("giver_signed_by", False, "Id of the person who signed for the giver; empty: "
            "the giver has not signed."),
     Column("giver_signed_at", False, "When the giver signed (with giver_signed_by)."),
     Column("taker_signed_by", False, "Id of the person who signed for the taker; empty: "
            "the taker has not signed."),
     Column("taker_signed_at", False, "When the taker signed (with taker_signed_by)."),
     Column("stopped_by", False, "Id of the person who stopped or refused it; empty: not "
            "stopped."),
     Column("stopped_at", False, "When it was stopped (with stopped_by)."),
     Column("transferred_to", False, "Id of the organisation it was transferred to (with "
            "successor_id)."),
     Column("successor_id", False, "Id of the mandate that replaced it at the transfer."),
     Column("pending_transfer_to", False, "Id of the organisation a proposed transfer awaits."),
     Column("predecessor_id", False, "Id of the mandate this one replaced at a transfer.")),
    _parse_mandate, _mandate_cells, _fast_mandates)

#: The formats by name (the kinds of `registry import` and `registry export`).
FORMATS: dict[str, Format[Any]] = {
    f.name: f for f in (PERSONS, ORGANISATIONS, WORK_RELATIONS, RIGHTS, MANDATES)}


# --- reading and writing -----------------------------------------------------------------


def _header_errors(fmt: Format[R], header: list[str]) -> list[RowError]:
    known = {column.name for column in fmt.columns}
    expected = "columns among: " + ", ".join(fmt.header)
    errors, seen = [], set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, "is named twice", "each column once"))
        elif name not in known:
            errors.append(RowError(1, name or "(empty)", f"is not a column of {fmt.name}",
                                   expected))
        seen.add(name)
    errors += [RowError(1, column.name, "is missing", f"a column {column.name}: "
                        f"{column.description}")
               for column in fmt.columns if column.required and column.name not in seen]
    return errors


def read(fmt: Format[R], lines: Iterable[str]) -> Iterator[Parsed]:
    """The data rows of a CSV text, each checked on its own, lazily.

    A header that does not fit the format yields one `Parsed` for row 1 with its errors, and
    nothing more. Blank lines are skipped (and counted, as a spreadsheet counts them).
    """
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        yield Parsed(1, None, (RowError(1, None, "the file is empty",
                                        "a header row: " + ",".join(fmt.header)),))
        return
    except csv.Error as error:
        yield Parsed(1, None, (RowError(1, None, f"is not CSV: {error}"),))
        return
    errors = _header_errors(fmt, header)
    if errors:
        yield Parsed(1, None, tuple(errors))
        return
    width, row, parse = len(header), 1, fmt.parse
    fast = fmt.fast(header) if fmt.fast is not None else None
    while True:
        row += 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Parsed(row, None, (RowError(row, None, f"is not CSV: {error}"),))
            continue
        if not any(fields):
            continue
        if len(fields) != width:
            yield Parsed(row, None, (RowError(row, None, f"has {len(fields)} cells",
                                              f"{width}, one per column of the header"),))
            continue
        if fast is not None:
            found = fast(fields)
            if found is not None:
                yield Parsed(row, found)
                continue
        cells = _Cells(row, {name: cell for name, field in zip(header, fields, strict=True)
                             if (cell := field.strip())})
        record = parse(cells)
        yield Parsed(row, None, tuple(cells.errors)) if cells.errors else Parsed(row, record)


def write(fmt: Format[R], records: Iterable[R], out: IO[str]) -> int:
    """Write the header and one row per record; returns the number of records."""
    writer = csv.writer(out)
    writer.writerow(fmt.header)
    count = 0
    to_cells = fmt.cells
    for record in records:
        writer.writerow(to_cells(record))
        count += 1
    return count


__all__ = [
    "FORMATS",
    "MANDATES",
    "ORGANISATIONS",
    "PERSONS",
    "RIGHTS",
    "WORK_RELATIONS",
    "Column",
    "Format",
    "read",
    "write",
]
