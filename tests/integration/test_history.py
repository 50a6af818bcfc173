"""The histories and the audit log's state on SQLite and PostgreSQL: the events read back from
`audit_events` in order, in words, and the last check kept in `audit_checks` (issue 13, 5)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mandaatwijzer.adapters import orm
from mandaatwijzer.config import Settings
from mandaatwijzer.registry import services

from ..e2e.registry import World, build, sign_in
from ..e2e.web import text
from .databases import own_database


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    with own_database(request.param, request, tmp_path) as url:
        built = build(Settings(database_url=url, demo=True, secret_key="test",
                               access_log=False))
        try:
            yield built
        finally:
            built.ctx.close()
            orm.stop_mappers()


def test_a_mandates_history_reads_back_from_the_log_in_order(world: World) -> None:
    mandate = world.mandates["anna"].id
    services.sign_mandate(world.ctx.units(), world.ctx.clock, world.id("Mia"), mandate)
    services.stop_mandate(world.ctx.units(), world.ctx.clock, world.id("Anna"), mandate)
    sign_in(world.client, world.people["Mia"])
    response = world.client.get(f"/api/registry/mandates/{mandate}/history",
                                headers={"Accept-Language": "nl"})
    assert response.status_code == 200, response.text
    assert [(e["who"], e["what"]) for e in response.json()["entries"]] == [
        ("Anna Applicant", "gaf het mandaat"),
        ("Mia Manager", "ondertekende namens Provider BV"),
        ("Anna Applicant", "zette het mandaat stop")]
    page = world.client.get(f"/en/registry/mandates/{mandate}")
    assert "Mia Manager signed for Provider BV" in text(page.text)


def test_a_persons_history_holds_their_sign_ins_and_rights(world: World) -> None:
    right = services.grant_right(world.ctx.units(), world.ctx.clock, world.id("Luc"),
                                 world.eva_relation(), "SSM Mandaatuitvoerder")
    services.withdraw_right(world.ctx.units(), world.ctx.clock, world.id("Luc"), right.id)
    sign_in(world.client, world.people["Eva"])
    response = world.client.get(f"/api/registry/persons/{world.id('Eva')}/history")
    assert response.status_code == 200, response.text
    assert [e["action"] for e in response.json()["entries"]] == [
        "register_person", "add_work_relation", "grant_right", "withdraw_right", "sign_in"]
    assert response.json()["entries"][2]["about"] == "‘SSM Mandaatuitvoerder’ at Provider BV"


def test_the_administrators_page_shows_the_last_check_of_the_log(world: World) -> None:
    log = world.ctx.audit
    assert log is not None
    users = f"/nl/registry/organisations/{world.orgs['provider'].id}/users"
    sign_in(world.client, world.people["Luc"])
    assert "Auditlog: nog niet gecontroleerd" in text(world.client.get(users).text)
    check = log.verify()
    assert check.ok
    log.record(check, world.ctx.clock.now())
    kept = log.last_check()
    assert kept is not None
    assert (kept.events, kept.ok) == (check.checked, True)
    line = text(world.client.get(users).text)
    assert f"Auditlog: intact, {check.checked} gebeurtenissen, laatst gecontroleerd " \
           "3 maart 2025 10:00" in line


def test_the_command_lines_verify_records_its_outcome_for_the_pages(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1",
           "MANDAATWIJZER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def run(*args: str, code: int = 0) -> None:
        result = subprocess.run([sys.executable, "-m", "mandaatwijzer", *args],
                                capture_output=True, text=True, env=env, cwd=tmp_path,
                                timeout=120, check=False)
        assert result.returncode == code, (args, result.stdout, result.stderr)

    run("demo")
    run("registry", "audit", "verify")
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        connection.execute("DELETE FROM dossiers WHERE seq = 1")
    run("registry", "audit", "verify", code=11)
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        rows = connection.execute("SELECT events > 0, chain_ok, tables_ok FROM audit_checks "
                                  "ORDER BY seq").fetchall()
    assert rows == [(1, 1, 1), (1, 1, 0)]
