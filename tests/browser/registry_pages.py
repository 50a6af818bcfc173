"""The registry's pages in Chromium as a person of the test world (tests/e2e/registry.py)
sees them: a browser context signed in as that person, a page opened with its status and
language checked, the text of its main part."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, BrowserContext, Page, Response

from mandaatwijzer.api.registry import SESSION_COOKIE
from mandaatwijzer.registry import services

from ..e2e.registry import EID, World, build, open_session
from .guide_pages import new_context


def world_with_dossiers() -> World:
    """The test world, Bakkerij NV with KIOSK dossiers (their page has a table)."""
    world = build()
    for title, status in [("Werkingssubsidie 2025", "submitted"), ("Aanvraag 2026", "draft")]:
        services.add_dossier(world.ctx.units(), world.ctx.clock, world.orgs["bakery"].party,
                             title, status)
    return world


def signed_in_context(browser: Browser, url: str, world: World, name: str, *,
                      javascript: bool, acr: str | None = EID) -> BrowserContext:
    """A browser context with `name`'s session cookie, as signing in (with `acr`) leaves it."""
    context = new_context(browser, url, javascript=javascript)
    context.add_cookies([{"name": SESSION_COOKIE, "url": url, "httpOnly": True,
                          "sameSite": "Lax",
                          "value": open_session(world.ctx, world.people[name], acr=acr)}])
    return context


@contextmanager
def tab_of(browser: Browser, url: str, world: World, name: str, *,
           javascript: bool = False) -> Iterator[Page]:
    """A tab in `name`'s own signed-in browser context (JavaScript off unless asked), closed
    with its context after the block."""
    context = signed_in_context(browser, url, world, name, javascript=javascript)
    try:
        yield context.new_page()
    finally:
        context.close()


def opened(page: Page, path: str, lang: str = "nl", status: int = 200) -> Response:
    """Go to `path`: the answer has `status` and the page is in `lang`."""
    response = page.goto(path)
    assert response is not None, path
    assert response.status == status, f"{path}: {response.status}"
    assert page.locator("html").get_attribute("lang") == lang, path
    return response


def main_text(page: Page) -> str:
    """The text a person reads in the page's main part, its spaces made single."""
    return " ".join(page.locator("main").inner_text().split())
