"""CSV formats of the registry's bulk import and export: one format per kind, pure.

Each format is a list of named columns (documented in docs/registry.md). `read` turns the
lines of a CSV file into `Parsed` rows lazily, checking every cell and the cells of a row
against each other; what needs the stored registry (references, uniqueness, the rules about
the sides of a mandate) is checked by `import_records`. `write` writes records in the same
columns, so an export imports again as it is. Mandates: `csv_mandates`.

The file: UTF-8 (a byte order mark is allowed), comma-separated, a header row naming the
columns in any order; optional columns may be left out. Row numbers count as a spreadsheet
does: the header is row 1. Dates are `YYYY-MM-DD`; moments are ISO 8601 with an offset
(exported in UTC, `2025-03-03T09:00:00+00:00`); an empty cell is "none".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, Any

from ..identifiers import EnterpriseNumber, InvalidIdentifierError, NationalNumber
from ..model import EntityGroup, RightKind
from ..phrases import N_
from ..rules import GROUPS
from .csv_cells import (
    ID_COLUMN,
    Cells,
    Column,
    Format,
    R,
    day_cell,
    shown,
    spreadsheet_safe,
    text_cell,
    unescaped,
)
from .csv_mandates import MANDATES
from .records import OrganisationRecord, PersonRecord, RightRecord, WorkRelationRecord
from .reports import Parsed, RowError


def _parse_person(cells: Cells) -> PersonRecord:
    key = cells.id(prefix="P")
    raw = cells.required("national_number", N_("a national register number or BIS number"))
    number = ""
    if raw:
        try:
            number = NationalNumber.parse(raw, field="national_number").value
        except InvalidIdentifierError as error:
            cells.error("national_number", error.problem_phrase, error.expected_phrase)
    name = cells.required("name", N_("the person's name"))
    return PersonRecord(key, number, name, cells.flag("has_eid", True))


def _person_cells(record: PersonRecord) -> list[str]:
    return [record.id, NationalNumber(record.national_number).formatted, record.name,
            "true" if record.has_eid else "false"]


PERSONS = Format(
    "persons", PersonRecord,
    (ID_COLUMN,
     Column("national_number", True, "National register number or BIS number, with or "
            "without dots and dash (exported as YY.MM.DD-sss.CC). Personal data."),
     Column("name", True, "The person's name."),
     Column("has_eid", False, "Whether the person has a Belgian eID: true or false "
            "(also yes/no, ja/nee, 1/0); empty: true.")),
    _parse_person, _person_cells)


def _parse_organisation(cells: Cells) -> OrganisationRecord:
    key = cells.id(prefix="O")
    name = cells.required("name", N_("the organisation's name"))
    group = cells.choice("entity_group", EntityGroup)
    raw = cells.optional("enterprise_number")
    number = None
    if raw is not None:
        try:
            number = EnterpriseNumber.parse(raw, field="enterprise_number").value
        except InvalidIdentifierError as error:
            cells.error("enterprise_number", error.problem_phrase, error.expected_phrase)
    elif group is not None and group.needs_enterprise_number:
        cells.error("enterprise_number", N_("is empty for {group}", group=GROUPS[group]),
                    N_("a KBO enterprise number"))
    if number is not None and group is not None and not group.needs_enterprise_number:
        cells.error("enterprise_number", N_("is given for {group}", group=GROUPS[group]),
                    N_("none: this entity group has no enterprise number of its own"))
    representatives: list[str] = []
    for person_id in (cells.optional("legal_representatives") or "").split(";"):
        person_id = person_id.strip()
        if not person_id:
            continue
        if person_id in representatives:
            cells.error("legal_representatives",
                        N_("lists {value} twice", value=shown(person_id)),
                        N_("each person once"))
        else:
            representatives.append(cells.as_id("legal_representatives", person_id))
    return OrganisationRecord(key, name, group or EntityGroup.ECONOMIC_ACTOR, number,
                              tuple(representatives))


def _organisation_cells(record: OrganisationRecord) -> list[str]:
    number = record.enterprise_number
    return [record.id, record.name, record.entity_group.value,
            EnterpriseNumber(number).formatted if number else "",
            ";".join(record.legal_representatives)]


ORGANISATIONS = Format(
    "organisations", OrganisationRecord,
    (ID_COLUMN,
     Column("name", True, "The organisation's name."),
     Column("entity_group", True, "economic_actor, local_government, organising_authority, "
            "de_facto_association or foreign_organisation."),
     Column("enterprise_number", False, "KBO enterprise number (0xxx.xxx.xxx or "
            "1xxx.xxx.xxx): required for economic_actor and local_government, empty for the "
            "other groups."),
     Column("legal_representatives", False, "Ids of stored persons listed as legal "
            "representatives, separated by ';'.")),
    _parse_organisation, _organisation_cells)


def _parse_work_relation(cells: Cells) -> WorkRelationRecord:
    key = cells.id(prefix="WR")
    person_id, org_id = cells.id("person_id"), cells.id("organisation_id")
    start, end = cells.day("start", required=True), cells.day("end")
    cells.period(start, end)
    user_type = cells.optional("user_type") or "employee"
    return WorkRelationRecord(key, person_id, org_id, start or date.min, end, user_type)


def _work_relation_cells(record: WorkRelationRecord) -> list[str]:
    return [record.id, record.person_id, record.organisation_id, day_cell(record.start),
            day_cell(record.end), record.user_type]


WORK_RELATIONS = Format(
    "work-relations", WorkRelationRecord,
    (ID_COLUMN,
     Column("person_id", True, "Id of a stored person."),
     Column("organisation_id", True, "Id of a stored organisation."),
     Column("start", True, "First day of the work relation."),
     Column("end", False, "Last day; empty: open-ended."),
     Column("user_type", False, "The user type in the user management; empty: employee.")),
    _parse_work_relation, _work_relation_cells)


def _parse_right(cells: Cells) -> RightRecord:
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
            day_cell(record.start), day_cell(record.end), day_cell(record.withdrawn_on),
            text_cell(record.withdrawn_by)]


RIGHTS = Format(
    "rights", RightRecord,
    (ID_COLUMN,
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


#: The formats by name (the kinds of `registry import` and `registry export`).
FORMATS: dict[str, Format[Any]] = {
    f.name: f for f in (PERSONS, ORGANISATIONS, WORK_RELATIONS, RIGHTS, MANDATES)}


# --- reading and writing -----------------------------------------------------------------


def _header_errors(fmt: Format[R], header: list[str]) -> list[RowError]:
    known = {column.name for column in fmt.columns}
    expected = N_("columns among: {columns}", columns=", ".join(fmt.header))
    errors, seen = [], set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, N_("is named twice"), N_("each column once")))
        elif name not in known:
            errors.append(RowError(1, name or "(empty)",
                                   N_("is not a column of {format}", format=fmt.name),
                                   expected))
        seen.add(name)
    errors += [RowError(1, column.name, N_("is missing"),
                        N_("a column {column}: {description}", column=column.name,
                           description=column.description))
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
        yield Parsed(1, None, (RowError(1, None, N_("the file is empty"),
                                        N_("a header row: {columns}",
                                           columns=",".join(fmt.header))),))
        return
    except csv.Error as error:
        yield Parsed(1, None, (RowError(1, None, N_("is not CSV: {error}", error=str(error))),))
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
            yield Parsed(row, None, (RowError(row, None, N_("is not CSV: {error}",
                                                            error=str(error))),))
            continue
        if not any(fields):
            continue
        if len(fields) != width:
            yield Parsed(row, None, (RowError(row, None, N_("has {count} cells",
                                                            count=len(fields)),
                                              N_("{width}, one per column of the header",
                                                 width=width)),))
            continue
        # A cell with a quote may be one written spreadsheet-safe: then the quote is taken
        # off after trimming, and what it kept must not be trimmed (nor read by `fast`).
        quoted = "'" in "".join(fields)
        if fast is not None and not quoted:
            found = fast(fields)
            if found is not None:
                yield Parsed(row, found)
                continue
        values = {name: cell for name, field in zip(header, fields, strict=True)
                  if (cell := field.strip())}
        if quoted:
            values = {name: unescaped(cell) for name, cell in values.items()}
        cells = Cells(row, values)
        record = parse(cells)
        yield Parsed(row, None, tuple(cells.errors)) if cells.errors else Parsed(row, record)


#: A row some cell of which may need `spreadsheet_safe` (cells joined by line ends).
_RISKY_ROW = re.compile(r"^['=+\-@\t\r]", re.MULTILINE)


def write(fmt: Format[R], records: Iterable[R], out: IO[str]) -> int:
    """Write the header and one row per record; returns the number of records.

    The cells are safe to open in a spreadsheet (`spreadsheet_safe`); `read` undoes that.
    """
    writer = csv.writer(out)
    writer.writerow(fmt.header)
    count = 0
    to_cells, risky = fmt.cells, _RISKY_ROW.search
    for record in records:
        cells = to_cells(record)
        if risky("\n".join(cells)):  # rare: look at each cell only then
            cells = [spreadsheet_safe(cell) for cell in cells]
        writer.writerow(cells)
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
