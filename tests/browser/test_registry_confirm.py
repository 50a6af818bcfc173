"""The confirmation pages in Chromium: a stop walked through with JavaScript off as the
applicant's legal representative (cancel, confirm, the same confirmation submitted again from
a second tab), and axe on every confirmation page and on the "nothing was changed" page, nl
and en."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from playwright.sync_api import Browser

from mandaatwijzer.registry.ports import Repository

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
    with served(world.client.app, "registry-confirm") as url:
        yield url


def _stopped_at(world: World, mandate_id: str) -> datetime | None:
    def read(repo: Repository) -> datetime | None:
        found = repo.mandate(mandate_id)
        assert found is not None
        return found.stopped_at
    return world.read(read)


def test_walking_a_stop_the_confirmation_changes_nothing_until_confirmed_and_once(
        browser: Browser) -> None:
    world = build()
    mandate = world.mandates["bakery"].id
    bakery = world.orgs["bakery"]
    with served(world.client.app, "registry-confirm-walk") as url:
        context = signed_in_context(browser, url, world, "Bart", javascript=False)
        try:
            page = context.new_page()
            listing = f"/nl/registry/parties/{bakery.id}/mandates"
            opened(page, listing, "nl")
            page.get_by_role("button", name="Stopzetten").click()
            page.wait_for_url(f"**{listing}/stop?mandate={mandate}")
            main = page.locator("main")
            assert main.locator("h1").inner_text() == "Dit mandaat stopzetten?"
            assert ("Emil Executor verliest vanaf 3 maart 2025 de toegang tot de dossiers van: "
                    "Bakkerij NV.") in main.inner_text()
            assert world.mandate_state(mandate)[0] == "active"
            page.get_by_role("link", name="Annuleren").click()
            page.wait_for_url(f"**{listing}")
            assert world.mandate_state(mandate)[0] == "active"
            page.get_by_role("button", name="Stopzetten").click()
            # The same confirmation in a second tab, as a second window or a double click
            # would send it again.
            second = context.new_page()
            opened(second, page.url.split(url, 1)[1], "nl")
            page.get_by_role("button", name="Ja, stopzetten").click()
            page.wait_for_url(f"**{listing}?done=stopped")
            assert "Het mandaat is stopgezet." in page.locator("main").inner_text()
            assert world.mandate_state(mandate)[:2] == ("stopped", world.id("Bart"))
            after = _stopped_at(world, mandate)
            second.get_by_role("button", name="Ja, stopzetten").click()
            second.wait_for_load_state()
            main = second.locator("main")
            assert main.locator("h1").inner_text() == "Er is niets veranderd"
            assert "Dit mandaat was al stopgezet, door Bart Baker op 3 maart 2025." in \
                main.inner_text()
            assert _stopped_at(world, mandate) == after
            second.get_by_role("link", name="Terug naar de lijst").click()
            second.wait_for_url(f"**{listing}")
        finally:
            context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_confirmation_pages_have_no_axe_violations(
        browser: Browser, registry_url: str, world: World, lang: str) -> None:
    provider, bakery = world.orgs["provider"], world.orgs["bakery"]
    right = world.read(lambda repo: repo.rights_on(
        [repo.work_relations_of(world.id("Emil"))[0].id])[0].id)
    anna = world.mandates["anna"].id
    pages = {
        "Luc": [f"/{lang}/registry/organisations/{provider.id}/users/withdraw?right={right}"],
        "Bart": [f"/{lang}/registry/parties/{bakery.id}/mandates/stop"
                 f"?mandate={world.mandates['bakery'].id}"],
        "Mia": [f"/{lang}/registry/parties/{provider.id}/signatures/confirm"
                f"?mandate={anna}&decision={decision}" for decision in ("sign", "refuse")],
    }
    for name, paths in pages.items():
        context = signed_in_context(browser, registry_url, world, name, javascript=True)
        try:
            page = context.new_page()
            for path in paths:
                opened(page, path, lang)
                assert page.locator("main form button[type=submit]").count() == 1
                assert_accessible(page)
        finally:
            context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_nothing_was_changed_page_has_no_axe_violations(
        browser: Browser, lang: str) -> None:
    """A withdrawal confirmed twice: the second answer, checked by axe."""
    world = build()
    provider = world.orgs["provider"]
    right = world.read(lambda repo: repo.rights_on(
        [repo.work_relations_of(world.id("Emil"))[0].id])[0].id)
    with served(world.client.app, "registry-confirm-done") as url:
        context = signed_in_context(browser, url, world, "Luc", javascript=True)
        try:
            page = context.new_page()
            confirm = f"/{lang}/registry/organisations/{provider.id}/users/withdraw?right={right}"
            opened(page, confirm, lang)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url("**/users?done=withdrawn")
            opened(page, confirm, lang)
            assert page.locator("main form").count() == 0  # already withdrawn: the notice
            assert_accessible(page)
        finally:
            context.close()
