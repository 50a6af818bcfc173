"""The command line's `--as` is an operator's tool, and the audit log says so.

Anyone who can reach the database may act as anyone with `--as`: every change such a
command makes is recorded with `via` = ``cli:<operating-system user>``, inside the hash chain,
which still verifies; changes without `--as` (registering persons and organisations) carry no
`via`. The help of every command that takes `--as` says what it is. Run in this process on a
SQLite file, as `mandaatwijzer registry …` runs.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner, Result

from mandaatwijzer import cli
from mandaatwijzer.adapters import orm
from mandaatwijzer.adapters.audit import audit_events
from mandaatwijzer.adapters.database import create_engine_for
from mandaatwijzer.registry_cli import _common

from ..unit.registry.scenario import enterprise_number, national_number


class Shell:
    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> Result:
        result = self.runner.invoke(cli.app, ["registry", *args])
        assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
        return result

    def new_id(self, *args: str) -> str:
        return self(*args).stdout.split()[0]

    def events(self) -> list[tuple[str, str, str | None]]:
        engine = create_engine_for(self.url)
        try:
            with engine.connect() as connection:
                return [(row.actor, row.action, row.via) for row in connection.execute(
                    select(audit_events.c.actor, audit_events.c.action, audit_events.c.via)
                    .order_by(audit_events.c.seq))]
        finally:
            engine.dispose()


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shell]:
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    monkeypatch.setenv("MANDAATWIJZER_DATABASE_URL", url)
    _common.CONTEXTS.clear()
    try:
        yield Shell(url)
    finally:
        for ctx in _common.CONTEXTS.values():
            ctx.close()
        _common.CONTEXTS.clear()
        orm.stop_mappers()


def test_changes_made_with_as_are_recorded_as_from_the_command_line_by_the_os_user(
        shell: Shell) -> None:
    rita = shell.new_id("person", "add", "Rita Rep", "-n", national_number(1))
    luc = shell.new_id("person", "add", "Luc Admin", "-n", national_number(2))
    bart = shell.new_id("person", "add", "Bart Baker", "-n", national_number(3))
    provider = shell.new_id("org", "add", "Provider BV", "-g", "economic_actor", "-e",
                            enterprise_number(1), "-r", rita)
    bakery = shell.new_id("org", "add", "Bakkerij NV", "-g", "economic_actor", "-e",
                          enterprise_number(2), "-r", bart)
    registered = len(shell.events())

    shell("local-admin", "appoint", provider, luc, "--as", rita)
    relation = shell.new_id("work-relation", "add", provider, bart, "--as", luc)
    shell("right", "grant", relation, "mandate-manager", "--as", luc)
    mandate = shell("mandate", "create", bakery, provider, "--as", bart).stdout.split()[0]
    shell("mandate", "sign", mandate, "--as", bart)  # both sides: Bart manages for Provider

    origin = f"cli:{getpass.getuser()}"
    events = shell.events()
    assert [via for _, _, via in events[:registered]] == [None] * registered
    assert events[registered:] == [
        (rita, "appoint_local_admin", origin), (luc, "add_work_relation", origin),
        (luc, "grant_right", origin), (bart, "create_mandate", origin),
        (bart, "sign_mandate", origin)]

    verified = shell("audit", "verify")
    assert verified.stdout.startswith("audit log intact: 10 events checked")


def test_a_refused_change_with_as_records_nothing(shell: Shell) -> None:
    rita = shell.new_id("person", "add", "Rita Rep", "-n", national_number(1))
    luc = shell.new_id("person", "add", "Luc Admin", "-n", national_number(2))
    provider = shell.new_id("org", "add", "Provider BV", "-g", "economic_actor", "-e",
                            enterprise_number(1), "-r", rita)
    before = shell.events()
    refused = shell("local-admin", "appoint", provider, rita, "--as", luc, code=7)
    assert "Traceback" not in refused.stderr
    assert shell.events() == before


def test_the_origin_falls_back_when_the_os_user_is_unknown(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def nobody() -> str:
        raise OSError("no user")

    monkeypatch.setattr(getpass, "getuser", nobody)
    assert _common.operator_origin() == "cli:unknown"
    monkeypatch.setattr(getpass, "getuser", lambda: "x" * 100)
    assert len(_common.operator_origin()) == 64  # the column's width


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command under a group of the built command line, by its words."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_command_that_acts_as_someone_says_it_is_an_operators_tool() -> None:
    registry = typer.main.get_command(cli.app).commands["registry"]  # type: ignore[attr-defined]
    acting = [path for path, command in _commands(registry)
              if any("--as" in param.opts for param in command.params)]
    assert len(acting) >= 9, acting
    runner = CliRunner()
    for path in acting:
        shown = runner.invoke(cli.app, ["registry", *path, "--help"],
                              env={"COLUMNS": "200", "NO_COLOR": "1"})
        assert shown.exit_code == 0, path
        text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", shown.stdout).split())  # the boxes' lines
        assert "An operator's tool: anyone who can reach the database may act as anyone" in \
            text, path
        assert "recorded as made from the command line by your operating-system user" in \
            text, path
