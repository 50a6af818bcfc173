"""No control character comes in: the rule of `registry/text.py`, and the CSV import's cells
that break it, each named by row and column (issue 11: a NUL in a cell was a traceback)."""

from __future__ import annotations

import io

import pytest

from mandaatwijzer.registry import bulk
from mandaatwijzer.registry.bulk import csv_formats
from mandaatwijzer.registry.errors import ValidationError
from mandaatwijzer.registry.text import EXPECTED, control_problem, refuse_control

from .scenario import national_number
from .test_bulk import mandate_row

NN = national_number(1)


@pytest.mark.parametrize("character", ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f"])
def test_every_c0_control_character_and_delete_is_refused(character: str) -> None:
    assert str(control_problem(f"An{character}na")) == \
        f"contains the control character U+{ord(character):04X}"


@pytest.mark.parametrize("text", ["", "Anna Peeters", "Café Ça Va", "Zoë\u00a0N.V.", "€ 10",
                                  "\u0080 is C1, left alone"])
def test_printable_text_and_other_characters_pass(text: str) -> None:
    assert control_problem(text) is None


def test_refusing_raises_the_registrys_validation_error_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        refuse_control("name", "An\x00")
    assert (caught.value.field, caught.value.expected) == ("name", str(EXPECTED))
    assert caught.value.status == 422
    refuse_control("name", "Anna")


def _errors(fmt: csv_formats.Format[bulk.R], text: str) -> list[tuple[int, str | None, str]]:
    return [(e.row, e.column, str(e)) for parsed in csv_formats.read(fmt, io.StringIO(text))
            for e in parsed.errors]


@pytest.mark.parametrize(("fmt", "text", "column"), [
    (csv_formats.PERSONS, f"national_number,name\n{NN},An\x00na\n", "name"),
    (csv_formats.PERSONS, f"id,national_number,name\nP\x00,{NN},Anna\n", "id"),
    (csv_formats.ORGANISATIONS, "name,entity_group\nPro\x07 BV,economic_actor\n", "name"),
    (csv_formats.WORK_RELATIONS, "person_id,organisation_id,start\nP-1,O-1,2025-03-03\x00\n",
     "start"),
    (csv_formats.RIGHTS, "work_relation_id,kind,granted_by,start\nWR-1,\"SSM\nX\",P-1,"
     "2025-03-03\n", "kind"),
    # The mandates' fast path takes correct rows straight from the cells: not this one.
    (csv_formats.MANDATES, mandate_row(type="KIO\x00SK"), "type"),
    (csv_formats.MANDATES, mandate_row(type="KIOSK\x7f"), "type"),
])
def test_a_cell_with_a_control_character_is_an_error_of_its_row_and_column(
        fmt: csv_formats.Format[bulk.R], text: str, column: str) -> None:
    found = _errors(fmt, text)
    assert (2, column) in [(row, col) for row, col, _ in found]
    message = next(m for row, col, m in found if col == column)
    assert "contains the control character U+00" in message
    assert str(EXPECTED) in message
    assert NN not in message


def test_a_control_character_between_two_cells_is_named_in_each_cell_that_holds_one() -> None:
    found = _errors(csv_formats.ORGANISATIONS,
                    "name,entity_group\n\"Pro\x00\",economic_actor\x01\n")
    assert {col for _, col, _ in found} == {"name", "entity_group"}


def test_a_row_with_a_no_break_space_still_reads_through_the_slow_path_as_before() -> None:
    parsed = list(csv_formats.read(csv_formats.MANDATES,
                                   io.StringIO(mandate_row(type="KIOSK\u00a0X"))))
    assert [p.errors for p in parsed] == [()]
    assert parsed[0].record is not None
    assert parsed[0].record.type == "KIOSK\u00a0X"
