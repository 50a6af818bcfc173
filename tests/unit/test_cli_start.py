"""A registry command built alone, and typer's conversion of plain values without pydantic
(ADR 0012), behave as the whole typer application does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer.main
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from mandaatwijzer import cli


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    subs = getattr(command, "commands", None)
    if subs is None:
        yield path, command
        return
    for name, sub in subs.items():
        yield from _commands(sub, (*path, name))


WHOLE = typer.main.get_command(cli.app)
COMMANDS = sorted(_commands(WHOLE))
REGISTRY = [path for path, _ in COMMANDS if path[0] in ("registry", "demo")]


def test_every_registry_command_is_built_alone() -> None:
    assert len(REGISTRY) > 25
    for path in REGISTRY:
        alone = cli._app_for([*path, "--help"])
        assert alone is not None, path
        assert [p for p, _ in _commands(typer.main.get_command(alone))
                if p[0] in ("registry", "demo")] == [path]


@pytest.mark.parametrize("args", [
    [], ["registry"], ["registry", "--help"], ["registry", "person"], ["registry", "nobody"],
    ["registry", "person", "nobody"], ["registry", "--lang", "nl", "todo"], ["guide"],
    ["flow", "check"],
])
def test_what_names_no_command_plainly_is_left_to_the_whole_application(
        args: list[str]) -> None:
    assert cli._app_for(args) is None


@pytest.mark.parametrize("tail", [["--help"], ["--no-such-option"], ["--limit", "x"], ["a"] * 9])
@pytest.mark.parametrize("path", REGISTRY, ids=" ".join)
def test_a_command_alone_answers_as_in_the_whole_application(path: tuple[str, ...],
                                                             tail: list[str]) -> None:
    args = [*path, *tail]
    alone = cli._app_for(args)
    assert alone is not None
    runner = CliRunner()
    whole = runner.invoke(cli.app, args, prog_name="mandaatwijzer", env={"COLUMNS": "100"})
    found = runner.invoke(alone, args, prog_name="mandaatwijzer", env={"COLUMNS": "100"})
    assert (found.exit_code, found.stdout, found.stderr) == (
        whole.exit_code, whole.stdout, whole.stderr)
    assert whole.exit_code in (0, 2)  # help or a usage error: the command's body never ran


SAMPLES: list[Any] = ["", "a", "nl", " 5", "5", "05", "-3", "0", "1", "65535", "65536", "1_000",
                      "0x10", "٣", "5.0", "99999999999999999999", "persons", "Persons",
                      "mandates", 0, 50, True, None, ("a", "b"), [], ("registry:read",)]


def _answer(runtime: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        return "value", runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter as error:
        return "error", error.format_message()


def _params() -> Iterator[tuple[str, Any, Any]]:
    for path, command in COMMANDS:
        for param in command.params:
            if getattr(param, "type_descriptor", None) is not None:
                yield " ".join(path), command, param


@pytest.mark.parametrize(("where", "command", "param"), list(_params()),
                         ids=lambda x: x if isinstance(x, str) else "")
def test_plain_values_convert_as_typer_converts_them(where: str, command: Any,
                                                     param: Any) -> None:
    plain = cli._plain_param_class()
    assert plain is not None
    descriptor = param.type_descriptor
    ours = plain(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                 descriptor=descriptor)
    typers = build_runtime_param(descriptor)
    ctx = Context(command)
    for value in SAMPLES:
        if (param.multiple or param.nargs == -1) != isinstance(value, tuple | list):
            continue
        found, expected = _answer(ours, value, param, ctx), _answer(typers, value, param, ctx)
        assert found == expected, (where, param.name, value)
        assert type(found[1]) is type(expected[1]), (where, param.name, value)


def _after(argv: list[str], url: str, report: str, exits: tuple[int, ...] | None = (0,)
           ) -> Any:
    """The value of the expression `report` (JSON) once `cli.main` has run the command line
    in a process of its own, on the database at `url`. With `exits`, the command must end its
    process without the teardown (`os._exit` with one of them); None: it may end either way."""
    import json
    import os
    import subprocess
    import sys

    ending = "" if exits is None else \
        f"assert len(ended) == 1 and ended[0] in {exits!r}, ended\n"
    code = ("import gc, json, os, sys\n"
            f"sys.argv = ['mandaatwijzer', *{argv!r}]\n"
            "ended = []\n"
            "os._exit = ended.append  # the command ends its process without the teardown\n"
            "from mandaatwijzer.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"{ending}"
            f"print(json.dumps({report}), file=sys.stderr)\n")
    # Without coverage's measuring of subprocesses (`make test`): a measured process keeps its
    # teardown for coverage to write its data, and would not end as a command does.
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("COVERAGE_PROCESS_")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, timeout=60,
                            env={**env, "MANDAATWIJZER_DATABASE_URL": url})
    return json.loads(result.stderr.strip().splitlines()[-1])


def _imported_by(argv: list[str], url: str, which: str, exits: tuple[int, ...] = (0,)
                 ) -> list[str]:
    """The modules a registry command imports that `which` (an expression over a module's
    name `m`) selects; the command must end as `_after` says."""
    return list(_after(argv, url, f"sorted(m for m in sys.modules if {which})", exits))


def test_a_registry_command_imports_neither_pydantic_nor_the_guide() -> None:
    assert _imported_by(
        ["registry", "person", "list", "--json"], "memory:",
        "m.split('.')[0] in ('pydantic', 'fastapi', 'starlette', 'jinja2', 'rich', 'alembic', "
        "'yaml') or m.startswith(('mandaatwijzer.guide', 'mandaatwijzer.api', "
        "'mandaatwijzer.web', 'mandaatwijzer.registry.views._find', "
        "'mandaatwijzer.registry.views._history', 'mandaatwijzer.registry.views._guidance'))"
    ) == []


def test_a_registry_command_that_checks_no_access_imports_no_access_module(
        tmp_path: Any) -> None:
    """On a SQLite file (the SQL adapters, not the memory ones), a listing imports neither the
    access index nor the access reader (about 10 ms of a command's start)."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    assert _imported_by(["registry", "person", "list", "--json"], url,
                        "m.startswith('mandaatwijzer.adapters.access.')") == [
        "mandaatwijzer.adapters.access.tuning"]
    # Nor PostgreSQL's driver (the import's COPY ends, adapters/copy_ends.py, need it there).
    assert _imported_by(["registry", "person", "list", "--json"], url,
                        "m.split('.')[0] == 'psycopg'") == []


