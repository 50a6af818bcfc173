"""What the registry commands share: the database, the language, error handling, output,
references."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import getpass
import gettext
import json
import os
import re
import sys
import typing
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from .. import collector
from ..bootstrap import RegistryContext, build_context
from ..config import Settings
from ..registry import audit, phrases, queries, views
from ..registry.bulk import ImportRefusedError
from ..registry.errors import RegistryError, ValidationError
from ..registry.model import Party, Period, Person
from ..registry.ports import Clock, Page, Repository, UnitOfWork
from ..registry.scoped import scoped

P = ParamSpec("P")
T = TypeVar("T")

EXIT_SETUP = 2
EXIT_DENIED = 10
EXIT_AUDIT_BROKEN = 11

# --- the language ------------------------------------------------------------------------

LANGUAGES = ("nl", "en")
#: Where the language comes from when `--lang` is not given, the first one set wins (POSIX).
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_language: ContextVar[str | None] = ContextVar("mandaatwijzer_cli_language", default=None)


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """Dutch when the locale's language is Dutch (``nl_BE.UTF-8``, ``nl``), else English."""
    found = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = found.get(variable)
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (the web's and the guide's: one catalog for every edge)."""
    folder = Path(str(files("mandaatwijzer"))) / "locale"
    return gettext.translation("mandaatwijzer", folder, languages=[lang], fallback=True)


def language() -> str:
    """The language of this command: its `--lang`, else the locale's."""
    return _language.get() or locale_language()


def _(message: str, /, **values: object) -> str:
    """`message` (an English msgid with ``{name}`` fields) in the command's language, filled
    in."""
    text = translations(language()).gettext(message)
    return text.format(**values) if values else text


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Inside the block, the command's texts and the core's (explanations, refusals) are in
    `lang`."""
    with scoped(_language, lang), phrases.translated(translations(lang).gettext):
        yield


def _chosen_language(value: str | None) -> str:
    if value is None:
        return locale_language()
    if value.lower() in LANGUAGES:
        return value.lower()
    raise typer.BadParameter(_("{value} is not a language of Mandaatwijzer; expected nl or en",
                               value=repr(value)))


# --- the database ------------------------------------------------------------------------

#: One registry context per database URL and process (a `memory:` registry lives as long as
#: the process: tests clear this to start afresh).
CONTEXTS: dict[str, RegistryContext] = {}


def fail(message: str, code: int) -> typer.Exit:
    """Print one error line; returns the exit to raise."""
    sys.stderr.write(_("mandaatwijzer: error: {message}", message=printable(message)) + "\n")
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
        collector.resume(freeze=True)  # the start is over: cli.main paused the collector
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

    The command runs in its language (`--lang`, a parameter typed `Lang`): its own texts, the
    access explanations and the refusals. A command that acts as someone (`--as`) records
    each change it makes as made from the command line by the operating-system user
    (`operator_origin`): `--as` is an operator's tool, not a sign-in. Done here, once for
    every command.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        lang = kwargs.get("lang")
        with speaking(lang if isinstance(lang, str) else locale_language()):
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
    """Plain JSON values of dataclasses, enums, dates and parties; a moment as the API writes
    it (pydantic: ``Z`` for UTC)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        text = value.isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
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


def created(new_id: str, line: str) -> None:
    """What a command that creates something prints: the new id on a line of its own, then
    what it made."""
    out(new_id)
    out(line)


def print_json(data: Any) -> None:
    sys.stdout.write(_json_text(data) + "\n")


check_paging = queries.check_paging


def print_page(page: Page[T], item: Callable[[T], Any]) -> None:
    """A page as the API's listings give it (`plain_views.page`)."""
    from ..plain_views import page as page_view

    print_json(page_view(page, [item(i) for i in page.items]))


def page_footer(page: Page[Any]) -> None:
    """Where this page lies, on stderr (stdout keeps one line per item)."""
    shown = len(page.items)
    line = _("{first}-{last} of {total}", first=page.offset + 1 if shown else page.offset,
             last=page.offset + shown, total=page.total)
    if page.has_next:
        line += _("; next: --offset {offset}", offset=page.offset + shown)
    sys.stderr.write(line + "\n")


def day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(_("{option}: {text} is not a date; expected a date as YYYY-MM-DD",
                     option=option, text=repr(text)), ValidationError.exit_code) from None


def period(value: Period) -> str:
    if value.end is None:
        return _("from {start}", start=value.start.isoformat())
    return _("{start} to {end}", start=value.start.isoformat(), end=value.end.isoformat())


def labelled(rows: list[tuple[str, str]]) -> None:
    """Label and value a line each, the values in one column."""
    width = max(len(label) for label, _value in rows) + 2
    for label, value in rows:
        out(f"{label:<{width}}{value}")


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


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
            f"{'' if found.has_eid else '  ' + _('(no eID)')}")


def print_persons(page: Page[Person], as_json: bool) -> None:
    if as_json:
        from ..plain_views import person as person_view

        print_page(page, person_view)
        return
    for found in page.items:
        out(person_line(found))
    page_footer(page)


# --- options shared by several commands ----------------------------------------------------

JsonFlag = Annotated[bool, typer.Option(
    "--json", help="Print JSON: the API's fields for the same objects (field names in English).")]
Lang = Annotated[str | None, typer.Option(
    "--lang", "-l", callback=_chosen_language, metavar="nl|en",
    help="Language of the output: nl or en; default: the locale's (LC_ALL, LC_MESSAGES, "
         "LANG: Dutch when it starts with nl), else en.")]
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
