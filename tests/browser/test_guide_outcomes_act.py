"""Issue 14's outcomes that act, walked in Chromium with JavaScript off by a signed-in person
of the small world (tests/e2e/registry.py): for each of the guide's seven outcomes the person
starts at the guide's step page, answers only what the registry does not know (a radio by its
label, then "Doorgaan"), reaches the outcome and does what it offers, through the confirmation
page where there is one. Afterwards the registry itself is read: whose dossiers each person may
manage before and after (the confirmation's consequence is exactly the difference), the right,
request or signature made, and its audit event.

Every click is counted; `CLICKS` holds each outcome's count, from the step page to the change
(or to the page the outcome leads to, for the three outcomes that change nothing).

Also: an answer of the registry the person overrides is followed and the page says it differs;
refusals (not a local administrator, signed in without eID, no eID at all) end on a page that
names the rule in Dutch; the eID refusals say what to do (sign in again with eID; the
colleagues with an eID, where an eID comes from); the grant outcome's refusal says whom to
ask instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Locator, Page, expect

from mandaatwijzer.registry import policy, rules, services
from mandaatwijzer.registry.ports import Repository

from ..e2e.registry import EID, TODAY, World, build
from ..serving import served
from ..unit.registry.scenario import national_number
from .guide_pages import text_nl
from .registry_pages import main_text, opened, signed_in_context
from .test_registry_tasks import GAINS, Access, _access, _shown

STEP = "/nl/flows/externe-dienstverlener/step"
#: The outcome's "Doe het nu, in Mandaatwijzer" part.
ACT = "section[aria-labelledby=act-heading]"
EXECUTOR, MANAGER = "SSM Mandaatuitvoerder", "SSM Mandaatbeheerder"

#: The clicks from the guide's step page to each outcome's action done (the answers the
#: registry does not know: two clicks each), as the walks below count them.
CLICKS = {
    "recht-mandaatuitvoerder": 5,   # Ja · Doorgaan · Eva · Verder · Ja, ken toe
    "recht-mandaatbeheerder": 7,    # Nee · Doorgaan · Ja · Doorgaan · Eva · Verder · Ja
    "geen-recht": 5,                # Nee · Doorgaan · Nee · Doorgaan · the users page
    "geen-mandaat": 3,              # Nee · Doorgaan · the mandates page
    "mandaat-afsluiten": 5,         # Ja · Doorgaan · 1 mandaat wacht · Ondertekenen · Ja
    "vraag-recht": 6,               # MANDAATBEHEERDER · Doorgaan · Ja · Doorgaan · Vraag · Ja
    "geen-eid": 2,                  # MANDAATBEHEERDER · Doorgaan (the eID: the registry's)
}
#: The local administrator's clicks to grant the request, from the requests page.
GRANT_REQUEST_CLICKS = 2
#: The home page's link to each outcome that acts, for whom (one click to the outcome: from
#: the home page, an outcome's count is 1 + its clicks after the outcome).
SHORTCUTS = [
    ("Luc", "Een collega het recht ‘SSM Mandaatuitvoerder’ toekennen",
     "recht-mandaatuitvoerder"),
    ("Luc", "Een collega het recht ‘SSM Mandaatbeheerder’ toekennen",
     "recht-mandaatbeheerder"),
    ("Mia", "Een mandaat afsluiten met een aanvrager", "mandaat-afsluiten"),
    ("Eva", "Het recht vragen om mandaten af te sluiten", "vraag-recht"),
]


class Walk:
    """A signed-in person's tab, counting the clicks."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.clicks = 0

    def click(self, locator: Locator) -> None:
        locator.click()
        self.clicks += 1
        self.page.wait_for_load_state()

    def choose(self, label: str) -> None:
        """Click the radio's label (the only set of radios on the page)."""
        item = self.page.locator(".radios__item").filter(
            has=self.page.locator("label", has_text=re.compile(rf"^{re.escape(label)}$")))
        self.click(item.locator("label"))
        expect(item.locator("input")).to_be_checked()

    def answer(self, label: str) -> None:
        self.choose(label)
        self.click(self.page.get_by_role("button", name="Doorgaan", exact=True))

    def button(self, name: str | re.Pattern[str]) -> None:
        self.click(self.page.get_by_role("button", name=name))

    def link(self, name: str | re.Pattern[str]) -> None:
        self.click(self.page.get_by_role("link", name=name))

    @property
    def text(self) -> str:
        return main_text(self.page)

    def asked(self) -> str:
        """The question the page asks."""
        return " ".join(self.page.locator("main h1.fieldset__heading").inner_text().split())

    def outcome(self) -> str:
        return " ".join(self.page.locator("main h1.panel__title").inner_text().split())


