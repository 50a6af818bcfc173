""""Why can't I?" and the to-do list (issue 14, items 3-5), on the web, in the API and on the
command line: the gap that matters most first with the person's own fix as a link (which
works), or who can; what waits for the person, each item leading to its action; the header
that shows who is signed in and their to-do count, on the guide's pages too."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from datetime import timedelta
from html import unescape

import pytest
from typer.testing import CliRunner

from mandaatwijzer import cli
from mandaatwijzer.registry import queries, services
from mandaatwijzer.registry.model import Party, PartyKind
from mandaatwijzer.registry.ports import Repository
from mandaatwijzer.registry_cli import _common

from .registry import TODAY, World, build, sign_in
from .web import elements, text

WHY = "/nl/registry/why"


def _get(world: World, path: str, status: int = 200) -> str:
    response = world.client.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:400])
    return response.text


def _links(html: str) -> dict[str, str]:
    """The page's links by their text (the last of equal texts)."""
    found = {}
    for match in re.finditer(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        found[text(match.group(2)).strip()] = unescape(match.group(1))
    return found


def _main(html: str) -> str:
    return text(html[html.index('<main'):html.index('</main>')])


def _may(world: World, person: str, applicant: str) -> bool:
    def decide(repo: Repository) -> bool:
        return queries.may_manage(repo, world.id(person),
                                  Party(PartyKind.ORGANISATION, world.id(applicant))
                                  if applicant in world.orgs else
                                  world.people[applicant].party, TODAY).allowed
    return world.read(decide)


# --- "Why can't I?" on the web ------------------------------------------------------------


def test_a_provider_employee_is_told_what_their_provider_lacks_and_who_can_fix_it() -> None:
    world = build()
    sign_in(world.client, world.people["Eva"])
    main = _main(_get(world, f"{WHY}?applicant={world.id('bakery')}"))
    assert "Nee: je mag de dossiers van Bakkerij NV niet beheren op 3 maart 2025" in main
    most = main[main.index("Wat het meest telt"):main.index("Andere manieren")]
    assert "Eva Employee heeft ‘SSM Mandaatuitvoerder’ niet bij Provider BV" in most
    assert "Wie kan het oplossen: de lokale beheerder van Provider BV (Luc Admin) moet Eva " \
           "Employee ‘SSM Mandaatuitvoerder’ geven" in most
    assert "Dit kun je niet zelf doen: vraag het aan wie hierboven genoemd wordt." in most
    assert "Hoe je het oplost, in de wegwijzer" in most


def test_a_local_administrator_without_the_right_grants_it_to_themself_from_the_answer() -> None:
    world = build()
    luc, provider = world.people["Luc"], world.orgs["provider"]
    relation = services.add_work_relation(world.ctx.units(), world.ctx.clock, luc.id,
                                          provider.id, luc.id)
    csrf = sign_in(world.client, luc)
    # The check about oneself leads to what one can do about it.
    check = _get(world, f"/nl/registry/check?applicant={world.id('bakery')}")
    assert _links(check)["Wat je er zelf aan kunt doen"] == f"{WHY}?applicant={world.id('bakery')}"
    other = _get(world, f"/nl/registry/check?person={world.id('Eva')}"
                        f"&applicant={world.id('bakery')}")
    assert "Wat je er zelf aan kunt doen" not in _links(other)
    page = _get(world, f"{WHY}?applicant={world.id('bakery')}")
    most = _main(page)
    assert "Luc Admin heeft ‘SSM Mandaatuitvoerder’ niet bij Provider BV" in most
    href = _links(page)["Geef jezelf ‘SSM Mandaatuitvoerder’ bij Provider BV"]
    assert href == (f"/nl/registry/organisations/{provider.id}/users/grant/confirm?"
                    f"work_relation={relation.id}&kind=SSM+Mandaatuitvoerder")
    confirmation = _get(world, href)
    assert "Luc Admin" in _main(confirmation)
    assert not _may(world, "Luc", "bakery")  # the confirmation changes nothing
    fields = {e["name"]: e.get("value", "") for e in elements(confirmation, "input")
              if e.get("type") == "hidden"}
    assert fields["confirmed"] == "grant"
    assert fields["csrf_token"] == csrf
    granted = world.client.post(href.split("?")[0], data=fields)
    assert granted.status_code == 303, granted.text[:300]
    assert _may(world, "Luc", "bakery")
    again = _main(_get(world, f"{WHY}?applicant={world.id('bakery')}"))
    assert "Ja: je mag de dossiers van Bakkerij NV beheren op 3 maart 2025" in again
    assert "Open de dossiers van Bakkerij NV" in again


def test_a_mandate_awaiting_the_askers_signature_leads_to_its_confirmation() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"])
    page = _get(world, f"{WHY}?applicant={world.id('Anna')}")
    href = _links(page)["Onderteken het mandaat van Anna Applicant voor Provider BV"]
    mandate = world.mandates["anna"].id
    assert href == (f"/nl/registry/parties/{world.id('provider')}/signatures/confirm?"
                    f"mandate={mandate}&decision=sign")
    assert "Dit mandaat ondertekenen? Je ondertekent voor Provider BV." in _main(_get(world, href))


def test_the_applicants_to_choose_from_and_a_search_by_name() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"])
    options = elements(_get(world, WHY), "option")
    assert world.id("Anna") in [o["value"] for o in options]
    assert world.id("bakery") in [o["value"] for o in options]
    found = [o["value"] for o in elements(_get(world, f"{WHY}?q=bakk"), "option")]
    assert found == [world.id("bakery")]
    assert "Geen aanvrager gevonden met die naam." in _main(_get(world, f"{WHY}?q=zzz"))


def test_why_refuses_an_anonymous_visitor_an_unknown_applicant_and_a_number() -> None:
    world = build()
    assert world.client.get(f"{WHY}?applicant={world.id('bakery')}").status_code == 401
    sign_in(world.client, world.people["Eva"])
    assert world.client.get(f"{WHY}?applicant=P-nobody").status_code == 404
    number = world.numbers["Anna"]
    refused = world.client.get(f"{WHY}?q={number}")
    assert refused.status_code == 422
    assert number not in refused.text
    assert number[:6] not in refused.text


# --- "Why can't I?" in the API and on the command line ---------------------------------------


def test_the_api_answers_why_in_the_requests_language_with_the_codes_and_fixes() -> None:
    world = build()
    sign_in(world.client, world.people["Mia"])
    url = f"/api/registry/why?applicant={world.id('Anna')}"
    dutch = world.client.get(url, headers={"Accept-Language": "nl-BE"})
    assert dutch.status_code == 200
    assert dutch.headers["content-language"] == "nl"
    first = dutch.json()["gaps"][0]
    assert first["code"] == "mandate_awaits_taker"
    assert first["text"].startswith("het mandaat aan Provider BV wacht op")
    assert first["fix"] == {"kind": "sign", "party": {"kind": "organisation",
                                                       "id": world.id("provider")},
                            "party_name": "Provider BV", "work_relation_id": None,
                            "right": None, "mandate_id": world.mandates["anna"].id}
    english = world.client.get(url).json()["gaps"][0]
    assert english["text"].startswith("the mandate to Provider BV awaits")
    assert world.client.get("/api/registry/why").status_code == 422


def test_the_api_refuses_why_without_a_person() -> None:
    world = build()
    url = f"/api/registry/why?applicant={world.id('Anna')}"
    assert world.client.get(url).status_code == 401
    assert world.client.get(url, headers=world.token()).status_code == 403
    assert world.client.get("/api/registry/todo", headers=world.token()).status_code == 403


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("MANDAATWIJZER_DATABASE_URL", "memory:")
    _common.CONTEXTS.clear()
    yield CliRunner()
    _common.CONTEXTS.clear()


def test_the_command_line_says_why_and_the_command_it_names_fixes_it(run: CliRunner) -> None:
    loaded = run.invoke(cli.app, ["demo", "--lang", "en"])
    people = {line.split()[1]: line.split()[0] for line in loaded.stdout.splitlines()}
    pieter, an = people["Pieter"], people["An"]
    denied = run.invoke(cli.app, ["registry", "why", pieter, an, "--lang", "en"])
    assert denied.exit_code == 10, denied.output
    lines = denied.stdout.splitlines()
    assert lines[0].startswith("no: Pieter Claes may not manage the dossiers of An Mertens")
    assert lines[1].startswith("what matters most, in route A mandate to an external service "
                               "provider: Pieter Claes does not hold ‘SSM Mandaatuitvoerder’")
    command = next(line for line in lines if "you can do it yourself:" in line)
    fix = shlex.split(command.split("you can do it yourself: ")[1])
    assert fix[:4] == ["mandaatwijzer", "registry", "right", "grant"]
    assert run.invoke(cli.app, fix[1:]).exit_code == 0
    allowed = run.invoke(cli.app, ["registry", "why", pieter, an, "--lang", "nl"])
    assert allowed.exit_code == 0
    assert allowed.stdout.startswith("ja: Pieter Claes mag de dossiers van An Mertens beheren")
    as_json = run.invoke(cli.app, ["registry", "why", people["Lotte"], an, "--json",
                                   "--lang", "nl"])
    assert as_json.exit_code == 10
    answer = json.loads(as_json.stdout)
    assert answer["gaps"][0]["code"] == "no_executor_right"
    assert answer["gaps"][0]["fix"] is None
    assert "Pieter Claes" in answer["gaps"][0]["fixer"]
    unknown = run.invoke(cli.app, ["registry", "why", pieter, "P-nobody"])
    assert unknown.exit_code == 8
    todo = run.invoke(cli.app, ["registry", "todo", people["Elke"], "--lang", "en"])
    assert todo.exit_code == 0
    assert todo.stdout.startswith("transfers proposed to you: mandate ")
    assert todo.stdout.endswith("1 to do\n")


# --- the to-do list and the header -------------------------------------------------------------


def test_the_todo_list_leads_to_each_action() -> None:
    world = build()
    ctx, p = world.ctx, world.people
    units, clock = ctx.units, ctx.clock
    provider, other = world.orgs["provider"], world.orgs["other"]
    # A right of Eva that ends in ten days; Anna's mandate to Other Consult that ends in
    # twenty (and one that ends in forty: not yet); a transfer of the Bakkerij mandate
    # proposed to Other Consult.
    right = services.grant_right(units(), clock, p["Luc"].id, world.eva_relation(),
                                 "SSM Mandaatuitvoerder", end=TODAY + timedelta(days=10))
    for giver, days in (("Anna", 20), ("Eva", 40)):
        made = services.create_mandate(units(), clock, p[giver].id, p[giver].party,
                                       other.party, end=TODAY + timedelta(days=days))
        services.sign_mandate(units(), clock, p["Otto"].id, made.id)
    services.transfer_mandate(units(), clock, p["Bart"].id, world.mandates["bakery"].id,
                              other.party)

    sign_in(world.client, p["Luc"])
    luc = _get(world, "/nl/registry/todo")
    assert "Rechten die binnen 30 dagen eindigen (1)" in _main(luc)
    assert "Eva Employee heeft ‘SSM Mandaatuitvoerder’ bij Provider BV" in _main(luc)
    assert _links(luc)["Eva Employee heeft ‘SSM Mandaatuitvoerder’ bij Provider BV"] == \
        f"/nl/registry/rights/{right.id}"
    assert "Te doen (1)" in _links(luc)

    mia = world.client_for()
    sign_in(mia, p["Mia"])
    page = mia.get("/nl/registry/todo").text
    main = _main(page)
    assert "Mandaten die op jouw handtekening wachten (1)" in main
    sign = [e["href"] for e in elements(page, "a")
            if e["href"].endswith(f"mandate={world.mandates['anna'].id}&decision=sign")]
    assert sign == [f"/nl/registry/parties/{provider.id}/signatures/confirm?"
                    f"mandate={world.mandates['anna'].id}&decision=sign"]
    assert mia.get(sign[0]).status_code == 200

    otto = world.client_for()
    sign_in(otto, p["Otto"])
    page = otto.get("/nl/registry/todo").text
    main = _main(page)
    assert "Overdrachten voorgesteld aan je organisatie (1)" in main
    assert "KIOSK-mandaat van Bakkerij NV aan Provider BV overdracht aan Other Consult" in main
    assert "Aanvaarden" in main
    assert "Mandaten die binnen 30 dagen eindigen (1)" in main
    assert "KIOSK-mandaat van Anna Applicant aan Other Consult eindigt op 23 maart 2025" in main

    eva = world.client_for()
    sign_in(eva, p["Eva"])
    assert "Er wacht niets op jou in het register." in _main(eva.get("/nl/registry/todo").text)


def test_the_todo_list_and_its_api_refuse_an_anonymous_visitor() -> None:
    world = build()
    assert world.client.get("/nl/registry/todo").status_code == 401
    assert world.client.get("/api/registry/todo").status_code == 401
    sign_in(world.client, world.people["Mia"])
    answer = world.client.get("/api/registry/todo").json()
    assert answer["count"] == 1
    assert answer["signatures"][0]["mandate"]["id"] == world.mandates["anna"].id


def test_the_guides_header_shows_who_is_signed_in_with_the_todo_count() -> None:
    world = build()
    anonymous = _get(world, "/nl/")
    assert "Te doen" not in text(anonymous)
    csrf = sign_in(world.client, world.people["Mia"])
    assert csrf
    for path in ("/nl/", "/nl/flows/externe-dienstverlener",
                 "/nl/flows/externe-dienstverlener/step", "/nl/glossary"):
        page = _get(world, path)
        header = text(page[page.index("<header"):page.index("</header>")])
        assert "Mia Manager" in header, path
        links = _links(page[page.index("<header"):page.index("</header>")])
        assert links["Wegwijzer"] == "/nl/"
        assert links["Register"] == "/nl/registry/"
        assert links["Te doen (1)"] == "/nl/registry/todo"


def test_a_guide_outcome_links_back_to_the_registry_for_a_signed_in_person() -> None:
    world = build()
    outcome = "/nl/flows/externe-dienstverlener/step?rol=lokale-beheerder&eid=nee"
    assert "In het register" not in text(_get(world, outcome))
    sign_in(world.client, world.people["Eva"])
    page = _get(world, outcome)
    assert _links(page)["Waarom mag ik de dossiers van een aanvrager niet beheren?"] == WHY
    assert _links(page)["Te doen (0)"] == "/nl/registry/todo"
