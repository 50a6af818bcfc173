"""The headers of every answer: security headers on errors and 500s too, no-store on what
depends on who asks, HSTS over HTTPS, Allow on a 405; and no national number put in an
address is logged or echoed."""

from __future__ import annotations

import logging

import pytest
from httpx2 import Response as Answer
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from mandaatwijzer.web import create_app
from mandaatwijzer.web._security import HEADERS, HSTS

from .registry import SETTINGS, World, build, sign_in

API = "/api/registry"


@pytest.fixture(scope="module")
def world() -> World:
    return build()


def _secured(response: Answer) -> None:
    for name, value in HEADERS:
        assert response.headers[name.decode()] == value.decode(), name


def _app_that_fails() -> TestClient:
    """The app with two routes that raise, as a bug would."""
    app = create_app(SETTINGS)

    async def broken(request: Request) -> Response:
        raise RuntimeError("secret detail: /srv/mandaatwijzer.sqlite3")

    app.router.routes[:0] = [Route("/nl/broken", broken), Route("/api/broken", broken)]
    return TestClient(app, raise_server_exceptions=False)


# --- security headers on every answer ----------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/nl/onbekend", 404), ("GET", "/api/onbekend", 404),
    ("GET", f"{API}/me", 401), ("GET", f"{API}/persons/nobody", 401),
    ("DELETE", "/nl/", 405), ("POST", f"{API}/me", 405),
    ("GET", "/nl/registry/check", 401), ("GET", "/", 307),
    ("GET", "/static/nothing.css", 404),
])
def test_errors_and_redirects_carry_the_security_headers(
        world: World, method: str, path: str, status: int) -> None:
    response = world.client.request(method, path)
    assert response.status_code == status
    _secured(response)


@pytest.mark.parametrize(("path", "json"), [("/nl/broken", False), ("/api/broken", True)])
def test_an_unhandled_error_is_a_500_with_the_headers_and_without_the_details(
        path: str, json: bool, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mandaatwijzer.access"):
        response = _app_that_fails().get(path)
    assert response.status_code == 500
    _secured(response)
    assert "secret detail" not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text
    if json:
        assert response.json() == {"errors": [{
            "code": "internal_error", "field": None,
            "message": "something went wrong on our side"}]}
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert "Er ging iets mis" in response.text or "Something went wrong" in response.text
    assert caplog.messages[-1].startswith(f"GET {path} 500 ")


def test_an_unhandled_error_is_still_raised_for_the_server_to_log() -> None:
    client = _app_that_fails()
    with TestClient(client.app, raise_server_exceptions=True) as raising, \
            pytest.raises(RuntimeError, match="secret detail"):
        raising.get("/nl/broken")


# --- Cache-Control: no-store on what depends on who asks --------------------------------------

def test_every_registry_answer_is_never_stored(world: World) -> None:
    client = world.client_for()
    paths = ["/nl/registry/", "/en/registry/sign-in", "/nl/registry/check",
             f"{API}/me", f"{API}/organisations", "/nl/registry/nowhere", f"{API}/nowhere"]
    for path in paths:
        assert client.get(path).headers["cache-control"] == "no-store", path
    sign_in(client, world.people["Luc"])
    org = world.orgs["provider"].id
    paths += [f"/nl/registry/organisations/{org}/users", f"/nl/registry/parties/{org}/mandates",
              f"{API}/organisations/{org}/work-relations", f"{API}/persons/nobody"]
    for path in paths:
        response = client.get(path)
        assert response.headers.get_list("cache-control") == ["no-store"], path
    me = client.get(f"{API}/me")
    assert "csrf_token" in me.json()
    assert me.headers["cache-control"] == "no-store"
    assert client.post(f"{API}/persons/search", json={}).headers["cache-control"] == "no-store"


def test_signing_in_and_out_is_never_stored(world: World) -> None:
    client = world.client_for()
    sign_in(client, world.people["Eva"])
    assert "mw_session" in client.cookies
    page = client.get("/nl/registry/sign-in")
    assert page.headers["cache-control"] == "no-store"
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    out = client.post("/nl/registry/sign-out", data={"csrf_token": csrf})
    assert out.status_code == 303
    assert out.headers["set-cookie"].startswith('mw_session=""')
    assert "max-age=0" in out.headers["set-cookie"].lower()
    assert out.headers["cache-control"] == "no-store"
    # The test's cookie jar keeps the old cookie, but the server ended its session.
    assert client.get("/nl/registry/").status_code == 401
    back = client.get(out.headers["location"])
    assert back.status_code == 200
    assert back.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/nl/", "/nl/glossary", "/static/style.css", "/api/flows"])
def test_the_guides_public_answers_may_be_stored(world: World, path: str) -> None:
    assert world.client.get(path).headers.get("cache-control") != "no-store"


# --- HSTS over HTTPS ----------------------------------------------------------------------------

def test_https_answers_keep_the_browser_on_https(world: World) -> None:
    over_https = TestClient(world.client.app, base_url="https://testserver")
    for path in ("/nl/", "/nl/onbekend", f"{API}/me"):
        assert over_https.get(path).headers["strict-transport-security"] == HSTS[1].decode()
    assert "strict-transport-security" not in world.client.get("/nl/").headers


def test_https_behind_a_proxy_is_the_scheme_of_the_request() -> None:
    """uvicorn's proxy headers set the scope's scheme from X-Forwarded-Proto; the same."""
    app = create_app(SETTINGS)
    seen: list[str] = []

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["scheme"])
        await app({**scope, "scheme": "https"}, receive, send)

    response = TestClient(asgi).get("/nl/")
    assert seen == ["http"]
    assert response.headers["strict-transport-security"] == HSTS[1].decode()


# --- Allow on every 405 -------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/nl/", "GET, HEAD"),
    ("PUT", "/nl/flows/externe-dienstverlener/step", "GET, HEAD, POST"),
    ("DELETE", "/nl/registry/sign-in", "GET, HEAD"),
    ("GET", "/nl/registry/sign-out", "POST"),
    ("PUT", "/nl/registry/organisations/x/users", "GET, HEAD"),
    ("POST", f"{API}/me", "GET"),
    ("DELETE", f"{API}/persons", "GET, POST"),
    ("PUT", f"{API}/tokens", "GET, POST"),
    ("POST", "/static/style.css", "GET, HEAD"),
])
def test_a_405_names_every_method_the_address_takes(
        world: World, method: str, path: str, allowed: str) -> None:
    response = world.client.request(method, path)
    assert response.status_code == 405
    assert response.headers.get_list("allow") == [allowed]
    _secured(response)


# --- national numbers in an address -------------------------------------------------------------

def test_a_national_number_in_an_address_is_neither_logged_nor_echoed(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    number = world.numbers["Eva"]
    dotted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    client = world.client_for()
    sign_in(client, world.people["Luc"])
    seen: list[str] = []
    with caplog.at_level(logging.INFO, logger="mandaatwijzer.access"):
        for shown in (number, dotted, "12345678901"):  # valid or not: shaped like one
            for path in (f"{API}/persons/{shown}", f"{API}/mandates/{shown}",
                         f"{API}/persons/{shown}/applicants",
                         f"{API}/applicants/{shown}/persons",
                         f"{API}/organisations/{shown}", f"/nl/registry/parties/{shown}/mandates",
                         f"/nl/registry/organisations/{shown}/users", f"/nl/{shown}"):
                response = client.get(path)
                assert response.status_code in (403, 404), (path, response.status_code)
                seen += [response.text, str(response.headers)]
    assert len(caplog.messages) == 24
    seen += caplog.messages
    for text in seen:
        for shown in (number, dotted, "12345678901"):
            assert shown not in text
    assert f"GET {API}/persons/*********{number[-2:]} 40" in caplog.text
    assert f"GET {API}/persons/**.**.**-***.{number[-2:]} 40" in caplog.text
    not_found = client.get(f"{API}/mandates/{dotted}").json()["errors"][0]["message"]
    assert not_found == f"no mandate **.**.**-***.{number[-2:]}"