@contextmanager
def walk_of(browser: Browser, world: World, name: str, *,
            acr: str | None = EID) -> Iterator[Walk]:
    """`name`'s tab at the guide's step page, on the world served; closed afterwards."""
    with served(world.client.app, f"outcomes-{name}") as url:
        context = signed_in_context(browser, url, world, name, javascript=False,
                                    acr=acr)
        try:
            page = context.new_page()
            opened(page, STEP)
            yield Walk(page)
        finally:
            context.close()


def _events(world: World, entity: str, entity_id: str) -> list[str]:
    with world.ctx.units() as uow:
        return [e.action for e in uow.events_about([(entity, entity_id)], 10)]


def _held(world: World, name: str) -> list[tuple[str, str]]:
    """(kind, id) of the rights `name` holds today (not withdrawn)."""
    def read(repo: Repository) -> list[tuple[str, str]]:
        relations = [r.id for r in repo.work_relations_of(world.id(name))]
        return sorted((r.kind.value, r.id) for r in repo.rights_on(relations)
                      if r.withdrawn_on is None)
    return world.read(read)


def _signs(world: World, name: str) -> bool:
    """`name` may sign mandates for Provider BV today."""
    return world.read(lambda repo: policy.signs_for(
        repo, rules.person(repo, world.id(name)), world.orgs["provider"].party, TODAY))


def _unchanged(world: World, before: Access, rights: dict[str, list[tuple[str, str]]]) -> None:
    assert _access(world) == before
    assert {name: _held(world, name) for name in rights} == rights


# --- the home page: one click to each outcome that acts ----------------------------------

def test_the_home_page_leads_to_each_acting_outcome_in_one_click(browser: Browser) -> None:
    world = build()
    with served(world.client.app, "outcomes-home") as url:
        for name, link, outcome in SHORTCUTS:
            context = signed_in_context(browser, url, world, name, javascript=False)
            try:
                walk = Walk(context.new_page())
                opened(walk.page, "/nl/")
                walk.link(link)
                assert walk.outcome() == " ".join(text_nl(outcome).split())
                assert walk.page.locator(ACT).count() == 1, outcome
                assert walk.clicks == 1
            finally:
                context.close()


# --- the two outcomes that grant a right --------------------------------------------------

def _grant(walk: Walk, world: World, colleague: str, right: str) -> tuple[Access, Access]:
    """At a grant outcome: choose the colleague, confirm; the access the confirmation says
    the colleague gains, and the access before."""
    before = _access(world)
    walk.choose(colleague)
    walk.button("Verder naar de bevestiging")
    said = walk.text
    assert f"{colleague} krijgt het recht ‘{right}’ bij Provider BV vanaf 3 maart 2025, " \
           "zonder einddatum." in said, said
    if right == MANAGER:
        assert f"{colleague} kan mandaten afsluiten in naam van Provider BV: ondertekenen, " \
               "weigeren en stopzetten." in said
        assert "Niemand krijgt er vandaag toegang tot dossiers door" in said
    shown = _shown(walk.page, GAINS)
    assert _access(world) == before, "the confirmation changed the registry"
    walk.button(f"Ja, ken ‘{right}’ toe")
    walk.page.wait_for_url("**/nl/registry/rights/R-*?done=granted")
    assert f"{colleague} krijgt het recht ‘{right}’ bij Provider BV." in walk.text
    return before, shown


def test_recht_mandaatuitvoerder_luc_grants_eva_the_executor_right(browser: Browser) -> None:
    world = build()
    with walk_of(browser, world, "Luc") as walk:
        # The registry knows his role, his eID and that he is the local administrator.
        assert walk.asked() == "Ik wil mandaatuitvoerder-recht toekennen aan een collega."
        said = walk.text
        assert "Ik ben: LOKALE BEHEERDER Uit het register: je bent lokale beheerder van " \
               "Provider BV sinds 3 maart 2025." in said
        assert "Ik heb een Belgische eID. Ja Je meldde je aan met je eID." in said
        walk.answer("Ja")
        assert walk.outcome().endswith("het recht ‘SSM Mandaatuitvoerder’ toekennen.")
        # Emil holds it already: only Eva and Mia are offered.
        assert walk.page.locator(".radios__label").all_inner_texts() == [
            "Eva Employee", "Mia Manager"]
        before, shown = _grant(walk, world, "Eva Employee", EXECUTOR)
        assert shown == {("Eva Employee", "Bakkerij NV")}
        assert walk.clicks == CLICKS["recht-mandaatuitvoerder"]
    after = _access(world)
    assert after - before == shown
    assert before - after == set()
    [(kind, right)] = _held(world, "Eva")
    assert kind == EXECUTOR
    assert _events(world, "right", right) == ["grant_right"]


