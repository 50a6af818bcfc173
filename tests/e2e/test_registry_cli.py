"""`mandaatwijzer registry …` and `mandaatwijzer demo` on the command line.

The first part runs the installed command in fresh processes on a SQLite file, as a person
would: the data must survive from one process to the next. The second part runs the typer
application in this process on `memory:` (fast), for the details: every exit code, the
listings, the import's errors and the round trip.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mandaatwijzer import cli
from mandaatwijzer.registry import demo
from mandaatwijzer.registry.bulk import csv_formats
from mandaatwijzer.registry_cli import _common

NUMBER = demo.national_number(date(1990, 5, 17), 123)
DOTTED = f"{NUMBER[:2]}.{NUMBER[2:4]}.{NUMBER[4:6]}-{NUMBER[6:9]}.{NUMBER[9:]}"
DEMO_NUMBERS = [p.national_number for p in demo.PERSONS]


def _no_national_number(*texts: str) -> None:
    """No output holds a national number of these tests, whole or without its check."""
    runs = {re.sub(r"\D", "", run) for text in texts for run in re.findall(r"[\d.\-/]+", text)}
    for number in [NUMBER, *DEMO_NUMBERS]:
        assert not [run for run in runs if number[:9] in run], number[-2:]


# --- in fresh processes, on SQLite -------------------------------------------------------------


class Shell:
    """Runs `python -m mandaatwijzer` with a database of its own."""

    def __init__(self, folder: Path, name: str = "db.sqlite3") -> None:
        self.folder = folder
        self.env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200",
                    "MANDAATWIJZER_DATABASE_URL": f"sqlite:///{folder / name}"}
        self.outputs: list[str] = []

    def __call__(self, *args: str, stdin: str = "", code: int = 0
                 ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "mandaatwijzer", *args], input=stdin,
                                capture_output=True, text=True, encoding="utf-8", env=self.env,
                                cwd=self.folder, timeout=120, check=False)
        self.outputs += [result.stdout, result.stderr]
        assert result.returncode == code, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result


def _people(listing: str) -> dict[str, str]:
    """Demo persons' ids by first name, from the `demo` listing."""
    return {line.split()[1]: line.split()[0] for line in listing.splitlines()}


@pytest.fixture(scope="module")
def demo_shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Shell, dict[str, str]]]:
    shell = Shell(tmp_path_factory.mktemp("demo"))
    loaded = shell("demo", "--lang", "en")
    assert "demo loaded" in loaded.stderr
    yield shell, _people(loaded.stdout)
    _no_national_number(*shell.outputs)


def test_the_demo_loads_once_and_its_story_holds_across_processes(
        demo_shell: tuple[Shell, dict[str, str]]) -> None:
    shell, people = demo_shell
    assert len(people) == len(demo.PERSONS)
    again = shell("demo", code=9)
    assert again.stderr == ("mandaatwijzer: error: the registry is not empty; the demo loads "
                            "only into an empty one\n")
    listed = shell("demo", "--list")
    assert _people(listed.stdout) == people
    allowed = shell("registry", "may-manage", people["Jonas"], people["An"])
    assert allowed.stdout.startswith("yes: Jonas Peeters may manage the dossiers of An "
                                     "Mertens on ")
    assert "route: A mandate to an external service provider\n" in allowed.stdout


def test_may_manage_says_no_with_the_gaps_and_exit_10(
        demo_shell: tuple[Shell, dict[str, str]]) -> None:
    shell, people = demo_shell
    denied = shell("registry", "may-manage", people["Lotte"], people["An"], "--json", code=10)
    decision = json.loads(denied.stdout)
    assert decision["allowed"] is False
    gap = next(g for g in decision["gaps"] if g["code"] == "no_executor_right")
    assert gap["guide_outcome"] == "recht-mandaatuitvoerder"
    assert "Pieter Claes" in gap["fixer"]
    assert [link["kind"] for link in gap["links"]] == ["mandate", "work_relation"]


def test_a_change_in_one_process_is_seen_by_the_next(
        demo_shell: tuple[Shell, dict[str, str]]) -> None:
    shell, people = demo_shell
    waiting = json.loads(shell("registry", "awaiting-signature", people["Elke"],
                               "--json").stdout)
    [mandate] = waiting["items"]
    assert mandate["pending_transfer_to"]["id"]
    shell("registry", "may-manage", people["Bram"], people["Hanne"], code=10)
    signed = shell("registry", "mandate", "sign", mandate["id"], "--as", people["Elke"])
    assert "[active] Hanne Vos -> Subsidiehulp Kempen CV" in signed.stdout
    shell("registry", "may-manage", people["Bram"], people["Hanne"])