def test_a_registry_explanation_links_into_the_guide_without_loading_the_flow(
        tmp_path: Any) -> None:
    """`registry why` and `may-manage` link each gap to the guide's outcome with the flow's
    kept first answers: no YAML, no flow loaded (about 20 ms of their start)."""
    import os
    import sqlite3
    import subprocess
    import sys

    database = tmp_path / "demo.sqlite3"
    env = {**os.environ, "MANDAATWIJZER_DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run([sys.executable, "-m", "mandaatwijzer", "demo"], env=env, check=True,
                   capture_output=True, timeout=120)
    with sqlite3.connect(database) as connection:
        person, applicant = connection.execute(
            "SELECT w.person_id, m.giver_id FROM mandates m JOIN work_relations w "
            "ON w.organisation_id = m.taker_id ORDER BY m.seq, w.seq LIMIT 1").fetchone()
    for command in ("why", "may-manage"):
        assert _imported_by(["registry", command, person, applicant],
                            env["MANDAATWIJZER_DATABASE_URL"],
                            "m.split('.')[0] == 'yaml' or m.startswith(("
                            "'mandaatwijzer.guide._loader', 'mandaatwijzer.guide._engine'))",
                            exits=(0, 10)) == []


def test_the_access_packages_lazy_names_are_its_modules() -> None:
    from mandaatwijzer.adapters import access
    from mandaatwijzer.adapters.access import index, reader, tuning

    assert access.AccessIndex is index.AccessIndex
    assert access.AccessReader is reader.AccessReader
    assert access.tune_for_reads is tuning.tune_for_reads
    assert sorted(access.__all__) == sorted(access._WHERE)
    with pytest.raises(AttributeError):
        access.NotThere  # noqa: B018


def test_the_views_lazy_names_are_their_imports() -> None:
    """`registry.views` imports a read's module on first use of its name: the names it
    looks up at run time (`_WHERE`) are the ones it imports for the type checker, and
    `__all__`."""
    import ast
    from pathlib import Path

    from mandaatwijzer.registry import views

    tree = ast.parse(Path(views.__file__).read_text(encoding="utf-8"))
    imported = {alias.asname or alias.name: (node.module, alias.name)
                for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
                for alias in node.names}
    assert imported == views._WHERE
    assert sorted(views.__all__) == sorted(views._WHERE)
    assert all(getattr(views, name) is not None for name in views.__all__)


def _collector_after(argv: list[str], url: str) -> dict[str, Any]:
    """Whether the cycle collector runs, and how many objects it leaves alone (frozen), once
    `cli.main` has run the command line in a process of its own."""
    found: dict[str, Any] = _after(
        argv, url, "{'enabled': gc.isenabled(), 'frozen': gc.get_freeze_count()}", None)
    return found


def test_a_registry_command_starts_without_the_cycle_collector_and_works_with_it(
        tmp_path: Any) -> None:
    """The start (imports, the command, the registry opened) without collections; from then
    on the collector runs again, leaving what the start made alone (mandaatwijzer/collector.py),
    so that an import of a million rows is collected as before."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    after = _collector_after(["registry", "person", "list"], url)
    assert after["enabled"] is True
    assert after["frozen"] > 10_000  # SQLAlchemy's, typer's and the registry's objects
    # A command line for the whole application (it may serve for days): collected as always.
    assert _collector_after(["flow", "check"], url) == {"enabled": True, "frozen": 0}


def test_the_collector_resumes_only_after_a_pause() -> None:
    """In a process of its own: the tests' process has objects frozen already (the access
    index freezes what it loads), and freezing is not undone for some objects only."""
    import subprocess
    import sys

    code = ("import gc\n"
            "from mandaatwijzer import collector\n"
            "assert gc.isenabled() and gc.get_freeze_count() == 0\n"
            "collector.resume(freeze=True)  # no pause: nothing happens\n"
            "assert gc.isenabled() and gc.get_freeze_count() == 0\n"
            "collector.pause()\n"
            "assert not gc.isenabled()\n"
            "collector.resume(freeze=False)\n"
            "assert gc.isenabled() and gc.get_freeze_count() == 0\n"
            "collector.pause()\n"
            "collector.resume(freeze=True)\n"
            "frozen = gc.get_freeze_count()\n"
            "assert gc.isenabled() and frozen > 0\n"
            "gc.disable()\n"
            "collector.resume(freeze=True)  # once only: a pause is resumed once\n"
            "assert not gc.isenabled() and gc.get_freeze_count() == frozen\n"
            "print('ok')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr
