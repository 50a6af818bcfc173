"""A small registry world for the API and page tests, seeded through the use cases.

Provider BV is an external service provider: Rita is its legal representative, Luc its local
administrator, Mia holds SSM Mandaatbeheerder, Emil SSM Mandaatuitvoerder and Eva no right.
Bakkerij NV (Bart represents it) gave Provider BV an active mandate; Anna, a person, gave it
one that awaits the provider's signature. Other Consult (Otto) is a second provider.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

from starlette.testclient import TestClient

from mandaatwijzer.api.registry import READ, SESSION_COOKIE, RegistryContext, build_context
from mandaatwijzer.config import Settings
from mandaatwijzer.registry import services, signin
from mandaatwijzer.registry.model import Mandate, Organisation, Person
from mandaatwijzer.registry.ports import Clock, Repository
from mandaatwijzer.web import create_app

from ..unit.registry.scenario import enterprise_number, national_number
from .dutch import checking

TODAY = date(2025, 3, 3)
EID = signin.EID_CARD
SETTINGS = Settings(database_url="memory:", demo=True, secret_key="test", access_log=True)
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
T = TypeVar("T")


@dataclass
class World:
    ctx: RegistryContext
    client: TestClient
    people: dict[str, Person] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    mandates: dict[str, Mandate] = field(default_factory=dict)

    def id(self, name: str) -> str:
        return self.people[name].id if name in self.people else self.orgs[name].id

    def token(self, *scopes: str) -> dict[str, str]:
        _, secret = self.ctx.tokens.create("test", scopes or (READ,))
        return {"Authorization": f"Bearer {secret}"}

    def client_for(self) -> TestClient:
        return checking(TestClient(self.client.app, follow_redirects=False))

    def read(self, query: Callable[[Repository], T]) -> T:
        """What `query` finds in the registry now, in a transaction of its own.

        Return plain values: a SQL-backed registry's entities are unreadable afterwards.
        """
        with self.ctx.units() as uow:
            return query(uow.repo)

    def eva_relation(self) -> str:
        return self.read(lambda repo: repo.work_relations_of(self.id("Eva"))[0].id)

    def rights_of(self, relation_id: str) -> list[tuple[str, str | None]]:
        """(kind, withdrawn_by) of each right on the work relation."""
        return self.read(lambda repo: [(r.kind.value, r.withdrawn_by)
                                       for r in repo.rights_on([relation_id])])

    def mandate_state(self, mandate_id: str) -> tuple[str, str | None, str | None]:
        """(status today, stopped_by, last day) of the mandate."""
        def state(repo: Repository) -> tuple[str, str | None, str | None]:
            mandate = repo.mandate(mandate_id)
            assert mandate is not None
            end = mandate.period.end
            return (mandate.status(TODAY).value, mandate.stopped_by,
                    end.isoformat() if end else None)
        return self.read(state)


def _person(world: World, serial: int, name: str, *, eid: bool = True) -> Person:
    number = national_number(serial)
    person = services.register_person(world.ctx.units(), world.ctx.clock, number, name, eid)
    world.people[name.split()[0]], world.numbers[name.split()[0]] = person, number
    return person


def build(settings: Settings = SETTINGS) -> World:
    ctx = build_context(settings, access_index=True,  # as the web app builds it
                        clock=Clock(datetime(2025, 3, 3, 9, tzinfo=UTC)))
    # Every Dutch page a test fetches is checked for English and codes (tests/e2e/dutch.py).
    world = World(ctx, checking(TestClient(create_app(settings, ctx), follow_redirects=False)))
    units, clock = ctx.units, ctx.clock
    for serial, name in enumerate(["Rita Rep", "Luc Admin", "Mia Manager", "Emil Executor",
                                   "Eva Employee", "Anna Applicant", "Bart Baker",
                                   "Otto Other"], start=1):
        _person(world, serial, name)
    p = world.people
    provider = services.register_organisation(units(), clock, "Provider BV", "economic_actor",
                                              enterprise_number(1), [p["Rita"].id])
    bakery = services.register_organisation(units(), clock, "Bakkerij NV", "economic_actor",
                                            enterprise_number(2), [p["Bart"].id])
    other = services.register_organisation(units(), clock, "Other Consult", "economic_actor",
                                           enterprise_number(3), [p["Otto"].id])
    world.orgs.update(provider=provider, bakery=bakery, other=other)
    services.appoint_local_admin(units(), clock, p["Rita"].id, provider.id, p["Luc"].id)
    for name, right in [("Mia", "SSM Mandaatbeheerder"), ("Emil", "SSM Mandaatuitvoerder"),
                        ("Eva", None)]:
        relation = services.add_work_relation(units(), clock, p["Luc"].id, provider.id,
                                              p[name].id)
        if right:
            services.grant_right(units(), clock, p["Luc"].id, relation.id, right)
    active = services.create_mandate(units(), clock, p["Bart"].id, bakery.party,
                                     provider.party)
    services.sign_mandate(units(), clock, p["Mia"].id, active.id)
    world.mandates["bakery"] = active
    world.mandates["anna"] = services.create_mandate(units(), clock, p["Anna"].id,
                                                     p["Anna"].party, provider.party)
    return world


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


#: The issuer of the sessions these tests open without a provider.
TEST_ISSUER = "https://idp.test"


def open_session(ctx: RegistryContext, person: Person, *, acr: str | None = EID) -> str:
    """A session for `person` as a sign-in with `acr` opens it (the provider's part, which
    tests/e2e/test_sign_in.py covers, left out): the cookie's secret."""
    identity = signin.Identity(TEST_ISSUER, f"sub-{person.id}", person.national_number,
                               person.name, acr)
    return signin.sign_in(ctx.units(), ctx.clock, identity, frozenset({EID})).secret


def sign_in(client: TestClient, person: Person, lang: str = "nl", *,
            acr: str | None = EID) -> str:
    """Sign `person` in on this client (the session cookie); the session's CSRF token."""
    ctx = client.app.state.registry_context  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, open_session(ctx, person, acr=acr))
    me = client.get("/api/registry/me")
    assert me.status_code == 200, me.text
    csrf: str = me.json()["csrf_token"]
    return csrf
