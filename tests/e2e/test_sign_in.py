"""Signing in through a real OpenID Connect provider, over HTTP: the relying party end to end.

The provider is the demo's (`adapters/demo_provider`, tests/oidc_provider.py) on a loopback
port; the app runs in process (Starlette's TestClient) on the demo dataset and speaks to the
provider over HTTP for discovery, the code exchange, the keys and userinfo. A test answers
the provider's sign-in page as a person would (`authorize`) and brings the browser back.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from mandaatwijzer.adapters.demo_provider import (
    EID,
    TOTP,
    DemoAccount,
    RunningProvider,
    demo_accounts,
)
from mandaatwijzer.adapters.demo_provider import start as start_provider
from mandaatwijzer.api.registry import SESSION_COOKIE
from mandaatwijzer.bootstrap import RegistryContext, build_context
from mandaatwijzer.config import Settings, SignInSettings
from mandaatwijzer.registry import demo
from mandaatwijzer.registry.identifiers import NationalNumber
from mandaatwijzer.registry.ports import Clock
from mandaatwijzer.web import create_app

from ..oidc_provider import (
    AUDIENCE,
    REMOVE,
    TEST_ACCOUNTS,
    Tamper,
    authorize,
    change,
    deny,
    other_key,
    provider_tamper,
    tamper,
)

__all__ = ["oidc_provider", "provider_tamper", "tamper"]

#: A person whose provider sends no national register number at all.
WITHOUT_NUMBER = DemoAccount("test-no-rrn", "Nora", "Zondernummer", "", EID,
                             "Testpersoon zonder rijksregisternummer.",
                             "Test person without a national register number.")


@pytest.fixture(scope="module")
def oidc_provider(provider_tamper: Tamper) -> Iterator[RunningProvider]:
    provider = start_provider((*demo_accounts(), *TEST_ACCOUNTS, WITHOUT_NUMBER),
                              audience=AUDIENCE, tamper=provider_tamper)
    try:
        yield provider
    finally:
        provider.stop()

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
SECRET = "client-secret"


class MovableClock(Clock):
    """A clock a test moves forward (sessions' idle time and lifetime)."""

    def __init__(self) -> None:
        super().__init__()
        object.__setattr__(self, "moved", timedelta())

    def now(self) -> datetime:
        return datetime.now(UTC) + self.moved  # type: ignore[attr-defined, no-any-return]

    def forward(self, by: timedelta) -> None:
        object.__setattr__(self, "moved", self.moved + by)  # type: ignore[attr-defined]


@dataclasses.dataclass
class App:
    ctx: RegistryContext
    client: TestClient
    clock: MovableClock
    provider: RunningProvider

    def fresh(self, https: bool = False) -> TestClient:
        return TestClient(self.client.app, follow_redirects=False,
                          base_url="https://testserver" if https else "http://testserver")

    def person_count(self) -> int:
        with self.ctx.units() as uow:
            return uow.repo.persons(0, 1).total

    def person_named(self, number: str) -> str | None:
        with self.ctx.units() as uow:
            found = uow.repo.person_by_number(NationalNumber.parse(number))
            return found.name if found is not None else None


@pytest.fixture
def app(oidc_provider: RunningProvider) -> Iterator[App]:
    sign_in = SignInSettings(issuer=oidc_provider.issuer, client_id=AUDIENCE,
                             client_secret=SECRET, idle_minutes=30, lifetime_hours=8)
    settings = Settings(database_url="memory:", demo=True, secret_key="test", access_log=False,
                        sign_in=sign_in)
    clock = MovableClock()
    ctx = build_context(settings, access_index=True, clock=clock)
    demo.load_if_empty(ctx.units, Clock(datetime.now(UTC)))
    client = TestClient(create_app(settings, ctx), follow_redirects=False)
    yield App(ctx, client, clock, oidc_provider)
    ctx.close()


def start(client: TestClient, lang: str = "nl", **query: str) -> str:
    """Follow the sign-in link; the provider's authorization URL it redirects to."""
    answer = client.get("/auth/sign-in?" + urlencode({"lang": lang, **query}))
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def start_from(client: TestClient, href: str) -> str:
    """Follow a sign-in link found on a page; the provider's authorization URL."""
    answer = client.get(href)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def back(client: TestClient, location: str) -> httpx.Response:
    """The browser returning from the provider to the app's callback."""
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: TestClient, sub: str, acr: str | None = None, **query: str) -> str:
    """The whole sign-in as `sub`; the new session cookie's value (now the client's)."""
    client.cookies.delete(SESSION_COOKIE)
    answer = back(client, authorize(start(client, **query), sub, acr))
    assert answer.status_code == 303, answer.text
    return client.cookies[SESSION_COOKIE]


