"""`mandaatwijzer registry …` and `mandaatwijzer demo`: the registry on the command line.

Thin, like the rest of the command line: parse, call one use case, print, in the words of
the catalog in the language of `--lang` (else the locale's: `_common.speaking`); `--json`
prints the API's fields for the same objects (`plain_views`, which the API answers with, so
that a command never imports the web framework). A domain error
becomes one line on stderr and the error's exit code (6 invalid, 7 forbidden by a rule,
8 not found, 9 conflict); `may-manage` exits 10 when the answer is no, `audit verify` 11
when the log is broken, and 2 means the set-up is wrong (settings, files, a command that
needs a SQL database). The database is MANDAATWIJZER_DATABASE_URL (`Settings.from_env`).

National register numbers are personal data: they are accepted as an argument, an option or
on stdin, printed only masked, and never echoed in an error. Only `registry export persons`
writes them in full, to a file or a pipe (it refuses a terminal).

Imported only when the typer application is built (see cli.py). The command modules are
imported when a command of theirs is needed: `registry_app` (every command, for help and
tests) imports them all, `registry_app_for` only the one that holds the command a command
line names (ADR 0012: a registry command starts in the time its own work takes).
"""

from __future__ import annotations

import copy
import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

    from ._admin import demo as demo
    registry_app: typer.Typer

#: The sub-commands of `registry`, in the order help lists them: a group (a typer application
#: of its own) or a command (a function), and the module and name that hold it.
PARTS: dict[str, tuple[str, str]] = {
    "person": ("_people", "person_app"),
    "org": ("_people", "org_app"),
    "work-relation": ("_people", "relation_app"),
    "local-admin": ("_people", "admin_app"),
    "right": ("_people", "right_app"),
    "mandate": ("_mandates", "mandate_app"),
    "dossier": ("_people", "dossier_app"),
    "token": ("_admin", "token_app"),
    "audit": ("_admin", "audit_app"),
    "may-manage": ("_mandates", "may_manage"),
    "why": ("_why", "why"),
    "todo": ("_why", "todo"),
    "applicants-for": ("_mandates", "applicants_for"),
    "persons-for": ("_mandates", "persons_for"),
    "awaiting-signature": ("_mandates", "awaiting_signature"),
    "import": ("_bulk", "import_"),
    "export": ("_bulk", "export"),
}

_HELP = "The registry of persons, organisations, rights and mandates."


def _part(name: str) -> Any:
    module, attribute = PARTS[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)


def _new_app() -> typer.Typer:
    import typer

    return typer.Typer(help=_HELP, no_args_is_help=True)


def _add(app: typer.Typer, name: str, part: Any) -> None:
    import typer

    if isinstance(part, typer.Typer):
        app.add_typer(part, name=name)
    else:
        app.command(name)(part)


def _build() -> typer.Typer:
    app = _new_app()
    for name in PARTS:
        _add(app, name, _part(name))
    return app


def registry_app_for(args: list[str]) -> typer.Typer | None:
    """The `registry` application with only the command that `args` (what follows
    `registry` on the command line) names, as `registry_app` holds it: `person list ...`
    gives `registry` with the group `person` holding only `list`. None when `args` does not
    name one command plainly (help, an option first, an unknown name): then the whole
    application decides, as it always did."""
    name = args[0] if args else ""
    if name not in PARTS:
        return None
    part = _part(name)
    import typer

    if isinstance(part, typer.Typer):
        wanted = args[1] if len(args) > 1 else ""
        found = [info for info in part.registered_commands if info.name == wanted]
        if not found or part.registered_groups or part.registered_callback:
            return None
        part = copy.copy(part)
        part.registered_commands = found
    app = _new_app()
    _add(app, name, part)
    return app


def close_contexts() -> None:
    """Close the database connections of every registry this process opened."""
    from ._common import CONTEXTS

    for found in CONTEXTS.values():
        found.close()


def __getattr__(name: str) -> Any:
    """`registry_app` (every command) and `demo`, built or imported on first use (PEP 562)."""
    if name == "registry_app":
        globals()["registry_app"] = built = _build()
        return built
    if name == "demo":
        from ._admin import demo as command

        return command
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PARTS", "close_contexts", "demo", "registry_app", "registry_app_for"]
