"""axe-core on the registry's pages, each for its role and in its error states, nl and en.

A second server runs the app on an in-memory registry seeded like the HTTP tests' world; each
person gets a session opened through the core (`open_session`, as a sign-in at the provider
would) whose cookie goes into their own browser context. A third server runs the same world
with a sign-in provider configured, for the pages that offer the sign-in; no test follows the
link to the provider, so nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from mandaatwijzer.config import SignInSettings
from mandaatwijzer.web._render import render

from ..e2e.registry import SETTINGS, World, build
from ..serving import served
from .guide_pages import LANGS, new_context
from .registry_pages import opened, signed_in_context, world_with_dossiers
from .test_axe import assert_accessible

TOTP = "urn:be:vlaanderen:authmech:csamtotp"


@pytest.fixture(scope="module")
def world() -> World:
    return world_with_dossiers()


@pytest.fixture(scope="module")
def registry_url(world: World) -> Iterator[str]:
    with served(world.client.app, "registry-axe") as url:
        yield url


@pytest.fixture(scope="module")
def configured_url() -> Iterator[str]:
    """The world with sign-in through a provider configured (never reached)."""
    sign_in = SignInSettings(issuer="https://idp.test", client_id="c", client_secret="s")
    with served(build(replace(SETTINGS, sign_in=sign_in)).client.app,
                "registry-axe-oidc") as url:
        yield url


@pytest.fixture
def signed_in(browser: Browser, registry_url: str,
              world: World) -> Iterator[dict[str, Page]]:
    """A tab per person, each in a browser context with their own session."""
    contexts: list[BrowserContext] = []
    pages = {}
    for name in ("Luc", "Mia", "Anna", "Emil"):
        context = signed_in_context(browser, registry_url, world, name, javascript=True)
        contexts.append(context)
        page = context.new_page()
        opened(page, "/nl/registry/")
        pages[name] = page
    yield pages
    for context in contexts:
        context.close()


def _check(page: Page, url: str, status: int, lang: str) -> None:
    opened(page, url, lang, status)
    assert_accessible(page)


@pytest.mark.parametrize("width", [1024, 390])
@pytest.mark.parametrize("lang", LANGS)
def test_the_registry_pages_have_no_axe_violations(
        signed_in: dict[str, Page], world: World, lang: str, width: int) -> None:
    for page in signed_in.values():
        page.set_viewport_size({"width": width, "height": 844})
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
    transfer = f"/{lang}/registry/parties/{provider.id}/mandates/transfer" \
               f"?mandate={world.mandates['bakery'].id}"
    _check(signed_in["Mia"], f"{transfer}&enterprise_number={number.value}", 200, lang)
    _check(signed_in["Mia"], f"{transfer}&enterprise_number=123", 422, lang)
    _check(signed_in["Emil"], f"/{lang}/registry/applicants/{bakery.id}/dossiers", 200, lang)
    _check(signed_in["Luc"], f"/{lang}/registry/applicants/{bakery.id}/dossiers", 403, lang)
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


@pytest.mark.parametrize("width", [1024, 390])
@pytest.mark.parametrize("lang", LANGS)
def test_the_mandates_page_with_a_person_found_has_no_axe_violations(
        browser: Browser, registry_url: str, world: World, lang: str, width: int) -> None:
    """Found by national register number: a POST, so reached by the form on the page."""
    context = signed_in_context(browser, registry_url, world, "Anna", javascript=True)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 844})
        opened(page, f"/{lang}/registry/parties/{world.id('Anna')}/mandates", lang)
        page.locator("#national_number").fill(world.numbers["Otto"])
        with page.expect_navigation() as answer:
            page.locator('form[action$="/mandates/find"] button[type="submit"]').click()
        assert answer.value is not None
        assert answer.value.status == 200
        assert page.locator('form[action$="/mandates/give"]').count() == 1
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    finally:
        context.close()


def test_a_page_without_a_session_has_no_axe_violations(
        browser: Browser, registry_url: str) -> None:
    context = new_context(browser, registry_url, javascript=True)
    try:
        _check(context.new_page(), "/en/registry/", 401, "en")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_sign_in_pages_have_no_axe_violations(
        browser: Browser, registry_url: str, configured_url: str, world: World,
        lang: str) -> None:
    """The sign-in page without a provider, with one (also as an eID action's detour), and
    signed in without eID; the 401 page of each; the page the provider sends back to."""
    for url, paths in [
        (registry_url, [(f"/{lang}/registry/sign-in", 200), (f"/{lang}/registry/", 401),
                        (f"/{lang}/registry/signed-out", 200)]),
        (configured_url, [(f"/{lang}/registry/sign-in", 200),
                          (f"/{lang}/registry/sign-in?eid=1&next=/{lang}/registry/check", 200),
                          (f"/{lang}/registry/check?at=2025-01-01", 401),
                          (f"/{lang}/registry/signed-out", 200)]),
    ]:
        context = new_context(browser, url, javascript=True)
        try:
            page = context.new_page()
            for path, status in paths:
                _check(page, path, status, lang)
        finally:
            context.close()
    context = signed_in_context(browser, registry_url, world, "Mia", javascript=True,
                                acr=TOTP)
    try:
        page = context.new_page()
        _check(page, f"/{lang}/registry/sign-in", 200, lang)
        assert page.locator('main a[href*="eid=1"]').count() == 1  # sign in again with eID
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_eid_needed_page_has_no_axe_violations(
        browser: Browser, registry_url: str, world: World, lang: str) -> None:
    """A local administrator signed in without eID grants a right: the 403 that asks for it."""
    context = signed_in_context(browser, registry_url, world, "Luc", javascript=True,
                                acr=TOTP)
    try:
        page = context.new_page()
        page.goto(f"/{lang}/registry/organisations/{world.orgs['provider'].id}/users")
        page.locator("#work_relation").select_option(world.eva_relation())
        page.locator('input[name="kind"][value="SSM Mandaatuitvoerder"]').check()
        with page.expect_navigation() as answer:
            page.locator('form[action$="/users/grant"] button[type="submit"]').click()
        assert answer.value is not None
        assert answer.value.status == 403
        assert page.locator('main a[href*="eid=1"]').count() == 1
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    finally:
        context.close()
    assert world.rights_of(world.eva_relation()) == []


@pytest.mark.parametrize("form", ["sign-out", "sign-out-everywhere"])
@pytest.mark.parametrize("lang", LANGS)
def test_signing_out_in_the_browser_lands_on_a_page_without_axe_violations(
        browser: Browser, registry_url: str, world: World, lang: str, form: str) -> None:
    """The forms on the sign-in page, posted by Chromium (the CSP's form-action applies to
    the redirect after them): the signed-out page, and the session is over."""
    context = signed_in_context(browser, registry_url, world, "Eva", javascript=True)
    try:
        page = context.new_page()
        _check(page, f"/{lang}/registry/sign-in", 200, lang)
        page.locator(f'main form[action="/{lang}/registry/{form}"] button').click()
        page.wait_for_url(f"**/{lang}/registry/signed-out")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
        assert not [c for c in context.cookies() if c["name"] == "mw_session"]
        _check(page, f"/{lang}/registry/", 401, lang)
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_sign_in_has_no_axe_violations(
        browser: Browser, configured_url: str, lang: str) -> None:
    """The provider's answer coming back to a browser that started no sign-in: refused, in
    the browser's language."""
    context = new_context(browser, configured_url, javascript=True,
                          locale="nl-BE" if lang == "nl" else "en-GB")
    try:
        _check(context.new_page(), "/auth/callback?code=x&state=y", 401, lang)
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