def csrf(client: TestClient) -> str:
    found = client.get("/api/registry/me")
    assert found.status_code == 200, found.text
    token: str = found.json()["csrf_token"]
    return token


def relation_of(app: App, key: str) -> str:
    person = next(p for p in demo.PERSONS if p.key == key)
    with app.ctx.units() as uow:
        found = uow.repo.person_by_number(NationalNumber.parse(person.national_number))
        assert found is not None
        return uow.repo.work_relations_of(found.id)[0].id


def rights_of(app: App, relation: str) -> list[str]:
    with app.ctx.units() as uow:
        return [r.kind.value for r in uow.repo.rights_on([relation])]


# --- the whole flow -------------------------------------------------------------------------


def test_a_person_signs_in_acts_signs_out_and_the_old_cookie_opens_nothing(app: App) -> None:
    client = app.client
    authorization = start(client)
    query = parse_qs(urlsplit(authorization).query)
    # The authorization code flow with PKCE, state and nonce, for the configured scopes.
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert all(len(query[name][0]) >= 20 for name in ("state", "nonce", "code_challenge"))
    assert query["scope"] == ["openid profile rrn vo"]
    assert query["redirect_uri"] == ["http://testserver/auth/callback"]

    answer = back(client, authorize(authorization, "demo-pieter"))
    assert answer.status_code == 303
    assert answer.headers["location"] == "/nl/registry/"
    overview = client.get("/nl/registry/")
    assert overview.status_code == 200
    assert "Pieter Claes" in overview.text

    # Act: Pieter, local administrator of Dossierwerk, grants Ahmed a right.
    relation = relation_of(app, "ahmed")
    granted = client.post(f"/api/registry/work-relations/{relation}/rights",
                          json={"kind": "SSM Mandaatuitvoerder"},
                          headers={"X-CSRF-Token": csrf(client)})
    assert granted.status_code == 201, granted.text
    assert "SSM Mandaatuitvoerder" in rights_of(app, relation)

    old = client.cookies[SESSION_COOKIE]
    page = client.get("/nl/registry/sign-in").text
    out = client.post("/nl/registry/sign-out", data={"csrf_token": CSRF.findall(page)[0]})
    assert out.status_code == 303
    # The provider's session ends too: its end_session_endpoint, and back to the app.
    assert out.headers["location"].startswith(app.provider.issuer + "/oauth2/end_session?")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Fnl%2Fregistry%2Fsigned-out" \
        in out.headers["location"]
    assert SESSION_COOKIE not in client.cookies

    replayed = app.fresh()
    replayed.cookies.set(SESSION_COOKIE, old)
    assert replayed.get("/nl/registry/").status_code == 401
    assert replayed.get("/api/registry/me").status_code == 401

    again = sign_in(client, "demo-pieter")
    assert again != old
    assert client.get("/nl/registry/").status_code == 200


