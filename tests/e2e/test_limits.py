"""Limits at the door (issue 11, part 2): bodies too large, anonymous bodies never read,
numbers out of bounds, dates not as YYYY-MM-DD, and control characters, each a clear refusal
that changes nothing, in the API and on the pages."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
from httpx2 import Response
from starlette.testclient import TestClient
from starlette.types import Message

from mandaatwijzer.api.registry import ADMIN, READ, WRITE
from mandaatwijzer.config import Settings
from mandaatwijzer.web import create_app

from ..unit.registry.scenario import national_number
from .registry import SETTINGS, World, build, sign_in

API = "/api/registry"
LIMIT = 4096


@pytest.fixture
def world() -> World:
    return build(replace(SETTINGS, max_body_bytes=LIMIT))


def _problem(response: Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    [problem] = response.json()["errors"]
    found: dict[str, Any] = problem
    return found


def _persons(world: World) -> int:
    total: int = world.client.get(f"{API}/persons", headers=world.token(READ)).json()["total"]
    return total


# --- the settings ----------------------------------------------------------------------------

def test_the_body_limit_is_read_from_the_environment_and_is_1_mib_by_default() -> None:
    assert Settings.from_env({}).max_body_bytes == 1 << 20
    assert Settings.from_env({"MANDAATWIJZER_MAX_BODY_BYTES": "65536"}).max_body_bytes == 65536
    assert "max_body_bytes=65536" in repr(Settings(max_body_bytes=65536))


@pytest.mark.parametrize("value", ["0", "-1", "1MiB", "", "²"])
def test_a_body_limit_that_is_no_positive_number_is_refused_naming_the_variable(
        value: str) -> None:
    with pytest.raises(ValueError, match="MANDAATWIJZER_MAX_BODY_BYTES"):
        Settings.from_env({"MANDAATWIJZER_MAX_BODY_BYTES": value})


# --- bodies too large --------------------------------------------------------------------------

def test_a_body_declared_larger_than_the_limit_is_refused_with_413_before_it_is_read(
        world: World) -> None:
    before = _persons(world)
    body = json.dumps({"national_number": national_number(900), "name": "x" * LIMIT})
    response = world.client.post(f"{API}/persons", headers=world.token(WRITE), content=body,
                                 params={}, )
    problem = _problem(response, 413)
    assert problem["code"] == "too_large"
    assert "4 KiB (4096 bytes)" in problem["message"]
    assert response.headers["x-content-type-options"] == "nosniff"  # security headers too
    assert _persons(world) == before


def test_a_streamed_body_is_refused_with_413_once_it_passes_the_limit_and_no_further_read(
        world: World) -> None:
    secret = world.token(WRITE)["Authorization"].encode()
    status, asked, answer = _call(world.client.app, [(b"authorization", secret)], 1000)
    assert status == 413
    assert json.loads(answer)["errors"][0]["code"] == "too_large"
    # 4 KiB read, then the fifth chunk passed it: nothing more was asked for (memory stays flat).
    assert asked == LIMIT // 1024 + 1


def test_a_page_too_large_is_refused_with_a_page_in_its_language(world: World) -> None:
    response = world.client.post("/en/registry/sign-out", content=b"x" * (LIMIT + 1),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    assert "What you sent is too large" in response.text
    assert "4 KiB" in response.text
    dutch = world.client.post("/nl/registry/sign-out", content=b"x" * (LIMIT + 1))
    assert "Wat je verstuurde, is te groot" in dutch.text


def test_a_streamed_form_is_refused_while_it_is_read(world: World) -> None:
    sign_in(world.client, world.people["Luc"], "en")
    cookie = f"mw_session={world.client.cookies['mw_session']}".encode()
    path = f"/en/registry/organisations/{world.orgs['provider'].id}/users/add"
    status, asked, answer = _call(world.client.app, [(b"cookie", cookie)], 1000, path=path,
                                  content_type=b"application/x-www-form-urlencoded")
    assert status == 413
    assert b"What you sent is too large" in answer
    assert asked == LIMIT // 1024 + 1


def test_a_body_within_the_limit_is_read_as_before(world: World) -> None:
    body = json.dumps({"national_number": national_number(901), "name": "Nina"})
    response = world.client.post(f"{API}/persons", content=body.ljust(LIMIT), headers={
        **world.token(WRITE), "content-type": "application/json"})
    assert response.status_code == 201, response.text


# --- who asks, before any body is read -------------------------------------------------------

def _call(app: Any, headers: list[tuple[bytes, bytes]], body_chunks: int, *,
          path: str = f"{API}/persons", content_type: bytes = b"application/json"
          ) -> tuple[int, int, bytes]:
    """POST a body of `body_chunks` chunks of 1 KiB straight to the ASGI app, as a server
    streams it: (status, chunks read, answer)."""
    asked = 0
    answers: list[Message] = []

    async def receive() -> Message:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": b"x" * 1024, "more_body": asked < body_chunks}

    async def send(message: Message) -> None:
        answers.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "server": ("testserver", 80),
             "client": ("testclient", 5000),
             "headers": [(b"host", b"testserver"), (b"content-type", content_type),
                         *headers]}
    asyncio.run(app(scope, receive, send))
    return answers[0]["status"], asked, b"".join(m.get("body", b"") for m in answers[1:])


@pytest.mark.parametrize("credentials", [
    [], [(b"authorization", b"Bearer mw_unknown")], [(b"cookie", b"mw_session=forged")]],
    ids=["none", "unknown token", "forged cookie"])
def test_a_request_without_valid_credentials_gets_its_401_without_its_body_being_read(
        credentials: list[tuple[bytes, bytes]]) -> None:
    world = build()  # the default limit: 1 MiB, far more than this body
    status, asked, answer = _call(world.client.app, credentials, body_chunks=200)
    assert (status, asked) == (401, 0)
    assert json.loads(answer)["errors"][0]["code"] == "unauthenticated"


def test_a_change_by_cookie_without_its_csrf_token_is_refused_before_the_body_is_read(
        world: World) -> None:
    sign_in(world.client, world.people["Luc"])
    cookie = world.client.cookies["mw_session"]
    status, asked, _ = _call(world.client.app,
                             [(b"cookie", f"mw_session={cookie}".encode())], 3)
    assert (status, asked) == (403, 0)


def test_a_valid_token_has_its_body_read(world: World) -> None:
    secret = world.token(WRITE)["Authorization"].encode()
    status, asked, _ = _call(world.client.app, [(b"authorization", secret)], body_chunks=2)
    assert status == 422  # "xx…" is no JSON: read, then refused
    assert asked == 2


# --- numbers and dates -------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "offset=-1", "offset=1000001", f"offset={2 ** 63}", f"offset={2 ** 64}", "limit=0",
    "limit=201", f"limit={2 ** 63}", "offset=1e3", "offset=NaN"])
def test_offset_and_limit_out_of_bounds_are_422_naming_the_parameter(world: World,
                                                                    query: str) -> None:
    for path in ("/persons", "/organisations",
                 f"/persons/{world.id('Mia')}/applicants",
                 f"/applicants/{world.id('Anna')}/persons",
                 f"/persons/{world.id('Mia')}/awaiting-signature"):
        response = world.client.get(f"{API}{path}?{query}", headers=world.token(READ))
        assert _problem(response, 422)["field"] == query.split("=")[0], path


def test_the_largest_offset_is_answered_with_an_empty_page(world: World) -> None:
    response = world.client.get(f"{API}/persons?offset=1000000", headers=world.token(READ))
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("at", ["0", "1", "20250303", "2025-03-03T00:00:00", "2025-3-3",
                                "2025-02-30", "03-03-2025", "-1"])
def test_a_day_not_written_yyyy_mm_dd_is_422_not_a_day_in_1970(world: World, at: str) -> None:
    response = world.client.get(f"{API}/may-manage", headers=world.token(READ), params={
        "person": world.id("Mia"), "applicant": world.id("Anna"), "at": at})
    problem = _problem(response, 422)
    assert problem["field"] == "at"


def test_a_day_written_yyyy_mm_dd_is_answered_for(world: World) -> None:
    response = world.client.get(f"{API}/may-manage", headers=world.token(READ), params={
        "person": world.id("Mia"), "applicant": world.id("Bart"), "at": "2025-03-03"})
    assert response.status_code == 200
    assert response.json()["at"] == "2025-03-03"


@pytest.mark.parametrize("start", [0, 1741000000, "2025-03-03T00:00:00", "20250303"])
def test_a_day_in_a_body_is_strict_too(world: World, start: Any) -> None:
    sign_in(world.client, world.people["Luc"])
    csrf = world.client.get(f"{API}/me").json()["csrf_token"]
    response = world.client.post(
        f"{API}/organisations/{world.orgs['provider'].id}/work-relations",
        headers={"X-CSRF-Token": csrf},
        json={"person_id": world.id("Otto"), "start": start})
    assert _problem(response, 422)["field"] == "start"


# --- control characters ------------------------------------------------------------------------

CONTROL = ["\x00", "\x01", "\t", "\n", "\x1f", "\x7f"]


@pytest.mark.parametrize("character", CONTROL)
def test_a_control_character_in_an_address_is_422_naming_the_part(world: World,
                                                                  character: str) -> None:
    token = world.token(READ, WRITE, ADMIN)
    character = quote(character)
    for path, field in ((f"/persons/P{character}1", "person_id"),
                        (f"/mandates/M{character}", "mandate_id"),
                        (f"/organisations/by-enterprise-number/04{character}", "number"),
                        (f"/applicants/A{character}/persons", "applicant_id")):
        problem = _problem(world.client.get(API + path, headers=token), 422)
        assert problem["field"] == field
        assert "control character" in problem["message"]
    problem = _problem(world.client.delete(f"{API}/tokens/t{character}", headers=token), 422)
    assert problem["field"] == "token_id"


@pytest.mark.parametrize("character", CONTROL)
def test_a_control_character_in_a_query_value_is_422_naming_it(world: World,
                                                               character: str) -> None:
    response = world.client.get(f"{API}/may-manage", headers=world.token(READ), params={
        "person": world.id("Mia") + character, "applicant": world.id("Anna")})
    problem = _problem(response, 422)
    assert problem["field"] == "person"
    assert "U+0000 to U+001F, U+007F" in problem["expected"]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/persons", {"national_number": national_number(902), "name": "An\x00na"}, "name"),
    ("/persons", {"national_number": national_number(902) + "\x00", "name": "Anna"},
     "national_number"),
    ("/persons/search", {"national_number": "\x00" + national_number(1)}, "national_number"),
    ("/organisations", {"name": "Pro\x07", "entity_group": "economic_actor"}, "name"),
    ("/organisations", {"name": "Pro", "entity_group": "economic_actor",
                        "legal_representatives": ["P\x00"]}, "legal_representatives.0"),
    ("/dossiers", {"applicant": {"kind": "person", "id": "A\x00"}, "title": "T"},
     "applicant.id"),
    ("/dossiers", {"applicant": {"kind": "person", "id": "A"}, "title": "T\n"}, "title"),
    ("/tokens", {"name": "imp\x00rt", "scopes": ["registry:read"]}, "name"),
])
def test_a_control_character_in_a_body_field_is_422_naming_it_and_changes_nothing(
        world: World, path: str, body: dict[str, Any], field: str) -> None:
    before = _persons(world)
    response = world.client.post(API + path, headers=world.token(READ, WRITE, ADMIN),
                                 json=body)
    problem = _problem(response, 422)
    assert problem["field"] == field
    assert national_number(902) not in response.text
    assert _persons(world) == before


def _form(world: World, name: str, lang: str = "en") -> str:
    return sign_in(world.client, world.people[name], lang)


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_in_a_form_field_is_a_422_page_naming_the_field(
        world: World, character: str) -> None:
    csrf = _form(world, "Luc")
    org = world.orgs["provider"].id
    relations = world.read(lambda repo: len(repo.work_relations_of(world.id("Otto"))))
    response = world.client.post(f"/en/registry/organisations/{org}/users/add", data={
        "national_number": world.numbers["Otto"] + character, "csrf_token": csrf})
    assert response.status_code == 422
    assert "national_number: contains the control character" in response.text
    assert world.numbers["Otto"] not in response.text
    assert world.read(lambda repo: len(repo.work_relations_of(world.id("Otto")))) == relations
    grant = world.client.post(f"/en/registry/organisations/{org}/users/grant", data={
        "work_relation": world.eva_relation(), "kind": f"SSM{character}", "csrf_token": csrf})
    assert grant.status_code == 422
    assert "kind: contains the control character" in grant.text


def test_a_control_character_in_a_page_address_or_query_is_a_422_page(world: World) -> None:
    _form(world, "Anna")
    anna = world.id("Anna")
    query = world.client.get(f"/en/registry/parties/{anna}/mandates",
                             params={"enterprise_number": "0403\x00170701"})
    assert query.status_code == 422
    assert "enterprise_number: contains the control character U+0000" in query.text
    check = world.client.get("/en/registry/check", params={"applicant": "x\x00"})
    assert check.status_code == 422
    address = world.client.get(f"/en/registry/parties/{anna}%00/mandates")
    assert address.status_code == 422
    assert "party: contains the control character U+0000" in address.text


def test_the_sign_in_page_refuses_a_control_character_in_the_page_to_return_to(
        world: World) -> None:
    response = world.client_for().get("/en/registry/sign-in",
                                      params={"next": "/en/registry/\x00"})
    assert response.status_code == 422
    assert "next: contains the control character U+0000" in response.text


@pytest.mark.parametrize("until", ["20251231", "2025-W52-3", "0"])
def test_a_page_reads_a_day_only_as_yyyy_mm_dd(world: World, until: str) -> None:
    csrf = _form(world, "Anna")
    number = world.orgs["other"].enterprise_number
    assert number is not None
    response = world.client.post(f"/en/registry/parties/{world.id('Anna')}/mandates/give",
                                 data={"enterprise_number": number.formatted, "until": until,
                                       "csrf_token": csrf})
    assert response.status_code == 422
    assert 'href="#until"' in response.text


def test_the_app_reads_its_limit_from_the_settings() -> None:
    client = TestClient(create_app(replace(SETTINGS, max_body_bytes=10)))
    assert client.post("/api/flows", content=b"x" * 11).status_code == 413


@pytest.mark.parametrize("body", [b"\xff\xfe{}", b"[" * 2000 + b"]" * 2000, b'{"a": '],
                         ids=["not utf-8", "nested too deep", "cut short"])
def test_a_body_that_is_no_json_in_utf_8_is_a_422_naming_the_body(world: World,
                                                                   body: bytes) -> None:
    response = world.client.post(f"{API}/tokens", content=body, headers={
        **world.token(ADMIN), "content-type": "application/json"})
    assert _problem(response, 422)["field"] == "body"
