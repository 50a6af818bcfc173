"""Changes the rules allow once stay once under simultaneous requests (ADR 0010).

The web app runs in real servers (uvicorn, each in a thread, SERVERS over one database) on
SQLite and on PostgreSQL; for each race, 16 threads send the same request at the same moment
over HTTP, as signed-in persons: seven calls of the JSON API (to one server), and the pages'
forms (posted form-encoded with the CSRF field the page holds, spread over the servers).
Exactly one succeeds, none answers 5xx, and afterwards the registry holds exactly one of what
was made (one audit event) and its audit log is intact. The others are refused as the rule
refuses a second one (409), or, for a confirmation page's form (withdraw, sign, refuse,
accept a transfer, stop), answered with the page that says it was done already and nothing
changed (200).
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
from mandaatwijzer.registry import requests, services
from mandaatwijzer.registry.model import Mandate, Organisation, Person, RightKind
from mandaatwijzer.registry.ports import Clock
from mandaatwijzer.web import create_app

from ..e2e.registry import open_session
from ..e2e.web import elements
from ..e2e.web import text as visible
from ..unit.registry.scenario import enterprise_number, national_number
from .databases import own_database

THREADS = 16
#: Servers over the same database (and the same context, so one pool of connections). A
#: registry page runs in the thread pool, a few at once (`web.registry._common.PAGE_THREADS`),
#: so on one server the copies of a form already meet in the database; more servers over one
#: context would share its pool with more pages than it was sized for.
SERVERS = 1


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
        """The status and the body; for a redirect (not followed), where it leads.

        A form goes form-encoded with no CSRF header: its token is its `csrf_token` field."""
        headers = {"X-CSRF-Token": self.csrf} if self.csrf and form is None else {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                return error.code, error.headers.get("Location", "")
            return error.code, error.read().decode()

    def form(self, page: str, action: str) -> dict[str, str]:
        """The named fields of the page's form that posts to `action`, as the page fills
        them: its hidden CSRF token, a confirmation's hidden fields."""
        status, html = self.call("GET", page)
        assert status == 200, (page, status, html)
        for block in html.split("<form")[1:]:
            block = "<form" + block.split("</form>", 1)[0]
            attrs = elements(block, "form")[0]
            if attrs.get("method") == "post" and attrs.get("action") == action:
                fields = {e["name"]: e.get("value", "") for e in elements(block, "input")
                          if e.get("name")}
                assert fields.get("csrf_token"), f"no CSRF field in the form to {action}"
                return fields
        raise AssertionError(f"no form posting to {action} on {page}")


@dataclass
class Registry:
    ctx: RegistryContext
    #: The servers' addresses: SERVERS of them, one app each over the same database.
    bases: list[str]
    people: dict[str, Person]
    orgs: dict[str, Organisation]
    mandates: dict[str, Mandate]
    relations: dict[str, str]

    def browser(self, name: str) -> Browser:
        """`name` signed in, on the first server."""
        return self.browsers(name)[0]

    def browsers(self, name: str) -> list[Browser]:
        """One session of `name`, a client for it on each server."""
        secret = open_session(self.ctx, self.people[name])
        return [Browser.signed_in_as(base, secret) for base in self.bases]

    def value(self, sql: str, **values: Any) -> Any:
        """The one value `sql` reads, on a connection of its own (closed before returning:
        a SQLite connection's transaction holds the writers' turn)."""
        engine = create_engine_for(self.ctx.settings.database_url)
        try:
            with engine.connect() as connection:
                return connection.execute(text(sql), values).scalar_one()
        finally:
            engine.dispose()

    def count(self, sql: str, **values: Any) -> int:
        return int(self.value(sql, **values))


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
        servers: list[tuple[uvicorn.Server, threading.Thread]] = []
        bases = []
        try:
            for _ in range(SERVERS):
                port = _free_port()
                server = uvicorn.Server(uvicorn.Config(create_app(settings, ctx),
                                                       host="127.0.0.1", port=port,
                                                       log_level="warning", workers=1))
                thread = threading.Thread(target=server.run, daemon=True)
                thread.start()
                servers.append((server, thread))
                bases.append(f"http://127.0.0.1:{port}")
            deadline = time.monotonic() + 30
            while not all(server.started for server, _ in servers):
                assert time.monotonic() < deadline, "a server did not start"
                time.sleep(0.05)
            yield Registry(ctx, bases, *seeded)
        finally:
            for server, _ in servers:
                server.should_exit = True
            for _, thread in servers:
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


# --- the pages' forms --------------------------------------------------------------------------

def race_form(browsers: list[Browser], action: str,
              fields: dict[str, str]) -> list[tuple[int, str]]:
    """The form posted from THREADS threads at the same moment, spread over the servers."""
    turns = iter(range(THREADS))
    lock = threading.Lock()

    def send() -> tuple[int, str]:
        with lock:
            turn = next(turns)
        return browsers[turn % len(browsers)].call("POST", action, form=fields)

    return race(send)