def test_a_person_the_registry_does_not_know_is_registered_at_the_first_sign_in(
        app: App) -> None:
    account = TEST_ACCOUNTS[0]
    before = app.person_count()
    assert app.person_named(account.national_number) is None
    sign_in(app.client, account.sub)
    assert app.person_named(account.national_number) == account.name
    sign_in(app.fresh(), account.sub)
    assert app.person_count() == before + 1
    assert app.client.get("/nl/registry/").status_code == 200


def test_the_person_returns_to_the_page_they_wanted(app: App) -> None:
    client = app.client
    wanted = client.get("/nl/registry/check?at=2025-01-01")
    assert wanted.status_code == 401
    assert "/nl/registry/sign-in?next=/nl/registry/check%3Fat%3D2025-01-01" in wanted.text
    answer = back(client, authorize(start(client, next="/nl/registry/check?at=2025-01-01"),
                                    "demo-pieter"))
    assert answer.headers["location"] == "/nl/registry/check?at=2025-01-01"
    # Never another site.
    answer = back(client, authorize(start(client, next="//evil.example/x"), "demo-pieter"))
    assert answer.headers["location"] == "/nl/registry/"


# --- the eID rule from the sign-in ----------------------------------------------------------


def test_a_sign_in_without_eid_reads_but_an_eid_action_is_refused_and_changes_nothing(
        app: App) -> None:
    client = app.client
    sign_in(client, "demo-pieter", acr=TOTP)
    assert client.get("/nl/registry/").status_code == 200
    page = client.get("/en/registry/sign-in").text
    assert "an authenticator app" in page
    assert "/auth/sign-in?lang=en&amp;eid=1" in page

    relation = relation_of(app, "ahmed")
    refused = client.post(f"/api/registry/work-relations/{relation}/rights",
                          json={"kind": "SSM Mandaatuitvoerder"},
                          headers={"X-CSRF-Token": csrf(client)})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["rule"] == "eid_sign_in_required"
    assert rights_of(app, relation) == []

    # Signing in again with eID asks the provider for it, and then the action is allowed.
    authorization = start(client, eid="1")
    assert parse_qs(urlsplit(authorization).query)["acr_values"] == [EID]
    back(client, authorize(authorization, "demo-pieter"))
    page = client.get("/en/registry/sign-in").text
    assert "the eID card reader" in page
    granted = client.post(f"/api/registry/work-relations/{relation}/rights",
                          json={"kind": "SSM Mandaatuitvoerder"},
                          headers={"X-CSRF-Token": csrf(client)})
    assert granted.status_code == 201, granted.text


def test_an_eid_action_on_a_page_says_to_sign_in_again_with_eid(app: App) -> None:
    client = app.client
    sign_in(client, "demo-pieter", acr=TOTP)
    with app.ctx.units() as uow:
        org = next(o for o in uow.repo.organisations(0, 50).items
                   if o.name == "Dossierwerk Vlaanderen BV").id
    users = client.get(f"/en/registry/organisations/{org}/users")
    assert users.status_code == 200
    relation = relation_of(app, "ahmed")
    answer = client.post(f"/en/registry/organisations/{org}/users/grant",
                         data={"csrf_token": CSRF.findall(users.text)[0],
                               "work_relation": relation, "kind": "SSM Mandaatuitvoerder"})
    assert answer.status_code == 403
    assert "This needs a sign-in with eID" in answer.text
    again = re.search(r'href="(/auth/sign-in\?[^"]*eid=1[^"]*)"', answer.text)
    assert again is not None
    assert rights_of(app, relation) == []
    # Signing in again with eID comes back to the users page, where the form is.
    location = authorize(start_from(client, again.group(1).replace("&amp;", "&")),
                         "demo-pieter")
    assert back(client, location).headers["location"] == \
        f"/en/registry/organisations/{org}/users"


# --- refusals: a clear page, no session, nothing changed ----------------------------------


def _refused(app: App, answer: httpx.Response, client: TestClient, before: int) -> str:
    assert answer.status_code == 401, answer.text
    assert SESSION_COOKIE not in client.cookies
    assert app.person_count() == before
    assert client.get("/nl/registry/").status_code == 401
    return answer.text


