"""The demo's OpenID Connect provider over HTTP: discovery, the code flow with PKCE and nonce,
the means of authentication, JWT access tokens, introspection, tampering, stopping."""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
import secrets
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

pytest.importorskip("mandaatwijzer.adapters.demo_provider")  # needs oidc-provider-mock

import httpx
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from mandaatwijzer.adapters.demo_provider import (
    EID,
    FOREIGN_EID,
    ITSME,
    TOTP,
    RunningProvider,
    demo_accounts,
    start,
)
from mandaatwijzer.registry.demo import PERSONS

from ..oidc_provider import (
    AUDIENCE,
    REMOVE,
    Tamper,
    authorize,
    change,
    deny,
    oidc_provider,
    other_key,
    provider_tamper,
    tamper,
)

__all__ = ["oidc_provider", "provider_tamper", "tamper"]  # fixtures

CLIENT = ("mandaatwijzer", "client-secret")
REDIRECT = "http://127.0.0.1:9/auth/callback"


def discovery(provider: RunningProvider) -> dict[str, Any]:
    return _discovery(provider.issuer)


@functools.cache
def _discovery(issuer: str) -> dict[str, Any]:
    answer = httpx.get(f"{issuer}/.well-known/openid-configuration")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def keys(provider: RunningProvider) -> KeySet:
    return KeySet.import_key_set(httpx.get(discovery(provider)["jwks_uri"]).json())


def half_hash(value: str) -> str:
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


@dataclass
class Request:
    url: str
    state: str
    nonce: str
    verifier: str


def authorization_request(provider: RunningProvider, **extra: str) -> Request:
    state, nonce, verifier = (secrets.token_urlsafe(16) for _ in range(3))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {"response_type": "code", "client_id": CLIENT[0], "redirect_uri": REDIRECT,
             "scope": "openid profile", "state": state, "nonce": nonce,
             "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256",
             **extra}
    url = f"{discovery(provider)['authorization_endpoint']}?{urlencode(query)}"
    return Request(url, state, nonce, verifier)


def sign_in(provider: RunningProvider, sub: str, acr: str | None = None,
            **extra: str) -> tuple[Request, dict[str, Any]]:
    """The whole code flow by hand: the request, the page's answer, the code for tokens."""
    request = authorization_request(provider, **extra)
    back = urlparse(authorize(request.url, sub, acr))
    assert back._replace(query="").geturl() == REDIRECT
    params = parse_qs(back.query)
    assert params["state"] == [request.state]
    answer = httpx.post(discovery(provider)["token_endpoint"], auth=CLIENT, data={
        "grant_type": "authorization_code", "code": params["code"][0],
        "redirect_uri": REDIRECT, "code_verifier": request.verifier})
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return request, tokens


def userinfo(provider: RunningProvider, access_token: str) -> httpx.Response:
    return httpx.get(discovery(provider)["userinfo_endpoint"],
                     headers={"Authorization": f"Bearer {access_token}"})


def introspect(provider: RunningProvider, token: str) -> dict[str, Any]:
    answer = httpx.post(discovery(provider)["introspection_endpoint"], auth=CLIENT,
                        data={"token": token})
    assert answer.status_code == 200
    info: dict[str, Any] = answer.json()
    return info


# --- the accounts ----------------------------------------------------------------------------


def test_the_demo_people_are_the_accounts_with_their_usual_means() -> None:
    accounts = {account.sub: account for account in demo_accounts()}
    assert len(accounts) == len(PERSONS)
    pieter = accounts["demo-pieter"]
    assert (pieter.given_name, pieter.family_name, pieter.acr) == ("Pieter", "Claes", EID)
    assert accounts["demo-sofie"].acr == TOTP
    assert accounts["demo-ahmed"].family_name == "El Amrani"
    foreign = [person.key for person in PERSONS if not person.has_eid]
    assert foreign
    assert all(accounts[f"demo-{key}"].acr == FOREIGN_EID for key in foreign)
    assert all(re.fullmatch(r"\d{11}", account.national_number) for account in accounts.values())


