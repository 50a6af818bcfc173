"""CSV exports are safe to open in a spreadsheet (no cell starts a formula), and an export
still imports as it is: the import takes off exactly the quote the export put in front."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from mandaatwijzer.registry import bulk
from mandaatwijzer.registry.bulk import csv_formats
from mandaatwijzer.registry.bulk.csv_cells import spreadsheet_safe, unescaped
from mandaatwijzer.registry.model import EntityGroup, Party, PartyKind, RightKind
from mandaatwijzer.registry.text import control_problem

from .scenario import TODAY, World, enterprise_number, national_number

FORMULA_STARTS = tuple("=+-@\t\r")
#: Texts a spreadsheet would run, or that look like the escaped form of one.
FORMULAS = ["=1+1", "+32 2 123 45 67", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
            "=HYPERLINK(\"http://x.example\",\"klik\")", "=cmd|' /C calc'!A0", "'=quoted",
            "''+twice", "'''@thrice"]
#: Texts with quotes that are no formula: written and read as they are.
PLAIN = ["O'Brien", "'plain", "' =1", "''", "'", "a=b"]
#: The free texts a registry can hold: none with a control character (registry/text.py), so
#: not "\t=1" nor "\r=1", which the import refuses since issue 11, part 2.
STORED = [text for text in FORMULAS + PLAIN if control_problem(text) is None]


def _texts(alphabet: str, longest: int) -> list[str]:
    return ["".join(chars) for size in range(longest + 1)
            for chars in itertools.product(alphabet, repeat=size)]


def test_a_safe_cell_never_starts_a_formula_and_reads_back_as_the_value() -> None:
    for value in _texts("'=+-@\t\rx ", 4):
        cell = spreadsheet_safe(value)
        assert not cell.startswith(FORMULA_STARTS), repr(value)
        assert unescaped(cell) == value, repr(value)


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_or_quotes_before_one_get_one_quote_in_front(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", [*PLAIN, "An", "2025-03-03", "85.07.30-033.28", ""])
def test_other_cells_are_written_and_read_as_they_are(value: str) -> None:
    assert spreadsheet_safe(value) == value
    assert unescaped(value) == value


def test_the_import_takes_one_quote_off_before_a_formula_only() -> None:
    text = ("national_number,name\n" + "".join(
        f"{national_number(serial)},{name}\n" for serial, name in enumerate(
            ["'=1+1", "''=1+1", " '@x ", "O'Brien", "'plain", "' =1"], start=1)))
    names = [parsed.record.name for parsed in csv_formats.read(csv_formats.PERSONS,
                                                               io.StringIO(text))
             if isinstance(parsed.record, bulk.PersonRecord)]
    assert names == ["=1+1", "'=1+1", "@x", "O'Brien", "'plain", "' =1"]


# --- every format, exported and imported into an empty registry -----------------------------

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _source() -> World:
    """A registry whose free texts (names, user types, mandate types) look like formulas."""
    world = World()
    names = STORED
    persons = [bulk.PersonRecord(f"P-{i}", national_number(i), name)
               for i, name in enumerate(names, start=1)]
    organisations = [bulk.OrganisationRecord(f"O-{i}", name, EntityGroup.ECONOMIC_ACTOR,
                                             enterprise_number(i), ("P-1",))
                     for i, name in enumerate(names, start=1)]
    relations = [bulk.WorkRelationRecord(f"WR-{i}", f"P-{i}", f"O-{i}", TODAY,
                                         user_type=name)
                 for i, name in enumerate(names, start=1)]
    rights = [bulk.RightRecord(f"R-{i}", f"WR-{i}", RightKind.MANDATE_MANAGER, "P-1", TODAY)
              for i in range(1, len(names) + 1)]
    mandates = [bulk.MandateRecord(f"M-{i}", Party(PartyKind.PERSON, f"P-{i}"),
                                   Party(PartyKind.ORGANISATION, "O-1"), TODAY, None,
                                   f"P-{i}", AT, kind[:20], giver_signed_by=f"P-{i}",
                                   giver_signed_at=AT)
                for i, kind in enumerate(names, start=2)]
    batches: list[tuple[type[bulk.Record], Sequence[bulk.Record]]] = [
        (bulk.PersonRecord, persons), (bulk.OrganisationRecord, organisations),
        (bulk.WorkRelationRecord, relations), (bulk.RightRecord, rights),
        (bulk.MandateRecord, mandates[:len(names) - 1])]
    for kind, records in batches:
        bulk.import_records(world.uow, world.clock, kind,
                            [bulk.Parsed(row, record) for row, record in
                             enumerate(records, start=2)])
    return world


def _export(world: World) -> dict[str, str]:
    texts = {}
    for name, fmt in csv_formats.FORMATS.items():
        sink = io.StringIO()
        csv_formats.write(fmt, bulk.export_records(world.uow, fmt.kind), sink)
        texts[name] = sink.getvalue()
    return texts


#: The free text of each kind, by the row's id.
FREE_TEXT = {"persons": "name", "organisations": "name", "work-relations": "user_type",
             "mandates": "type"}


def _written(name: str, key: str) -> str:
    """The free text a row of `_source` holds, as the export must write it."""
    serial = int(key.split("-")[1])
    value = STORED[serial - 2][:20] if name == "mandates" else STORED[serial - 1]
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def test_every_format_exports_formulas_as_text_and_imports_them_as_they_were() -> None:
    world = _source()
    texts = _export(world)
    escaped = 0
    for name, text in texts.items():
        for row in csv.DictReader(io.StringIO(text, newline="")):
            for column, cell in row.items():
                assert not cell.startswith(FORMULA_STARTS), (name, column, cell)
            if name in FREE_TEXT:
                assert row[FREE_TEXT[name]] == _written(name, row["id"]), (name, row["id"])
                escaped += row[FREE_TEXT[name]].startswith("'=")
    assert escaped == 4 * 3  # "=1+1", "=HYPERLINK(...)", "=cmd|..." in each kind

    again = World()
    for name, fmt in csv_formats.FORMATS.items():
        bulk.import_records(again.uow, again.clock, fmt.kind,
                            csv_formats.read(fmt, io.StringIO(texts[name], newline="")))
    kinds = ("Person", "Organisation", "WorkRelation", "Right", "Mandate")
    assert {k: again.state()[k] for k in kinds} == {k: world.state()[k] for k in kinds}
    assert _export(again) == texts