def test_a_callback_with_another_state_is_refused(app: App) -> None:
    client, before = app.client, app.person_count()
    location = authorize(start(client, "en"), TEST_ACCOUNTS[0].sub)
    forged = re.sub(r"state=[^&]+", "state=forged", location)
    text = _refused(app, back(client, forged), client, before)
    assert "was not started in this browser" in text


def test_a_callback_in_a_browser_that_started_no_sign_in_is_refused(app: App) -> None:
    location = authorize(start(app.client), TEST_ACCOUNTS[0].sub)
    other, before = app.fresh(), app.person_count()
    _refused(app, back(other, location), other, before)


def test_a_replayed_code_is_refused(app: App) -> None:
    client = app.client
    location = authorize(start(client, "en"), "demo-pieter")
    handshake = client.cookies["mw_sign_in"]
    assert back(client, location).status_code == 303
    thief = app.fresh()
    thief.cookies.set("mw_sign_in", handshake, path="/auth")
    before = app.person_count()
    text = _refused(app, back(thief, location), thief, before)
    assert "refused the sign-in" in text


def test_cancelling_at_the_provider_is_said_so(app: App) -> None:
    client, before = app.client, app.person_count()
    text = _refused(app, back(client, deny(start(client, "en"))), client, before)
    assert "was cancelled" in text


@pytest.mark.parametrize("rule", [
    pytest.param(lambda: change("id_token", nonce="another-nonce"), id="wrong nonce"),
    pytest.param(lambda: change("id_token", iss="https://other-issuer.example"),
                 id="another issuer"),
    pytest.param(lambda: change("id_token", aud="another-client"), id="another audience"),
    pytest.param(lambda: change("id_token", exp=int(datetime.now(UTC).timestamp()) - 3600,
                                iat=int(datetime.now(UTC).timestamp()) - 7200), id="expired"),
    pytest.param(lambda: change("id_token", **other_key()), id="bad signature"),
])
def test_an_id_token_that_is_not_right_is_refused(app: App, tamper: Tamper,
                                                   rule: Any) -> None:
    client, before = app.client, app.person_count()
    tamper.rule = rule()
    text = _refused(app, back(client, authorize(start(client, "en"), TEST_ACCOUNTS[0].sub)),
                    client, before)
    assert "could not be verified" in text


def test_a_sign_in_without_a_national_number_is_refused(app: App) -> None:
    # No `rrn` in the ID token, nor in userinfo.
    client, before = app.client, app.person_count()
    text = _refused(app, back(client, authorize(start(client, "en"), WITHOUT_NUMBER.sub)),
                    client, before)
    assert "did not send your national register number" in text


def test_a_sign_in_with_an_invalid_national_number_is_refused(app: App,
                                                               tamper: Tamper) -> None:
    client, before = app.client, app.person_count()
    tamper.rule = change("id_token", rrn="85052004299")
    text = _refused(app, back(client, authorize(start(client, "en"), TEST_ACCOUNTS[0].sub)),
                    client, before)
    assert "85052004299" not in text
    assert "is not valid" in text


def test_claims_missing_from_the_id_token_are_read_from_userinfo(app: App,
                                                                  tamper: Tamper) -> None:
    account = TEST_ACCOUNTS[0]
    tamper.rule = change("id_token", rrn=REMOVE, family_name=REMOVE, given_name=REMOVE,
                         name=REMOVE)
    sign_in(app.client, account.sub)
    assert app.person_named(account.national_number) == account.name


# --- sessions -------------------------------------------------------------------------------


def test_a_session_fixed_before_sign_in_is_worth_nothing(app: App) -> None:
    client = app.client
    sign_in(client, "demo-ahmed")
    planted = client.cookies[SESSION_COOKIE]
    victim = app.fresh()
    victim.cookies.set(SESSION_COOKIE, planted)
    # The victim signs in as themself: a new session, not the planted one upgraded.
    answer = back(victim, authorize(start(victim), "demo-pieter"))
    mine = answer.cookies[SESSION_COOKIE]
    victim.cookies.clear()
    victim.cookies.set(SESSION_COOKIE, mine)
    assert mine != planted
    assert "Pieter Claes" in victim.get("/nl/registry/").text
    attacker = app.fresh()
    attacker.cookies.set(SESSION_COOKIE, planted)
    assert "Pieter Claes" not in attacker.get("/nl/registry/").text


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(app: App) -> None:
    for https in (False, True):
        client = app.fresh(https=https)
        answer = back(client, authorize(start(client), "demo-pieter"))
        cookie = next(v for k, v in answer.headers.multi_items()
                      if k == "set-cookie" and v.startswith(SESSION_COOKIE + "="))
        flags = [part.strip().lower() for part in cookie.split(";")]
        assert "httponly" in flags
        assert "samesite=lax" in flags
        assert "path=/" in flags
        assert f"max-age={8 * 3600}" in flags
        assert ("secure" in flags) is https
        secret = cookie.split(";")[0].split("=", 1)[1]
        assert len(secret) >= 40


def test_a_session_ends_after_its_idle_time_and_its_lifetime(app: App) -> None:
    client = app.client
    sign_in(client, "demo-pieter")
    app.clock.forward(timedelta(minutes=29))
    assert client.get("/nl/registry/").status_code == 200
    app.clock.forward(timedelta(minutes=29))
    assert client.get("/nl/registry/").status_code == 200  # used 29 minutes ago: still live
    app.clock.forward(timedelta(minutes=31))
    assert client.get("/nl/registry/").status_code == 401  # idle too long

    sign_in(client, "demo-pieter")
    for _ in range(17):  # used every 29 minutes, but 8 hours after signing in it ends
        app.clock.forward(timedelta(minutes=29))
        client.get("/nl/registry/")
    assert client.get("/nl/registry/").status_code == 401


def test_signing_out_of_a_session_that_already_ended_says_signed_out(app: App) -> None:
    first, second = app.client, app.fresh()
    sign_in(first, "demo-pieter")
    second.cookies.set(SESSION_COOKIE, first.cookies[SESSION_COOKIE])
    page = first.get("/nl/registry/sign-in").text
    assert first.post("/nl/registry/sign-out",
                      data={"csrf_token": CSRF.findall(page)[0]}).status_code == 303
    # The same session, signed out in another tab: no error, the dead cookie goes.
    late = second.post("/nl/registry/sign-out", data={"csrf_token": CSRF.findall(page)[0]})
    assert late.status_code == 303
    assert late.headers["location"] == "/nl/registry/signed-out"
    assert 'mw_session=""' in late.headers["set-cookie"]


def test_sign_out_everywhere_ends_every_session_of_the_person(app: App) -> None:
    laptop, phone, other = app.client, app.fresh(), app.fresh()
    sign_in(laptop, "demo-pieter")
    sign_in(phone, "demo-pieter")
    sign_in(other, "demo-sofie")
    page = laptop.get("/nl/registry/sign-in").text
    out = laptop.post("/nl/registry/sign-out-everywhere",
                      data={"csrf_token": CSRF.findall(page)[0]})
    assert out.status_code == 303
    assert phone.get("/nl/registry/").status_code == 401
    assert laptop.get("/nl/registry/").status_code == 401
    assert other.get("/nl/registry/").status_code == 200


def test_a_changed_name_is_written_and_ends_the_other_sessions(app: App,
                                                                tamper: Tamper) -> None:
    account = TEST_ACCOUNTS[0]
    first = app.client
    sign_in(first, account.sub)
    tamper.rule = change("id_token", family_name="Nieuwenaam")
    sign_in(app.fresh(), account.sub)
    assert app.person_named(account.national_number) == f"{account.given_name} Nieuwenaam"
    assert first.get("/nl/registry/").status_code == 401


# --- the API for a person's access token ----------------------------------------------------


def program_token(provider: RunningProvider, sub: str, acr: str | None = None) -> str:
    """An access token as a program gets one for its user: the code flow, done by hand."""
    redirect = "http://program.test/callback"
    query = urlencode({"response_type": "code", "client_id": "a-program",
                       "scope": "openid profile rrn",
                       "redirect_uri": redirect, "state": "s", "nonce": "n"})
    location = authorize(f"{provider.issuer}/oauth2/authorize?{query}", sub, acr)
    code = parse_qs(urlsplit(location).query)["code"][0]
    answer = httpx.post(f"{provider.issuer}/oauth2/token",
                        data={"grant_type": "authorization_code", "code": code,
                              "redirect_uri": redirect},
                        auth=("a-program", "its-secret"))
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def test_a_program_acts_for_a_person_with_their_access_token(app: App) -> None:
    token = program_token(app.provider, "demo-pieter")
    headers = {"Authorization": f"Bearer {token}"}
    me = app.client.get("/api/registry/me", headers=headers)
    assert me.status_code == 200, me.text
    assert me.json()["person"]["name"] == "Pieter Claes"
    assert "csrf_token" not in me.json()  # no cookie, so no CSRF token
    relation = relation_of(app, "ahmed")
    granted = app.fresh().post(f"/api/registry/work-relations/{relation}/rights",
                               json={"kind": "SSM Mandaatbeheerder"}, headers=headers)
    assert granted.status_code == 201, granted.text


def test_a_token_without_eid_may_read_but_not_act(app: App) -> None:
    headers = {"Authorization": f"Bearer {program_token(app.provider, 'demo-pieter', TOTP)}"}
    relation = relation_of(app, "ahmed")
    refused = app.client.post(f"/api/registry/work-relations/{relation}/rights",
                              json={"kind": "SSM Mandaatbeheerder"}, headers=headers)
    assert refused.status_code == 403
    assert rights_of(app, relation) == []


@pytest.mark.parametrize(("claims", "said"), [
    pytest.param({"aud": "another-api"}, "aud", id="another audience"),
    pytest.param({"iss": "https://other-issuer.example"}, "iss", id="another issuer"),
    pytest.param({"exp": 1_000_000_000}, "exp", id="expired"),
    pytest.param(other_key(), "signature", id="bad signature"),
])
def test_an_access_token_that_is_not_for_this_api_is_refused(
        app: App, tamper: Tamper, claims: dict[str, object], said: str) -> None:
    tamper.rule = change("access_token", **claims)
    token = program_token(app.provider, "demo-pieter")
    tamper.rule = None
    before = app.person_count()
    answer = app.client.get("/api/registry/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["code"] == "invalid_token"
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]
    assert app.person_count() == before


def test_an_api_token_still_acts_as_the_system(app: App) -> None:
    _, secret = app.ctx.tokens.create("import", ["registry:read"])
    answer = app.client.get("/api/registry/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    assert answer.json()["kind"] == "token"


def test_introspection_is_used_when_the_settings_say_so(app: App) -> None:
    sign_in_settings = app.ctx.settings.sign_in
    assert sign_in_settings is not None
    settings = dataclasses.replace(app.ctx.settings, sign_in=dataclasses.replace(
        sign_in_settings, bearer="introspection"))
    ctx = build_context(settings, access_index=True)
    demo.load_if_empty(ctx.units, Clock(datetime.now(UTC)))
    client = TestClient(create_app(settings, ctx), follow_redirects=False)
    token = program_token(app.provider, "demo-sofie")
    me = client.get("/api/registry/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json()["person"]["name"] == "Sofie Wouters"
    forged = client.get("/api/registry/me", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    ctx.close()
