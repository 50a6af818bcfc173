"""The pieces of a CSV format: its columns, the cells of one row as read, and cells as written.

`Cells` reads the cells of one row by column name and collects what is wrong with them, as
`RowError`s. No error message quotes a national number, nor any cell that looks like one.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Generic, Protocol, TypeVar

from ..errors import Text
from ..model import Party, PartyKind, new_id
from ..phrases import N_, Phrase
from ..text import CONTROL_CHARACTERS, EXPECTED, control_problem
from .records import (
    MandateRecord,
    OrganisationRecord,
    PersonRecord,
    RightRecord,
    WorkRelationRecord,
)
from .reports import RowError


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    required: bool
    description: str


R = TypeVar("R", PersonRecord, OrganisationRecord, WorkRelationRecord, RightRecord,
            MandateRecord)
E = TypeVar("E", bound=enum.Enum)

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_NUMBERISH = re.compile(r"[\d.\- /]+")
_ID_EXPECTED = N_("1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
_DATE_EXPECTED = N_("a date as YYYY-MM-DD")
_MOMENT_EXPECTED = N_("a moment in ISO 8601 with its offset, e.g. 2025-03-03T09:00:00+00:00")
_FLAGS = {"true": True, "yes": True, "ja": True, "1": True,
          "false": False, "no": False, "nee": False, "0": False}


_LONG_NUMBER = re.compile(r"\d{9}")
_SEPARATORS = str.maketrans("", "", " .-/")


def shown(value: str) -> Text:
    """A cell's value for a message; never one that could hold a national number."""
    if _LONG_NUMBER.search(value.translate(_SEPARATORS)):
        return N_("the value")
    return repr(value if len(value) <= 40 else value[:37] + "...")


def id_problem(value: str) -> tuple[Phrase, Phrase] | None:
    """What is wrong with a cell as an id (problem, expected), or None when it is one."""
    if not ID_PATTERN.fullmatch(value):
        return N_("is not an id"), _ID_EXPECTED
    if value[0].isdigit() and _NUMBERISH.fullmatch(value) and \
            sum(c.isdigit() for c in value) == 11:
        return (N_("looks like a national register number, which is no id"),
                N_("an id that carries no personal data"))
    return None


class ErrorSink(Protocol):
    def error(self, column: str | None, problem: Text, expected: Text | None = None) -> None: ...


class Flag:
    """Stands in for `Cells` where only whether something is wrong matters."""

    __slots__ = ("wrong",)

    def __init__(self) -> None:
        self.wrong = False

    def error(self, column: str | None, problem: Text, expected: Text | None = None) -> None:
        self.wrong = True


@cache
def members(kind: type[E]) -> dict[str, E]:
    return {str(member.value): member for member in kind}


