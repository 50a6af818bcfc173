"""Changes the rules allow once stay once under simultaneous requests (ADR 0010).

The web app runs in a real server (uvicorn, in a thread) on SQLite and on PostgreSQL; for each
of seven races, 16 threads send the same request at the same moment over HTTP, as signed-in
persons. Exactly one succeeds, the others are refused as the rule refuses a second one (409),
none answers 5xx, and afterwards the registry holds exactly one of what was made and its
audit log is intact.
"""

from __future__ import annotations

import http.cookiejar
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import text

from mandaatwijzer.adapters import orm
from mandaatwijzer.adapters.database import create_engine_for
from mandaatwijzer.api.registry import SESSION_COOKIE
from mandaatwijzer.bootstrap import RegistryContext, build_context
from mandaatwijzer.config import Settings
from mandaatwijzer.registry import services
from mandaatwijzer.registry.model import Mandate, Organisation, Person, RightKind
from mandaatwijzer.registry.ports import Clock
from mandaatwijzer.web import create_app

from ..e2e.registry import open_session
from ..unit.registry.scenario import enterprise_number, national_number
from .databases import own_database

THREADS = 16


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Browser:
    """A signed-in person's HTTP client: the session cookie and its CSRF token."""

    base: str
    opener: urllib.request.OpenerDirector
    csrf: str = ""

    @classmethod
    def signed_in_as(cls, base: str, secret: str) -> Browser:
        """A client with the session cookie of `secret` (`open_session`)."""
        jar = CookieJar()
        host = urllib.parse.urlsplit(base).hostname or "127.0.0.1"
        jar.set_cookie(http.cookiejar.Cookie(
            0, SESSION_COOKIE, secret, None, False, host, False, False, "/", True, False,
            None, False, None, None, {}))
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                             _NoRedirect)
        browser = cls(base, opener)
        browser.csrf = json.loads(browser.call("GET", "/api/registry/me")[1])["csrf_token"]
        return browser

    def call(self, method: str, path: str, *, body: dict[str, Any] | None = None,
             form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"X-CSRF-Token": self.csrf} if self.csrf else {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@dataclass
class Registry:
    ctx: RegistryContext
    base: str
    people: dict[str, Person]
    orgs: dict[str, Organisation]
    mandates: dict[str, Mandate]
    relations: dict[str, str]

    def browser(self, name: str) -> Browser:
        return Browser.signed_in_as(self.base, open_session(self.ctx, self.people[name]))

    def count(self, sql: str, **values: Any) -> int:
        engine = create_engine_for(self.ctx.settings.database_url)
        try:
            with engine.connect() as connection:
                return int(connection.execute(text(sql), values).scalar_one())
        finally:
            engine.dispose()


def _seed(ctx: RegistryContext) -> tuple[dict[str, Person], dict[str, Organisation],
                                          dict[str, Mandate], dict[str, str]]:
    units, clock = ctx.units, ctx.clock
    people = {name.split()[0]: services.register_person(units(), clock, national_number(i), name)
              for i, name in enumerate(["Rita Rep", "Luc Admin", "Mia Manager", "Eva Employee",
                                        "Anna Applicant", "Bart Baker", "Otto Other",
                                        "Dora Drukker", "Nele New"], start=1)}
    p = people

    def org(name: str, number: int, rep: str) -> Organisation:
        return services.register_organisation(units(), clock, name, "economic_actor",
                                              enterprise_number(number), [p[rep].id])

    orgs = {"provider": org("Provider BV", 1, "Rita"), "bakery": org("Bakkerij NV", 2, "Bart"),
            "other": org("Other Consult", 3, "Otto"), "printer": org("Drukkerij NV", 4, "Dora")}
    provider = orgs["provider"]
    services.appoint_local_admin(units(), clock, p["Rita"].id, provider.id, p["Luc"].id)
    relations = {name: services.add_work_relation(units(), clock, p["Luc"].id, provider.id,
                                                  p[name].id).id for name in ("Mia", "Eva")}
    services.grant_right(units(), clock, p["Luc"].id, relations["Mia"],
                         RightKind.MANDATE_MANAGER.value)
    mandates = {}
    for name, giver in (("bakery", "Bart"), ("printer", "Dora")):
        mandate = services.create_mandate(units(), clock, p[giver].id, orgs[name].party,
                                          provider.party)
        mandates[name] = services.sign_mandate(units(), clock, p["Mia"].id, mandate.id)
    mandates["anna"] = services.create_mandate(units(), clock, p["Anna"].id, p["Anna"].party,
                                               provider.party)
    return people, orgs, mandates, relations


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    with own_database(request.param, request, tmp_path) as url:
        settings = Settings(database_url=url, demo=True, secret_key="races", access_log=False,
                            write_wait=30)
        ctx = build_context(settings, access_index=True,
                            clock=Clock(datetime(2025, 3, 3, 9, tzinfo=UTC)))
        seeded = _seed(ctx)
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(settings, ctx), host="127.0.0.1",
                                               port=port, log_level="warning", workers=1))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        try:
            yield Registry(ctx, f"http://127.0.0.1:{port}", *seeded)
        finally:
            server.should_exit = True
            thread.join(30)
            ctx.close()
            orm.stop_mappers()


