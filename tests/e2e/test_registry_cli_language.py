"""The registry's command line in the registry's words: Dutch or English (`--lang`, else the
locale), the API's JSON for the same objects, and the new id first after every creation.

In this process on `memory:`; the API's answers come from the same registry context, so that
the command line's JSON and the API's can be compared value for value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from mandaatwijzer import cli
from mandaatwijzer.api.registry import READ
from mandaatwijzer.registry import demo, phrases
from mandaatwijzer.registry_cli import _common

from .registry import World, build

API = "/api/registry"
LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[Runner]:
    """The command line on a fresh `memory:` registry, in no locale (English)."""
    for variable in LOCALE:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("MANDAATWIJZER_DATABASE_URL", "memory:")
    _common.CONTEXTS.clear()
    yield Runner()
    _common.CONTEXTS.clear()


class Runner:
    def __init__(self) -> None:
        self.cli = CliRunner()

    def __call__(self, *args: str, code: int = 0, env: dict[str, str] | None = None) -> Result:
        result = self.cli.invoke(cli.app, list(args), env=env)
        assert result.exit_code == code, (args, result.stdout, result.stderr,
                                          result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return result

    def json(self, *args: str, code: int = 0) -> Any:
        return json.loads(self(*args, "--json", code=code).stdout)

    def demo(self) -> dict[str, str]:
        """The demo loaded; its persons' ids by first name."""
        listed = self("demo", "--lang", "en").stdout
        return {line.split()[1]: line.split()[0] for line in listed.splitlines()}