def test_errors_are_one_line_with_the_exit_code_of_their_kind(
        demo_shell: tuple[Shell, dict[str, str]]) -> None:
    shell, people = demo_shell
    invalid = shell("registry", "person", "add", "Iemand", "-n", NUMBER[:-2] + "00", code=6)
    assert invalid.stderr == ("mandaatwijzer: error: national_number: the check digits do not "
                              "match the first 9 digits; expected the last two digits to be 97 "
                              "- (the first 9 digits mod 97), with a 2 put in front of them "
                              "for births from 2000\n")
    forbidden = shell("registry", "local-admin", "appoint", "0764.185.202", people["Ahmed"],
                      "--as", people["Jonas"], code=7)
    assert forbidden.stderr.startswith("mandaatwijzer: error: only a legal representative of "
                                       "Dossierwerk Vlaanderen BV appoints its local "
                                       "administrators")
    assert shell("registry", "person", "show", "P-nobody", code=8).stderr == \
        "mandaatwijzer: error: no person P-nobody\n"


def test_a_person_added_with_the_number_on_stdin_is_shown_masked(
        demo_shell: tuple[Shell, dict[str, str]]) -> None:
    shell, _ = demo_shell
    added = shell("registry", "person", "add", "Nele Nieuwkomer", stdin=DOTTED + "\n")
    person_id, line = added.stdout.splitlines()
    assert line == f"registered Nele Nieuwkomer, national number **.**.**-***.{NUMBER[9:]}"
    shown = shell("registry", "person", "show", person_id)
    assert f"national number  **.**.**-***.{NUMBER[9:]}" in shown.stdout
    # Found by number too, and a second registration is a conflict that never echoes it.
    assert shell("registry", "person", "show", NUMBER).stdout == shown.stdout
    duplicate = shell("registry", "person", "add", "Nog eens", "-n", NUMBER, code=9)
    assert duplicate.stderr == (f"mandaatwijzer: error: a person with national number "
                                f"**.**.**-***.{NUMBER[9:]} is already registered\n")


