"""Find and download (issue 13, item 6): the search page and `/api/registry/search`, and the CSV
files of an organisation's users and of a party's mandates, as the read policy allows.

A national register number finds its person only whole, only posted, and never appears in an
address (`response.url`, any `Location`) nor in a log line. The CSV files are the import's own
formats: they parse with the csv module, name the import's columns, and import again into a
registry that holds the same persons and organisations.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from mandaatwijzer.api.registry import build_context
from mandaatwijzer.registry import bulk, policy, services, views
from mandaatwijzer.registry.bulk import csv_formats
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.ports import Clock
from mandaatwijzer.web.registry import _find as web_find

from ..unit.registry.scenario import national_number
from .registry import SETTINGS, World, build, sign_in
from .web import text

API = "/api/registry"


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The test world, with Élodie Ëlst (accents in her name) a user of Provider BV: in
    memory, and on SQLite (the entities read inside the search's transaction)."""
    settings = SETTINGS if request.param == "memory" else replace(
        SETTINGS, database_url="sqlite:///"
        f"{tmp_path_factory.mktemp('find') / 'registry.sqlite3'}")
    found = build(settings)
    ctx, p = found.ctx, found.people
    number = national_number(20)
    elodie = services.register_person(ctx.units(), ctx.clock, number, "Élodie Ëlst", True)
    found.people["Élodie"], found.numbers["Élodie"] = elodie, number
    services.add_work_relation(ctx.units(), ctx.clock, p["Luc"].id, found.orgs["provider"].id,
                               elodie.id)
    return found


def _signed_in(world: World, name: str, lang: str = "nl") -> tuple[TestClient, str]:
    client = world.client_for()
    return client, sign_in(client, world.people[name], lang)