def test_recht_mandaatbeheerder_luc_grants_eva_the_manager_right(browser: Browser) -> None:
    world = build()
    with walk_of(browser, world, "Luc") as walk:
        walk.answer("Nee")
        assert walk.asked() == "Ik wil mandaatbeheer-recht toekennen aan een collega."
        walk.answer("Ja")
        assert walk.outcome().endswith("het recht ‘SSM Mandaatbeheerder’ toekennen.")
        assert walk.page.locator(".radios__label").all_inner_texts() == [
            "Emil Executor", "Eva Employee"]
        assert not _signs(world, "Eva")
        before, shown = _grant(walk, world, "Eva Employee", MANAGER)
        assert walk.clicks == CLICKS["recht-mandaatbeheerder"]
    # As the confirmation said: she concludes mandates for Provider BV; nobody gains access
    # today (no active mandate the right opens).
    assert _signs(world, "Eva")
    assert shown == set()
    after = _access(world)
    assert after - before == shown
    assert before - after == set()
    [(kind, right)] = _held(world, "Eva")
    assert kind == MANAGER
    assert _events(world, "right", right) == ["grant_right"]


# --- the outcomes that change nothing: what next, and who helps --------------------------

def test_geen_recht_leads_the_local_administrator_to_the_users(browser: Browser) -> None:
    world = build()
    before, rights = _access(world), {n: _held(world, n) for n in ("Eva", "Emil", "Mia")}
    with walk_of(browser, world, "Luc") as walk:
        walk.answer("Nee")
        walk.answer("Nee")
        assert walk.outcome() == "Je wilt geen recht toekennen aan een collega."
        said = walk.text
        assert "Mijn organisaties, rechten en mandaten" in said
        walk.link("Bekijk de gebruikers en rechten van Provider BV")
        walk.page.wait_for_url(f"**/nl/registry/organisations/{world.id('provider')}/users")
        assert "Eva Employee" in walk.text
        assert walk.clicks == CLICKS["geen-recht"]
    _unchanged(world, before, rights)


def test_geen_mandaat_leads_the_mandate_administrator_to_the_mandates(
        browser: Browser) -> None:
    world = build()
    before, rights = _access(world), {n: _held(world, n) for n in ("Eva", "Emil", "Mia")}
    with walk_of(browser, world, "Mia") as walk:
        assert walk.asked() == "Ik wil een mandaat afsluiten met een aanvrager."
        walk.answer("Nee")
        assert walk.outcome().startswith("Je wilt geen mandaat met een aanvrager afsluiten.")
        said = walk.text
        assert "Bekijk de gebruikers en rechten" not in said  # she does not administer them
        walk.link("Bekijk de mandaten van Provider BV")
        walk.page.wait_for_url(f"**/nl/registry/parties/{world.id('provider')}/mandates")
        assert "Bakkerij NV" in walk.text
        assert walk.clicks == CLICKS["geen-mandaat"]
    _unchanged(world, before, rights)


# --- concluding a mandate: Mia signs Anna's ----------------------------------------------

def test_mandaat_afsluiten_mia_signs_annas_mandate(browser: Browser) -> None:
    world = build()
    anna = world.mandates["anna"].id
    before = _access(world)
    assert world.mandate_state(anna)[0] == "awaiting_taker"
    with walk_of(browser, world, "Mia") as walk:
        walk.answer("Ja")
        assert walk.outcome().startswith("De mandaatbeheerder sluit in naam van de externe "
                                         "dienstverlener")
        walk.link("1 mandaat wacht op je handtekening voor Provider BV")
        assert "Anna Applicant" in walk.text
        walk.button(re.compile(r"^Ondertekenen"))
        said = walk.text
        assert "Je ondertekent voor Provider BV." in said, said
        shown = _shown(walk.page, GAINS)
        assert _access(world) == before, "the confirmation changed the registry"
        walk.button("Ja, ondertekenen")
        walk.page.wait_for_url("**/signatures?done=signed")
        assert "Het mandaat is ondertekend." in walk.text
        assert walk.clicks == CLICKS["mandaat-afsluiten"]
    after = _access(world)
    assert shown
    assert all(applicant == "Anna Applicant" for _, applicant in shown)
    assert after - before == shown
    assert before - after == set()
    assert world.mandate_state(anna)[0] == "active"
    assert _events(world, "mandate", anna) == ["create_mandate", "sign_mandate"]