# --- discovery and the page ------------------------------------------------------------------


def test_discovery_names_the_endpoints_and_the_issuer(oidc_provider: RunningProvider) -> None:
    document = discovery(oidc_provider)
    assert document["issuer"] == oidc_provider.issuer
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", oidc_provider.issuer)
    for name, path in [("authorization_endpoint", "/oauth2/authorize"),
                       ("token_endpoint", "/oauth2/token"), ("userinfo_endpoint", "/userinfo"),
                       ("jwks_uri", "/jwks"), ("end_session_endpoint", "/oauth2/end_session"),
                       ("introspection_endpoint", "/oauth2/introspect")]:
        assert document[name] == oidc_provider.issuer + path
    assert set(document["acr_values_supported"]) == {EID, ITSME, TOTP, FOREIGN_EID}


def test_the_page_offers_the_people_and_the_means(oidc_provider: RunningProvider) -> None:
    page = httpx.get(authorization_request(oidc_provider).url)
    assert page.status_code == 200
    html = page.text
    assert '<html lang="nl">' in html
    assert re.search(r"<h1>Lokale aanmeldserver voor de demo\s*<span lang=\"en\"", html)
    assert "<legend>Aanmeldmiddel" in html
    for account in demo_accounts():
        assert f'name="sub" value="{account.sub}"' in html
        assert account.name in html
    assert 'name="action" value="deny"' in html
    assert re.findall(r'<input[^>]*checked[^>]*>', html) == [
        '<input type="radio" name="acr" id="acr-usual" value="" checked>']
    assert all(f'for="{id_}"' in html for id_ in re.findall(r'<input[^>]*id="([^"]+)"', html))
    assert not re.search(r"<(script|link|img)\b|src=", html)  # nothing from elsewhere
    assert "debugger" not in html.lower()


def test_one_means_asked_for_is_preselected(oidc_provider: RunningProvider) -> None:
    html = httpx.get(authorization_request(oidc_provider, acr_values=ITSME).url).text
    checked = re.findall(r'<input[^>]*checked[^>]*>', html)
    assert len(checked) == 1
    assert f'value="{ITSME}"' in checked[0]


def test_a_list_of_acceptable_means_keeps_each_persons_usual_one(
        oidc_provider: RunningProvider) -> None:
    html = httpx.get(authorization_request(oidc_provider, acr_values=f"{ITSME} {EID}").url).text
    checked = re.findall(r'<input[^>]*checked[^>]*>', html)
    assert len(checked) == 1
    assert 'value=""' in checked[0]


# --- the code flow ---------------------------------------------------------------------------


def test_the_code_flow_gives_an_id_token_signed_with_the_published_key(
        oidc_provider: RunningProvider) -> None:
    request, tokens = sign_in(oidc_provider, "demo-pieter")
    id_token = jwt.decode(tokens["id_token"], keys(oidc_provider), algorithms=["RS256"])
    jwt.JWTClaimsRegistry(iss={"value": oidc_provider.issuer}, aud={"value": CLIENT[0]},
                          nonce={"value": request.nonce}, exp={"essential": True},
                          ).validate(id_token.claims)
    pieter = next(a for a in demo_accounts() if a.sub == "demo-pieter")
    claims = id_token.claims
    assert claims["sub"] == "demo-pieter"
    assert claims["rrn"] == pieter.national_number
    assert (claims["given_name"], claims["family_name"]) == ("Pieter", "Claes")
    assert claims["acr"] == EID
    assert claims["at_hash"] == half_hash(tokens["access_token"])
    assert id_token.header["kid"] == keys(oidc_provider).keys[0].kid


def test_the_chosen_means_is_the_acr_everywhere(oidc_provider: RunningProvider) -> None:
    _, tokens = sign_in(oidc_provider, "demo-pieter", acr=TOTP)
    assert jwt.decode(tokens["id_token"], keys(oidc_provider)).claims["acr"] == TOTP
    assert jwt.decode(tokens["access_token"], keys(oidc_provider)).claims["acr"] == TOTP
    assert introspect(oidc_provider, tokens["access_token"])["acr"] == TOTP
    # A later sign-in with another means does not change what this token's userinfo says.
    sign_in(oidc_provider, "demo-pieter", acr=ITSME)
    assert userinfo(oidc_provider, tokens["access_token"]).json()["acr"] == TOTP


def test_without_a_choice_the_person_s_usual_means_counts(oidc_provider: RunningProvider) -> None:
    _, tokens = sign_in(oidc_provider, "demo-sofie", acr_values=EID)
    assert jwt.decode(tokens["id_token"], keys(oidc_provider)).claims["acr"] == TOTP


def test_deny_and_unknown_people_and_means(oidc_provider: RunningProvider) -> None:
    request = authorization_request(oidc_provider)
    params = parse_qs(urlparse(deny(request.url)).query)
    assert params["error"] == ["access_denied"]
    assert params["state"] == [request.state]
    assert httpx.post(request.url, data={"sub": "someone"}).status_code == 400
    assert httpx.post(request.url, data={"sub": "demo-pieter", "acr": "x"}).status_code == 400


def test_a_request_without_nonce_is_refused(oidc_provider: RunningProvider) -> None:
    request = authorization_request(oidc_provider)
    url = re.sub(r"&nonce=[^&]+", "", request.url)
    back = parse_qs(urlparse(authorize(url, "demo-pieter")).query)
    assert back["error"] == ["invalid_request"]


def test_the_access_token_is_a_jwt_for_the_audience(oidc_provider: RunningProvider) -> None:
    _, tokens = sign_in(oidc_provider, "test-eid")
    token = jwt.decode(tokens["access_token"], keys(oidc_provider), algorithms=["RS256"])
    assert token.header["typ"] == "at+jwt"
    claims = token.claims
    assert claims["aud"] == AUDIENCE
    assert claims["iss"] == oidc_provider.issuer
    assert (claims["sub"], claims["client_id"], claims["acr"]) == ("test-eid", CLIENT[0], EID)
    assert claims["scope"] == "openid profile"
    assert claims["iat"] <= time.time() < claims["exp"]
    assert claims["jti"]
    info = userinfo(oidc_provider, tokens["access_token"])
    assert info.status_code == 200
    assert info.json()["sub"] == "test-eid"
    assert "rrn" in info.json()


def test_a_refreshed_access_token_is_a_jwt_too(oidc_provider: RunningProvider) -> None:
    _, tokens = sign_in(oidc_provider, "test-totp")
    answer = httpx.post(discovery(oidc_provider)["token_endpoint"], auth=CLIENT, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert answer.status_code == 200, answer.text
    fresh = answer.json()["access_token"]
    assert jwt.decode(fresh, keys(oidc_provider)).claims["acr"] == TOTP
    assert introspect(oidc_provider, fresh)["active"] is True
    assert introspect(oidc_provider, tokens["access_token"]) == {"active": False}


def test_introspection(oidc_provider: RunningProvider) -> None:
    _, tokens = sign_in(oidc_provider, "demo-griet")
    info = introspect(oidc_provider, tokens["access_token"])
    assert info == {"active": True, "sub": "demo-griet", "aud": AUDIENCE,
                    "iss": oidc_provider.issuer, "exp": info["exp"], "iat": info["iat"],
                    "scope": "openid profile", "client_id": CLIENT[0], "acr": EID,
                    "token_type": "Bearer"}
    assert introspect(oidc_provider, "not-a-token") == {"active": False}
    assert introspect(oidc_provider, tokens["id_token"]) == {"active": False}
    endpoint = discovery(oidc_provider)["introspection_endpoint"]
    by_form = httpx.post(endpoint, data={"token": tokens["access_token"],
                                         "client_id": "other", "client_secret": "x"})
    assert by_form.json()["active"] is True
    assert httpx.post(endpoint, data={"token": tokens["access_token"]}).status_code == 401


# --- tampering -------------------------------------------------------------------------------


def test_tamper_rewrites_the_id_token(oidc_provider: RunningProvider, tamper: Tamper) -> None:
    tamper.rule = change("id_token", nonce="other", iss="http://elsewhere", rrn=REMOVE)
    _, tokens = sign_in(oidc_provider, "demo-pieter")
    claims = jwt.decode(tokens["id_token"], keys(oidc_provider)).claims
    assert (claims["nonce"], claims["iss"]) == ("other", "http://elsewhere")
    assert "rrn" not in claims
    assert jwt.decode(tokens["access_token"], keys(oidc_provider)).claims["aud"] == AUDIENCE


def test_other_key_breaks_the_signature(oidc_provider: RunningProvider, tamper: Tamper) -> None:
    tamper.rule = change("id_token", **other_key())
    _, tokens = sign_in(oidc_provider, "demo-pieter")
    with pytest.raises(BadSignatureError):
        jwt.decode(tokens["id_token"], keys(oidc_provider))
    forged = jws.extract_compact(tokens["id_token"].encode())
    assert forged.protected["kid"] == keys(oidc_provider).keys[0].kid  # the client tries it
    assert b'"rrn"' in (forged.payload or b"")
    jwt.decode(tokens["access_token"], keys(oidc_provider))  # untouched


def test_a_tampered_access_token_still_opens_userinfo(oidc_provider: RunningProvider,
                                                      tamper: Tamper) -> None:
    tamper.rule = change("access_token", aud="someone-else")
    _, tokens = sign_in(oidc_provider, "demo-pieter")
    assert jwt.decode(tokens["access_token"], keys(oidc_provider)).claims["aud"] == "someone-else"
    id_claims = jwt.decode(tokens["id_token"], keys(oidc_provider)).claims
    assert id_claims["at_hash"] == half_hash(tokens["access_token"])
    assert userinfo(oidc_provider, tokens["access_token"]).status_code == 200
    assert introspect(oidc_provider, tokens["access_token"])["aud"] == "someone-else"

    tamper.rule = change("access_token", exp=int(time.time()) - 60)
    _, expired = sign_in(oidc_provider, "demo-pieter")
    assert introspect(oidc_provider, expired["access_token"]) == {"active": False}
    assert userinfo(oidc_provider, expired["access_token"]).status_code == 401


def test_the_rule_is_gone_after_the_test(oidc_provider: RunningProvider, tamper: Tamper) -> None:
    assert tamper.rule is None
    _, tokens = sign_in(oidc_provider, "demo-pieter")
    assert "rrn" in jwt.decode(tokens["id_token"], keys(oidc_provider)).claims


# --- the rest --------------------------------------------------------------------------------


def test_end_session_sends_back_with_the_state(oidc_provider: RunningProvider) -> None:
    endpoint = discovery(oidc_provider)["end_session_endpoint"]
    page = httpx.get(endpoint, params={"post_logout_redirect_uri": REDIRECT, "state": "s1"})
    assert page.status_code == 200
    assert "<h1>Afmelden" in page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    target = re.search(r'name="redirect_uri" value="([^"]+)"', page.text)
    assert action is not None
    assert target is not None
    back = httpx.post(oidc_provider.issuer + action[1],
                      data={"redirect_uri": target[1].replace("&amp;", "&")})
    assert back.status_code == 302
    assert back.headers["location"] == f"{REDIRECT}?state=s1"


def test_no_national_number_in_the_logs(oidc_provider: RunningProvider,
                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _, tokens = sign_in(oidc_provider, "demo-pieter")
    userinfo(oidc_provider, tokens["access_token"])
    pieter = next(a for a in demo_accounts() if a.sub == "demo-pieter")
    assert pieter.national_number not in caplog.text


def test_stop_frees_the_port() -> None:
    provider = start(demo_accounts()[:1], audience="x")
    port = urlparse(provider.issuer).port
    assert port is not None
    assert httpx.get(provider.issuer + "/jwks").status_code == 200
    began = time.monotonic()
    provider.stop()
    assert time.monotonic() - began < 2
    with pytest.raises(httpx.ConnectError):
        httpx.get(provider.issuer + "/jwks")
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
