"""What an import says about its rows: `RowError`, `Parsed`, `ImportReport`, and the refusal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..errors import RegistryError, Text
from ..phrases import N_, Phrase
from ..rules import Refusal
from .records import Record


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one row: where (row, column), what, and what was expected or which
    rule forbids it. Row 1 is the header; the first data row is row 2, as in a spreadsheet."""

    row: int
    column: str | None
    #: The problem and the expectation: a phrase said in the current language, or a text.
    problem: Text
    expected: Text | None = None
    rule: str | None = None

    @classmethod
    def refused(cls, row: int, column: str, refusal: Refusal) -> RowError:
        """A row that breaks a rule (`rules`), in the rule's own words."""
        return cls(row, column, refusal.message, rule=refusal.rule)

    @property
    def phrase(self) -> Phrase:
        """Where, what, and what was expected, as one sentence (the rule is not in it)."""
        where = (N_("row {row}, column {column}", row=self.row, column=self.column)
                 if self.column else N_("row {row}", row=self.row))
        if self.expected:
            return N_("{where}: {problem}; expected {expected}", where=where,
                      problem=self.problem, expected=self.expected)
        return N_("{where}: {problem}", where=where, problem=self.problem)

    def __str__(self) -> str:
        """The sentence in the current language, and the rule's code for the import's
        operator (`(rule: …)`)."""
        text = str(self.phrase)
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
        errors = N_("1 error") if count == 1 else N_("{count} errors", count=count)
        rows = N_("1 row") if report.rows == 1 else N_("{count} rows", count=report.rows)
        if report.truncated:
            super().__init__(N_("nothing imported: {errors} in {rows}; stopped checking at row "
                                "{row} after {count} errors", errors=errors, rows=rows,
                                row=report.last_row, count=count))
        else:
            super().__init__(N_("nothing imported: {errors} in {rows}", errors=errors,
                                rows=rows))

