"""Find and download in Chromium (issue 13, item 6): Luc, the local administrator of Provider
BV, searches by name and by a whole national register number and downloads his users as CSV,
with JavaScript off; no address the browser visits holds the number. axe on the search page,
empty, with results, answering a national number, and refusing one typed in the address, in
Dutch and English.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request

from mandaatwijzer.registry.bulk import csv_formats
from mandaatwijzer.registry.identifiers import NationalNumber

from ..e2e.registry import World, build
from ..serving import served
from .guide_pages import LANGS
from .registry_pages import opened, signed_in_context
from .test_axe import assert_accessible


@pytest.fixture(scope="module")
def world() -> World:
    return build()


@pytest.fixture(scope="module")
def registry_url(world: World) -> Iterator[str]:
    with served(world.client.app, "registry-find") as url:
        yield url


def _search(page: Page, q: str) -> None:
    page.get_by_label("Naam, ondernemingsnummer of rijksregisternummer").fill(q)
    page.get_by_role("button", name="Zoeken", exact=True).click()


def _result_names(page: Page) -> list[str]:
    return [name.strip() for name in
            page.locator("table tbody tr td:first-child").all_inner_texts()]


def test_luc_searches_and_downloads_without_javascript(
        browser: Browser, registry_url: str, world: World, tmp_path: Path) -> None:
    number = world.numbers["Eva"]
    digits = "".join(c for c in number if c.isdigit())
    forms = [digits, NationalNumber(digits).formatted]
    context = signed_in_context(browser, registry_url, world, "Luc", javascript=False)
    visited: list[str] = []

    def seen(request: Request) -> None:
        visited.append(request.url)
        visited.extend(v for k, v in request.headers.items() if k.lower() == "referer")

    context.on("request", seen)
    page = context.new_page()
    try:
        page.goto("/nl/registry/")
        page.get_by_role("link", name="Zoeken", exact=True).click()
        assert page.url.endswith("/nl/registry/search")

        _search(page, "eva")
        assert page.url.endswith("/nl/registry/search?q=eva")
        assert _result_names(page) == ["Eva Employee"]

        _search(page, NationalNumber(digits).formatted)
        assert page.url.endswith("/nl/registry/search")
        assert _result_names(page) == ["Eva Employee"]
        assert page.get_by_label("Naam, ondernemingsnummer of rijksregisternummer"
                                 ).input_value() == ""
        assert NationalNumber(digits).masked in page.content()

        _search(page, digits[:9])  # a part of it finds nobody
        assert _result_names(page) == []
        assert "Niets gevonden dat je mag zien." in page.content()

        _search(page, "Provider")
        page.get_by_role("link", name="Provider BV").click()
        assert page.url.endswith(f"/organisations/{world.orgs['provider'].id}/users")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="De gebruikers, met hun naam").click()
        download = download_info.value
        assert download.suggested_filename == "persons-0400000185-2025-03-03.csv"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        with saved.open(newline="", encoding="utf-8") as file:
            rows = list(csv.reader(file))
        assert rows[0] == csv_formats.PERSONS.header
        assert [row[2] for row in rows[1:]] == ["Emil Executor", "Eva Employee",
                                                 "Mia Manager"]
        assert all(row[1].startswith("**.**.**-***.") for row in rows[1:])
    finally:
        context.close()
    assert visited
    for address in visited:
        for form in forms:
            assert form not in address, address


def test_eva_cannot_download_the_users(browser: Browser, registry_url: str,
                                       world: World) -> None:
    context = signed_in_context(browser, registry_url, world, "Eva", javascript=False)
    page = context.new_page()
    try:
        response = page.goto(f"/nl/registry/organisations/{world.orgs['provider'].id}"
                             "/users/persons.csv")
        assert response is not None
        assert response.status == 403
        page.goto("/nl/registry/search")
        _search(page, "Other")
        assert _result_names(page) == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def luc(browser: Browser, registry_url: str, world: World) -> Iterator[Page]:
    context = signed_in_context(browser, registry_url, world, "Luc", javascript=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_search_page_has_no_axe_violations(luc: Page, world: World, lang: str) -> None:
    def check(url: str, status: int) -> None:
        opened(luc, url, lang, status)
        assert_accessible(luc)

    check(f"/{lang}/registry/search", 200)
    check(f"/{lang}/registry/search?q=e", 200)
    check(f"/{lang}/registry/search?q=nobody", 200)
    check(f"/{lang}/registry/search?q={world.numbers['Eva']}", 422)
    # The results of a posted national number: the page the form answers with.
    luc.goto(f"/{lang}/registry/search")
    luc.locator("#q").fill(world.numbers["Eva"])
    luc.locator('form[role="search"] button[type="submit"]').click()
    assert luc.url.endswith(f"/{lang}/registry/search")
    assert luc.locator("table tbody tr").count() == 1
    assert_accessible(luc)