def _commands() -> list[tuple[str, Any]]:
    """Every command under `registry`, and `demo`, with its click command."""
    import typer.main

    found = []

    def walk(command: Any, path: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        elif path[0] in ("registry", "demo"):
            found.append((" ".join(path), command))

    walk(typer.main.get_command(cli.app), [])
    return found


# --- the language ---------------------------------------------------------------------------


def test_every_registry_command_takes_lang() -> None:
    commands = _commands()
    assert len(commands) > 25
    assert [name for name, command in commands
            if not any("--lang" in p.opts for p in command.params)] == []


@pytest.mark.parametrize(("environ", "lang"), [
    ({}, "en"),
    ({"LANG": "nl_BE.UTF-8"}, "nl"),
    ({"LANG": "nl"}, "nl"),
    ({"LANG": "fr_BE.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "nl_BE.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
    ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "nl_NL.UTF-8"}, "nl"),
    ({"LC_ALL": "nl_BE.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "nl"),
    ({"LC_ALL": "", "LANG": "nl_BE.UTF-8"}, "nl"),  # an empty variable is not set
])
def test_the_locale_chooses_the_language(environ: dict[str, str], lang: str) -> None:
    assert _common.locale_language(environ) == lang


def test_may_manage_answers_in_english_by_default(run: Runner) -> None:
    people = run.demo()
    allowed = run("registry", "may-manage", people["Jonas"], people["An"]).stdout
    assert allowed.startswith("yes: Jonas Peeters may manage the dossiers of An Mertens on ")
    assert "route: A mandate to an external service provider\n" in allowed
    denied = run("registry", "may-manage", people["Lotte"], people["An"], code=10).stdout
    assert denied.startswith("no: Lotte Janssens may not manage the dossiers of An Mertens")
    assert "  who can fix it: " in denied
    assert "  how, in the guide: /en/flows/externe-dienstverlener/step?" in denied


def _dutch_denial(result: Result) -> None:
    lines = result.stdout.splitlines()
    assert lines[0].startswith("nee: Lotte Janssens mag de dossiers van An Mertens niet "
                               "beheren op ")
    assert ("ontbreekt voor de weg ‘Een mandaat aan een externe dienstverlener’: Lotte "
            "Janssens heeft ‘SSM Mandaatuitvoerder’ niet bij Dossierwerk Vlaanderen BV") in \
        result.stdout
    assert "  wie het kan oplossen: de lokale beheerder van Dossierwerk Vlaanderen BV " \
        "(Pieter Claes)" in result.stdout
    assert "  hoe, in de wegwijzer: /nl/flows/externe-dienstverlener/step?" in result.stdout
    assert "  al in orde: werkrelatie WR-" in result.stdout
    for english in ("may not", "who can fix", "route", "mandate_to_provider",
                    "no_executor_right", "/en/"):
        assert english not in result.stdout


def test_may_manage_answers_in_dutch_with_lang_nl(run: Runner) -> None:
    people = run.demo()
    _dutch_denial(run("registry", "may-manage", people["Lotte"], people["An"], "--lang", "nl",
                      code=10))
    allowed = run("registry", "may-manage", people["Jonas"], people["An"], "-l", "NL").stdout
    assert allowed.startswith("ja: Jonas Peeters mag de dossiers van An Mertens beheren op ")
    assert "weg: Een mandaat aan een externe dienstverlener\n" in allowed
    assert "  werkrelatie WR-" in allowed
    assert "Jonas Peeters heeft een werkrelatie met Dossierwerk Vlaanderen BV" in allowed


def test_may_manage_answers_in_dutch_in_a_dutch_locale(run: Runner) -> None:
    people = run.demo()
    args = ("registry", "may-manage", people["Lotte"], people["An"])
    _dutch_denial(run(*args, code=10, env={"LANG": "nl_BE.UTF-8"}))
    english = run(*args, "--lang", "en", code=10, env={"LANG": "nl_BE.UTF-8"})
    assert english.stdout.startswith("no: Lotte Janssens may not manage")


def test_the_other_commands_speak_dutch_too(run: Runner) -> None:
    people = run.demo()
    shown = run("registry", "person", "show", people["Lotte"], "--lang", "nl").stdout
    assert "rijksregisternummer  **.**.**-***." in shown
    assert "Belgische eID        ja\n" in shown
    assert "werkrelatie WR-" in shown
    assert "(niet actief)" in shown
    mandates = run("registry", "mandate", "list", people["An"], "--lang", "nl").stdout
    assert "[actief] An Mertens -> Dossierwerk Vlaanderen BV, vanaf " in mandates
    hanne = run("registry", "mandate", "list", people["Hanne"], "-l", "nl").stdout
    assert "; overdracht aan Subsidiehulp Kempen CV wacht op de handtekening van " in hanne
    listed = run("registry", "person", "list", "--limit", "2", "--lang", "nl")
    assert listed.stderr == f"1-2 van {len(demo.PERSONS)}; volgende: --offset 2\n"
    org = run("registry", "org", "show", demo.enterprise_number("07641852"), "-l", "nl").stdout
    assert "ondernemingsnummer  " in org
    assert "lokale beheerder P-" in org
    for english in ("national number", "work relation", "active", "legal representative"):
        assert english not in shown + mandates + org


def _words(text: str) -> str:
    """The text without the frame typer draws around a usage error, on one line."""
    return " ".join(word for word in text.split() if word.strip("│╭╮╰╯─"))


def test_a_bad_lang_is_a_usage_error(run: Runner) -> None:
    refused = run("registry", "may-manage", "P-1", "P-2", "--lang", "fr", code=2)
    assert "'fr' is not a language of Mandaatwijzer; expected nl or en" in \
        _words(refused.stderr)
    assert refused.stdout == ""
    dutch = run("registry", "person", "list", "--lang", "de", code=2,
                env={"LANG": "nl_BE.UTF-8"})
    assert "'de' is geen taal van Mandaatwijzer; verwacht: nl of en" in _words(dutch.stderr)


def test_a_refusal_of_the_command_line_in_dutch(run: Runner) -> None:
    refused = run("registry", "mandate", "list", "P-1", "--at", "gisteren", "--lang", "nl",
                  code=6)
    assert refused.stderr == ("mandaatwijzer: fout: at: 'gisteren' is geen datum; verwacht: "
                              "een datum als JJJJ-MM-DD\n")
    assert run("registry", "token", "list", "-l", "nl", code=2).stderr == (
        "mandaatwijzer: fout: API-tokens worden alleen in een SQL-databank bewaard; "
        "MANDAATWIJZER_DATABASE_URL is memory:\n")


@pytest.mark.skipif(not hasattr(phrases, "N_"), reason="the core's refusals are said in the "
                    "command's language once they are phrases (registry.phrases.N_)")
def test_a_refusal_of_the_rules_in_dutch(run: Runner) -> None:
    people = run.demo()
    args = ("registry", "mandate", "create", "0207.512.395", "0764.185.202", "--as",
            people["Dirk"])
    dutch = run(*args, "--lang", "nl", code=7)
    assert dutch.stderr == ("mandaatwijzer: fout: Gemeente Heidebeek is een lokaal bestuur, "
                            "dat geen mandaat kan geven aan een externe dienstverlener\n")
    english = run(*args, code=7)
    assert english.stderr.startswith("mandaatwijzer: error: Gemeente Heidebeek is a local "
                                     "government, which cannot give a mandate to an external "
                                     "service provider")


# --- the API's JSON ------------------------------------------------------------------------


@pytest.fixture
def world(run: Runner) -> World:
    """The API tests' small registry, which the command line reads too (`run` clears it)."""
    built = build()
    _common.CONTEXTS["memory:"] = built.ctx
    return built


def _api(world: World, path: str, lang: str = "en") -> Any:
    response = world.client.get(API + path, headers={**world.token(READ),
                                                     "Accept-Language": lang})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("person", "applicant", "allowed"), [
    ("Emil", "bakery", True), ("Eva", "bakery", False), ("Mia", "Anna", False),
])
def test_may_manage_json_is_the_apis_answer(run: Runner, world: World, person: str,
                                            applicant: str, allowed: bool) -> None:
    person_id = world.id(person)
    applicant_id = world.orgs[applicant].id if applicant in world.orgs else world.id(applicant)
    api = _api(world, f"/may-manage?person={person_id}&applicant={applicant_id}"
                      "&at=2025-03-03&lang=en")
    mine = run.json("registry", "may-manage", person_id, applicant_id, "--at", "2025-03-03",
                    "--lang", "en", code=0 if allowed else 10)
    assert mine == api
    assert list(mine) == list(api)
    assert mine["allowed"] is allowed
    assert mine["at"] == "2025-03-03"
    if not allowed:
        assert all("guide_href" in gap for gap in mine["gaps"])
        dutch = run.json("registry", "may-manage", person_id, applicant_id, "--at",
                         "2025-03-03", "--lang", "nl", code=10)
        api_nl = _api(world, f"/may-manage?person={person_id}&applicant={applicant_id}"
                             "&at=2025-03-03&lang=nl", "nl")
        assert [g["guide_href"] for g in dutch["gaps"]] == \
            [g["guide_href"] for g in api_nl["gaps"]]
        assert [g["code"] for g in dutch["gaps"]] == [g["code"] for g in api_nl["gaps"]]


def test_listings_json_are_the_apis(run: Runner, world: World) -> None:
    provider, bakery = world.orgs["provider"].id, world.orgs["bakery"].id
    assert run.json("registry", "person", "list", "--limit", "3") == \
        _api(world, "/persons?limit=3")
    assert run.json("registry", "org", "list") == _api(world, "/organisations")
    assert run.json("registry", "applicants-for", world.id("Emil"), "--at", "2025-03-03") == \
        _api(world, f"/persons/{world.id('Emil')}/applicants?at=2025-03-03")
    assert run.json("registry", "persons-for", bakery, "--at", "2025-03-03") == \
        _api(world, f"/applicants/{bakery}/persons?at=2025-03-03")
    assert run.json("registry", "awaiting-signature", world.id("Rita"), "--at",
                    "2025-03-03") == \
        _api(world, f"/persons/{world.id('Rita')}/awaiting-signature?at=2025-03-03")
    mandates = run.json("registry", "mandate", "list", provider, "--at", "2025-03-03")
    assert mandates == [_api(world, f"/mandates/{m['id']}") for m in mandates]
    assert len(mandates) == 2
    shown = run.json("registry", "org", "show", provider)
    assert {k: v for k, v in shown.items()
            if k not in ("local_admins", "work_relations", "mandates")} == \
        _api(world, f"/organisations/{provider}")
    def by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(items, key=lambda item: str(item["id"]))

    assert by_id(shown["work_relations"]) == by_id(
        _api(world, f"/organisations/{provider}/work-relations"))
    assert by_id(shown["local_admins"]) == by_id(
        _api(world, f"/organisations/{provider}/local-admins"))
    emil = run.json("registry", "person", "show", world.id("Emil"))
    assert {k: v for k, v in emil.items() if k in ("id", "name", "has_eid",
                                                   "national_number")} == \
        _api(world, f"/persons/{world.id('Emil')}")
    [relation] = emil["work_relations"]
    assert relation in shown["work_relations"]
    assert [r["kind"] for r in relation["rights"]] == ["SSM Mandaatuitvoerder"]


# --- the new id first ------------------------------------------------------------------------


def _first(result: Result) -> str:
    """The first line of stdout, which must be an id and nothing else."""
    first, *rest = result.stdout.splitlines()
    assert first.split() == [first], result.stdout
    assert rest, "the rest of the answer follows the id"
    return first


def test_every_command_that_creates_something_prints_the_new_id_first(
        run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def number(serial: int) -> str:
        return demo.national_number(date(1990, 5, 17), serial)

    rep = _first(run("registry", "person", "add", "Rita Rep", "-n", number(1)))
    admin = _first(run("registry", "person", "add", "Luc Admin", "-n", number(2)))
    worker = _first(run("registry", "person", "add", "Emil Executor", "-n", number(3)))
    anna = _first(run("registry", "person", "add", "Anna Applicant", "-n", number(4)))
    assert run("registry", "person", "show", rep).stdout.split()[1] == rep
    provider = _first(run("registry", "org", "add", "Provider BV", "-g", "economic_actor", "-e",
                          demo.enterprise_number("07001234"), "-r", rep))
    other = _first(run("registry", "org", "add", "Other BV", "-g", "economic_actor", "-e",
                       demo.enterprise_number("07005678"), "-r", rep))
    appointed = _first(run("registry", "local-admin", "appoint", provider, admin, "--as", rep))
    assert [a["id"] for a in run.json("registry", "org", "show", provider)["local_admins"]] == \
        [appointed]
    relation = _first(run("registry", "work-relation", "add", provider, worker, "--as", admin))
    right = _first(run("registry", "right", "grant", relation, "mandate-executor", "--as",
                       admin))
    created = run("registry", "mandate", "create", anna, provider, "--as", anna)
    mandate = _first(created)
    assert created.stdout.splitlines()[1].startswith(f"mandate {mandate} [awaiting the "
                                                     "taker's signature] Anna Applicant -> ")
    dossier = _first(run("registry", "dossier", "add", anna, "Beurs 2025"))
    shown = run.json("registry", "person", "show", worker)
    assert shown["work_relations"][0]["id"] == relation
    assert shown["work_relations"][0]["rights"][0]["id"] == right
    assert run.json("registry", "dossier", "list", anna)[0]["id"] == dossier
    assert [m["id"] for m in run.json("registry", "mandate", "list", anna)] == [mandate]
    # Signing changes, it creates nothing: no id line. Accepting a transfer creates the
    # successor, whose id comes first.
    signed = run("registry", "mandate", "sign", mandate, "--as", rep)
    assert signed.stdout.startswith(f"mandate {mandate} [active]")
    proposed = run("registry", "mandate", "transfer", mandate, other, "--as", anna)
    assert proposed.stdout.startswith(f"mandate {mandate} [active]")
    accepted = run("registry", "mandate", "sign", mandate, "--as", rep)
    successor = _first(accepted)
    assert successor != mandate
    assert accepted.stdout.splitlines()[1].startswith(f"mandate {successor} [active] "
                                                      "Anna Applicant -> Other BV")
    # API tokens live in a SQL database.
    monkeypatch.setenv("MANDAATWIJZER_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    token = run("registry", "token", "create", "nightly", "-s", "registry:read")
    token_id, secret = token.stdout.splitlines()
    assert secret.startswith(f"mw_{token_id}_")
    assert run.json("registry", "token", "list")[0]["id"] == token_id
