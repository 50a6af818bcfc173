"""The OpenAPI document matches the server (issue 11, part 7): schemathesis sends requests it
generates from /api/openapi.json to every operation, on SQLite and on PostgreSQL, without
credentials and with a token of every scope, and fails on any 5xx, any status the document
does not list, and any answer whose body or content type the document does not describe.

Bounded so that it stays a test, not a campaign: a few examples per operation, derandomized
(the same examples every run, so a failure is a regression, never luck), no example database.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text

from mandaatwijzer.adapters import orm
from mandaatwijzer.adapters.database import create_engine_for
from mandaatwijzer.api.registry import ADMIN, READ, WRITE
from mandaatwijzer.web import create_app

from ..integration.conftest import postgres_url
from .registry import SETTINGS, World, build

__all__ = ["postgres_url"]  # the throwaway PostgreSQL of the integration tests

#: Examples per operation, mode and credentials: about 1,500 requests per database, some
#: 12 s each on a quiet machine.
EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def _reset(url: str) -> None:
    engine = create_engine_for(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[World]:
    """The registry test world on a fresh database of each kind (the app migrates it)."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        _reset(url)
    else:
        folder = tmp_path_factory.mktemp("fuzz")
        url = f"sqlite:///{folder / 'registry.sqlite3'}"
    world = build(replace(SETTINGS, database_url=url))
    yield world
    world.ctx.close()  # before the throwaway server stops under its connections
    orm.stop_mappers()
    if request.param == "sqlite":
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)


def _cases() -> list[tuple[str, str, GenerationMode]]:
    """(method, path, mode) for every operation the document lists, read once at collection;
    negative cases only where there is something to get wrong (a parameter, a body)."""
    document = create_app(SETTINGS).openapi()
    return [(method.upper(), path, mode) for path, operations in document["paths"].items()
            for method, operation in operations.items() for mode in GenerationMode
            if mode is GenerationMode.POSITIVE or operation.get("parameters")
            or operation.get("requestBody")]


CASES = _cases()


@pytest.fixture(scope="module")
def document(world: World) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/openapi.json", world.client.app)


@pytest.fixture(scope="module")
def token(world: World) -> dict[str, str]:
    return world.token(READ, WRITE, ADMIN)


@pytest.mark.parametrize("credentials", ["anonymous", "token"])
@pytest.mark.parametrize(("method", "path", "mode"), CASES,
                         ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_every_operation_answers_as_its_document_says(
        document: schemathesis.BaseSchema, token: dict[str, str], method: str, path: str,
        mode: GenerationMode, credentials: str) -> None:
    headers = token if credentials == "token" else {}

    @given(case=document[path][method].as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=2000, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def answers(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    answers()


@pytest.mark.parametrize(("path", "field"), [
    ("/persons/P%001", "person_id"), ("/mandates/M%00", "mandate_id"),
    ("/organisations/by-enterprise-number/0403%00170701", "number"),
    ("/persons?offset=9223372036854775808", "offset"), ("/persons?limit=-1", "limit"),
    ("/may-manage?person=P%00&applicant=A", "person"),
    ("/may-manage?person=P&applicant=A&at=0", "at"),
])
def test_what_was_a_server_error_on_postgresql_is_a_422_naming_the_field(
        world: World, token: dict[str, str], path: str, field: str) -> None:
    response = world.client.get("/api/registry" + path, headers=token)
    assert response.status_code == 422, response.text
    assert [problem["field"] for problem in response.json()["errors"]] == [field]


def test_a_nul_in_a_body_is_a_422_and_changes_nothing(world: World,
                                                      token: dict[str, str]) -> None:
    before = world.client.get("/api/registry/persons", headers=token).json()["total"]
    response = world.client.post("/api/registry/persons", headers=token, json={
        "national_number": "85073003328", "name": "Nul\u0000Byte"})
    assert response.status_code == 422, response.text
    assert world.client.get("/api/registry/persons", headers=token).json()["total"] == before


def test_the_document_declares_the_security_of_every_registry_operation() -> None:
    document = create_app(SETTINGS).openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["person"] == {**schemes["person"], "type": "http", "scheme": "bearer",
                                 "bearerFormat": "JWT"}
    assert (schemes["session"]["in"], schemes["session"]["name"]) == ("cookie", "mw_session")
    assert (schemes["csrf"]["in"], schemes["csrf"]["name"]) == ("header", "X-CSRF-Token")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not path.startswith("/api/registry/"):
                assert "security" not in operation, path
                continue
            session = {"session": []} if method == "get" else {"session": [], "csrf": []}
            assert operation["security"] == [{"bearer": []}, {"person": []}, session], \
                (method, path)
            assert {"401", "403", "422", "503"} <= set(operation["responses"]), (method, path)
            if method != "get":
                # A POST that only reads (a search with a national number in its body) has
                # no conflict to report, but its body may still be too large.
                searches = {"/api/registry/persons/search", "/api/registry/search"}
                assert "413" in operation["responses"], (method, path)
                assert "409" in operation["responses"] or path in searches, (method, path)
