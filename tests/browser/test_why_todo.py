""""Why can't I?" and the to-do list (issue 14, items 3-5) in Chromium with JavaScript off,
on the demo dataset: Pieter Claes, local administrator of Dossierwerk Vlaanderen BV without
the right himself, asks why he may not manage An Mertens' dossiers, grants himself the right
from the answer through its confirmation, and is then told yes; Elke Maes follows the to-do
count in the guide's header to her list and accepts the transfer proposed to her provider
there, and the count goes down by one. axe on both pages, nl and en."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page

from mandaatwijzer.bootstrap import RegistryContext
from mandaatwijzer.registry import queries
from mandaatwijzer.registry.model import Person
from mandaatwijzer.web import create_app

from ..serving import served
from .demo_pages import demo_person, demo_registry, demo_tab
from .guide_pages import LANGS
from .test_axe import assert_accessible


@pytest.fixture
def registry() -> RegistryContext:
    return demo_registry()


@pytest.fixture
def app_url(registry: RegistryContext) -> Iterator[str]:
    with served(create_app(registry.settings, registry), "why-todo") as url:
        yield url




def _main(page: Page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def _may(registry: RegistryContext, person: Person, applicant: Person) -> bool:
    with registry.units() as uow:
        return queries.may_manage(uow.repo, person.id, applicant.party,
                                  datetime.now(UTC).date()).allowed


def test_a_local_administrator_fixes_what_the_answer_says_from_the_answer(
        browser: Browser, app_url: str, registry: RegistryContext) -> None:
    pieter, an = demo_person(registry, "pieter"), demo_person(registry, "an")
    assert not _may(registry, pieter, an)
    page = demo_tab(browser, app_url, registry, "pieter")
    page.goto("/nl/registry/")
    page.get_by_role("link", name="Waarom mag ik niet?").click()
    page.get_by_label("Aanvrager", exact=True).select_option(label="An Mertens")
    page.get_by_role("button", name="Vraag waarom").click()
    main = _main(page)
    assert "Nee: je mag de dossiers van An Mertens niet beheren op" in main
    first = main[main.index("Wat het meest telt"):]
    assert first.index("Pieter Claes heeft ‘SSM Mandaatuitvoerder’ niet bij Dossierwerk "
                       "Vlaanderen BV") < first.index("Andere manieren")
    page.get_by_role("link", name="Geef jezelf ‘SSM Mandaatuitvoerder’ bij Dossierwerk "
                                  "Vlaanderen BV").click()
    assert "toegang tot de dossiers van" in _main(page)
    assert not _may(registry, pieter, an)  # the confirmation changes nothing
    page.get_by_role("button", name="Ja, ken ‘SSM Mandaatuitvoerder’ toe").click()
    assert _may(registry, pieter, an)
    page.goto(f"/nl/registry/why?applicant={an.id}")
    assert "Ja: je mag de dossiers van An Mertens beheren op" in _main(page)


def _count(page: Page) -> int:
    link = page.locator("header").get_by_role("link", name=re.compile(r"^Te doen \(\d+\)$"))
    found = re.search(r"\((\d+)\)", link.inner_text())
    assert found is not None
    return int(found.group(1))


def test_the_todo_count_in_the_guides_header_leads_to_the_list_and_its_actions(
        browser: Browser, app_url: str, registry: RegistryContext) -> None:
    page = demo_tab(browser, app_url, registry, "elke")
    page.goto("/nl/")
    assert "Elke Maes" in page.locator("header").inner_text()
    before = _count(page)
    assert before >= 1
    page.locator("header").get_by_role("link", name=re.compile(r"^Te doen")).click()
    assert page.url.endswith("/nl/registry/todo")
    main = _main(page)
    assert "Overdrachten voorgesteld aan je organisatie (1)" in main
    assert "overdracht aan Subsidiehulp Kempen CV" in main
    page.get_by_role("link", name=re.compile(r"^Aanvaarden")).click()
    page.get_by_role("button", name="Ja, aanvaarden").click()
    page.goto("/nl/")
    assert _count(page) == before - 1
    page.goto("/nl/registry/todo")
    assert "Overdrachten voorgesteld" not in _main(page)


@pytest.mark.parametrize("width", [1024, 390])
@pytest.mark.parametrize("lang", LANGS)
def test_the_why_page_and_the_todo_list_are_accessible(
        browser: Browser, app_url: str, registry: RegistryContext, lang: str,
        width: int) -> None:
    an = demo_person(registry, "an")
    page = demo_tab(browser, app_url, registry, "pieter", javascript=True)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"/{lang}/registry/why")
    assert_accessible(page)
    page.goto(f"/{lang}/registry/why?applicant={an.id}")
    assert_accessible(page)
    elke = demo_tab(browser, app_url, registry, "elke", javascript=True)
    elke.set_viewport_size({"width": width, "height": 844})
    elke.goto(f"/{lang}/registry/todo")
    assert_accessible(elke)
    elke.goto(f"/{lang}/")
    assert_accessible(elke)