# --- asking for the right, and the local administrator granting it -----------------------

def _requests_of(world: World, name: str) -> list[tuple[str, str, bool, bool | None]]:
    """(id, kind, open, granted) of `name`'s requests."""
    return world.read(lambda repo: [(r.id, r.kind.value, r.open, r.granted)
                                    for r in repo.right_requests_of(world.id(name))])


def test_vraag_recht_eva_asks_and_luc_grants(browser: Browser) -> None:
    world = build()
    before = _access(world)
    with walk_of(browser, world, "Eva") as walk:
        # She holds neither role: the role is hers to say; the eID and the rest are known.
        assert walk.asked() == "Ik ben:"
        walk.answer("MANDAATBEHEERDER")
        walk.answer("Ja")
        assert walk.outcome() == "Vraag aan je lokale beheerder om je het recht als " \
                                 "mandaatbeheerder toe te kennen."
        assert "De lokale beheerders van Provider BV kunnen het toekennen: Luc Admin." in \
            walk.text
        walk.button("Vraag hen om ‘SSM Mandaatbeheerder’")
        said = walk.text
        assert "Je aanvraag wacht op de takenlijst van de lokale beheerders van Provider BV: " \
               "Luc Admin." in said, said
        assert "Er verandert nog niets" in said
        assert _requests_of(world, "Eva") == []
        walk.button("Ja, vraag ‘SSM Mandaatbeheerder’ aan")
        walk.page.wait_for_url("**/requests?done=asked")
        assert "wacht op een beslissing" in walk.text
        assert walk.clicks == CLICKS["vraag-recht"]
    [(request, kind, is_open, _)] = _requests_of(world, "Eva")
    assert (kind, is_open) == (MANAGER, True)
    assert _events(world, "right_request", request) == ["request_right"]
    assert _access(world) == before
    assert _held(world, "Eva") == []

    with walk_of(browser, world, "Luc") as walk:
        # No page links to the requests yet (the to-do list does not list them): by address.
        opened(walk.page, f"/nl/registry/organisations/{world.id('provider')}/requests")
        walk.button(re.compile(r"^Toekennen"))
        said = walk.text
        assert "Eva Employee kan mandaten afsluiten in naam van Provider BV" in said, said
        shown = _shown(walk.page, GAINS)
        assert shown == set()
        assert not _signs(world, "Eva")
        walk.button("Ja, ken ‘SSM Mandaatbeheerder’ toe")
        walk.page.wait_for_url("**/nl/registry/rights/R-*?done=granted")
        assert walk.clicks == GRANT_REQUEST_CLICKS
    after = _access(world)
    assert after - before == shown
    assert before - after == set()
    [(kind, right)] = _held(world, "Eva")
    assert kind == MANAGER
    assert _signs(world, "Eva")
    assert _requests_of(world, "Eva") == [(request, MANAGER, False, True)]
    assert _events(world, "right_request", request) == ["request_right", "grant_request"]
    assert _events(world, "right", right) == ["grant_right"]


# --- no eID ------------------------------------------------------------------------------

def test_geen_eid_names_the_colleagues_with_an_eid(browser: Browser) -> None:
    world = build()
    nora = services.register_person(world.ctx.units(), world.ctx.clock, national_number(90),
                                    "Nora Zonder", False)
    world.people["Nora"] = nora
    services.add_work_relation(world.ctx.units(), world.ctx.clock, world.id("Luc"),
                               world.id("provider"), nora.id)
    before, rights = _access(world), {n: _held(world, n) for n in ("Eva", "Emil", "Mia")}
    with walk_of(browser, world, "Nora", acr=None) as walk:
        walk.answer("MANDAATBEHEERDER")
        # The registry knows she has no eID: straight to the outcome.
        assert walk.outcome() == "Je kunt geen rechten toekennen of mandaten afsluiten in " \
                                 "naam van een externe dienstverlener."
        said = walk.text
        assert "Ik heb een Belgische eID. Nee Uit het register: je hebt geen Belgische eID." \
            in said, said
        assert "Bij Provider BV hebben deze collega's een eID en kunnen zij het: Luc Admin, " \
               "Mia Manager." in said
        assert "Een Belgische eID vraag je aan bij de gemeente waar je woont." in said
        assert walk.clicks == CLICKS["geen-eid"]
    _unchanged(world, before, rights)