def _api_search(world: World, name: str, q: str) -> list[str]:
    """The names `name` finds for `q` through the API (posted, so that any query goes)."""
    client, csrf = _signed_in(world, name)
    response = client.post(f"{API}/search", json={"q": q}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.text
    return [hit["name"] for hit in response.json()["items"]]


def _page_search(client: TestClient, csrf: str, q: str, lang: str = "nl") -> str:
    """The results page of the search form posted with `q`, its redirect followed."""
    response = client.post(f"/{lang}/registry/search", data={"q": q, "csrf_token": csrf})
    if response.status_code == 303:
        location = response.headers["location"]
        response = client.get(location)
    assert response.status_code == 200, response.text
    return response.text


def _names(html: str) -> list[str]:
    """The names in the first cell of each row of the results."""
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return [text(cell) for cell in re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>", body, re.S)]


def _digits(number: str) -> str:
    return "".join(c for c in number if c.isdigit())


def _forms_of(number: str) -> list[str]:
    """Every way a national number could show: digits, formatted, with spaces."""
    digits = _digits(number)
    return [digits, NationalNumber(digits).formatted, " ".join([digits[:6], digits[6:]])]


# --- the read: views.search ------------------------------------------------------------------

def test_folding_ignores_case_and_accents() -> None:
    assert views.search is not None
    from mandaatwijzer.registry.views._find import fold
    assert fold("Élodie ËLST") == fold("elodie elst") == "elodie elst"


@pytest.mark.parametrize("q", ["elodie", "ÉLODIE", "lodie ëls", "ELST", "Elodie Elst"])
def test_a_name_is_found_whatever_its_case_and_accents(world: World, q: str) -> None:
    assert _api_search(world, "Luc", q) == ["Élodie Ëlst"]


@pytest.mark.parametrize("layout", ["0400.000.284", "0400000284", "BE0400000284",
                                    "BE 0400.000.284", "be0400.000.284", "400000284",
                                    "0400 000 284"])
def test_an_enterprise_number_is_found_in_any_layout(world: World, layout: str) -> None:
    # Mia acts for Provider BV, to which Bakkerij NV gave a mandate.
    assert str(world.orgs["bakery"].enterprise_number) == "0400.000.284"
    assert _api_search(world, "Mia", layout) == ["Bakkerij NV"]


def test_a_whole_national_number_finds_its_person(world: World) -> None:
    for form in _forms_of(world.numbers["Eva"]):
        assert _api_search(world, "Luc", form) == ["Eva Employee"], form


@pytest.mark.parametrize("part", [slice(0, 6), slice(0, 9), slice(2, 11), slice(0, 10)])
def test_a_part_of_a_national_number_finds_nobody(world: World, part: slice) -> None:
    digits = _digits(world.numbers["Eva"])
    assert _api_search(world, "Luc", digits[part]) == []


def test_a_valid_national_number_that_is_not_the_persons_finds_nobody(world: World) -> None:
    assert _api_search(world, "Luc", national_number(99)) == []


@pytest.mark.parametrize(("name", "q", "found"), [
    # Eva works for Provider BV: she finds herself and it, nobody else and no other.
    ("Eva", "e", ["Eva Employee", "Provider BV"]),
    ("Eva", "Other", []),
    ("Eva", "Otto", []),
    ("Eva", "Mia", []),
    ("Eva", "Bakkerij", []),
    # Luc administers Provider BV's users, and so acts for it: its client too.
    ("Luc", "Mia", ["Mia Manager"]),
    ("Luc", "Bakkerij", ["Bakkerij NV"]),
    ("Luc", "Otto", []),
    ("Luc", "Provider", ["Provider BV"]),
    # Mia acts for Provider BV: its client, not another provider nor its users.
    ("Mia", "Bakkerij", ["Bakkerij NV"]),
    ("Mia", "Eva", []),
    ("Mia", "Other", []),
    # Bart represents Bakkerij NV, which gave Provider BV a mandate.
    ("Bart", "BV", ["Provider BV"]),
    ("Bart", "Luc", []),
    # Otto: his own organisation only.
    ("Otto", "o", ["Other Consult", "Otto Other"]),
])
def test_a_person_finds_only_what_the_policy_lets_them_see(world: World, name: str, q: str,
                                                           found: list[str]) -> None:
    assert _api_search(world, name, q) == found


def test_a_national_number_of_someone_the_viewer_may_not_see_finds_nobody(
        world: World) -> None:
    assert _api_search(world, "Eva", world.numbers["Mia"]) == []
    assert _api_search(world, "Otto", world.numbers["Eva"]) == []
    assert _api_search(world, "Eva", world.numbers["Eva"]) == ["Eva Employee"]


def test_the_roles_say_what_each_hit_is_to_the_viewer(world: World) -> None:
    client, _ = _signed_in(world, "Mia")
    items = client.get(f"{API}/search", params={"q": "e"}).json()["items"]
    roles = {item["name"]: [r["code"] for r in item["roles"]] for item in items}
    assert roles == {"Bakkerij NV": ["client"], "Mia Manager": ["self"],
                     "Provider BV": ["works_for"]}
    [bakery] = [item for item in items if item["name"] == "Bakkerij NV"]
    assert bakery["enterprise_number"] == "0400.000.284"
    assert bakery["roles"][0]["party_name"] == "Provider BV"
    [mia] = [item for item in items if item["kind"] == "person"]
    assert mia["national_number"].startswith("**.**.**-***.")


def test_a_token_finds_everyone(world: World) -> None:
    response = world.client.get(f"{API}/search", params={"q": "o"}, headers=world.token())
    assert response.status_code == 200
    names = [hit["name"] for hit in response.json()["items"]]
    assert "Otto Other" in names
    assert "Provider BV" in names
    assert "Élodie Ëlst" in names
    posted = world.client.post(f"{API}/search", json={"q": world.numbers["Bart"]},
                               headers=world.token())
    assert [hit["name"] for hit in posted.json()["items"]] == ["Bart Baker"]


def test_the_api_pages_the_hits(world: World) -> None:
    client, _ = _signed_in(world, "Luc")
    everything = client.get(f"{API}/search", params={"q": "e"}).json()
    assert everything["total"] == len(everything["items"]) >= 4
    pages = [client.get(f"{API}/search", params={"q": "e", "offset": offset, "limit": 2}
                        ).json() for offset in range(0, everything["total"], 2)]
    assert [hit for page in pages for hit in page["items"]] == everything["items"]
    assert all(page["total"] == everything["total"] for page in pages)


# --- no national number in any address or log line ------------------------------------------

def test_the_api_refuses_a_national_number_in_the_address(world: World) -> None:
    client, _ = _signed_in(world, "Luc")
    for form in _forms_of(world.numbers["Eva"]):
        response = client.get(f"{API}/search", params={"q": form})
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "q"
        assert _digits(world.numbers["Eva"]) not in _digits(response.text)
    dutch = client.get(f"{API}/search", params={"q": world.numbers["Eva"]},
                       headers={"Accept-Language": "nl"})
    [error] = dutch.json()["errors"]
    assert "bevat een rijksregisternummer" in error["message"]


def test_no_national_number_in_any_address_nor_log_line(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    number = world.numbers["Eva"]
    client, csrf = _signed_in(world, "Luc")
    with caplog.at_level(logging.DEBUG):
        page = client.get("/nl/registry/search")
        posted = client.post("/nl/registry/search", data={"q": number, "csrf_token": csrf},
                             follow_redirects=True)
        api = client.post(f"{API}/search", json={"q": number}, headers={"X-CSRF-Token": csrf})
        named = client.post("/nl/registry/search", data={"q": "Eva", "csrf_token": csrf},
                            follow_redirects=True)
    assert page.status_code == posted.status_code == api.status_code == 200
    # The posted number is answered by the POST itself: no redirect, no address holds it.
    assert posted.history == []
    assert str(posted.url).endswith("/nl/registry/search")
    assert _names(posted.text) == ["Eva Employee"]
    assert [h.status_code for h in named.history] == [303]
    assert str(named.url).endswith("/nl/registry/search?q=Eva")
    addresses = [str(r.url) for r in (page, posted, api, named, *named.history)] + \
        [r.headers.get("location", "") for r in named.history]
    for form in _forms_of(number):
        for address in addresses:
            assert form not in address
        assert form not in caplog.text
        assert form not in posted.text  # not even shown back in the field
    assert NationalNumber(number).masked in posted.text


def test_a_national_number_typed_in_the_address_is_not_searched_nor_shown(
        world: World) -> None:
    number = world.numbers["Eva"]
    client, _ = _signed_in(world, "Luc")
    response = client.get("/nl/registry/search", params={"q": number})
    assert response.status_code == 422
    assert _names(response.text) == []
    assert number not in response.text
    assert "Een rijksregisternummer hoort nooit in een webadres" in response.text
    # Nor in a language link or the sign-in link of a person not signed in.
    anonymous = world.client_for().get("/nl/registry/search", params={"q": number})
    assert anonymous.status_code == 401
    assert number not in anonymous.text


# --- the search page -------------------------------------------------------------------------

def test_the_page_finds_by_name_and_links_to_the_pages_of_the_hits(world: World) -> None:
    client, csrf = _signed_in(world, "Luc")
    html = _page_search(client, csrf, "e")
    assert _names(html) == ["Bakkerij NV", "Élodie Ëlst", "Emil Executor", "Eva Employee",
                            "Mia Manager", "Provider BV"]
    users = f"/nl/registry/organisations/{world.orgs['provider'].id}/users"
    assert html.count(f'href="{users}"') == 5
    assert "Gebruiker van Provider BV" in html
    assert "Je bent er lokale beheerder" in html
    assert "0400.000.185" in html
    assert "Gaf een mandaat aan Provider BV" in html  # Luc acts for it: he administers it


def test_the_page_finds_an_enterprise_number(world: World) -> None:
    client, csrf = _signed_in(world, "Mia")
    html = _page_search(client, csrf, "BE0400000284")
    assert _names(html) == ["Bakkerij NV"]
    assert "Gaf een mandaat aan Provider BV" in html


def test_the_page_says_when_nothing_is_found(world: World) -> None:
    client, csrf = _signed_in(world, "Eva")
    html = _page_search(client, csrf, "Otto")
    assert _names(html) == []
    assert "Niets gevonden dat je mag zien." in html


def test_the_page_pages_with_previous_and_next(world: World,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_find, "LIMIT", 2)
    client, _ = _signed_in(world, "Luc")
    seen: list[str] = []
    address: str | None = "/nl/registry/search?q=e"
    pages = 0
    while address is not None:
        html = client.get(address).text
        seen += _names(html)
        pages += 1
        found = re.search(r'<a href="([^"]+)" rel="next">Volgende', html)
        address = found.group(1).replace("&amp;", "&") if found else None
        if pages > 1:
            assert 'rel="prev">Vorige' in html
    assert pages == 3
    assert seen == ["Bakkerij NV", "Élodie Ëlst", "Emil Executor", "Eva Employee",
                    "Mia Manager", "Provider BV"]


def test_the_search_form_needs_its_csrf_token(world: World) -> None:
    client, _ = _signed_in(world, "Luc")
    response = client.post("/nl/registry/search", data={"q": world.numbers["Eva"]})
    assert response.status_code == 403
    assert world.numbers["Eva"] not in response.text


def test_the_navigation_links_to_the_search(world: World) -> None:
    client, _ = _signed_in(world, "Eva")
    assert 'href="/nl/registry/search">Zoeken</a>' in client.get("/nl/registry/").text


# --- downloads -------------------------------------------------------------------------------

def _rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


def _download(client: TestClient, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith('.csv"')
    return response.text


def _user_lists(world: World, prefix: str) -> Iterator[tuple[str, str]]:
    org = world.orgs["provider"].id
    for kind in views.USER_LISTS:
        yield kind, (f"{prefix}/organisations/{org}/users/{kind}.csv" if prefix != API
                     else f"{API}/organisations/{org}/{kind}.csv")


@pytest.mark.parametrize("prefix", ["/nl/registry", API])
def test_an_administrator_downloads_the_users_in_the_imports_columns(
        world: World, prefix: str) -> None:
    client, _ = _signed_in(world, "Luc")
    bodies = {kind: _download(client, address) for kind, address in _user_lists(world, prefix)}
    formats = {"persons": csv_formats.PERSONS, "work-relations": csv_formats.WORK_RELATIONS,
               "rights": csv_formats.RIGHTS}
    for kind, body in bodies.items():
        assert _rows(body)[0] == formats[kind].header, kind
    persons = _rows(bodies["persons"])[1:]
    assert [row[2] for row in persons] == ["Élodie Ëlst", "Emil Executor", "Eva Employee",
                                           "Mia Manager"]
    # Masked: a national number leaves over HTTP only so, as every API answer shows it.
    for row in persons:
        assert row[1].startswith("**.**.**-***.")
    for number in world.numbers.values():
        for form in _forms_of(number):
            assert form not in "".join(bodies.values())
    relations = _rows(bodies["work-relations"])[1:]
    assert {row[1] for row in relations} == {world.id(n) for n in ("Mia", "Emil", "Eva",
                                                                   "Élodie")}
    rights = _rows(bodies["rights"])[1:]
    assert sorted(row[2] for row in rights) == ["SSM Mandaatbeheerder",
                                                "SSM Mandaatuitvoerder"]


def test_the_file_names_hold_no_personal_data(world: World) -> None:
    client, _ = _signed_in(world, "Anna")
    response = client.get(f"{API}/parties/{world.id('Anna')}/mandates.csv")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="mandates-2025-03-03.csv"'
    client, _ = _signed_in(world, "Luc")
    response = client.get(f"{API}/organisations/{world.orgs['provider'].id}/persons.csv")
    assert response.headers["content-disposition"] == \
        'attachment; filename="persons-0400000185-2025-03-03.csv"'


@pytest.mark.parametrize("prefix", ["/nl/registry", API])
def test_a_person_acting_for_a_party_downloads_its_mandates(world: World, prefix: str) -> None:
    client, _ = _signed_in(world, "Mia")
    body = _download(client, f"{prefix}/parties/{world.orgs['provider'].id}/mandates.csv")
    rows = _rows(body)
    assert rows[0] == csv_formats.MANDATES.header
    assert {row[0] for row in rows[1:]} == {world.mandates["bakery"].id,
                                            world.mandates["anna"].id}


def test_the_downloads_import_again(world: World) -> None:
    """Into a registry with the same persons and organisations (the operator's export), the
    work relations, rights and mandates downloaded import as they are."""
    fresh = build_context(SETTINGS, clock=Clock(datetime(2025, 3, 3, 9, tzinfo=UTC)))
    for kind in (bulk.PersonRecord, bulk.OrganisationRecord):
        records = list(bulk.export_records(world.ctx.units(), kind))
        bulk.import_records(fresh.units(), fresh.clock, kind,
                            [bulk.Parsed(i + 2, record) for i, record in enumerate(records)])
    luc, _ = _signed_in(world, "Luc")
    mia, _ = _signed_in(world, "Mia")
    provider = world.orgs["provider"].id
    files = [(csv_formats.WORK_RELATIONS, luc, f"{API}/organisations/{provider}/"
              "work-relations.csv", 4),
             (csv_formats.RIGHTS, luc, f"{API}/organisations/{provider}/rights.csv", 2),
             (csv_formats.MANDATES, mia, f"{API}/parties/{provider}/mandates.csv", 2)]
    for fmt, client, address, count in files:
        body = _download(client, address)
        report = bulk.import_records(fresh.units(), fresh.clock, fmt.kind,
                                     csv_formats.read(fmt, io.StringIO(body)))
        assert report.imported == count, fmt.name
    with fresh.units() as uow:
        assert len(uow.repo.work_relations_at(provider)) == 4


def test_the_persons_file_does_not_import_again(world: World) -> None:
    """Its national numbers are masked: the import names each row's, without quoting it."""
    client, _ = _signed_in(world, "Luc")
    body = _download(client, f"{API}/organisations/{world.orgs['provider'].id}/persons.csv")
    parsed = list(csv_formats.read(csv_formats.PERSONS, io.StringIO(body)))
    assert parsed
    assert all(p.errors and p.errors[0].column == "national_number"
                          for p in parsed)


@pytest.mark.parametrize(("name", "address", "rule"), [
    ("Eva", "/organisations/{provider}/users/persons.csv", policy.USERS_OF_ORGANISATION),
    ("Mia", "/organisations/{provider}/users/rights.csv", policy.USERS_OF_ORGANISATION),
    ("Otto", "/organisations/{provider}/users/work-relations.csv",
     policy.USERS_OF_ORGANISATION),
    ("Eva", "/parties/{provider}/mandates.csv", policy.ACTS_FOR_APPLICANT),
    ("Otto", "/parties/{bakery}/mandates.csv", policy.ACTS_FOR_APPLICANT),
    ("Luc", "/parties/{anna}/mandates.csv", policy.ACTS_FOR_APPLICANT),
])
def test_a_download_is_refused_outside_the_policy(world: World, name: str, address: str,
                                                  rule: str) -> None:
    client, _ = _signed_in(world, name)
    path = address.format(provider=world.orgs["provider"].id, bakery=world.orgs["bakery"].id,
                          anna=world.id("Anna"))
    page = client.get("/nl/registry" + path)
    assert page.status_code == 403
    assert not page.text.startswith("id,")  # no file: the refusal page
    assert "text/html" in page.headers["content-type"]
    api_path = path.replace("/users/", "/")
    response = client.get(API + api_path)
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert error["rule"] == rule


def test_an_unknown_list_is_not_found(world: World) -> None:
    client, _ = _signed_in(world, "Luc")
    response = client.get(f"/nl/registry/organisations/{world.orgs['provider'].id}"
                          "/users/secrets.csv")
    assert response.status_code == 404


def test_the_pages_link_to_their_downloads(world: World) -> None:
    client, _ = _signed_in(world, "Luc")
    provider = world.orgs["provider"].id
    users = client.get(f"/nl/registry/organisations/{provider}/users").text
    for kind in views.USER_LISTS:
        assert f'href="/nl/registry/organisations/{provider}/users/{kind}.csv"' in users
    assert "Downloaden als CSV" in users
    client, _ = _signed_in(world, "Mia")
    mandates = client.get(f"/nl/registry/parties/{provider}/mandates").text
    assert f'href="/nl/registry/parties/{provider}/mandates.csv"' in mandates


def test_the_openapi_document_describes_the_csv_downloads(world: World) -> None:
    paths = world.client.get("/api/openapi.json").json()["paths"]
    for path in ("/organisations/{organisation_id}/work-relations.csv",
                 "/organisations/{organisation_id}/rights.csv",
                 "/organisations/{organisation_id}/persons.csv",
                 "/parties/{party_id}/mandates.csv"):
        content = paths[API + path]["get"]["responses"]["200"]["content"]
        assert list(content) == ["text/csv"], path
    assert {"get", "post"} <= set(paths[f"{API}/search"])


def test_a_query_longer_than_a_hundred_characters_is_refused(world: World) -> None:
    client, csrf = _signed_in(world, "Luc")
    page = client.get("/nl/registry/search", params={"q": "e" * 101})
    assert page.status_code == 422
    assert "Typ hoogstens 100 tekens" in page.text
    response = client.post(f"{API}/search", json={"q": "e" * 101},
                           headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422
    assert client.get(f"{API}/search", params={"q": "e" * 100}).status_code == 200