class Cells:
    """The cells of one row by column name, collecting what is wrong with them."""

    __slots__ = ("errors", "row", "values")

    def __init__(self, row: int, values: dict[str, str]) -> None:
        #: The cells that are not empty, trimmed, by column name.
        self.row, self.values = row, values
        self.errors: list[RowError] = []
        if CONTROL_CHARACTERS.search("".join(values.values())) is not None:
            # A NUL cannot be stored in PostgreSQL, and no cell needs a control character.
            for column, value in values.items():
                problem = control_problem(value)
                if problem is not None:
                    self.error(column, problem, EXPECTED)

    def error(self, column: str | None, problem: Text, expected: Text | None = None) -> None:
        self.errors.append(RowError(self.row, column, problem, expected))

    def optional(self, column: str) -> str | None:
        return self.values.get(column)

    def required(self, column: str, expected: Text) -> str:
        value = self.optional(column)
        if value is None:
            self.error(column, N_("is empty"), expected)
            return ""
        return value

    def as_id(self, column: str, value: str) -> str:
        problem = id_problem(value)
        if problem is not None:
            self.error(column, *problem)
        return value

    def id(self, column: str = "id", prefix: str | None = None) -> str:
        """An id; with `prefix`, an empty cell makes a new one."""
        value = self.optional(column)
        if value is None:
            if prefix is not None:
                return new_id(prefix)
            self.error(column, N_("is empty"), N_("an id"))
            return ""
        return self.as_id(column, value)

    def optional_id(self, column: str) -> str | None:
        value = self.optional(column)
        return None if value is None else self.as_id(column, value)

    def day(self, column: str, required: bool = False) -> date | None:
        value = self.required(column, _DATE_EXPECTED) if required else self.optional(column)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(column, N_("{value} is not a date", value=shown(value)), _DATE_EXPECTED)
            return None

    def moment(self, column: str, required: bool = False) -> datetime | None:
        value = self.required(column, _MOMENT_EXPECTED) if required else self.optional(column)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.error(column, N_("{value} is not a moment", value=shown(value)),
                       _MOMENT_EXPECTED)
            return None
        if moment.tzinfo is None:
            self.error(column, N_("{value} has no offset from UTC", value=shown(value)),
                       _MOMENT_EXPECTED)
            return None
        return moment if moment.tzinfo is UTC else moment.astimezone(UTC)

    def flag(self, column: str, default: bool) -> bool:
        value = self.optional(column)
        if value is None:
            return default
        found = _FLAGS.get(value.lower())
        if found is None:
            self.error(column, N_("{value} is not true or false", value=shown(value)),
                       N_("true or false"))
            return default
        return found

    def choice(self, column: str, kind: type[E]) -> E | None:
        value = self.optional(column)
        found = members(kind).get(value) if value is not None else None
        if found is None:
            expected = N_("one of: {values}",
                          values=", ".join(str(member.value) for member in kind))
            self.error(column, N_("is empty") if value is None else
                       N_("{value} is not allowed here", value=shown(value)), expected)
        return found

    def party(self, prefix: str) -> Party | None:
        kind = self.choice(f"{prefix}_kind", PartyKind)
        key = self.id(f"{prefix}_id")
        return Party(kind, key) if kind is not None and key else None

    def both_or_neither(self, first: str, second: str, has_first: bool,
                        has_second: bool) -> None:
        both = N_("both {first} and {second}, or neither", first=first, second=second)
        if has_first and not has_second:
            self.error(second, N_("is empty while {other} is filled in", other=first), both)
        elif has_second and not has_first:
            self.error(first, N_("is empty while {other} is filled in", other=second), both)

    def period(self, start: date | None, end: date | None, column: str = "end") -> None:
        if start is not None and end is not None and end < start:
            self.error(column, N_("{end} lies before the start {start}", end=end, start=start),
                       N_("a date on or after the start"))




@dataclass(frozen=True)
class Format(Generic[R]):
    """The columns of one kind, how a row becomes a record, and how a record becomes a row."""

    name: str
    kind: type[R]
    columns: tuple[Column, ...]
    parse: Callable[[Cells], R]
    cells: Callable[[R], list[str]]
    #: Optional, given the header: a row's record when the row is entirely correct, else
    #: None, and `parse` runs to name what is wrong (it must agree with `parse`). It must
    #: not change the cells it is given.
    fast: Callable[[list[str]], Callable[[list[str]], R | None]] | None = None

    def __post_init__(self) -> None:
        if self.fast is not None:
            object.__setattr__(self, "fast", _printable_only(self.fast))

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


def _printable_only(fast: Callable[[list[str]], Callable[[list[str]], R | None]]
                    ) -> Callable[[list[str]], Callable[[list[str]], R | None]]:
    """`fast` that leaves every row with a character that is not printable to `parse`.

    `parse` refuses control characters (`Cells`), so `fast` must not take them; a row that
    only has another unprintable character (a no-break space) is read by `parse` as before.
    """
    def reader(header: list[str]) -> Callable[[list[str]], R | None]:
        parse = fast(header)
        join = "".join

        def printable(fields: list[str]) -> R | None:
            return parse(fields) if join(fields).isprintable() else None

        return printable

    return reader


#: What makes a spreadsheet take a cell for a formula: its first character (OWASP, "CSV
#: injection"). A cell that starts so is written after a `'`, which a spreadsheet shows as
#: text and does not show. So is a cell that starts with quotes before such a character, so
#: that the import tells the two apart: it takes one `'` off exactly these cells.
_FORMULA_START = "=+-@\t\r"
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")
_RISKY_FIRST = frozenset(_FORMULA_START + "'")


def spreadsheet_safe(value: str) -> str:
    """A cell as written: a `'` in front when a spreadsheet would read a formula, or when
    quotes come before a formula character (`'=1` is written `''=1`)."""
    if value[:1] in _RISKY_FIRST and _ESCAPED.match(value):
        return "'" + value
    return value


def unescaped(value: str) -> str:
    """A (trimmed) cell as read: `spreadsheet_safe` undone, one `'` fewer before quotes and a
    formula character; any other cell as it is."""
    if value[:1] == "'" and _ESCAPED.match(value, 1):
        return value[1:]
    return value


def text_cell(value: str | None) -> str:
    return "" if value is None else value


def day_cell(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def moment_cell(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat()


def party_cell(value: Party | None) -> str:
    return "" if value is None else value.id


ID_COLUMN = Column("id", False, "The id to keep; empty: a new id is made.")