def test_tokens_and_the_audit_log_live_in_the_database(tmp_path: Path) -> None:
    shell = Shell(tmp_path)
    created = shell("registry", "token", "create", "nightly export", "-s", "registry:read")
    token_id, secret = created.stdout.split()
    assert secret.startswith(f"mw_{token_id}_")
    assert "shown" not in created.stdout
    listed = shell("registry", "token", "list", "--json")
    assert [(t["id"], t["scopes"], t["revoked_at"]) for t in json.loads(listed.stdout)] == [
        (token_id, ["registry:read"], None)]
    assert secret not in listed.stdout
    shell("registry", "token", "revoke", token_id)
    shell("registry", "token", "revoke", token_id, code=8)
    shell("registry", "person", "add", "Nele", "-n", NUMBER)
    assert shell("registry", "audit", "verify").stdout == (
        "audit log intact: 1 events checked\ntables agree with the log: 1 rows checked\n")
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        for (trigger,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_events'").fetchall():
            connection.execute(f"DROP TRIGGER {trigger}")
        connection.execute("UPDATE audit_events SET actor = 'someone else' WHERE seq = 1")
    broken = shell("registry", "audit", "verify", code=11)
    assert broken.stdout.startswith("audit log broken at event 1: edited: event 1 "
                                    "(register_person person ")


def test_an_import_with_an_error_in_its_last_row_writes_nothing(tmp_path: Path) -> None:
    shell = Shell(tmp_path)
    rows = "".join(f"P-{i},{demo.national_number(date(1980, 1, i), 100 + i)},Persoon {i}\n"
                   for i in range(1, 6))
    (tmp_path / "persons.csv").write_text("id,national_number,name\n" + rows + "P-9,123,X\n",
                                          encoding="utf-8")
    refused = shell("registry", "import", "persons", "persons.csv", "--batch-size", "2",
                    code=6)
    assert refused.stderr.splitlines() == [
        "row 7, column national_number: has 3 digits; expected 11 digits (YY.MM.DD-sss.CC)",
        "mandaatwijzer: error: nothing imported: 1 error in 6 rows"]
    exported = shell("registry", "export", "persons")
    assert exported.stdout == "id,national_number,name,has_eid\n"
    assert exported.stderr == "exported 0 persons\n"


# --- in this process, on memory: --------------------------------------------------------------


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[Runner]:
    monkeypatch.setenv("MANDAATWIJZER_DATABASE_URL", "memory:")
    _common.CONTEXTS.clear()
    runner = Runner()
    yield runner
    _common.CONTEXTS.clear()
    _no_national_number(*runner.outputs)


class Runner:
    def __init__(self) -> None:
        self.cli = CliRunner()
        self.outputs: list[str] = []

    def __call__(self, *args: str, stdin: str | None = None, code: int = 0) -> Result:
        result = self.cli.invoke(cli.app, list(args), input=stdin)
        self.outputs += [result.stdout, result.stderr]
        assert result.exit_code == code, (args, result.stdout, result.stderr,
                                          result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return result

    def new_id(self, *args: str, stdin: str | None = None) -> str:
        """The id a command that creates something prints first, on a line of its own."""
        first = self(*args, stdin=stdin).stdout.splitlines()[0]
        assert first.split() == [first]
        return first


def test_the_user_management_and_a_mandate_from_start_to_access(run: Runner) -> None:
    rep = run.new_id("registry", "person", "add", "Rita Vertegenwoordiger", "-n", NUMBER)
    admin = run.new_id("registry", "person", "add", "Luc Beheerder", "-n",
                       demo.national_number(date(1985, 2, 3), 11))
    worker = run.new_id("registry", "person", "add", "Emil Uitvoerder", "-n",
                        demo.national_number(date(1991, 4, 5), 13))
    anna = run.new_id("registry", "person", "add", "Anna Aanvrager", "-n",
                      demo.national_number(date(2002, 6, 7), 14))
    number = demo.enterprise_number("07001234")
    provider = run.new_id("registry", "org", "add", "Provider BV", "-g", "economic_actor",
                          "-e", number, "-r", rep)
    run("registry", "local-admin", "appoint", provider, admin, "--as", rep)
    relation = run.new_id("registry", "work-relation", "add", number, worker, "--as", admin)
    granted = run("registry", "right", "grant", relation, "mandate-executor", "--as", admin)
    assert "‘SSM Mandaatuitvoerder’" in granted.stdout
    created = run("registry", "mandate", "create", anna, number, "--as", anna)
    mandate = created.stdout.split()[0]
    assert "[awaiting the taker's signature] Anna Aanvrager -> Provider BV" in created.stdout
    run("registry", "may-manage", worker, anna, code=10)
    awaiting = run("registry", "awaiting-signature", rep)
    assert awaiting.stdout.startswith(f"mandate {mandate} [awaiting the taker's signature]")
    assert awaiting.stderr == "1-1 of 1\n"
    run("registry", "mandate", "sign", mandate, "--as", rep)
    lines = run("registry", "may-manage", worker, anna).stdout.splitlines()
    assert lines[0].startswith("yes: Emil Uitvoerder may manage the dossiers of Anna "
                               "Aanvrager on ")
    assert lines[1] == "route: A mandate to an external service provider"
    assert [line.split()[:3] for line in lines[2:]] == [
        ["mandate", f"{mandate}:", "Anna"], ["work", "relation", f"{relation}:"],
        ["right", lines[4].split()[1], "Emil"]]
    assert run("registry", "applicants-for", worker).stdout.split("\n")[1].startswith(anna)
    persons = run("registry", "persons-for", anna, "--json")
    assert [p["name"] for p in json.loads(persons.stdout)["items"]] == [
        "Anna Aanvrager", "Emil Uitvoerder"]
    shown = run("registry", "org", "show", provider)
    assert f"legal representative {rep} Rita Vertegenwoordiger" in shown.stdout
    assert f"local administrator {admin} Luc Beheerder" in shown.stdout
    dossier = run.new_id("registry", "dossier", "add", anna, "Beurs 2025")
    assert run("registry", "dossier", "list", anna).stdout == f"{dossier}  Beurs 2025 (draft)\n"
    stopped = run("registry", "mandate", "stop", mandate, "--as", anna)
    assert f"mandate {mandate} [stopped]" in stopped.stdout
    run("registry", "may-manage", worker, anna, code=10)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["registry", "person", "add", "X", "-n", "123"], 6,
     "national_number: has 3 digits; expected 11 digits (YY.MM.DD-sss.CC)"),
    (["registry", "org", "add", "X", "-g", "bedrijf"], 6,
     "entity_group: 'bedrijf' is not an entity group; expected one of: economic_actor, "
     "local_government, organising_authority, de_facto_association, foreign_organisation"),
    (["registry", "may-manage", "P-nobody", "P-none"], 8, "no person P-nobody"),
    (["registry", "may-manage", "12345678901", "P-none"], 6,
     "person: the check digits do not match the first 9 digits"),
    (["registry", "org", "show", "0403.170.701"], 8,
     "no organisation with enterprise number 0403.170.701"),
    (["registry", "mandate", "sign", "M-none", "--as", "P-none"], 8, "no person P-none"),
    (["registry", "person", "list", "--limit", "0"], 6, "limit: is 0; expected 1 to 200"),
    (["registry", "mandate", "list", "P-1", "--at", "gisteren"], 6,
     "at: 'gisteren' is not a date; expected a date as YYYY-MM-DD"),
    (["registry", "token", "list"], 2, "API tokens are kept in a SQL database only; "
     "MANDAATWIJZER_DATABASE_URL is memory:"),
    (["registry", "audit", "verify"], 2, "the audit log is kept in a SQL database only"),
    (["registry", "import", "persons", "missing.csv"], 2,
     "cannot read missing.csv: No such file or directory"),
    (["registry", "token", "create", "x", "-s", "everything"], 6,
     "scope: 'everything' is not a scope; expected one of: registry:read, registry:write, "
     "registry:admin"),
])
def test_each_error_is_one_line_and_its_exit_code(run: Runner, args: list[str], code: int,
                                                   message: str) -> None:
    result = run(*args, code=code)
    assert result.stderr.startswith(f"mandaatwijzer: error: {message}")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_rules_and_conflicts_have_their_own_exit_codes(run: Runner) -> None:
    run("demo")
    people = _people(run("demo", "--list", "--lang", "en").stdout)
    unknown = run("registry", "mandate", "create", "Heidebeek", people["An"], "--as",
                  people["Dirk"], code=8)
    assert unknown.stderr == "mandaatwijzer: error: no person or organisation Heidebeek\n"
    heidebeek = "0207.512.395"
    forbidden = run("registry", "mandate", "create", heidebeek, "0764.185.202", "--as",
                    people["Dirk"], code=7)
    assert forbidden.stderr.startswith("mandaatwijzer: error: Gemeente Heidebeek is a local "
                                       "government, which cannot give a mandate to an "
                                       "external service provider")
    conflict = run("registry", "mandate", "create", people["An"], "0764.185.202", "--as",
                   people["An"], code=9)
    assert "already" in conflict.stderr  # the words are the core's (registry/services.py)
    assert "active" in conflict.stderr


