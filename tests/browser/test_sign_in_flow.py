"""Signing in as a person does, in Chromium with JavaScript off: to the provider and back,
act, sign out (at the provider too), and sign in again.

The app runs on the demo dataset with the demo's local provider (a real OpenID Connect
provider on another loopback port, so another origin). Signing out posts a form whose answer
redirects to the provider: Chromium applies the page's CSP `form-action` to that redirect, so
this test fails if the provider's origin is not allowed there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page

from mandaatwijzer.adapters.demo_provider import TOTP, RunningProvider
from mandaatwijzer.api.registry import SESSION_COOKIE
from mandaatwijzer.bootstrap import RegistryContext, build_context
from mandaatwijzer.config import Settings, SignInSettings
from mandaatwijzer.registry import demo
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.ports import Clock
from mandaatwijzer.web import create_app

from ..oidc_provider import AUDIENCE, oidc_provider, provider_tamper
from ..serving import served
from .guide_pages import new_context
from .test_axe import assert_accessible

__all__ = ["oidc_provider", "provider_tamper"]


@pytest.fixture(scope="module")
def registry(oidc_provider: RunningProvider) -> RegistryContext:
    settings = Settings(database_url="memory:", demo=True, secret_key="browser",
                        access_log=False,
                        sign_in=SignInSettings(issuer=oidc_provider.issuer, client_id=AUDIENCE,
                                               client_secret="secret"))
    ctx = build_context(settings, access_index=True)
    demo.load_if_empty(ctx.units, Clock(datetime.now(UTC)))
    return ctx


@pytest.fixture(scope="module")
def app_url(registry: RegistryContext) -> Iterator[str]:
    with served(create_app(registry.settings, registry), "sign-in-flow") as url:
        yield url


def _sign_in(page: Page, name: str, lang: str = "nl", means: str | None = None) -> None:
    page.goto(f"/{lang}/registry/sign-in")
    page.locator('a[href^="/auth/sign-in"]').first.click()
    assert page.locator("h1").first.inner_text().startswith("Lokale aanmeldserver")
    if means is not None:
        page.locator(f'input[name="acr"][value="{means}"]').check()
    page.locator("button.person", has_text=name).click()
    page.wait_for_url(f"**/{lang}/registry/")


def _relation(registry: RegistryContext, key: str) -> tuple[str, str]:
    """(organisation id, work relation id) of a demo person's first work relation."""
    person = next(p for p in demo.PERSONS if p.key == key)
    with registry.units() as uow:
        found = uow.repo.person_by_number(NationalNumber.parse(person.national_number))
        assert found is not None
        relation = uow.repo.work_relations_of(found.id)[0]
        return relation.organisation_id, relation.id


def _rights(registry: RegistryContext, relation: str) -> list[str]:
    with registry.units() as uow:
        return [r.kind.value for r in uow.repo.rights_on([relation]) if r.withdrawn_by is None]


def test_sign_in_act_sign_out_and_sign_in_again(browser: Browser, app_url: str,
                                                registry: RegistryContext) -> None:
    context = new_context(browser, app_url, javascript=False)
    page = context.new_page()
    try:
        _sign_in(page, "Pieter Claes")
        assert "Pieter Claes" in page.content()

        # Act: grant Ahmed a right on the users page.
        org, relation = _relation(registry, "ahmed")
        page.goto(f"/nl/registry/organisations/{org}/users")
        page.select_option("#work_relation", relation)
        page.locator('input[name="kind"][value="SSM Mandaatuitvoerder"]').check()
        page.locator('form[action$="/users/grant"] button[type="submit"]').click()
        assert "SSM Mandaatuitvoerder" in _rights(registry, relation)

        old = next(c["value"] for c in context.cookies() if c["name"] == SESSION_COOKIE)
        # Sign out: the form's answer redirects to the provider (another origin).
        page.goto("/nl/registry/sign-in")
        page.locator('#main form[action$="/registry/sign-out"] button').click()
        page.wait_for_url("**/oauth2/end_session**")
        page.locator("button.primary").click()
        page.wait_for_url("**/nl/registry/signed-out**")
        assert page.locator("h1").inner_text() == "Je bent afgemeld"
        assert SESSION_COOKIE not in {c["name"] for c in context.cookies()}

        # The old cookie opens nothing any more.
        thief = new_context(browser, app_url, javascript=False)
        thief.add_cookies([{"name": SESSION_COOKIE, "value": old, "url": app_url}])
        answer = thief.new_page().goto("/nl/registry/")
        assert answer is not None
        assert answer.status == 401
        thief.close()

        _sign_in(page, "Pieter Claes")
        assert "Pieter Claes" in page.content()
    finally:
        context.close()


def test_a_sign_in_without_eid_is_sent_to_sign_in_again_with_eid(
        browser: Browser, app_url: str, registry: RegistryContext) -> None:
    context = new_context(browser, app_url, javascript=True)
    page = context.new_page()
    try:
        _sign_in(page, "Pieter Claes", "en", means=TOTP)
        org, relation = _relation(registry, "ahmed")
        before = _rights(registry, relation)
        page.goto(f"/en/registry/organisations/{org}/users")
        page.select_option("#work_relation", relation)
        page.locator('input[name="kind"][value="SSM Mandaatbeheerder"]').check()
        page.locator('form[action$="/users/grant"] button[type="submit"]').click()
        assert page.locator("h1").inner_text() == "This needs a sign-in with eID"
        assert _rights(registry, relation) == before
        assert_accessible(page)
        # The provider is asked for an eID: its page preselects the eID card reader.
        page.locator('a[href*="eid=1"]').first.click()
        assert page.locator('input[name="acr"][value$=":eid"]').is_checked()
        page.locator("button.person", has_text="Pieter Claes").click()
        # Back on the page of the form, now signed in with eID.
        page.wait_for_url(f"**/en/registry/organisations/{org}/users")
        page.goto("/en/registry/sign-in")
        assert "the eID card reader" in page.content()
        assert_accessible(page)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_sign_in_pages_have_no_axe_violations(browser: Browser, app_url: str,
                                                  lang: str) -> None:
    context = new_context(browser, app_url, javascript=True, locale=f"{lang}-BE")
    page = context.new_page()
    try:
        page.goto(f"/{lang}/registry/sign-in")
        assert_accessible(page)
        page.goto(f"/{lang}/registry/signed-out")
        assert_accessible(page)
        # No sign-in started: a refusal page, in the browser's language.
        page.goto("/auth/callback?code=x&state=y")
        assert page.locator("h1").inner_text() == {
            "nl": "Aanmelden is niet gelukt", "en": "Signing in did not succeed"}[lang]
        assert_accessible(page)
    finally:
        context.close()
