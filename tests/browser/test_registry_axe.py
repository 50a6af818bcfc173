"""axe-core on the registry's pages, each for its role and in its error states, nl and en.

A second server runs the app on an in-memory registry seeded like the HTTP tests' world; each
person signs in through the demo page in their own browser context.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page

from mandaatwijzer.web._render import render

from ..e2e.registry import World, build
from .guide_pages import LANGS, new_context
from .test_axe import assert_accessible


@pytest.fixture(scope="module")
def world() -> World:
    return build()


@pytest.fixture(scope="module")
def registry_url(world: World) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(world.client.app, host="127.0.0.1", lifespan="off", ws="none",
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="uvicorn-registry-axe")
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the registry app did not start", pytrace=False)
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def signed_in(browser: Browser, registry_url: str,
              world: World) -> Iterator[dict[str, Page]]:
    """A tab per person, each signed in through the demo page."""
    contexts: list[BrowserContext] = []
    pages = {}
    for name in ("Luc", "Mia", "Anna", "Emil"):
        context = new_context(browser, registry_url, javascript=True)
        contexts.append(context)
        page = context.new_page()
        page.goto("/nl/registry/sign-in")
        page.locator(f'input[value="{world.id(name)}"]').check()
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_url("**/nl/registry/")
        pages[name] = page
    yield pages
    for context in contexts:
        context.close()


def _check(page: Page, url: str, status: int, lang: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == status
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)


@pytest.mark.parametrize("lang", LANGS)
def test_the_registry_pages_have_no_axe_violations(
        signed_in: dict[str, Page], world: World, lang: str) -> None:
    provider, bakery = world.orgs["provider"], world.orgs["bakery"]
    number = world.orgs["other"].enterprise_number
    assert number is not None
    _check(signed_in["Luc"], f"/{lang}/registry/", 200, lang)
    _check(signed_in["Luc"], f"/{lang}/registry/organisations/{provider.id}/users", 200, lang)
    _check(signed_in["Luc"], f"/{lang}/registry/check", 200, lang)
    _check(signed_in["Luc"], f"/{lang}/registry/check?person={world.id('Eva')}"
                             f"&applicant={bakery.id}", 200, lang)
    _check(signed_in["Luc"], f"/{lang}/registry/check?person={world.id('Emil')}"
                             f"&applicant={bakery.id}", 200, lang)
    _check(signed_in["Luc"], f"/{lang}/registry/check?applicant={bakery.id}&at=x", 422, lang)
    _check(signed_in["Mia"], f"/{lang}/registry/parties/{provider.id}/signatures", 200, lang)
    _check(signed_in["Anna"], f"/{lang}/registry/parties/{world.id('Anna')}/mandates"
                              f"?enterprise_number={number.value}", 200, lang)
    _check(signed_in["Anna"], f"/{lang}/registry/parties/{world.id('Anna')}/mandates"
                              "?enterprise_number=123", 422, lang)
    _check(signed_in["Emil"], f"/{lang}/registry/organisations/{provider.id}/users", 403, lang)
    _check(signed_in["Emil"], f"/{lang}/registry/sign-in", 200, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_error_state_of_the_grant_form_has_no_axe_violations(
        signed_in: dict[str, Page], world: World, lang: str) -> None:
    page = signed_in["Luc"]
    page.goto(f"/{lang}/registry/organisations/{world.orgs['provider'].id}/users")
    page.locator('form[action$="/users/grant"] button[type="submit"]').click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)


def test_a_page_without_a_session_has_no_axe_violations(
        browser: Browser, registry_url: str) -> None:
    context = new_context(browser, registry_url, javascript=True)
    try:
        _check(context.new_page(), "/en/registry/", 401, "en")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1024, 390])
@pytest.mark.parametrize("lang", LANGS)
def test_the_busy_and_too_large_pages_have_no_axe_violations(
        browser: Browser, registry_url: str, lang: str, width: int) -> None:
    """The 503 a change gets while another writer holds the registry, and the 413 of a body
    over the limit: rendered as their handlers render them, checked on the site's origin."""
    busy = render(lang, "registry/busy.html", path=f"/{lang}/registry/", status=503,
                  signed_in=None, demo=True, csrf_field="csrf_token", csrf="")
    too_large = render(lang, "too_large.html", path=f"/{lang}/", status=413, status_code=413,
                       limit="1 MiB")
    context = new_context(browser, registry_url, javascript=True)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        for response in (busy, too_large):
            page.goto(f"/{lang}/")  # the origin, so that the style sheet loads
            page.set_content(bytes(response.body).decode())
            assert page.locator("html").get_attribute("lang") == lang
            assert_accessible(page)
    finally:
        context.close()
