"""A page per mandate, per right and per person, with its history from the audit log in words;
the same reads in the API; the audit log's state on the administrators' page (issue 13, 5)."""

from __future__ import annotations

import re

import pytest

from mandaatwijzer.registry import services
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.model import Person

from .registry import World, build, sign_in
from .web import text

WHEN = {"nl": "3 maart 2025 10:00", "en": "3 March 2025 10:00"}  # 09:00 UTC, in Brussels


@pytest.fixture
def world() -> World:
    return build()


def _rows(html: str) -> list[str]:
    """The history table's rows, as text (when · who · what)."""
    table = html.split('id="history"', 1)[1].split("</table>", 1)[0]
    return [text(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:]


def _signed_in(world: World, person: Person, lang: str = "nl") -> World:
    sign_in(world.client, person, lang)
    return world


def _stopped_mandate(world: World) -> str:
    """Anna's mandate to Provider BV: given by Anna (build), signed by Mia, stopped by Anna."""
    mandate = world.mandates["anna"].id
    services.sign_mandate(world.ctx.units(), world.ctx.clock, world.id("Mia"), mandate)
    services.stop_mandate(world.ctx.units(), world.ctx.clock, world.id("Anna"), mandate)
    return mandate


def _no_number_in_full(world: World, html: str) -> None:
    for raw in world.numbers.values():
        number = NationalNumber.parse(raw)
        assert number.value not in html
        assert number.formatted not in html


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", ["Anna Applicant gaf het mandaat",
            "Mia Manager ondertekende namens Provider BV",
            "Anna Applicant zette het mandaat stop"]),
    ("en", ["Anna Applicant gave the mandate",
            "Mia Manager signed for Provider BV",
            "Anna Applicant stopped the mandate"]),
])
def test_a_mandates_history_lists_who_did_what_when_in_order(
        world: World, lang: str, expected: list[str]) -> None:
    mandate = _stopped_mandate(world)
    _signed_in(world, world.people["Mia"], lang)
    response = world.client.get(f"/{lang}/registry/mandates/{mandate}")
    assert response.status_code == 200, response.text
    assert _rows(response.text) == [f"{WHEN[lang]} {line}" for line in expected]
    page = text(response.text)
    assert "Anna Applicant" in page
    assert "Provider BV" in page
    assert ("Stopgezet" if lang == "nl" else "Stopped") in page
    # The id only in the technical fold.
    assert mandate in response.text.split("<details", 1)[1]
    assert mandate not in response.text.split("<details", 1)[0].split("<main", 1)[1]
    _no_number_in_full(world, response.text)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_api_gives_a_mandates_history_in_the_requests_language(world: World,
                                                                   lang: str) -> None:
    mandate = _stopped_mandate(world)
    _signed_in(world, world.people["Anna"])
    response = world.client.get(f"/api/registry/mandates/{mandate}/history",
                                headers={"Accept-Language": lang})
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == lang
    body = response.json()
    assert [(e["action"], e["actor"], e["who"]) for e in body["entries"]] == [
        ("create_mandate", "person", "Anna Applicant"),
        ("sign_mandate", "person", "Mia Manager"),
        ("stop_mandate", "person", "Anna Applicant")]
    assert body["entries"][1]["what"] == {"nl": "ondertekende namens Provider BV",
                                          "en": "signed for Provider BV"}[lang]
    assert body["more"] is False


def test_a_person_acting_for_neither_side_is_refused_the_page_and_the_api(
        world: World) -> None:
    mandate = _stopped_mandate(world)
    _signed_in(world, world.people["Otto"])
    page = world.client.get(f"/nl/registry/mandates/{mandate}")
    assert page.status_code == 403
    assert "Anna Applicant gaf" not in page.text
    api = world.client.get(f"/api/registry/mandates/{mandate}/history")
    assert api.status_code == 403
    assert api.json()["errors"][0]["rule"] == "mandate_party"
    assert world.client.get("/nl/registry/mandates/M-000000000000").status_code == 404


def test_a_rights_history_after_grant_and_withdraw(world: World) -> None:
    units, clock, luc = world.ctx.units, world.ctx.clock, world.id("Luc")
    right = services.grant_right(units(), clock, luc, world.eva_relation(),
                                 "SSM Mandaatuitvoerder")
    services.withdraw_right(units(), clock, luc, right.id)
    _signed_in(world, world.people["Luc"])
    response = world.client.get(f"/nl/registry/rights/{right.id}")
    assert response.status_code == 200, response.text
    assert _rows(response.text) == [
        f"{WHEN['nl']} Luc Admin kende ‘SSM Mandaatuitvoerder’ toe",
        f"{WHEN['nl']} Luc Admin trok ‘SSM Mandaatuitvoerder’ in"]
    page = text(response.text)
    assert "Eva Employee" in page
    assert "Provider BV" in page
    assert "Niet actief" in page
    api = world.client.get(f"/api/registry/rights/{right.id}/history",
                           headers={"Accept-Language": "en"})
    assert [e["what"] for e in api.json()["entries"]] == [
        "granted ‘SSM Mandaatuitvoerder’", "withdrew ‘SSM Mandaatuitvoerder’"]