def test_an_eid_the_person_denies_is_followed_and_said_to_differ(browser: Browser) -> None:
    world = build()
    with walk_of(browser, world, "Luc", acr=None) as walk:
        said = walk.text
        assert "Ik heb een Belgische eID. Ja Uit het register: je hebt een Belgische eID." in \
            said
        walk.link(re.compile(r"^Wijzig het antwoord op ‘Ik heb een Belgische eID\.’"))
        walk.answer("Nee")
        assert walk.outcome() == "Je kunt geen rechten toekennen of mandaten afsluiten in " \
                                 "naam van een externe dienstverlener."
        said = walk.text
        assert "Dit verschilt van het antwoord van het register, Ja: uit het register: je " \
               "hebt een Belgische eID. De wegwijzer volgt jouw antwoord." in said, said
        # Luc aside, who can do it with an eID.
        assert "Bij Provider BV hebben deze collega's een eID en kunnen zij het: " \
               "Mia Manager." in said


# --- overrides and refusals --------------------------------------------------------------

def test_a_local_administrator_who_says_he_is_not_is_followed(browser: Browser) -> None:
    world = build()
    with walk_of(browser, world, "Luc") as walk:
        walk.link(re.compile(r"^Wijzig het antwoord op ‘Ik ben lokale beheerder"))
        walk.answer("Nee")
        assert walk.asked() == "Ik wil een mandaat afsluiten met een aanvrager."
        said = walk.text
        assert "Dit verschilt van het antwoord van het register, Ja: uit het register: je " \
               "bent lokale beheerder van Provider BV sinds 3 maart 2025. De wegwijzer volgt " \
               "jouw antwoord." in said, said
        walk.answer("Ja")
        # He holds no 'SSM Mandaatbeheerder' (the registry's answer): ask for it.
        assert walk.outcome() == "Vraag aan je lokale beheerder om je het recht als " \
                                 "mandaatbeheerder toe te kennen."
        assert "De wegwijzer volgt jouw antwoord." in walk.text


def test_one_who_is_not_a_local_administrator_is_told_the_rule(browser: Browser) -> None:
    world = build()
    before, rights = _access(world), {n: _held(world, n) for n in ("Eva", "Emil", "Mia")}
    with walk_of(browser, world, "Mia") as walk:
        # Mia says she is the local administrator, against the registry.
        walk.link(re.compile(r"^Wijzig het antwoord op ‘Ik ben:’"))
        walk.answer("LOKALE BEHEERDER")
        walk.link(re.compile(r"^Wijzig het antwoord op ‘Ik ben lokale beheerder"))
        walk.answer("Ja")
        walk.answer("Ja")
        assert walk.outcome().endswith("het recht ‘SSM Mandaatuitvoerder’ toekennen.")
        said = walk.text
        assert "Alleen een lokale beheerder of een wettelijke vertegenwoordiger van " \
               "Provider BV kent er de gebruikers rechten toe; jij bent geen van beide." in \
            said, said
        assert walk.page.get_by_role("button", name="Verder naar de bevestiging").count() == 0
    _unchanged(world, before, rights)


def test_one_who_is_not_a_local_administrator_is_told_whom_to_ask(browser: Browser) -> None:
    world = build()
    with walk_of(browser, world, "Mia") as walk:
        opened(walk.page, f"{STEP}?is-lokale-beheerder=ja&rol=lokale-beheerder"
                          "&uitvoerder-recht=ja")
        assert "kent er de gebruikers rechten toe; jij bent geen van beide." in walk.text
        assert "Luc Admin" in walk.page.locator(ACT).inner_text()


def test_a_grant_signed_in_without_eid_says_how_to_sign_in_before_any_form(
        browser: Browser) -> None:
    world = build()
    before, rights = _access(world), {n: _held(world, n) for n in ("Eva", "Emil", "Mia")}
    with walk_of(browser, world, "Luc", acr=None) as walk:
        walk.answer("Ja")
        # Said at the outcome, before any form: with the way to sign in with eID.
        said = walk.text
        assert "Hiervoor meld je je aan met je eID" in said, said
        assert walk.page.get_by_role("link", name="Opnieuw aanmelden met eID").count() == 1
        assert walk.page.get_by_role("button", name="Verder naar de bevestiging").count() == 0
    _unchanged(world, before, rights)