def done_once(answers: list[tuple[int, str]], location: str, again: str) -> None:
    """A confirmation's form posted THREADS times at once: one change, redirected to
    `location`; every other answer the page that says it was done already (`again`) and that
    nothing changed, never a 409, never a 5xx."""
    statuses = sorted(status for status, _ in answers)
    assert [s for s in statuses if s >= 500] == [], answers
    assert statuses == [200] * (THREADS - 1) + [303], statuses
    assert [body for status, body in answers if status == 303] == [location]
    for status, body in answers:
        if status == 200:
            shown = visible(body)
            assert "Nothing was changed" in shown, shown
            assert again in shown, shown


def refused_with(answers: list[tuple[int, str]], location: str, *reasons: str) -> None:
    """One success redirected to `location`; each other answer the form's page again (409),
    saying one of `reasons`."""
    once(answers, 303)
    assert [body for status, body in answers if status == 303] == [location]
    for status, body in answers:
        if status == 409:
            assert any(reason in visible(body) for reason in reasons), visible(body)


#: A colleague the registry does not know yet.
NEW_NUMBER, NEW_NAME = national_number(77), "Nina Nieuw"


def test_each_form_posted_at_the_same_moment_changes_once(registry: Registry) -> None:
    r, p = registry, registry.people
    units, clock = r.ctx.units, r.ctx.clock
    provider = r.orgs["provider"]
    users = f"/en/registry/organisations/{provider.id}/users"
    luc, rita = r.browsers("Luc"), r.browsers("Rita")

    # Adding a colleague not registered yet: registered once, with one work relation.
    add = luc[0].form(users, users + "/add") | {"national_number": NEW_NUMBER, "name": NEW_NAME}
    refused_with(race_form(luc, users + "/add", add),
                 users + "?done=added",
                 f"{NEW_NAME} already has a work relation with Provider BV",
                 "is already registered")
    assert r.count("SELECT count(*) FROM persons WHERE name = :name", name=NEW_NAME) == 1
    nina = "(SELECT id FROM persons WHERE name = :name)"
    assert r.count(f"SELECT count(*) FROM work_relations WHERE person_id = {nina}",
                   name=NEW_NAME) == 1
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'register_person' AND "
                   f"entity_id = {nina}", name=NEW_NAME) == 1
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'add_work_relation' AND "
                   f"entity_id IN (SELECT id FROM work_relations WHERE person_id = {nina})",
                   name=NEW_NAME) == 1

    # Appointing a local administrator: appointed once.
    appoint = rita[0].form(users, users + "/appoint") | {"administrator": p["Eva"].id}
    refused_with(race_form(rita, users + "/appoint", appoint),
                 users + "?done=appointed",
                 "Eva Employee is already a local administrator of Provider BV")
    assert r.count("SELECT count(*) FROM local_admins WHERE person_id = :eva AND "
                   "organisation_id = :org", eva=p["Eva"].id, org=provider.id) == 1
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'appoint_local_admin' "
                   "AND entity_id IN (SELECT id FROM local_admins WHERE person_id = :eva)",
                   eva=p["Eva"].id) == 1

    # Withdrawing a right, confirmed: withdrawn once.
    right = services.grant_right(units(), clock, p["Luc"].id, r.relations["Eva"],
                                 RightKind.MANDATE_EXECUTOR.value).id
    withdraw = luc[0].form(f"{users}/withdraw?right={right}", users + "/withdraw")
    assert withdraw["right"] == right
    done_once(race_form(luc, users + "/withdraw", withdraw),
              users + "?done=withdrawn",
              "The right ‘SSM Mandaatuitvoerder’ of Eva Employee was already withdrawn, "
              "from 3 March 2025.")
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'withdraw_right' AND "
                   "entity_id = :right", right=right) == 1

    # Signing, confirmed: the taker's signature given once.
    mia = r.browsers("Mia")
    signatures = f"/en/registry/parties/{provider.id}/signatures"
    anna = r.mandates["anna"].id
    sign = mia[0].form(f"{signatures}/confirm?mandate={anna}&decision=sign", signatures)
    assert (sign["mandate"], sign["decision"], sign["side"]) == (anna, "sign", "taker")
    done_once(race_form(mia, signatures, sign),
              signatures + "?done=signed",
              "This mandate was already signed for Provider BV, by Mia Manager on "
              "3 March 2025.")
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'sign_mandate' AND "
                   "entity_id = :mandate", mandate=anna) == 1

    # Refusing, confirmed: refused once.
    offered = services.create_mandate(units(), clock, p["Otto"].id, r.orgs["other"].party,
                                      provider.party).id
    refuse = mia[0].form(f"{signatures}/confirm?mandate={offered}&decision=refuse", signatures)
    assert (refuse["decision"], refuse["side"]) == ("refuse", "taker")
    done_once(race_form(mia, signatures, refuse),
              signatures + "?done=refused",
              "This mandate was already refused or stopped, by Mia Manager on 3 March 2025.")
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'refuse_mandate' AND "
                   "entity_id = :mandate", mandate=offered) == 1

    # Accepting a transfer, confirmed: one successor.
    printer = r.mandates["printer"].id
    services.transfer_mandate(units(), clock, p["Dora"].id, printer, r.orgs["other"].party)
    otto = r.browsers("Otto")
    other = f"/en/registry/parties/{r.orgs['other'].id}/signatures"
    accept = otto[0].form(f"{other}/confirm?mandate={printer}&decision=sign", other)
    assert accept["side"] == "transfer"
    done_once(race_form(otto, other, accept), other + "?done=signed",
              "This transfer was already accepted.")
    assert r.count("SELECT count(*) FROM mandates WHERE predecessor_id = :mandate",
                   mandate=printer) == 1

    # Stopping, confirmed: stopped once.
    bart = r.browsers("Bart")
    given = f"/en/registry/parties/{r.orgs['bakery'].id}/mandates"
    bakery = r.mandates["bakery"].id
    stop = bart[0].form(f"{given}/stop?mandate={bakery}", given + "/stop")
    assert (stop["mandate"], stop["confirmed"]) == (bakery, "stop")
    done_once(race_form(bart, given + "/stop", stop),
              given + "?done=stopped",
              "This mandate was already stopped, by Bart Baker on 3 March 2025.")
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'stop_mandate' AND "
                   "entity_id = :mandate", mandate=bakery) == 1

    assert r.ctx.audit is not None
    check = r.ctx.audit.verify()
    assert check.ok, check


