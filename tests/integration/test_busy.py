"""While another writer holds the registry (a long import, another process), reads keep
answering and a change waits at most `write_wait`, then is refused as busy: 503 with
Retry-After, a clear page, nothing changed — never a 500 (ADR 0010)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mandaatwijzer.adapters import orm
from mandaatwijzer.bootstrap import build_context
from mandaatwijzer.config import Settings
from mandaatwijzer.registry import services

from ..e2e.registry import World, build, sign_in
from ..serving import served
from ..unit.registry.scenario import national_number
from .databases import own_database

WAIT = 0.5


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    with own_database(request.param, request, tmp_path) as url:
        built = build(Settings(database_url=url, demo=True, secret_key="test",
                               access_log=False, write_wait=WAIT))
        try:
            yield built
        finally:
            built.ctx.close()
            orm.stop_mappers()


class _AbandonedError(Exception):
    """Ends the other writer's transaction without committing it."""


def _hold_the_registry(world: World, seconds: float, holding: threading.Event) -> None:
    """Another process's long change (an import): one writer's transaction, held open."""
    other = build_context(world.ctx.settings)
    uow = other.units()
    try:
        with contextlib.suppress(_AbandonedError), uow.all_or_nothing():
            services.register_person(uow, other.clock, national_number(900), "Imported Person")
            holding.set()
            time.sleep(seconds)
            raise _AbandonedError
    finally:
        other.close()


def test_reads_answer_and_a_change_is_refused_as_busy_while_another_writer_holds_on(
        world: World) -> None:
    client = world.client_for()
    csrf = sign_in(client, world.people["Luc"])
    relation = world.eva_relation()
    token = world.token()
    holding = threading.Event()
    holder = threading.Thread(target=_hold_the_registry, args=(world, 4 * WAIT + 2, holding))
    holder.start()
    try:
        assert holding.wait(30)
        assert client.get("/nl/registry/").status_code == 200
        assert client.get(f"/api/registry/organisations/{world.orgs['provider'].id}"
                          "/work-relations").status_code == 200
        assert client.get("/api/registry/persons", headers=token).status_code == 200

        started = time.monotonic()
        answer = client.post(f"/api/registry/work-relations/{relation}/rights",
                             json={"kind": "SSM Mandaatuitvoerder"},
                             headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 503, answer.text
        assert time.monotonic() - started >= WAIT * 0.9
        assert int(answer.headers["Retry-After"]) >= 1
        assert answer.json()["errors"][0]["code"] == "busy"

        page = client.post(f"/nl/registry/organisations/{world.orgs['provider'].id}/users/grant",
                           data={"work_relation": relation, "kind": "SSM Mandaatuitvoerder",
                                 "csrf_token": csrf})
        assert page.status_code == 503
        assert "Retry-After" in page.headers
        assert "Het register is even bezet" in page.text
        assert "Er is niets gewijzigd" in page.text
    finally:
        holder.join(60)
    assert world.rights_of(relation) == []
    after = client.post(f"/api/registry/work-relations/{relation}/rights",
                        json={"kind": "SSM Mandaatuitvoerder"}, headers={"X-CSRF-Token": csrf})
    assert after.status_code == 201


def test_a_form_waiting_for_its_turn_holds_up_no_other_request(world: World) -> None:
    """A page runs in the thread pool: while its form waits for the writers' turn, the
    server answers everyone else (it answered nobody until the form gave up, when the pages
    ran on the event loop)."""
    client = world.client_for()
    csrf = sign_in(client, world.people["Luc"])
    relation = world.eva_relation()
    finished: list[str] = []
    holding = threading.Event()
    holder = threading.Thread(target=_hold_the_registry, args=(world, 4 * WAIT + 2, holding))
    with served(world.client.app, "busy-form") as url, httpx.Client(
            base_url=url, cookies=dict(client.cookies), timeout=30) as http:
        def post_the_form() -> None:
            answer = http.post(f"/nl/registry/organisations/{world.orgs['provider'].id}"
                               "/users/grant", data={"work_relation": relation,
                                                     "kind": "SSM Mandaatuitvoerder",
                                                     "csrf_token": csrf})
            finished.append(f"form {answer.status_code}")

        holder.start()
        try:
            assert holding.wait(30)
            form = threading.Thread(target=post_the_form)
            form.start()
            time.sleep(WAIT / 5)  # the form is waiting for the writers' turn by now
            finished.append(f"guide {http.get('/nl/').status_code}")
            finished.append(f"me {http.get('/api/registry/me').status_code}")
            form.join(30)
        finally:
            holder.join(60)
    assert finished == ["guide 200", "me 200", "form 503"]
