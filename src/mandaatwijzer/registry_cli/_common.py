"""What the registry commands share: the database, error handling, output, references."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import getpass
import json
import re
import sys
import typing
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from ..bootstrap import RegistryContext, build_context
from ..config import Settings
from ..registry import audit, queries, views
from ..registry.audit import snapshot
from ..registry.bulk import ImportRefusedError
from ..registry.errors import RegistryError, ValidationError
from ..registry.model import Party, Period, Person
from ..registry.ports import Clock, Page, Repository, UnitOfWork

P = ParamSpec("P")
T = TypeVar("T")

EXIT_SETUP = 2
EXIT_DENIED = 10
EXIT_AUDIT_BROKEN = 11

# --- the database ------------------------------------------------------------------------

#: One registry context per database URL and process (a `memory:` registry lives as long as
#: the process: tests clear this to start afresh).
CONTEXTS: dict[str, RegistryContext] = {}


def fail(message: str, code: int) -> typer.Exit:
    """Print one error line; returns the exit to raise."""
    sys.stderr.write(f"mandaatwijzer: error: {printable(message)}\n")
    return typer.Exit(code)


def context() -> RegistryContext:
    """The registry on MANDAATWIJZER_DATABASE_URL (migrated on first use), from the
    composition root."""
    try:
        url = Settings.from_env().database_url
    except ValueError as error:
        raise fail(str(error), EXIT_SETUP) from None
    found = CONTEXTS.get(url)
    if found is None:
        found = CONTEXTS[url] = build_context(Settings(database_url=url))
    return found


def uow() -> UnitOfWork:
    """A unit of work on the registry."""
    return context().units()


def clock() -> Clock:
    return Clock()


def today() -> date:
    return clock().now().date()


def operator_origin() -> str:
    """Where a change made with `--as` comes from, for the audit log (`AuditEvent.via`):
    ``cli:`` and the operating-system user (as `getpass.getuser` finds it: the LOGNAME or
    USER variable first, so it names the account, it does not prove it)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError, ImportError):  # no such variable and no passwd entry
        user = "unknown"
    return f"cli:{user}"[:64]  # the column's width


def acts_as_someone(command: Callable[..., Any]) -> bool:
    """Whether the command takes `--as` (a parameter typed `Actor`)."""
    hints = typing.get_type_hints(command, include_extras=True)
    return any(hint == Actor for hint in hints.values())


def handled(command: Callable[P, T]) -> Callable[P, T]:
    """Domain errors become one line on stderr and their exit code, never a traceback.

    A command that acts as someone (`--as`) records each change it makes as made from the
    command line by the operating-system user (`operator_origin`): `--as` is an operator's
    tool, not a sign-in. Done here, once for every command.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            with (audit.recorded_via(operator_origin()) if acts_as_someone(command)
                  else contextlib.nullcontext()):
                return command(*args, **kwargs)
        except ImportRefusedError as error:
            for problem in error.report.errors:
                sys.stderr.write(f"{printable(str(problem))}\n")
            raise fail(error.message, error.exit_code) from None
        except RegistryError as error:
            raise fail(error.message, error.exit_code) from None

    return run


# --- output ----------------------------------------------------------------------------------


#: What a terminal would act on rather than show: C0 controls (newlines too, so one value
#: cannot forge another line), DEL and C1 controls (CSI 0x9b starts a sequence on its own).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with every control character written visibly as `\\xNN`: an escape sequence in a
    name (``Eva\\x1b[31mRed``) is shown, not obeyed."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def out(line: str = "") -> None:
    """One line on stdout; names and other registry values in it are shown, not obeyed."""
    sys.stdout.write(printable(line) + "\n")


#: What `json.dumps(..., ensure_ascii=False)` leaves raw inside strings (it escapes C0).
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f]")


def _json_text(data: Any) -> str:
    """The JSON of `data`, its DEL and C1 controls escaped too: the same JSON value, safe on
    a terminal (these occur only inside strings, so the layout's newlines stay)."""
    text = json.dumps(jsonable(data), ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def jsonable(value: Any) -> Any:
    """Plain JSON values of dataclasses, enums, dates and parties."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Party):
        return {"kind": value.kind.value, "id": value.id}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    return value


def print_json(data: Any) -> None:
    sys.stdout.write(_json_text(data) + "\n")


check_paging = queries.check_paging


def print_page(page: Page[T], item: Callable[[T], Any]) -> None:
    print_json({"items": [item(i) for i in page.items], "total": page.total,
                "offset": page.offset, "limit": page.limit})


def page_footer(page: Page[Any]) -> None:
    """Where this page lies, on stderr (stdout keeps one line per item)."""
    shown = len(page.items)
    line = f"{page.offset + 1 if shown else page.offset}-{page.offset + shown} of {page.total}"
    if page.has_next:
        line += f"; next: --offset {page.offset + shown}"
    sys.stderr.write(line + "\n")


def day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(option, f"{text!r} is not a date", "a date as YYYY-MM-DD") \
            from None


def period(value: Period) -> str:
    if value.end is None:
        return f"from {value.start.isoformat()}"
    return f"{value.start.isoformat()} to {value.end.isoformat()}"


# --- references to persons, organisations and parties (read by the core) -------------------

person = views.person_by_reference
organisation = views.organisation_by_reference
entity = views.entity_by_reference
person_name = views.person_name
organisation_name = views.organisation_name


def party(repo: Repository, ref: str, field: str) -> Party:
    return entity(repo, ref, field).party


def name(repo: Repository, side: Party | None) -> str:
    return "-" if side is None else views.name_of(repo, side)


def person_line(found: Person) -> str:
    """A person on one line: id first, the national number masked."""
    return (f"{found.id}  {found.national_number.masked}  {found.name}"
            f"{'' if found.has_eid else '  (no eID)'}")


def print_persons(page: Page[Person], as_json: bool) -> None:
    if as_json:
        print_page(page, snapshot)
        return
    for found in page.items:
        out(person_line(found))
    page_footer(page)


# --- options shared by several commands ----------------------------------------------------

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Actor = Annotated[str, typer.Option(
    "--as", metavar="PERSON",
    help="The person who acts (id or national register number). An operator's tool: anyone "
         "who can reach the database may act as anyone; each change is recorded as made from "
         "the command line by your operating-system user.")]
At = Annotated[str | None, typer.Option("--at", help="The day (YYYY-MM-DD); default: today.")]
Offset = Annotated[int, typer.Option(help="Skip this many.")]
Limit = Annotated[int, typer.Option(help=f"At most this many (1-{queries.MAX_PAGE}).")]
PersonArg = Annotated[str, typer.Argument(
    metavar="PERSON", help="Person id (or national register number).")]
ApplicantArg = Annotated[str, typer.Argument(
    metavar="APPLICANT", help="The applicant: a person or an organisation (id, enterprise "
    "number, or person:ID / organisation:ID).")]