def test_a_request_for_a_right_is_asked_granted_and_declined_once(registry: Registry) -> None:
    """The requests for a right (registry/requests.py), by their pages' forms: asked once
    however many ask at once, and each request decided once."""
    r, p = registry, registry.people
    provider = r.orgs["provider"]
    org = f"/en/registry/organisations/{provider.id}"
    eva, luc = r.browsers("Eva"), r.browsers("Luc")

    ask = eva[0].form(f"{org}/requests/new?kind=SSM+Mandaatbeheerder", f"{org}/requests")
    assert ask["kind"] == RightKind.MANDATE_MANAGER.value
    refused_with(race_form(eva, f"{org}/requests", ask), f"{org}/requests?done=asked",
                 "Eva Employee already asked for ‘SSM Mandaatbeheerder’ at Provider BV; the "
                 "request awaits a decision")
    assert r.count("SELECT count(*) FROM right_requests WHERE person_id = :eva",
                   eva=p["Eva"].id) == 1
    asked = "(SELECT id FROM right_requests WHERE person_id = :eva)"
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'request_right' AND "
                   f"entity_id = {asked}", eva=p["Eva"].id) == 1

    # Granted through the grant's confirmation: one right, the request decided once.
    request_id = r.value("SELECT id FROM right_requests WHERE person_id = :eva",
                         eva=p["Eva"].id)
    grant = luc[0].form(f"{org}/users/grant/confirm?request={request_id}",
                        f"{org}/users/grant/confirm")
    assert (grant["request"], grant["confirmed"]) == (request_id, "grant")
    answers = race_form(luc, f"{org}/users/grant/confirm", grant)
    right_id = r.value("SELECT right_id FROM right_requests WHERE id = :id", id=request_id)
    done_once(answers, f"/en/registry/rights/{right_id}?done=granted",
              "This request was granted already.")
    assert r.count("SELECT count(*) FROM rights WHERE work_relation_id = :relation AND "
                   "kind = 'SSM Mandaatbeheerder'", relation=r.relations["Eva"]) == 1
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'grant_request' AND "
                   "entity_id = :request", request=request_id) == 1

    # Declined: once.
    declined = requests.request_right(r.ctx.units(), r.ctx.clock, p["Eva"].id, provider.id,
                                      RightKind.MANDATE_EXECUTOR.value).id
    decline = luc[0].form(f"{org}/requests", f"{org}/requests/decline") | {"request": declined}
    refused_with(race_form(luc, f"{org}/requests/decline", decline),
                 f"{org}/requests?done=declined",
                 "Nothing was changed: this request was declined already")
    assert r.count("SELECT count(*) FROM audit_events WHERE action = 'decline_request' AND "
                   "entity_id = :request", request=declined) == 1

    assert r.ctx.audit is not None
    check = r.ctx.audit.verify()
    assert check.ok, check
