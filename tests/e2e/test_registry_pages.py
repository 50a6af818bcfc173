"""The registry's pages: roles, CSRF, the forms of each role, the checker, masked numbers."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from httpx2 import Request, Response
from starlette.testclient import TestClient

from mandaatwijzer.api.registry import RegistryContext
from mandaatwijzer.config import Settings, SignInSettings
from mandaatwijzer.registry import demo
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.model import Person
from mandaatwijzer.web import create_app
from mandaatwijzer.web._security import HEADERS

from ..unit.registry.scenario import enterprise_number
from .registry import SETTINGS, World, build, open_session, sign_in
from .web import elements, text


@pytest.fixture
def world() -> World:
    return build()


def _page(world: World, path: str, status: int = 200) -> str:
    response = world.client.get(path)
    assert response.status_code == status, response.text
    return response.text


def _forbidden_rule(response: Response) -> str:
    assert response.status_code == 403
    found = [e for e in elements(response.text, "code") if e.get("class") == "rule"]
    assert found, "the 403 page names no rule"
    return text(response.text.split('<code class="rule">')[1].split("</code>")[0])


def _users(world: World) -> str:
    return f"/nl/registry/organisations/{world.orgs['provider'].id}/users"


# --- signing in and out ----------------------------------------------------------------------

TOTP = "urn:be:vlaanderen:authmech:csamtotp"
PROVIDER = SignInSettings(issuer="https://idp.test", client_id="c", client_secret="s")


def _configured(settings: Settings = SETTINGS) -> World:
    """The world with sign-in through a provider: the app only registers its client, so
    nothing reaches https://idp.test unless /auth/sign-in is followed (no test does here)."""
    return build(replace(settings, sign_in=PROVIDER))


def _heading(html: str) -> str:
    return text(html.split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0])


