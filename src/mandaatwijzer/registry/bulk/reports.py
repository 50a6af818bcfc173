"""What an import says about its rows: `RowError`, `Parsed`, `ImportReport`, and the refusal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..errors import RegistryError
from ..rules import Refusal
from .records import Record


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one row: where (row, column), what, and what was expected or which
    rule forbids it. Row 1 is the header; the first data row is row 2, as in a spreadsheet."""

    row: int
    column: str | None
    problem: str
    expected: str | None = None
    rule: str | None = None

    @classmethod
    def refused(cls, row: int, column: str, refusal: Refusal) -> RowError:
        """A row that breaks a rule (`rules`), in the rule's own words."""
        return cls(row, column, refusal.message, rule=refusal.rule)

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