def race(send: Callable[[], tuple[int, str]]) -> list[tuple[int, str]]:
    """`send` from THREADS threads released at the same moment; their answers."""
    start = threading.Barrier(THREADS)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        answer = send()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(answers) == THREADS
    return answers


def once(answers: list[tuple[int, str]], success: int = 200) -> None:
    """Exactly one success; every other answer the refusal of a second one, never a 5xx."""
    statuses = sorted(status for status, _ in answers)
    assert [s for s in statuses if s >= 500] == [], answers
    assert statuses.count(success) == 1, statuses
    assert statuses.count(409) == THREADS - 1, statuses


def test_each_change_is_made_once_however_many_ask_at_the_same_moment(
        registry: Registry) -> None:
    r, p = registry, registry.people
    luc, mia = r.browser("Luc"), r.browser("Mia")

    once(race(lambda: luc.call("POST", f"/api/registry/work-relations/{r.relations['Eva']}/rights",
                               body={"kind": "SSM Mandaatuitvoerder"})), 201)
    assert r.count("SELECT count(*) FROM rights WHERE work_relation_id = :relation AND "
                   "kind = 'SSM Mandaatuitvoerder'", relation=r.relations["Eva"]) == 1

    provider = r.orgs["provider"].id
    once(race(lambda: luc.call("POST", f"/api/registry/organisations/{provider}/work-relations",
                               body={"person_id": p["Nele"].id})), 201)
    assert r.count("SELECT count(*) FROM work_relations WHERE person_id = :person",
                   person=p["Nele"].id) == 1

    bart = r.browser("Bart")
    once(race(lambda: bart.call("POST", "/api/registry/mandates", body={
        "giver": {"kind": "organisation", "id": r.orgs["bakery"].id},
        "taker": {"kind": "organisation", "id": r.orgs["other"].id}})), 201)
    assert r.count("SELECT count(*) FROM mandates WHERE giver_id = :giver AND taker_id = :taker",
                   giver=r.orgs["bakery"].id, taker=r.orgs["other"].id) == 1

    anna = r.mandates["anna"].id
    once(race(lambda: mia.call("POST", f"/api/registry/mandates/{anna}/sign")))
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'sign_mandate' AND "
                   "entity_id = :mandate", mandate=anna) == 1

    bakery = r.mandates["bakery"].id
    once(race(lambda: mia.call("POST", f"/api/registry/mandates/{bakery}/stop")))
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'stop_mandate' AND "
                   "entity_id = :mandate", mandate=bakery) == 1

    printer = r.mandates["printer"].id
    other = {"kind": "organisation", "id": r.orgs["other"].id}
    once(race(lambda: mia.call("POST", f"/api/registry/mandates/{printer}/transfer",
                               body={"new_taker": other})))
    otto = r.browser("Otto")
    once(race(lambda: otto.call("POST", f"/api/registry/mandates/{printer}/sign")))
    assert r.count("SELECT count(*) FROM mandates WHERE predecessor_id = :mandate",
                   mandate=printer) == 1

    assert r.ctx.audit is not None
    check = r.ctx.audit.verify()
    assert check.ok, check
