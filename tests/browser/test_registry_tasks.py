"""The registry's everyday tasks on the web (issue 13, item 4), walked in Chromium with
JavaScript off by the person the rules allow, and refused to one they do not allow.

Each person clicks the buttons and links by their Dutch names and fills fields by their labels;
afterwards the registry itself is read (not the page): the work relation, the right with its
days, the local administrator, the mandate. A confirmation page's consequence (who gains or
loses access to which applicant's dossiers, from which day) is read off the page and compared
with what the registry decides for every person and applicant before and after the change.

A test that changes the registry builds its own world (tests/e2e/registry.py); the refusals
share one, and check that it did not change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Locator, Page

from mandaatwijzer.api.registry import CSRF_FIELD
from mandaatwijzer.registry import queries, services
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.ports import Repository

from ..e2e.dutch import problems, visible_text
from ..e2e.registry import TODAY, World, build
from ..serving import served
from ..unit.registry.scenario import national_number
from .registry_pages import main_text, opened, tab_of

TODAY_NL = "3 maart 2025"
REFUSED_NL = "Je mag dit niet doen"
#: A consequence as the confirmation pages say it, in Dutch.
LOSES = re.compile(r"^(?P<person>.+) verliest vanaf (?P<day>.+) de toegang tot de dossiers "
                   r"van: (?P<applicants>.+)\.$")
GAINS = re.compile(r"^(?P<person>.+) krijgt vanaf (?P<day>.+) toegang tot de dossiers "
                   r"van: (?P<applicants>.+)\.$")

Access = set[tuple[str, str]]


# --- reading the registry --------------------------------------------------------------------

def _access(world: World, day: date = TODAY) -> Access:
    """(person, applicant): whose dossiers each person of the world may manage on `day`, as
    the registry decides it (the check page's decision)."""
    applicants = [(org.party, org.name) for org in world.orgs.values()] + \
        [(person.party, person.name) for person in world.people.values()]

    def read(repo: Repository) -> Access:
        return {(person.name, name) for person in world.people.values()
                for party, name in applicants
                if queries.may_manage(repo, person.id, party, day).allowed}
    return world.read(read)


def _relations(world: World, number: str) -> list[tuple[str, str, date, date | None]]:
    """(name, organisation, start, end) of the work relations of the person with `number`."""
    def read(repo: Repository) -> list[tuple[str, str, date, date | None]]:
        person = repo.person_by_number(NationalNumber(number))
        if person is None:
            return []
        return [(person.name, relation.organisation_id, relation.period.start,
                 relation.period.end) for relation in repo.work_relations_of(person.id)]
    return world.read(read)


def _rights(world: World, name: str) -> list[tuple[str, date, date | None, date | None]]:
    """(kind, start, end, withdrawn on) of the rights of `name`'s work relations."""
    def read(repo: Repository) -> list[tuple[str, date, date | None, date | None]]:
        relations = [r.id for r in repo.work_relations_of(world.id(name))]
        return [(right.kind.value, right.period.start, right.period.end, right.withdrawn_on)
                for right in repo.rights_on(relations)]
    return world.read(read)


def _local_admins(world: World) -> set[str]:
    """The names of Provider BV's local administrators today."""
    def read(repo: Repository) -> set[str]:
        found = set()
        for admin in repo.local_admins_of(world.orgs["provider"].id):
            person = repo.person(admin.person_id)
            if admin.active(TODAY) and person is not None:
                found.add(person.name)
        return found
    return world.read(read)


# --- reading the pages -----------------------------------------------------------------------

def _shown(page: Page, sentence: re.Pattern[str]) -> Access:
    """The consequence the confirmation page states: (person, applicant) of each of its
    sentences, each from today."""
    shown: Access = set()
    for item in page.locator("main ul.consequence li").all_inner_texts():
        found = sentence.match(" ".join(item.split()))
        assert found is not None, item
        assert found["day"] == TODAY_NL, item
        shown |= {(found["person"], applicant)
                  for applicant in found["applicants"].split(", ")}
    return shown


def _users(world: World) -> str:
    return f"/nl/registry/organisations/{world.orgs['provider'].id}/users"


def _form(page: Page, heading: str) -> Locator:
    """The form a heading names (its aria-labelledby), to fill its fields by label."""
    return page.get_by_role("form", name=heading)


def _refused_by_hand(page: Page, path: str, fields: dict[str, str]) -> str:
    """A form the page does not offer, posted anyway in the person's session with its CSRF
    token (an old tab, a form copied from someone else's page): refused (403) with a Dutch
    page; the text a person reads on it."""
    token = page.locator(f'input[name="{CSRF_FIELD}"]').first.get_attribute("value")
    assert token
    response = page.request.post(path, form={CSRF_FIELD: token, **fields},
                                 max_redirects=0)
    text = response.text()
    assert response.status == 403, text
    assert REFUSED_NL in text
    assert problems(text) == []
    return visible_text(text)


@pytest.fixture(scope="module")
def shared() -> World:
    """The world the refusals share: none of them may change it."""
    return build()


@pytest.fixture(scope="module")
def shared_url(shared: World) -> Iterator[str]:
    with served(shared.client.app, "registry-tasks") as url:
        yield url


# --- users and their work relations ----------------------------------------------------------

def test_luc_adds_a_registered_and_a_new_colleague_with_the_days_of_their_work(
        browser: Browser) -> None:
    world = build()
    provider = world.orgs["provider"].id
    new = national_number(500)
    with served(world.client.app, "tasks-add") as url, tab_of(browser, url, world,
                                                               "Luc") as page:
        opened(page, _users(world))  # the way there: Rita's walk below
        add = _form(page, "Een gebruiker toevoegen")
        # Otto is registered (he represents Other Consult): his number is enough.
        add.get_by_label("Rijksregister- of BIS-nummer").fill(
            NationalNumber(world.numbers["Otto"]).formatted)
        add.get_by_label("Werkt hier vanaf welke dag?").fill("2025-03-01")
        add.get_by_label("Tot welke dag?").fill("2026-12-07")
        add.get_by_role("button", name="De gebruiker toevoegen").click()
        page.wait_for_url(f"**{_users(world)}?done=added")
        assert "De gebruiker is toegevoegd." in main_text(page)
        otto = page.locator("main h2").filter(has_text="Otto Other")
        assert " ".join(otto.inner_text().split()) == (
            "Otto Other Rijksregisternummer "
            f"{NationalNumber(world.numbers['Otto']).masked} · "
            "1 maart 2025 tot en met 7 december 2026")
        assert _relations(world, world.numbers["Otto"]) == [
            ("Otto Other", provider, date(2025, 3, 1), date(2026, 12, 7))]

        # Nora is not registered: without a name the form asks for it and keeps the number.
        add = _form(page, "Een gebruiker toevoegen")
        add.get_by_label("Rijksregister- of BIS-nummer").fill(new)
        add.get_by_label("Tot welke dag?").fill("2025-12-31")
        add.get_by_role("button", name="De gebruiker toevoegen").click()
        page.wait_for_load_state()
        add = _form(page, "Een gebruiker toevoegen")
        assert page.locator("#name-error").inner_text().endswith(
            "Deze persoon is nog niet geregistreerd: vul de voor- en achternaam in om hem of "
            "haar te registreren en als gebruiker toe te voegen")
        assert _relations(world, new) == []
        assert add.get_by_label("Rijksregister- of BIS-nummer").input_value() == \
            NationalNumber(new).formatted
        assert add.get_by_label("Tot welke dag?").input_value() == "2025-12-31"
        add.get_by_label("Voor- en achternaam").fill("Nora Nieuw")
        add.get_by_role("button", name="De gebruiker toevoegen").click()
        page.wait_for_url(f"**{_users(world)}?done=added")
        nora = page.locator("main h2").filter(has_text="Nora Nieuw")
        assert " ".join(nora.inner_text().split()) == (
            f"Nora Nieuw Rijksregisternummer {NationalNumber(new).masked} · "
            "3 maart 2025 tot en met 31 december 2025")
        html = page.content()
        assert NationalNumber(new).formatted not in html
        assert new not in html
        assert new not in page.url
    assert _relations(world, new) == [("Nora Nieuw", provider, TODAY, date(2025, 12, 31))]


def test_eva_may_not_see_or_change_the_users(browser: Browser, shared: World,
                                             shared_url: str) -> None:
    before = _access(shared), _rights(shared, "Eva")
    with tab_of(browser, shared_url, shared, "Eva") as page:
        opened(page, _users(shared), "nl", 403)
        assert page.locator("main h1").inner_text() == REFUSED_NL
        assert "Eva Employee is geen lokale beheerder en geen wettelijke vertegenwoordiger " \
               "van Provider BV" in main_text(page)
        assert page.get_by_role("form", name="Een gebruiker toevoegen").count() == 0
        _refused_by_hand(page, _users(shared) + "/add", {
            "national_number": shared.numbers["Otto"], "relation_start": "",
            "relation_end": ""})
        _refused_by_hand(page, _users(shared) + "/grant", {
            "work_relation": shared.eva_relation(), "kind": "SSM Mandaatuitvoerder",
            "start": "", "end": ""})
    assert _relations(shared, shared.numbers["Otto"]) == []
    assert (_access(shared), _rights(shared, "Eva")) == before


# --- rights ----------------------------------------------------------------------------------

def test_luc_grants_a_right_from_and_until_the_days_he_chooses(browser: Browser) -> None:
    world = build()
    with served(world.client.app, "tasks-grant") as url, tab_of(browser, url, world,
                                                                 "Luc") as page:
        opened(page, _users(world))
        grant = _form(page, "Een recht toekennen")
        grant.get_by_label("Gebruiker").select_option(label="Eva Employee")
        grant.get_by_label("‘SSM Mandaatuitvoerder’").check()
        grant.get_by_label("Vanaf welke dag?").fill("2025-04-01")
        grant.get_by_label("Tot welke dag?").fill("2025-03-31")  # before the start
        grant.get_by_role("button", name="Het recht toekennen").click()
        page.wait_for_load_state()
        error = page.locator("#end-error")
        assert error.count() == 1
        assert "vóór het begin" in error.inner_text()
        assert page.locator(".error-summary a[href='#end']").count() == 1
        assert page.locator("#start-error").count() == 0
        assert _rights(world, "Eva") == []

        grant = _form(page, "Een recht toekennen")  # kept as filled in
        assert grant.get_by_label("Gebruiker").input_value() == world.eva_relation()
        assert grant.get_by_label("Vanaf welke dag?").input_value() == "2025-04-01"
        grant.get_by_label("Tot welke dag?").fill("2026-12-07")
        grant.get_by_role("button", name="Het recht toekennen").click()
        page.wait_for_url(f"**{_users(world)}?done=granted")
        assert "Het recht is toegekend." in main_text(page)
        eva = page.locator("main dl").filter(
            has=page.get_by_role("link", name="‘SSM Mandaatuitvoerder’ van Eva Employee"))
        assert "1 april 2025 tot en met 7 december 2026" in eva.inner_text()
    assert _rights(world, "Eva") == [
        ("SSM Mandaatuitvoerder", date(2025, 4, 1), date(2026, 12, 7), None)]


def test_luc_grants_a_right_in_english(browser: Browser) -> None:
    """The one English walk: the same form, its labels and days in English."""
    world = build()
    with served(world.client.app, "tasks-grant-en") as url, tab_of(browser, url, world,
                                                                    "Luc") as page:
        opened(page, "/en/registry/", "en")
        page.get_by_role("link", name="Manage users and rights").click()
        grant = _form(page, "Grant a right")
        grant.get_by_label("User").select_option(label="Eva Employee")
        grant.get_by_label("‘SSM Mandaatuitvoerder’").check()
        grant.get_by_label("Until which day?").fill("2026-12-07")
        grant.get_by_role("button", name="Grant the right").click()
        page.wait_for_url("**/en/registry/organisations/*/users?done=granted")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "The right was granted." in main_text(page)
        eva = page.locator("main dl").filter(
            has=page.get_by_role("link", name="‘SSM Mandaatuitvoerder’ of Eva Employee"))
        assert "3 March 2025 to 7 December 2026" in eva.inner_text()
    assert _rights(world, "Eva") == [("SSM Mandaatuitvoerder", TODAY, date(2026, 12, 7), None)]


def test_luc_withdraws_a_right_and_exactly_the_access_shown_is_lost(
        browser: Browser) -> None:
    world = build()
    before = _access(world)
    with served(world.client.app, "tasks-withdraw") as url, tab_of(browser, url, world,
                                                                    "Luc") as page:
        opened(page, _users(world))
        page.get_by_role("button", name="Intrekken ‘SSM Mandaatuitvoerder’ bij Emil "
                                        "Executor").click()
        page.wait_for_url("**/users/withdraw?right=*")
        assert page.locator("main h1").inner_text() == \
            "‘SSM Mandaatuitvoerder’ intrekken bij Emil Executor?"
        assert (f"Vanaf {TODAY_NL} heeft Emil Executor niet langer ‘SSM Mandaatuitvoerder’ "
                "bij Provider BV.") in main_text(page)
        shown = _shown(page, LOSES)
        assert shown == {("Emil Executor", "Bakkerij NV")}
        assert _access(world) == before  # the confirmation page changes nothing
        page.get_by_role("button", name="Ja, intrekken").click()
        page.wait_for_url(f"**{_users(world)}?done=withdrawn")
        assert "Het recht is ingetrokken." in main_text(page)
        assert page.get_by_role("button", name=re.compile("Emil Executor")).count() == 0
    assert before - _access(world) == shown
    assert _access(world) - before == set()
    assert _rights(world, "Emil") == [("SSM Mandaatuitvoerder", TODAY, None, TODAY)]


def test_the_check_page_says_who_lost_access_in_words(browser: Browser) -> None:
    """After a withdrawal, the check page Luc opens for Emil and Bakkerij NV says no, in
    Dutch, without ids. Fetched, not navigated: the page is read here, in the test."""
    world = build()
    emil = world.read(lambda repo: repo.work_relations_of(world.id("Emil"))[0].id)
    right = world.read(lambda repo: repo.rights_on([emil])[0].id)
    services.withdraw_right(world.ctx.units(), world.ctx.clock, world.id("Luc"), right)
    with served(world.client.app, "tasks-check") as url, tab_of(browser, url, world,
                                                                 "Luc") as page:
        response = page.request.get(f"/nl/registry/check?person={world.id('Emil')}"
                                    f"&applicant={world.orgs['bakery'].id}")
        assert response.status == 200
        text = visible_text(response.text())
        assert (f"Nee: Emil Executor mag de dossiers van Bakkerij NV niet beheren op "
                f"{TODAY_NL}") in text
        assert problems(response.text()) == []
        assert "(dat recht werd ingetrokken op 3 maart 2025)" in text


# --- local administrators --------------------------------------------------------------------

def test_rita_appoints_a_local_administrator(browser: Browser) -> None:
    world = build()
    with served(world.client.app, "tasks-appoint") as url, tab_of(browser, url, world,
                                                                   "Rita") as page:
        opened(page, "/nl/registry/")
        page.get_by_role("link", name="Gebruikers en rechten beheren").click()
        appoint = _form(page, "Een lokale beheerder aanstellen")
        appoint.get_by_label("Gebruiker").select_option(label="Mia Manager")
        appoint.get_by_role("button", name="Aanstellen").click()
        page.wait_for_url(f"**{_users(world)}?done=appointed")
        assert "De lokale beheerder is aangesteld." in main_text(page)
    assert _local_admins(world) == {"Luc Admin", "Mia Manager"}


def test_luc_may_not_appoint_a_local_administrator(browser: Browser, shared: World,
                                                   shared_url: str) -> None:
    with tab_of(browser, shared_url, shared, "Luc") as page:
        opened(page, _users(shared))
        assert page.get_by_role("form", name="Een lokale beheerder aanstellen").count() == 0
        text = _refused_by_hand(page, _users(shared) + "/appoint",
                                       {"administrator": shared.id("Eva")})
        assert "een wettelijke vertegenwoordiger van Provider BV stelt er de lokale " \
               "beheerders aan" in text
    assert _local_admins(shared) == {"Luc Admin"}


# --- signatures ------------------------------------------------------------------------------

def _signatures(world: World) -> str:
    return f"/nl/registry/parties/{world.orgs['provider'].id}/signatures"


def _anna_awaits_mia(page: Page, world: World) -> None:
    """Mia, from her overview, at the one mandate awaiting Provider BV's signature: the one
    Anna gave it."""
    opened(page, "/nl/registry/")
    page.get_by_role("link", name="Mandaten die op ondertekening wachten van Provider BV"
                     ).click()
    assert page.url.endswith(_signatures(world))
    assert page.locator("main h2").all_inner_texts() == [
        "KIOSK-mandaat van Anna Applicant aan Provider BV"]


def test_mia_signs_annas_mandate_and_the_access_shown_is_given(browser: Browser) -> None:
    world = build()
    anna = world.mandates["anna"].id
    provider = world.orgs["provider"]
    before = _access(world)
    with served(world.client.app, "tasks-sign") as url, tab_of(browser, url, world,
                                                                "Mia") as page:
        _anna_awaits_mia(page, world)
        page.get_by_role("button", name=re.compile(r"^Ondertekenen")).click()
        page.wait_for_url(f"**{_signatures(world)}/confirm?mandate={anna}&decision=sign")
        assert page.locator("main h1").inner_text() == "Dit mandaat ondertekenen?"
        assert "Je ondertekent voor Provider BV." in main_text(page)
        rows = dict(zip(page.locator("main .summary-list__key").all_inner_texts(),
                        [" ".join(v.split()) for v in
                         page.locator("main .summary-list__value").all_inner_texts()],
                        strict=True))
        assert rows == {
            "Mandaatgever": "Anna Applicant (rijksregisternummer "
                            f"{NationalNumber(world.numbers['Anna']).masked})",
            "Mandaatnemer": f"Provider BV (ondernemingsnummer {provider.enterprise_number})",
            "Type": "KIOSK",
            "Begindatum": TODAY_NL,
            "Einddatum": "zonder einddatum",
            "Handtekeningen tot nu toe": f"Anna Applicant voor de mandaatgever, op {TODAY_NL}",
        }
        shown = _shown(page, GAINS)
        assert shown == {("Emil Executor", "Anna Applicant")}
        assert world.mandate_state(anna)[0] == "awaiting_taker"
        page.get_by_role("button", name="Ja, ondertekenen").click()
        page.wait_for_url(f"**{_signatures(world)}?done=signed")
        assert "Het mandaat is ondertekend." in main_text(page)
        assert page.locator("main h2").count() == 0
    assert world.mandate_state(anna)[0] == "active"
    assert _access(world) - before == shown
    assert before - _access(world) == set()


def test_mia_refuses_annas_mandate_and_nobody_gains_access(browser: Browser) -> None:
    world = build()
    anna = world.mandates["anna"].id
    before = _access(world)
    with served(world.client.app, "tasks-refuse") as url, tab_of(browser, url, world,
                                                                  "Mia") as page:
        opened(page, _signatures(world))  # the way there: the signing walk above
        page.get_by_role("button", name=re.compile(r"^Weigeren")).click()
        page.wait_for_url(f"**{_signatures(world)}/confirm?mandate={anna}&decision=refuse")
        assert page.locator("main h1").inner_text() == "Dit mandaat weigeren?"
        text = main_text(page)
        assert "Je weigert voor Provider BV." in text
        assert ("Het mandaat wordt nooit actief: Anna Applicant moet een nieuw mandaat geven."
                in text)
        assert "Niemand verliest toegang tot dossiers." in text
        page.get_by_role("button", name="Ja, weigeren").click()
        page.wait_for_url(f"**{_signatures(world)}?done=refused")
        assert "Het mandaat is geweigerd." in main_text(page)
        assert page.locator("main h2").count() == 0
    assert world.mandate_state(anna)[:2] == ("stopped", world.id("Mia"))
    assert _access(world) == before


def test_eva_may_not_open_the_signatures(browser: Browser, shared: World,
                                         shared_url: str) -> None:
    anna = shared.mandates["anna"].id
    with tab_of(browser, shared_url, shared, "Eva") as page:
        opened(page, _signatures(shared), "nl", 403)
        assert page.locator("main h1").inner_text() == REFUSED_NL
        assert "Eva Employee mag niet ondertekenen voor Provider BV" in main_text(page)
        opened(page, f"{_signatures(shared)}/confirm?mandate={anna}&decision=sign", "nl",
               403)
        _refused_by_hand(page, _signatures(shared), {
            "mandate": anna, "decision": "sign", "side": "taker"})
    assert shared.mandate_state(anna)[0] == "awaiting_taker"


# --- stopping a mandate taken ----------------------------------------------------------------

def test_mia_stops_the_mandate_bakkerij_gave_and_emil_loses_access(browser: Browser) -> None:
    world = build()
    bakery = world.mandates["bakery"].id
    provider = world.orgs["provider"].id
    listing = f"/nl/registry/parties/{provider}/mandates"
    before = _access(world)
    with served(world.client.app, "tasks-stop") as url, tab_of(browser, url, world,
                                                                "Mia") as page:
        opened(page, "/nl/registry/")
        page.get_by_role("link", name="Mandaten geven of stopzetten van Provider BV").click()
        assert page.url.endswith(listing)
        assert page.get_by_role("heading", name="Ontvangen mandaten").count() == 1
        page.get_by_role("button", name=re.compile(
            r"^Stopzetten\W+KIOSK-mandaat van Bakkerij NV aan Provider BV$")).click()
        page.wait_for_url(f"**{listing}/stop?mandate={bakery}")
        assert page.locator("main h1").inner_text() == "Dit mandaat stopzetten?"
        shown = _shown(page, LOSES)
        assert shown == {("Emil Executor", "Bakkerij NV")}
        page.get_by_role("button", name="Ja, stopzetten").click()
        page.wait_for_url(f"**{listing}?done=stopped")
        assert "Het mandaat is stopgezet." in main_text(page)
    assert world.mandate_state(bakery)[:2] == ("stopped", world.id("Mia"))
    assert before - _access(world) == shown
    assert _access(world) - before == set()
