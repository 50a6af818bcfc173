"""The registry's mandate tasks on the web (issue 13, item 4), walked in Chromium with
JavaScript off: a new mandate from either side with a person found by national register
number, a transfer proposed and accepted, an applicant's KIOSK dossiers; and refused to one
the rules do not allow.

As in test_registry_tasks.py, each person clicks buttons and links by their Dutch names and
fills fields by their labels; afterwards the registry itself is read. A confirmation page's
consequence (who gains or loses access to which applicant's dossiers) is read off the page and
compared with what the registry decides for every person and applicant before and after.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from mandaatwijzer.registry import services
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.ports import Repository

from ..e2e.registry import TODAY, World, build
from ..serving import served
from .registry_pages import main_text, opened, tab_of
from .test_registry_tasks import (
    GAINS,
    LOSES,
    REFUSED_NL,
    TODAY_NL,
    Access,
    _access,
    _refused_by_hand,
    _shown,
)

#: What a transfer would change once accepted, as its confirmation says it (no day yet).
WOULD_LOSE = re.compile(r"^(?P<person>.+) verliest de toegang tot de dossiers van: "
                        r"(?P<applicants>.+)\.$")
NOTHING_CHANGED_NL = "Er is niets veranderd"


def _mandates(world: World, party: str) -> str:
    return f"/nl/registry/parties/{world.id(party)}/mandates"


def _between(world: World, giver: str, taker: str) -> list[tuple[str, str, str | None]]:
    """(id, status today, last day) of each mandate `giver` gave `taker`."""
    def read(repo: Repository) -> list[tuple[str, str, str | None]]:
        giver_party = world.people[giver].party if giver in world.people \
            else world.orgs[giver].party
        return [(m.id, m.status(TODAY).value,
                 m.period.end.isoformat() if m.period.end else None)
                for m in repo.mandates_given_by(giver_party) if m.taker.id == world.id(taker)]
    return world.read(read)


def _pending(world: World, mandate: str) -> str | None:
    """The id of the party a transfer of the mandate is proposed to, if any."""
    def read(repo: Repository) -> str | None:
        found = repo.mandate(mandate)
        assert found is not None
        return found.pending_transfer_to.id if found.pending_transfer_to else None
    return world.read(read)


def _listed(page: Page, sentence: re.Pattern[str]) -> Access:
    """(person, applicant) of each sentence of the page's consequence lists that `sentence`
    matches (a list may also say that nobody gains or loses)."""
    listed: Access = set()
    for item in page.locator("main ul.consequence li").all_inner_texts():
        found = sentence.match(" ".join(item.split()))
        if found is not None:
            listed |= {(found["person"], applicant)
                       for applicant in found["applicants"].split(", ")}
    return listed


@pytest.fixture(scope="module")
def shared() -> World:
    """The world the refusals share: none of them may change it."""
    return build()


@pytest.fixture(scope="module")
def shared_url(shared: World) -> Iterator[str]:
    with served(shared.client.app, "registry-mandate-tasks") as url:
        yield url


# --- a new mandate, from either side ---------------------------------------------------------

def test_anna_gives_otto_a_mandate_found_by_his_national_register_number(
        browser: Browser) -> None:
    world = build()
    number = world.numbers["Otto"]
    with served(world.client.app, "mandate-give") as url, tab_of(browser, url, world,
                                                                  "Anna") as page:
        opened(page, "/nl/registry/")
        page.get_by_role("link", name="Mandaten geven of stopzetten voor jezelf").click()
        assert page.url.endswith(_mandates(world, "Anna"))
        page.get_by_label("Rijksregisternummer van de persoon").fill(number)
        page.get_by_role("button", name="Zoek de persoon").click()
        page.wait_for_url(f"**{_mandates(world, 'Anna')}/find")
        assert page.get_by_role("heading", name="Persoon gevonden").count() == 1
        rows = dict(zip(page.locator("main .summary-list__key").all_inner_texts(),
                        page.locator("main .summary-list__value").all_inner_texts(),
                        strict=True))
        assert rows == {"Naam": "Otto Other",
                        "Rijksregisternummer": NationalNumber(number).masked}
        # Posted, shown masked: the full number is neither on the page nor in its address.
        html = page.content()
        for written in (number, NationalNumber(number).formatted):
            assert written not in html
            assert written not in page.url
        page.get_by_label("Laatste dag van het mandaat (niet verplicht)").fill("2025-12-31")
        page.get_by_role("button", name="Het mandaat geven aan Otto Other").click()
        page.wait_for_url(f"**{_mandates(world, 'Anna')}?done=given")
        assert "Het mandaat is gegeven. Het wordt actief zodra de mandaatnemer het " \
               "ondertekent." in main_text(page)
        given = page.get_by_role("table", name="Mandaten gegeven door Anna Applicant")
        assert "Otto Other" in given.inner_text()
        assert number not in page.url
    [(_, status, last_day)] = _between(world, "Anna", "Otto")
    assert (status, last_day) == ("awaiting_taker", "2025-12-31")


def test_mia_asks_otto_for_a_mandate_and_his_signature_gives_the_access_shown(
        browser: Browser) -> None:
    world = build()
    before = _access(world)
    with served(world.client.app, "mandate-ask") as url:
        with tab_of(browser, url, world, "Mia") as page:
            opened(page, "/nl/registry/")
            page.get_by_role("link", name="Mandaten geven of stopzetten van Provider BV"
                             ).click()
            page.get_by_label("Rijksregisternummer van de persoon").fill(world.numbers["Otto"])
            page.get_by_role("button", name="Zoek de persoon").click()
            page.wait_for_url("**/mandates/find")
            # A provider cannot give a person a mandate: it is told so, and may ask for one.
            assert page.get_by_role("button", name="Het mandaat geven aan Otto Other"
                                    ).count() == 0
            assert "Je kunt Otto Other geen mandaat geven: Provider BV kan alleen een mandaat " \
                   "geven aan een externe dienstverlener, niet aan een persoon." \
                   in main_text(page)
            page.get_by_role("button", name="Vraag Otto Other om een mandaat").click()
            page.wait_for_url(f"**{_mandates(world, 'provider')}?done=asked")
            assert "Het mandaat is gevraagd. Het wordt actief zodra de mandaatgever het " \
                   "ondertekent." in main_text(page)
        [(mandate, status, _)] = _between(world, "Otto", "provider")
        assert status == "awaiting_giver"
        assert _access(world) == before

        with tab_of(browser, url, world, "Otto") as page:
            opened(page, "/nl/registry/")
            page.get_by_role("link", name="Mandaten die op je eigen handtekening wachten"
                             ).click()
            assert page.locator("main h2").all_inner_texts() == [
                "KIOSK-mandaat van Otto Other aan Provider BV"]
            page.get_by_role("button", name=re.compile(r"^Ondertekenen")).click()
            page.wait_for_url(f"**/signatures/confirm?mandate={mandate}&decision=sign")
            assert page.locator("main h1").inner_text() == "Dit mandaat ondertekenen?"
            assert "Je ondertekent voor Otto Other." in main_text(page)
            shown = _shown(page, GAINS)
            assert shown == {("Emil Executor", "Otto Other")}
            assert _access(world) == before  # the confirmation page changes nothing
            page.get_by_role("button", name="Ja, ondertekenen").click()
            page.wait_for_url("**/signatures?done=signed")
            assert "Het mandaat is ondertekend." in main_text(page)
    assert _between(world, "Otto", "provider")[0][1] == "active"
    assert _access(world) - before == shown
    assert before - _access(world) == set()


# --- a transfer ------------------------------------------------------------------------------

def test_bart_transfers_the_bakery_mandate_and_exactly_the_access_listed_is_lost(
        browser: Browser) -> None:
    world = build()
    bakery = world.mandates["bakery"].id
    other = world.orgs["other"]
    assert other.enterprise_number is not None
    listing = _mandates(world, "bakery")
    before = _access(world)
    with served(world.client.app, "mandate-transfer") as url:
        with tab_of(browser, url, world, "Bart") as page:
            opened(page, "/nl/registry/")
            page.get_by_role("link", name="Mandaten geven of stopzetten van Bakkerij NV"
                             ).click()
            assert page.url.endswith(listing)
            # The button's Dutch name: test_the_dutch_transfer_button_says_what_it_does.
            transfer = page.locator('main form[action$="/mandates/transfer"] button')
            assert transfer.count() == 1
            assert re.fullmatch(r".+: KIOSK-mandaat van Bakkerij NV aan Provider BV",
                                " ".join(transfer.inner_text().split()))
            transfer.click()
            page.wait_for_url(f"**{listing}/transfer?mandate={bakery}")
            assert page.locator("main h1").inner_text() == "Dit mandaat overdragen?"
            page.get_by_label("Ondernemingsnummer van de nieuwe dienstverlener").fill(
                other.enterprise_number.formatted)
            page.get_by_role("button", name="Dienstverlener zoeken").click()
            page.wait_for_url(f"**{listing}/transfer?mandate={bakery}&enterprise_number=*")
            text = main_text(page)
            assert ("Er verandert nog niets: Other Consult (ondernemingsnummer "
                    f"{other.enterprise_number.formatted}) moet de overdracht eerst "
                    "aanvaarden, en mag ze weigeren.") in text
            assert "Wie toegang krijgt en verliest als ze aanvaard is" in text
            would_lose = _listed(page, WOULD_LOSE)
            assert would_lose == {("Emil Executor", "Bakkerij NV")}
            would_gain = _listed(page, re.compile(
                r"^(?P<person>.+) krijgt toegang tot de dossiers van: (?P<applicants>.+)\.$"))
            assert would_gain == set()  # Other Consult has no executor
            assert "Niemand krijgt er toegang tot dossiers door." in text
            # The confirmation page changes nothing.
            assert _pending(world, bakery) is None
            assert _access(world) == before

            # The same confirmation open in a second tab, confirmed after the first.
            second = page.context.new_page()
            opened(second, page.url)
            page.get_by_role("button", name="Ja, stel de overdracht aan Other Consult voor"
                             ).click()
            page.wait_for_url(f"**{listing}?done=offered")
            assert "De overdracht is voorgesteld. Het mandaat blijft bij de huidige " \
                   "mandaatnemer tot de nieuwe dienstverlener het aanvaardt." in main_text(page)
            assert "Overdracht aan Other Consult voorgesteld" in main_text(page)
            with second.expect_navigation() as answer:
                second.get_by_role("button", name="Ja, stel de overdracht aan Other Consult "
                                                  "voor").click()
            assert answer.value is not None
            assert answer.value.status == 200
            assert second.locator("main h1").inner_text() == NOTHING_CHANGED_NL
            assert "De overdracht van dit mandaat aan Other Consult was al voorgesteld." \
                in main_text(second)
        assert _pending(world, bakery) == other.party.id
        with world.ctx.units() as uow:
            events = uow.events_about([("mandate", bakery)], 100)
            assert [e.action for e in events].count("transfer_mandate") == 1
        assert _access(world) == before  # still with Provider BV until Other Consult accepts

        with tab_of(browser, url, world, "Otto") as page:
            opened(page, "/nl/registry/")
            page.get_by_role("link", name="Mandaten die op ondertekening wachten van Other "
                                          "Consult").click()
            assert page.locator("main h2").all_inner_texts() == [
                "KIOSK-mandaat van Bakkerij NV aan Provider BV"]
            assert page.get_by_role("button", name=re.compile(r"^Weigeren")).count() == 0
            page.get_by_role("button", name=re.compile(r"^Ondertekenen")).click()
            page.wait_for_url(f"**/signatures/confirm?mandate={bakery}&decision=sign")
            assert page.locator("main h1").inner_text() == \
                "De overdracht van dit mandaat aanvaarden?"
            assert (f"Vanaf {TODAY_NL} gaat het mandaat van Provider BV naar Other Consult."
                    in main_text(page))
            assert _shown(page, LOSES) == would_lose
            page.get_by_role("button", name="Ja, aanvaarden").click()
            page.wait_for_url("**/signatures?done=signed")
    assert world.mandate_state(bakery)[0] == "transferred"
    assert [status for _, status, _ in _between(world, "bakery", "other")] == ["active"]
    after = _access(world)
    assert before - after == would_lose
    assert after - before == would_gain


def test_the_dutch_transfer_button_says_what_it_does(browser: Browser, shared: World,
                                                     shared_url: str) -> None:
    """Like 'Stopzetten' beside it, the button names the act: 'Overdragen'."""
    with tab_of(browser, shared_url, shared, "Bart") as page:
        opened(page, _mandates(shared, "bakery"))
        assert page.get_by_role("button", name=re.compile(
            r"^Overdragen\W+KIOSK-mandaat van Bakkerij NV aan Provider BV$")).count() == 1


def test_emil_may_not_open_the_mandates_or_propose_a_transfer(
        browser: Browser, shared: World, shared_url: str) -> None:
    bakery = shared.mandates["bakery"].id
    number = shared.orgs["other"].enterprise_number
    assert number is not None
    provider = _mandates(shared, "provider")
    before = _access(shared), shared.mandate_state(bakery)
    with tab_of(browser, shared_url, shared, "Emil") as page:
        opened(page, provider, "nl", 403)
        assert page.locator("main h1").inner_text() == REFUSED_NL
        assert "Emil Executor mag niet ondertekenen voor Provider BV" in main_text(page)
        opened(page, f"{provider}/transfer?mandate={bakery}&enterprise_number={number.value}",
               "nl", 403)
        assert page.locator("main h1").inner_text() == REFUSED_NL
        assert page.get_by_role("button", name=re.compile("^Ja, stel")).count() == 0
        _refused_by_hand(page, f"{provider}/transfer", {
            "mandate": bakery, "enterprise_number": number.value, "confirmed": "transfer"})
    assert _pending(shared, bakery) is None
    assert (_access(shared), shared.mandate_state(bakery)) == before


# --- KIOSK dossiers --------------------------------------------------------------------------

def test_emil_opens_a_clients_dossiers_and_eva_is_refused_with_the_check(
        browser: Browser) -> None:
    world = build()
    bakery = world.orgs["bakery"]
    units, clock = world.ctx.units, world.ctx.clock
    for title, status in [("Werkingssubsidie 2025", "submitted"), ("Aanvraag 2026", "draft")]:
        services.add_dossier(units(), clock, bakery.party, title, status)
    services.add_dossier(units(), clock, world.people["Anna"].party, "Dossier van Anna")
    dossiers = f"/nl/registry/applicants/{bakery.id}/dossiers"
    with served(world.client.app, "mandate-dossiers") as url:
        with tab_of(browser, url, world, "Emil") as page:
            opened(page, "/nl/registry/")
            applicants = page.locator(
                "main h2:text-is('Aanvragers van wie je de dossiers mag beheren') + ul > li")
            # His own, and those of the clients whose mandate his provider holds.
            names = applicants.locator("a[href$='/dossiers']").all_inner_texts()
            assert sorted(names) == sorted(name for person, name in _access(world)
                                           if person == "Emil Executor")
            assert "Bakkerij NV" in names
            applicants.get_by_role("link", name="Bakkerij NV", exact=True).click()
            page.wait_for_url(f"**{dossiers}")
            assert page.locator("main h1").inner_text() == "KIOSK-dossiers van Bakkerij NV"
            rows = [[" ".join(cell.split()) for cell in row.locator("td").all_inner_texts()]
                    for row in page.locator("main table tbody tr").all()]
            assert rows == [["Aanvraag 2026", "in voorbereiding"],
                            ["Werkingssubsidie 2025", "ingediend"]]
            assert "Dossier van Anna" not in page.content()

        with tab_of(browser, url, world, "Eva") as page:
            opened(page, dossiers, "nl", 403)
            assert page.locator("main h1").inner_text() == REFUSED_NL
            assert "Eva Employee mag de dossiers van Bakkerij NV niet beheren" \
                in main_text(page)
            assert "Werkingssubsidie" not in page.content()
            page.get_by_role("link", name="Wat ontbreekt, en wie dat kan oplossen").click()
            page.wait_for_url(f"**/nl/registry/check?person={world.id('Eva')}"
                              f"&applicant={bakery.id}")
            assert (f"Nee: Eva Employee mag de dossiers van Bakkerij NV niet beheren op "
                    f"{TODAY_NL}") in main_text(page)
