"""axe-core on the pages of a mandate, a right and a person with their histories (issue 13,
item 5), in Dutch and English, each for a person who may see it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from mandaatwijzer.registry import services

from ..e2e.registry import World, build
from ..serving import served
from .guide_pages import LANGS
from .registry_pages import opened, signed_in_context
from .test_axe import assert_accessible

#: What the module's world created for the pages: the right granted and withdrawn.
CREATED: dict[str, str] = {}


@pytest.fixture(scope="module")
def world() -> World:
    built = build()
    units, clock = built.ctx.units, built.ctx.clock
    mandate = built.mandates["anna"].id
    services.sign_mandate(units(), clock, built.id("Mia"), mandate)
    services.stop_mandate(units(), clock, built.id("Anna"), mandate)
    right = services.grant_right(units(), clock, built.id("Luc"), built.eva_relation(),
                                 "SSM Mandaatuitvoerder")
    services.withdraw_right(units(), clock, built.id("Luc"), right.id)
    CREATED["right"] = right.id
    return built


@pytest.fixture(scope="module")
def registry_url(world: World) -> Iterator[str]:
    with served(world.client.app, "registry-history") as url:
        yield url


@pytest.fixture
def tabs(browser: Browser, registry_url: str, world: World) -> Iterator[dict[str, Page]]:
    """A tab per person, each in a browser context with their own session."""
    contexts: list[BrowserContext] = []
    pages = {}
    for name in ("Luc", "Anna"):
        context = signed_in_context(browser, registry_url, world, name, javascript=True)
        contexts.append(context)
        pages[name] = context.new_page()
    yield pages
    for context in contexts:
        context.close()


def _check(page: Page, url: str, lang: str) -> None:
    opened(page, url, lang)
    assert page.locator("#history").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("lang", LANGS)
def test_the_history_pages_have_no_axe_violations(tabs: dict[str, Page], world: World,
                                                  lang: str) -> None:
    _check(tabs["Anna"], f"/{lang}/registry/mandates/{world.mandates['anna'].id}", lang)
    _check(tabs["Anna"], f"/{lang}/registry/persons/{world.id('Anna')}", lang)
    _check(tabs["Luc"], f"/{lang}/registry/rights/{CREATED['right']}", lang)
    _check(tabs["Luc"], f"/{lang}/registry/persons/{world.id('Eva')}", lang)
