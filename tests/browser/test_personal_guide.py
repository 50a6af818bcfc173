"""Issue 14's "done when", in Chromium with JavaScript off on the demo dataset: signed in as
the demo's local administrator (Pieter Claes), from the home page to "Lotte Janssens krijgt
het recht ‘SSM Mandaatuitvoerder’" in at most five clicks, with one confirmation; the check
page for Lotte and a client of Dossierwerk Vlaanderen BV then answers yes, and the audit log
holds the grant. axe on the new pages, nl and en."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser

from mandaatwijzer.bootstrap import RegistryContext
from mandaatwijzer.registry import services
from mandaatwijzer.web import create_app

from ..e2e.registry import build, open_session
from ..serving import served
from .demo_pages import demo_person, demo_registry, demo_tab
from .guide_pages import LANGS, new_context
from .test_axe import assert_accessible


@pytest.fixture
def registry() -> RegistryContext:
    return demo_registry()


@pytest.fixture
def app_url(registry: RegistryContext) -> Iterator[str]:
    with served(create_app(registry.settings, registry), "personal-guide") as url:
        yield url




def test_the_local_administrator_grants_lotte_the_executor_right_in_five_clicks(
        browser: Browser, app_url: str, registry: RegistryContext) -> None:
    lotte = demo_person(registry, "lotte")
    with registry.units() as uow:
        dossierwerk = next(org for org in uow.repo.organisations_represented_by(
            demo_person(registry, "griet").id) if org.name.startswith("Dossierwerk"))
        client = next(m.giver.id for m in uow.repo.mandates_taken_by(dossierwerk.party)
                      if m.status(datetime.now(UTC).date()).value == "active")
    page = demo_tab(browser, app_url, registry, "pieter")
    page.goto("/nl/")
    clicks = 0

    def click(locator: object) -> None:
        nonlocal clicks
        clicks += 1
        locator.click()  # type: ignore[attr-defined]

    click(page.get_by_role("link", name="Een collega het recht ‘SSM Mandaatuitvoerder’ "
                                         "toekennen"))
    click(page.get_by_label("Lotte Janssens"))
    click(page.get_by_role("button", name="Verder naar de bevestiging"))
    main = page.locator("main").inner_text()
    assert "Lotte Janssens krijgt het recht ‘SSM Mandaatuitvoerder’ bij Dossierwerk " \
           "Vlaanderen BV vanaf" in main
    assert "toegang tot de dossiers van" in main
    click(page.get_by_role("button", name="Ja, ken ‘SSM Mandaatuitvoerder’ toe"))
    assert clicks <= 5
    assert "Lotte Janssens krijgt het recht ‘SSM Mandaatuitvoerder’ bij Dossierwerk " \
           "Vlaanderen BV." in page.locator("main").inner_text()
    page.goto(f"/nl/registry/check?person={lotte.id}&applicant={client}")
    assert page.locator("main").inner_text().count("Ja: Lotte Janssens mag de dossiers") == 1
    with registry.units() as uow:
        relation = next(r for r in uow.repo.work_relations_of(lotte.id)
                        if r.organisation_id == dossierwerk.id)
        rights = [r for r in uow.repo.rights_on([relation.id]) if r.withdrawn_on is None]
        assert [r.kind.value for r in rights] == ["SSM Mandaatuitvoerder"]
        events = uow.events_about([("right", rights[0].id)], 10)
        assert [e.action for e in events] == ["grant_right"]


#: A desktop and a phone.
WIDTHS = [1024, 390]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_personal_pages_are_accessible(browser: Browser, app_url: str,
                                           registry: RegistryContext, lang: str,
                                           width: int) -> None:
    page = demo_tab(browser, app_url, registry, "pieter", javascript=True)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"/{lang}/")
    assert_accessible(page)
    page.goto(f"/{lang}/flows/externe-dienstverlener/step")
    assert_accessible(page)
    page.goto(f"/{lang}/flows/externe-dienstverlener/step?uitvoerder-recht=ja")
    assert_accessible(page)
    page.get_by_label("Lotte Janssens").click()
    page.locator("form[action$='grant/confirm'] button").click()
    page.wait_for_url("**/grant/confirm?**")
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_request_pages_are_accessible(browser: Browser, app_url: str,
                                          registry: RegistryContext, lang: str,
                                          width: int) -> None:
    """Ahmed's request in the demo: asking (the confirmation) as Jonas, a user without the
    manager's right; deciding as Pieter, its local administrator."""
    with registry.units() as uow:
        dossierwerk = next(o.organisation_id for o in uow.repo.local_admin_roles_of(
            demo_person(registry, "pieter").id))
    requests = f"/{lang}/registry/organisations/{dossierwerk}/requests"
    page = demo_tab(browser, app_url, registry, "jonas", javascript=True)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{requests}/new?kind=SSM+Mandaatbeheerder")
    assert page.locator("form[action$='/requests'] button").count() == 1
    assert_accessible(page)
    page = demo_tab(browser, app_url, registry, "pieter", javascript=True)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(requests)
    assert page.locator("form[action$='/requests/decline']").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_organisation_choice_is_accessible(browser: Browser, lang: str,
                                               width: int) -> None:
    """Luc, a user of a second provider too, is asked for which one first."""
    world = build()
    services.add_work_relation(world.ctx.units(), world.ctx.clock, world.id("Otto"),
                               world.orgs["other"].id, world.id("Luc"))
    with served(world.client.app, "personal-guide-choice") as url:
        context = new_context(browser, url, javascript=True)
        context.add_cookies([{"name": "mw_session", "url": url, "httpOnly": True,
                              "sameSite": "Lax",
                              "value": open_session(world.ctx, world.people["Luc"])}])
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"/{lang}/flows/externe-dienstverlener/step")
        assert page.locator("main a[href*='/organisation?id=']").count() == 2
        assert_accessible(page)