def test_a_right_is_shown_to_its_holder_and_refused_to_someone_else(world: World) -> None:
    right = services.grant_right(world.ctx.units(), world.ctx.clock, world.id("Luc"),
                                 world.eva_relation(), "SSM Mandaatuitvoerder")
    _signed_in(world, world.people["Eva"])
    assert world.client.get(f"/en/registry/rights/{right.id}").status_code == 200
    _signed_in(world, world.people["Bart"])
    assert world.client.get(f"/nl/registry/rights/{right.id}").status_code == 403
    refused = world.client.get(f"/api/registry/rights/{right.id}/history")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["rule"] == "local_admin_only"


def test_a_persons_page_for_their_administrator_without_their_sign_ins(world: World) -> None:
    _signed_in(world, world.people["Eva"])  # a sign-in of Eva's: not for Luc to see
    _signed_in(world, world.people["Luc"])
    response = world.client.get(f"/nl/registry/persons/{world.id('Eva')}")
    assert response.status_code == 200, response.text
    rows = _rows(response.text)
    assert rows[0] == f"{WHEN['nl']} het systeem registreerde Eva Employee"
    assert rows[1] == f"{WHEN['nl']} Luc Admin voegde toe als gebruiker van Provider BV"
    assert not any("meldde zich aan" in row for row in rows)
    page = text(response.text)
    assert world.people["Eva"].national_number.masked in page
    _no_number_in_full(world, response.text)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_person_sees_their_own_page_with_their_sign_ins(world: World, lang: str) -> None:
    _signed_in(world, world.people["Anna"], lang)
    response = world.client.get(f"/{lang}/registry/persons/{world.id('Anna')}")
    assert response.status_code == 200, response.text
    rows = _rows(response.text)
    assert rows[-1] == f"{WHEN[lang]} Anna Applicant " + \
        {"nl": "meldde zich aan", "en": "signed in"}[lang]
    # Her own mandate, linked to its page.
    assert f"/{lang}/registry/mandates/{world.mandates['anna'].id}" in response.text
    _no_number_in_full(world, response.text)
    api = world.client.get(f"/api/registry/persons/{world.id('Anna')}/history",
                           headers={"Accept-Language": lang})
    assert api.status_code == 200
    assert api.json()["entries"][-1]["action"] == "sign_in"


def test_a_persons_page_is_refused_to_someone_who_may_not_see_them(world: World) -> None:
    _signed_in(world, world.people["Otto"])
    assert world.client.get(f"/nl/registry/persons/{world.id('Eva')}").status_code == 403
    refused = world.client.get(f"/api/registry/persons/{world.id('Eva')}/history")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["rule"] == "person_visible"


def test_a_token_reads_every_history(world: World) -> None:
    mandate = _stopped_mandate(world)
    response = world.client.get(f"/api/registry/mandates/{mandate}/history",
                                headers=world.token())
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"
    assert len(response.json()["entries"]) == 3


def test_the_pages_that_list_them_link_to_the_mandate_right_and_person(world: World) -> None:
    right = services.grant_right(world.ctx.units(), world.ctx.clock, world.id("Luc"),
                                 world.eva_relation(), "SSM Mandaatuitvoerder")
    _signed_in(world, world.people["Luc"])
    users = world.client.get(f"/nl/registry/organisations/{world.orgs['provider'].id}/users")
    assert f'href="/nl/registry/rights/{right.id}"' in users.text
    assert f'href="/nl/registry/persons/{world.id("Eva")}"' in users.text
    _signed_in(world, world.people["Anna"])
    overview = world.client.get("/nl/registry/")
    assert f'href="/nl/registry/mandates/{world.mandates["anna"].id}"' in overview.text
    assert f'href="/nl/registry/persons/{world.id("Anna")}"' in overview.text


def test_a_memory_registry_tells_its_administrators_it_keeps_no_audit_log(
        world: World) -> None:
    _signed_in(world, world.people["Luc"])
    users = world.client.get(f"/nl/registry/organisations/{world.orgs['provider'].id}/users")
    assert "Auditlog: geen (dit register houdt geen auditlog bij)" in text(users.text)