def test_listings_page_with_offset_and_limit(run: Runner) -> None:
    run("demo")
    first = run("registry", "person", "list", "--limit", "2")
    assert len(first.stdout.splitlines()) == 2
    assert first.stderr == f"1-2 of {len(demo.PERSONS)}; next: --offset 2\n"
    page = json.loads(run("registry", "org", "list", "--offset", "8", "--limit", "5",
                          "--json").stdout)
    assert (page["total"], page["offset"], len(page["items"])) == (10, 8, 2)


def test_an_export_imports_into_another_registry_as_it_is(run: Runner, tmp_path: Path) -> None:
    run("demo")
    for name in csv_formats.FORMATS:
        run("registry", "export", name, str(tmp_path / f"{name}.csv"))
        assert (tmp_path / f"{name}.csv").stat().st_mode & 0o777 == 0o600
    _common.CONTEXTS.clear()  # a new, empty memory: registry
    for name in csv_formats.FORMATS:
        done = run("registry", "import", name, str(tmp_path / f"{name}.csv"))
        assert done.stdout.startswith("imported ")
    for name in csv_formats.FORMATS:
        run("registry", "export", name, str(tmp_path / f"{name}.again.csv"))
        again = (tmp_path / f"{name}.again.csv").read_text(encoding="utf-8").splitlines()
        before = (tmp_path / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        assert sorted(again) == sorted(before), name


def test_an_import_reports_every_bad_row_on_stderr(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("name,entity_group,enterprise_number\n"
                    "Goed BV,economic_actor,0403.170.701\n"
                    ",economic_actor,0403.170.701\n"
                    "Fanfare,feitelijke_vereniging,\n", encoding="utf-8")
    result = run("registry", "import", "organisations", str(path), code=6)
    assert result.stderr.splitlines() == [
        "row 3, column name: is empty; expected the organisation's name",
        "row 4, column entity_group: 'feitelijke_vereniging' is not allowed here; expected one "
        "of: economic_actor, local_government, organising_authority, de_facto_association, "
        "foreign_organisation",
        "mandaatwijzer: error: nothing imported: 2 errors in 3 rows"]
    assert run("registry", "org", "list").stdout == ""


def test_an_import_reads_stdin_and_refuses_what_is_not_utf8(run: Runner) -> None:
    done = run("registry", "import", "persons", "-",
               stdin=f"national_number,name\n{DOTTED},Nele\n")
    assert done.stdout == "imported 1 persons from -\n"
    latin = b"national_number,name\n" + f"{NUMBER},Ren\xe9\n".encode("latin-1")
    refused = run.cli.invoke(cli.app, ["registry", "import", "persons", "-"], input=latin)
    assert refused.exit_code == 6
    assert refused.stderr == ("mandaatwijzer: error: - is not UTF-8 text; save it as CSV in "
                              "UTF-8\n")


def test_the_demo_through_show_list_and_json(run: Runner) -> None:
    run("demo")
    people = _people(run("demo", "--list", "--lang", "en").stdout)
    kempen, dossierwerk = demo.enterprise_number("08123470"), demo.enterprise_number("07641852")
    lotte = run("registry", "person", "show", people["Lotte"]).stdout
    assert "national number  **.**.**-***." in lotte
    assert "‘SSM Mandaatuitvoerder’" in lotte
    assert "(not active)" in lotte
    pieter = json.loads(run("registry", "person", "show", people["Pieter"], "--json").stdout)
    assert [a["organisation_id"] for a in pieter["local_admin"]] == [
        json.loads(run("registry", "org", "show", dossierwerk, "--json").stdout)["id"]]
    listed = json.loads(run("registry", "person", "list", "--json", "--limit", "200").stdout)
    assert all(p["national_number"].startswith("**.**.**-***.") for p in listed["items"])
    org = json.loads(run("registry", "org", "show", kempen, "--json").stdout)
    assert {m["status"] for m in org["mandates"]} == {
        "expired", "transferred", "stopped", "awaiting_giver", "active"}
    assert "local administrator" in run("registry", "org", "show", org["id"]).stdout
    [hanne] = json.loads(run("registry", "mandate", "list", f"person:{people['Hanne']}",
                             "--json").stdout)
    assert hanne["pending_transfer_to"] == {"kind": "organisation", "id": org["id"]}
    kept = run("registry", "mandate", "refuse", hanne["id"], "--as", people["Elke"]).stdout
    assert kept.startswith(f"mandate {hanne['id']} [active] Hanne Vos -> Dossierwerk")
    assert "transfer" not in kept
    [an] = json.loads(run("registry", "mandate", "list", people["An"], "--json").stdout)
    proposed = run("registry", "mandate", "transfer", an["id"], f"organisation:{org['id']}",
                   "--as", people["An"]).stdout
    assert proposed.endswith("; transfer to Subsidiehulp Kempen CV awaits its signature\n")
    jonas = json.loads(run("registry", "person", "show", people["Jonas"], "--json").stdout)
    withdrawn = run("registry", "right", "withdraw",
                    jonas["work_relations"][0]["rights"][0]["id"], "--as",
                    people["Pieter"]).stdout
    assert ", withdrawn on " in withdrawn
    applicants = json.loads(run("registry", "applicants-for", people["Jonas"], "--json").stdout)
    assert applicants["items"] == [{"kind": "person", "id": people["Jonas"],
                                    "name": "Jonas Peeters"}]
    zoldering = demo.enterprise_number("04518720")
    assert run("registry", "persons-for", zoldering).stdout.split("\n")[0].endswith(
        "Marc Van den Broeck")
    assert "Projectsubsidie podiumkunsten" in run("registry", "dossier", "list",
                                                  zoldering).stdout
    rows = run("registry", "mandate", "list", zoldering).stdout
    assert "Theatergezelschap De Zoldering vzw -> Dossierwerk Vlaanderen BV" in rows


def test_an_id_held_by_a_person_and_an_organisation_must_say_which(run: Runner) -> None:
    run("registry", "import", "persons", "-", stdin=f"id,national_number,name\nX-1,{NUMBER},An\n")
    run("registry", "import", "organisations", "-",
        stdin="id,name,entity_group\nX-1,Fanfare,de_facto_association\n")
    ambiguous = run("registry", "mandate", "list", "X-1", code=6)
    assert ambiguous.stderr == ("mandaatwijzer: error: party: X-1 is both a person and an "
                                "organisation; expected person:X-1 or organisation:X-1\n")
    assert run("registry", "dossier", "list", "org:X-1").stdout == ""
    assert run("registry", "person", "show", "X-1").stdout.startswith("id               X-1")