def _forms(html: str) -> dict[str, str]:
    """Each form of the page's main part: its action and its CSRF field's value ("" if none)."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    found = {}
    for block in main.split("<form")[1:]:
        action = elements("<form" + block.split(">", 1)[0] + ">", "form")[0]["action"]
        csrf = [e["value"] for e in elements(block.split("</form>", 1)[0], "input")
                if e.get("name") == "csrf_token"]
        found[action] = csrf[0] if csrf else ""
    return found


def _starts(html: str) -> list[str]:
    """The links that start a sign-in at the provider."""
    return [a["href"] for a in elements(html, "a")
            if a.get("href", "").startswith("/auth/sign-in")]


def test_without_a_sign_in_provider_the_sign_in_page_says_it_is_not_configured(
        world: World) -> None:
    response = world.client.get("/en/registry/sign-in")
    assert response.status_code == 200
    assert _heading(response.text) == "Sign-in is not configured"
    assert "nobody can sign in to the registry here" in text(response.text)
    assert _starts(response.text) == []
    assert _forms(response.text) == {}
    assert any(a.get("href") == "/en/" for a in elements(response.text, "a"))
    assert "form-action 'self';" in response.headers["content-security-policy"]
    # A registry page says the same, and offers no sign-in either.
    page = world.client.get("/en/registry/check")
    assert page.status_code == 401
    assert _heading(page.text) == "Sign in first"
    assert "not connected to a sign-in service" in text(page.text)
    assert not any("/sign-in" in a.get("href", "") for a in elements(page.text, "a"))


def test_with_a_sign_in_provider_the_sign_in_page_links_to_the_provider() -> None:
    world = _configured()
    response = world.client.get("/nl/registry/sign-in")
    assert response.status_code == 200
    assert _heading(response.text) == "Aanmelden"
    assert _starts(response.text) == ["/auth/sign-in?lang=nl&next=%2Fnl%2Fregistry%2F",
                                      "/auth/sign-in?lang=nl&eid=1&next=%2Fnl%2Fregistry%2F"]
    assert _forms(response.text) == {}
    # Signing out redirects to the provider: a form's target the policy must allow.
    assert "form-action 'self' https://idp.test;" in \
        response.headers["content-security-policy"]
    # The demo says the sign-in server is a stand-in; a real installation does not.
    assert any(e.get("role") == "note" for e in elements(response.text, "div"))
    real = _configured(replace(SETTINGS, demo=False)).client.get("/en/registry/sign-in")
    assert not any(e.get("role") == "note" for e in elements(real.text, "div"))
    assert _starts(real.text)[0] == "/auth/sign-in?lang=en&next=%2Fen%2Fregistry%2F"


def test_the_sign_in_page_passes_on_the_page_asked_for_and_only_a_registry_page() -> None:
    world = _configured()
    wanted = world.client.get("/en/registry/check?at=2025-01-01")
    assert wanted.status_code == 401
    [link] = [a["href"] for a in elements(wanted.text, "a") if "/sign-in" in a["href"]]
    assert link == "/en/registry/sign-in?next=/en/registry/check%3Fat%3D2025-01-01"
    page = world.client.get(link)
    assert _starts(page.text)[0] == \
        "/auth/sign-in?lang=en&next=%2Fen%2Fregistry%2Fcheck%3Fat%3D2025-01-01"
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/en/flows/x"):
        page = world.client.get("/en/registry/sign-in", params={"next": elsewhere})
        assert _starts(page.text)[0] == "/auth/sign-in?lang=en&next=%2Fen%2Fregistry%2F"
    # Sent here by an action that needs the eID, the page says so.
    eid = text(world.client.get("/en/registry/sign-in?eid=1").text)
    assert "Granting rights and concluding mandates need a sign-in with your eID." in eid


@pytest.mark.parametrize("configured", [False, True], ids=["without provider", "with provider"])
def test_signed_in_the_sign_in_page_says_who_with_which_means_and_offers_signing_out(
        configured: bool) -> None:
    world = _configured() if configured else build()
    csrf = sign_in(world.client, world.people["Luc"], "en")
    response = world.client.get("/en/registry/sign-in")
    assert response.status_code == 200
    assert _heading(response.text) == "You are signed in"
    page = text(response.text)
    assert "You are signed in as Luc Admin, with the eID card reader." in page
    assert _forms(response.text) == {"/en/registry/sign-out": csrf,
                                     "/en/registry/sign-out-everywhere": csrf}
    assert "Sign out everywhere" in page
    assert _starts(response.text) == []  # signed in with eID: nothing more to ask
    # The registry's header names the person and leads to this page.
    assert any(a.get("href") == "/en/registry/sign-in"
               for a in elements(_page(world, "/en/registry/"), "a"))


def test_signed_in_without_eid_the_sign_in_page_offers_to_sign_in_again_with_eid(
        world: World) -> None:
    sign_in(world.client, world.people["Luc"], "en", acr=TOTP)
    page = _page(world, "/en/registry/sign-in")
    assert "You are signed in as Luc Admin, with an authenticator app." in text(page)
    assert "need a sign-in with your eID" in text(page)
    assert _starts(page) == ["/auth/sign-in?lang=en&eid=1&next=%2Fen%2Fregistry%2F"]


def test_signing_out_ends_the_session_on_the_server(world: World) -> None:
    csrf = sign_in(world.client, world.people["Anna"], "en")
    old = world.client.cookies["mw_session"]
    assert "Anna Applicant" in text(_page(world, "/en/registry/"))
    response = world.client.post("/en/registry/sign-out", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/en/registry/signed-out"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith('mw_session=""')
    assert "max-age=0" in cookie
    # The cookie is only a key: set again by hand, it opens nothing any more.
    replayed = world.client_for()
    replayed.cookies.set("mw_session", old)
    assert replayed.get("/en/registry/").status_code == 401
    assert replayed.get("/api/registry/me").status_code == 401
    done = replayed.get("/en/registry/signed-out")
    assert done.status_code == 200
    assert _heading(done.text) == "You are signed out"


def test_the_signed_out_page_sends_a_signed_in_person_to_the_overview(world: World) -> None:
    sign_in(world.client, world.people["Anna"])
    response = world.client.get("/nl/registry/signed-out")
    assert response.status_code == 303
    assert response.headers["location"] == "/nl/registry/"


def test_signing_out_everywhere_ends_every_session_of_the_person_only(world: World) -> None:
    csrf = sign_in(world.client, world.people["Luc"])
    phone = world.client_for()
    phone.cookies.set("mw_session", open_session(world.ctx, world.people["Luc"], acr=TOTP))
    colleague = world.client_for()
    sign_in(colleague, world.people["Mia"])
    assert phone.get("/nl/registry/").status_code == 200
    response = world.client.post("/nl/registry/sign-out-everywhere",
                                 data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/nl/registry/signed-out"
    assert phone.get("/nl/registry/").status_code == 401
    assert world.client.get("/nl/registry/").status_code == 401
    assert colleague.get("/nl/registry/").status_code == 200


@pytest.mark.parametrize("path", ["/nl/registry/sign-out", "/nl/registry/sign-out-everywhere"])
def test_signing_out_is_protected_by_the_csrf_token_too(world: World, path: str) -> None:
    sign_in(world.client, world.people["Luc"])
    response = world.client.post(path, data={})
    assert _forbidden_rule(response) == "csrf_token"
    _page(world, "/nl/registry/")  # still signed in
    # Without a session there is nothing to end: the signed-out page.
    anonymous = world.client_for().post(path, data={})
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/nl/registry/signed-out"


def _asks_for_the_eid(response: Response) -> None:
    assert response.status_code == 403
    assert _heading(response.text) == "This needs a sign-in with eID"
    assert "Nothing was changed." in text(response.text)
    assert any(href.startswith("/auth/sign-in?lang=en&eid=1&next=%2Fen%2Fregistry%2F")
               for href in _starts(response.text))


def test_signed_in_without_eid_granting_a_right_asks_for_the_eid_and_changes_nothing(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Luc"], "en", acr=TOTP)
    users = _users(world).replace("/nl/", "/en/")
    assert world.client.get("/en/registry/").status_code == 200  # reading is allowed
    assert world.client.get(users).status_code == 200
    eva = world.eva_relation()
    _asks_for_the_eid(world.client.post(users + "/grant", data={
        "work_relation": eva, "kind": "SSM Mandaatuitvoerder", "csrf_token": csrf}))
    assert world.rights_of(eva) == []
    assert world.client.get("/en/registry/").status_code == 200


def test_signed_in_without_eid_signing_a_mandate_asks_for_the_eid_and_changes_nothing(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Mia"], "en", acr=TOTP)
    path = f"/en/registry/parties/{world.orgs['provider'].id}/signatures"
    mandate = world.mandates["anna"].id
    assert mandate in text(_page(world, path))
    _asks_for_the_eid(world.client.post(path, data={"mandate": mandate, "decision": "sign",
                                                    "side": "taker", "csrf_token": csrf}))
    assert world.mandate_state(mandate) == ("awaiting_taker", None, None)


def test_an_unknown_language_is_not_found(world: World) -> None:
    assert world.client.get("/fr/registry/").status_code == 404


# --- CSRF --------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "", "0" * 64])
def test_a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
        world: World, token: str | None) -> None:
    sign_in(world.client, world.people["Luc"])
    eva = world.eva_relation()
    data = {"work_relation": eva, "kind": "SSM Mandaatuitvoerder"}
    if token is not None:
        data["csrf_token"] = token
    response = world.client.post(_users(world) + "/grant", data=data)
    assert _forbidden_rule(response) == "csrf_token"
    assert world.rights_of(eva) == []


def test_a_csrf_token_of_another_session_is_refused(world: World) -> None:
    other = world.client_for()
    stolen = sign_in(other, world.people["Luc"])
    sign_in(world.client, world.people["Luc"])
    response = world.client.post(_users(world) + "/grant", data={
        "work_relation": world.eva_relation(), "kind": "SSM Mandaatuitvoerder",
        "csrf_token": stolen})
    assert _forbidden_rule(response) == "csrf_token"


# --- each page for its role ------------------------------------------------------------------

def test_the_overview_shows_my_organisations_rights_and_mandates(world: World) -> None:
    sign_in(world.client, world.people["Mia"])
    page = text(_page(world, "/en/registry/"))
    assert "Provider BV" in page
    assert "‘SSM Mandaatbeheerder’" in page
    # Mandates by their parties and type, never by their internal id.
    assert "Anna Applicant" in page
    assert world.mandates["anna"].id not in page
    assert "Awaiting the taker's signature" in page
    # One sentence per number, saying where the signature is awaited.
    assert "1 mandate awaits a signature you may give, for yourself or for an organisation " \
        "below." in page
    assert "1 mandaat wacht op een handtekening die je mag zetten" in \
        text(_page(world, "/nl/registry/"))
    hrefs = [a.get("href") for a in elements(_page(world, "/en/registry/"), "a")]
    assert f"/en/registry/parties/{world.orgs['provider'].id}/signatures" in hrefs
    assert _users(world).replace("/nl/", "/en/") not in hrefs


@pytest.mark.parametrize(("person", "page", "rule"), [
    ("Emil", "users", "local_admin_only"),
    ("Mia", "users", "local_admin_only"),
    ("Emil", "provider-signatures", "signer_for_organisation"),
    ("Eva", "bakery-mandates", "signer_for_organisation"),
    ("Emil", "anna-mandates", "person_signs_for_self"),
    ("Anna", "anna-mandates", None),
    ("Luc", "users", None),
    ("Mia", "provider-signatures", None),
    ("Bart", "bakery-mandates", None),
])
def test_each_page_renders_for_its_role_and_refuses_the_wrong_one_naming_the_rule(
        world: World, person: str, page: str, rule: str | None) -> None:
    paths = {
        "users": _users(world),
        "provider-signatures": f"/nl/registry/parties/{world.orgs['provider'].id}/signatures",
        "bakery-mandates": f"/nl/registry/parties/{world.orgs['bakery'].id}/mandates",
        "anna-mandates": f"/nl/registry/parties/{world.id('Anna')}/mandates",
    }
    sign_in(world.client, world.people[person])
    response = world.client.get(paths[page])
    if rule is None:
        assert response.status_code == 200
        assert '<html lang="nl">' in response.text
    else:
        assert _forbidden_rule(response) == rule


def test_a_local_admin_grants_and_withdraws_a_right_through_the_pages(world: World) -> None:
    csrf = sign_in(world.client, world.people["Luc"], "en")
    users = _users(world).replace("/nl/", "/en/")
    page = _page(world, users)
    options = {e["value"] for e in elements(page, "option") if e.get("value")}
    eva = world.eva_relation()
    assert eva in options
    labels = {e["for"] for e in elements(page, "label")}
    assert {"work_relation", "kind", "national_number"} <= labels
    granted = world.client.post(users + "/grant", data={
        "work_relation": eva, "kind": "SSM Mandaatuitvoerder", "csrf_token": csrf})
    assert granted.status_code == 303
    assert granted.headers["location"] == users + "?done=granted"
    after = _page(world, granted.headers["location"])
    assert "The right was granted." in text(after)
    assert world.rights_of(eva) == [("SSM Mandaatuitvoerder", None)]
    right = world.read(lambda repo: repo.rights_on([eva])[0].id)
    withdrawn = world.client.post(users + "/withdraw", data={"right": right,
                                                             "on": "2025-03-03",
                                                             "csrf_token": csrf})
    assert withdrawn.status_code == 303
    assert "The right was withdrawn." in text(_page(world, withdrawn.headers["location"]))
    assert world.rights_of(eva) == [("SSM Mandaatuitvoerder", world.id("Luc"))]


def test_granting_without_choices_shows_the_errors_by_field(world: World) -> None:
    csrf = sign_in(world.client, world.people["Luc"], "en")
    response = world.client.post(_users(world).replace("/nl/", "/en/") + "/grant",
                                 data={"csrf_token": csrf})
    assert response.status_code == 422
    assert 'href="#work_relation"' in response.text
    assert 'href="#kind"' in response.text
    assert 'id="kind-error"' in response.text


def test_a_local_admin_adds_a_user_by_national_number_posted_not_in_the_address(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Luc"])
    response = world.client.post(_users(world) + "/add", data={
        "national_number": world.numbers["Otto"], "csrf_token": csrf})
    assert response.status_code == 303
    assert world.numbers["Otto"] not in response.headers["location"]
    page = text(_page(world, response.headers["location"]))
    assert "Otto Other" in page
    assert f"**.**.**-***.{world.numbers['Otto'][-2:]}" in page
    again = world.client.post(_users(world) + "/add", data={
        "national_number": world.numbers["Otto"], "csrf_token": csrf})
    assert again.status_code == 409
    bad = world.client.post(_users(world) + "/add", data={
        "national_number": "12345678901", "csrf_token": csrf})
    assert bad.status_code == 422
    assert 'href="#national_number"' in bad.text
    assert "12345678901" not in bad.text


def test_a_mandate_administrator_signs_a_mandate(world: World) -> None:
    csrf = sign_in(world.client, world.people["Mia"], "en")
    path = f"/en/registry/parties/{world.orgs['provider'].id}/signatures"
    page = _page(world, path)
    mandate = world.mandates["anna"].id
    assert mandate in text(page)
    assert "Anna Applicant" in text(page)
    response = world.client.post(path, data={"mandate": mandate, "decision": "sign",
                                             "side": "taker", "csrf_token": csrf})
    assert response.status_code == 303
    after = text(_page(world, response.headers["location"]))
    assert "The mandate was signed." in after
    assert mandate not in after
    assert world.mandate_state(mandate)[0] == "active"


def test_a_mandate_administrator_refuses_a_mandate(world: World) -> None:
    csrf = sign_in(world.client, world.people["Mia"])
    path = f"/nl/registry/parties/{world.orgs['provider'].id}/signatures"
    response = world.client.post(path, data={"mandate": world.mandates["anna"].id,
                                             "decision": "refuse", "side": "taker",
                                             "csrf_token": csrf})
    assert response.status_code == 303
    assert world.mandate_state(world.mandates["anna"].id)[:2] == ("stopped", world.id("Mia"))


def test_an_applicant_gives_a_mandate_to_a_provider_found_by_enterprise_number_and_stops_it(
        world: World) -> None:
    csrf = sign_in(world.client, world.people["Anna"], "en")
    path = f"/en/registry/parties/{world.id('Anna')}/mandates"
    other = world.orgs["other"]
    number = other.enterprise_number
    assert number is not None
    found = _page(world, f"{path}?enterprise_number={number.value}")
    assert "Provider found" in text(found)
    assert "Other Consult" in text(found)
    assert number.formatted in text(found)
    given = world.client.post(path + "/give", data={
        "enterprise_number": number.formatted, "until": "2025-12-31", "csrf_token": csrf})
    assert given.status_code == 303
    assert "The mandate was given." in text(_page(world, given.headers["location"]))
    [mandate] = world.read(lambda repo: [m.id for m in repo.mandates_taken_by(other.party)])
    assert world.mandate_state(mandate) == ("awaiting_taker", None, "2025-12-31")
    stopped = world.client.post(path + "/stop", data={"mandate": mandate, "confirmed": "stop",
                                                      "csrf_token": csrf})
    assert stopped.status_code == 303
    assert "The mandate was stopped." in text(_page(world, stopped.headers["location"]))
    assert world.mandate_state(mandate)[:2] == ("stopped", world.id("Anna"))


@pytest.mark.parametrize(("number", "message"), [
    ("0403170702", "check digits"),
    (enterprise_number(99), "No organisation with this enterprise number is registered"),
])
def test_finding_a_provider_by_a_wrong_enterprise_number_shows_the_error(
        world: World, number: str, message: str) -> None:
    sign_in(world.client, world.people["Anna"], "en")
    response = world.client.get(f"/en/registry/parties/{world.id('Anna')}/mandates"
                                f"?enterprise_number={number}")
    assert response.status_code == 422
    assert 'href="#enterprise_number"' in response.text
    assert message in text(response.text)


def test_giving_a_second_open_mandate_to_the_same_provider_is_a_conflict(world: World) -> None:
    csrf = sign_in(world.client, world.people["Anna"])
    number = world.orgs["provider"].enterprise_number
    assert number is not None
    response = world.client.post(f"/nl/registry/parties/{world.id('Anna')}/mandates/give",
                                 data={"enterprise_number": number.value, "csrf_token": csrf})
    assert response.status_code == 409
    # In the page's language, the mandate by its parties.
    assert "Het mandaat van Anna Applicant aan Provider BV bestaat al" in text(response.text) \
        or "het mandaat van Anna Applicant aan Provider BV bestaat al" in text(response.text)


# --- the checker ---------------------------------------------------------------------------

def test_the_checker_shows_a_denial_with_the_fixer_and_a_link_to_the_guide_outcome(
        world: World) -> None:
    sign_in(world.client, world.people["Luc"], "en")
    page = _page(world, f"/en/registry/check?person={world.id('Eva')}"
                        f"&applicant={world.orgs['bakery'].id}")
    assert "No: Eva Employee may not manage the dossiers of Bakkerij NV" in text(page)
    assert "Who can fix it:" in text(page)
    assert "the local administrator of Provider BV (Luc Admin) must grant" in text(page)
    guide = [a["href"] for a in elements(page, "a") if "/flows/" in a.get("href", "")]
    assert guide
    outcome = world.client.get(guide[0])
    assert outcome.status_code == 200
    assert "Mandaatuitvoerder" in text(outcome.text)


def test_the_checker_explains_in_the_pages_language(world: World) -> None:
    sign_in(world.client, world.people["Luc"])
    denied = f"?person={world.id('Eva')}&applicant={world.orgs['bakery'].id}"
    dutch = text(_page(world, "/nl/registry/check" + denied))
    assert "Eva Employee heeft ‘SSM Mandaatuitvoerder’ niet bij Provider BV" in dutch
    assert "de lokale beheerder van Provider BV (Luc Admin) moet Eva Employee " \
        "‘SSM Mandaatuitvoerder’ geven" in dutch
    assert "does not hold" not in dutch
    allowed = f"?person={world.id('Emil')}&applicant={world.orgs['bakery'].id}&at=2025-03-03"
    chain = text(_page(world, "/nl/registry/check" + allowed))
    assert "Bakkerij NV gaf Provider BV een KIOSK-mandaat, actief sinds 3 maart 2025" in chain
    assert world.mandates["bakery"].id not in chain
    english = text(_page(world, "/en/registry/check" + denied))
    assert "Eva Employee does not hold ‘SSM Mandaatuitvoerder’ at Provider BV" in english
    # The API's texts stay in English (its codes are what programs read).
    api = world.client.get("/api/registry/may-manage" + denied + "&lang=nl",
                           headers=world.token()).json()
    assert "Eva Employee does not hold ‘SSM Mandaatuitvoerder’ at Provider BV" in \
        [gap["text"] for gap in api["gaps"]]


def test_the_checker_shows_an_allowed_route_as_its_chain_with_names_and_dates(
        world: World) -> None:
    sign_in(world.client, world.people["Luc"], "en")
    html = _page(world, f"/en/registry/check?person={world.id('Emil')}"
                        f"&applicant={world.orgs['bakery'].id}&at=2025-03-03")
    page = text(html)
    assert "Yes: Emil Executor may manage the dossiers of Bakkerij NV on 3 March 2025" in page
    assert 'class="verdict verdict--yes"' in html
    assert "A mandate to an external service provider" in page
    assert "from 3 March 2025, without end date" in page
    assert "‘SSM Mandaatuitvoerder’" in page
    dutch = text(_page(world, f"/nl/registry/check?person={world.id('Emil')}"
                              f"&applicant={world.orgs['bakery'].id}&at=2025-03-03"))
    assert "3 maart 2025" in dutch


def test_the_checker_says_no_differently_and_puts_the_nearest_route_first(
        world: World) -> None:
    sign_in(world.client, world.people["Luc"], "en")
    html = _page(world, f"/en/registry/check?person={world.id('Eva')}"
                        f"&applicant={world.orgs['bakery'].id}&at=2025-03-03")
    assert 'class="verdict verdict--no"' in html
    assert "No: Eva Employee may not manage the dossiers of Bakkerij NV" in text(html)
    # The route with the most facts in place comes first; the others are folded.
    first_gap = html.index('class="gap"')
    folded = html.index('<details class="more">')
    assert first_gap < folded
    assert "A mandate to an external service provider" in html[first_gap:folded]
    assert "On which day?" in text(html)


def test_the_checker_offers_my_users_and_my_applicants(world: World) -> None:
    sign_in(world.client, world.people["Luc"])
    page = _page(world, "/nl/registry/check")
    options = {e["value"] for e in elements(page, "option")}
    assert {world.id("Eva"), world.id("Emil"), world.orgs["bakery"].id} <= options
    assert world.id("Bart") not in options


def test_the_checker_refuses_a_question_outside_the_persons_reach(world: World) -> None:
    sign_in(world.client, world.people["Eva"])
    response = world.client.get(f"/nl/registry/check?person={world.id('Emil')}"
                                f"&applicant={world.orgs['bakery'].id}")
    assert _forbidden_rule(response) == "checker_scope"


def test_the_checker_refuses_a_bad_date_in_the_form(world: World) -> None:
    sign_in(world.client, world.people["Eva"], "en")
    response = world.client.get(f"/en/registry/check?applicant={world.id('Eva')}&at=tomorrow")
    assert response.status_code == 422
    assert 'href="#at"' in response.text


def test_the_registry_pages_are_translated(world: World) -> None:
    sign_in(world.client, world.people["Mia"], "nl")
    page = text(_page(world, "/nl/registry/"))
    assert "Mijn organisaties, rechten en mandaten" in page
    assert "Afmelden" in page
    signed_in = _page(world, "/nl/registry/sign-in")
    assert _heading(signed_in) == "Je bent aangemeld"
    assert "Je bent aangemeld als Mia Manager, met de eID-kaartlezer." in text(signed_in)
    assert "Afmelden op alle toestellen" in text(signed_in)


def test_the_sign_in_pages_are_translated(world: World) -> None:
    anonymous = world.client_for()
    assert _heading(anonymous.get("/nl/registry/sign-in").text) == "Aanmelden is niet ingesteld"
    assert _heading(anonymous.get("/nl/registry/signed-out").text) == "Je bent afgemeld"
    csrf = sign_in(world.client, world.people["Luc"], "nl", acr=TOTP)
    signed_in = text(_page(world, "/nl/registry/sign-in"))
    assert "Je bent aangemeld als Luc Admin, met een authenticator-app." in signed_in
    assert "Opnieuw aanmelden met eID" in signed_in
    refused = world.client.post(_users(world) + "/grant", data={
        "work_relation": world.eva_relation(), "kind": "SSM Mandaatuitvoerder",
        "csrf_token": csrf})
    assert refused.status_code == 403
    assert _heading(refused.text) == "Hiervoor moet je je aanmelden met eID"
    assert "Er is niets gewijzigd." in text(refused.text)
    configured = _configured().client
    assert "Aanmelden met eID" in text(configured.get("/nl/registry/sign-in").text)
    first = configured.get("/nl/registry/")
    assert "Meld je aan via het gebruikersbeheer van de Vlaamse overheid" in text(first.text)


# --- personal data and headers ---------------------------------------------------------------

def test_no_national_number_appears_in_full_in_any_url_page_or_log_line(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def on_request(request: Request) -> None:
        seen.append(str(request.url))

    def on_response(response: Response) -> None:
        response.read()
        seen.extend([response.text, str(response.headers)])

    world.client.event_hooks = {"request": [on_request], "response": [on_response]}
    csrf = sign_in(world.client, world.people["Luc"], "en")
    users = _users(world).replace("/nl/", "/en/")
    world.client.post(users + "/add", data={"national_number": world.numbers["Otto"],
                                            "csrf_token": csrf})
    world.client.post(users + "/add", data={"national_number": world.numbers["Otto"],
                                            "csrf_token": csrf})
    for path in [users, "/en/registry/", "/en/registry/sign-in",
                 f"/en/registry/check?person={world.id('Eva')}"
                 f"&applicant={world.orgs['bakery'].id}",
                 f"/api/registry/persons/{world.id('Otto')}", "/api/registry/me",
                 f"/api/registry/organisations/{world.orgs['provider'].id}/work-relations"]:
        world.client.get(path)
    world.client.post("/api/registry/persons/search", headers={"X-CSRF-Token": csrf},
                      json={"national_number": world.numbers["Eva"]})
    world.client.post("/api/registry/persons", headers=world.token("registry:write"),
                      json={"national_number": world.numbers["Eva"], "name": "Eva Twice"})
    seen.extend(record.getMessage() for record in caplog.records)
    assert len(seen) > 20
    assert any("/api/registry/persons/search" in line for line in seen)  # the log has lines
    for number in world.numbers.values():
        dotted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
        for line in seen:
            assert number not in line
            assert dotted not in line


def test_security_headers_are_on_every_registry_response(world: World) -> None:
    csrf = sign_in(world.client, world.people["Luc"])
    responses = [
        world.client.get("/nl/registry/"),
        world.client.get("/nl/registry/sign-in"),
        world.client.get(_users(world)),
        world.client.post(_users(world) + "/grant", data={}),
        world.client.post(_users(world) + "/grant", data={"csrf_token": csrf}),
        world.client.get("/nl/registry/check?person=P-none&applicant=P-none"),
        world.client.get("/api/registry/me"),
        world.client.get("/api/registry/persons/P-none"),
        world.client.post("/api/registry/mandates", json={}),
        build(SETTINGS).client.get("/api/registry/me"),
    ]
    assert {r.status_code for r in responses} >= {200, 401, 403, 404, 422}
    for response in responses:
        for name, value in HEADERS:
            assert response.headers[name.decode()] == value.decode()


def _demo_person(client: TestClient, name: str) -> Person | None:
    """The demo person stored in the app's registry, if it holds the demo."""
    # The first registry request builds the registry (and loads the demo into an empty one).
    assert client.get("/en/registry/sign-in").status_code == 200
    ctx: RegistryContext = client.app.state.registry_context  # type: ignore[attr-defined]
    [number] = [p.national_number for p in demo.PERSONS if p.name == name]
    with ctx.units() as uow:
        return uow.repo.person_by_number(NationalNumber.parse(number))


def test_demo_mode_loads_the_demo_dataset_into_an_empty_registry() -> None:
    client = TestClient(create_app(SETTINGS), follow_redirects=False)
    for person in demo.PERSONS:
        assert _demo_person(client, person.name) is not None, person.name
    pieter = _demo_person(client, "Pieter Claes")
    assert pieter is not None
    sign_in(client, pieter, "en")
    page = text(client.get("/en/registry/").text)
    assert "Signed in as Pieter Claes" in page
    assert "Dossierwerk Vlaanderen BV" in page


def test_a_registry_with_data_does_not_get_the_demo(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}", demo=True,
                        secret_key="test")
    world = build(settings)  # seeds the file through a context of its own
    client = TestClient(create_app(settings), follow_redirects=False)
    assert _demo_person(client, "Pieter Claes") is None
    sign_in(client, world.people["Luc"], "en")
    assert "Provider BV" in text(client.get("/en/registry/").text)
