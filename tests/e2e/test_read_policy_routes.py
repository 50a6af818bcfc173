"""Every route of the registry API names what guards it, and each read refuses by its rule.

`ROUTES` maps each (method, path) of the OpenAPI description under /api/registry to its
guard: the named read rules of `registry/policy.py`, the system only, a change (a use case
whose rules live in `registry/rules.py`), who asks, or public data with the reason. A new
route fails here until it is added; a read (and the system's routes) also names a signed-in
person it refuses, who must get a 403 naming that rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from mandaatwijzer.registry import policy

from .registry import World, build, sign_in

API = "/api/registry"

READ = "read"  # guarded by the named read rules of policy.py
SYSTEM = "system only"  # a token; a signed-in person is refused by the rule named
CHANGE = "change"  # a use case of services.py; its rules live in rules.py
SELF = "who asks"  # the asker's own record
PUBLIC = "public"  # no person's data
FILTERED = "filtered"  # never refused: answers only what the read rules let the asker see


@dataclass(frozen=True)
class Guard:
    kind: str
    rules: tuple[str, ...] = ()
    reason: str = ""


def _read(*rules: str) -> Guard:
    return Guard(READ, rules)


_SYSTEM_ONLY = Guard(SYSTEM, (policy.SYSTEM_REGISTERS,), "a token's scope decides")
_KBO = Guard(PUBLIC, reason="organisations' data is public, as in the KBO")
_SEARCH = Guard(FILTERED, reason="views.search: what the read rules let the asker see "
               "(person_visible, and the mandates' parties by mandate_party)")


def _change(use_case: str) -> Guard:
    return Guard(CHANGE, reason=f"services.{use_case}: a signed-in person, its rules.py rules")


ROUTES: dict[tuple[str, str], Guard] = {
    ("POST", "/persons"): _SYSTEM_ONLY,
    ("GET", "/persons"): _read(policy.PERSON_VISIBLE),
    ("POST", "/persons/search"): _read(policy.LOOKUP_BY_ADMIN),
    ("GET", "/persons/{person_id}"): _read(policy.PERSON_VISIBLE),
    ("POST", "/organisations"): _SYSTEM_ONLY,
    ("GET", "/organisations"): _KBO,
    ("GET", "/organisations/by-enterprise-number/{number}"): _KBO,
    ("GET", "/organisations/{organisation_id}"): _KBO,
    ("GET", "/organisations/{organisation_id}/work-relations"):
        _read(policy.USERS_OF_ORGANISATION),
    ("POST", "/organisations/{organisation_id}/work-relations"):
        _change("add_work_relation"),
    ("GET", "/organisations/{organisation_id}/local-admins"):
        _read(policy.LOCAL_ADMINS_VISIBLE),
    ("POST", "/organisations/{organisation_id}/local-admins"):
        _change("appoint_local_admin"),
    ("POST", "/work-relations/{work_relation_id}/rights"): _change("grant_right"),
    ("POST", "/rights/{right_id}/withdraw"): _change("withdraw_right"),
    ("GET", "/me"): Guard(SELF, reason="the asker's own record and session's CSRF token"),
    ("POST", "/mandates"): _change("create_mandate"),
    ("GET", "/mandates/{mandate_id}"): _read(policy.MANDATE_PARTY),
    ("POST", "/mandates/{mandate_id}/sign"): _change("sign_mandate"),
    ("POST", "/mandates/{mandate_id}/refuse"): _change("refuse_mandate"),
    ("POST", "/mandates/{mandate_id}/stop"): _change("stop_mandate"),
    ("POST", "/mandates/{mandate_id}/transfer"): _change("transfer_mandate"),
    ("POST", "/dossiers"): _change("add_dossier"),
    ("GET", "/applicants/{applicant_id}/dossiers"): _read(policy.MAY_MANAGE_DOSSIERS),
    ("GET", "/may-manage"): _read(policy.CHECKER_SCOPE),
    ("GET", "/persons/{person_id}/applicants"): _read(policy.PERSON_VISIBLE),
    ("GET", "/applicants/{applicant_id}/persons"): _read(policy.ACTS_FOR_APPLICANT),
    ("GET", "/persons/{person_id}/awaiting-signature"): _read(policy.PERSON_VISIBLE),
    ("GET", "/tokens"): _SYSTEM_ONLY,
    ("POST", "/tokens"): _SYSTEM_ONLY,
    ("DELETE", "/tokens/{token_id}"): _SYSTEM_ONLY,
    ("GET", "/search"): _SEARCH,
    ("POST", "/search"): _SEARCH,
    ("GET", "/organisations/{organisation_id}/work-relations.csv"):
        _read(policy.USERS_OF_ORGANISATION),
    ("GET", "/organisations/{organisation_id}/rights.csv"): _read(policy.USERS_OF_ORGANISATION),
    ("GET", "/organisations/{organisation_id}/persons.csv"): _read(policy.USERS_OF_ORGANISATION),
    ("GET", "/parties/{party_id}/mandates.csv"): _read(policy.ACTS_FOR_APPLICANT),
    ("GET", "/mandates/{mandate_id}/history"): _read(policy.MANDATE_PARTY),
    ("GET", "/rights/{right_id}/history"): _read(policy.USERS_OF_ORGANISATION),
    ("GET", "/persons/{person_id}/history"): _read(policy.PERSON_VISIBLE),
    ("GET", "/why"): Guard(SELF, reason="views.why: the check for the asker themself"),
    ("GET", "/todo"): Guard(SELF, reason="views.todo: what waits for the asker"),
}

#: For each read and each system route a person may ask: who is refused, the address.
Refusal = tuple[str, Callable[[World], str]]
REFUSED: dict[tuple[str, str], Refusal] = {
    ("GET", "/mandates/{mandate_id}/history"):
        ("Otto", lambda w: f"/mandates/{w.mandates['bakery'].id}/history"),
    ("GET", "/rights/{right_id}/history"):
        ("Otto", lambda w: "/rights/" + w.read(lambda repo: repo.rights_on(
            [r.id for r in repo.work_relations_of(w.id("Emil"))])[0].id) + "/history"),
    ("GET", "/persons/{person_id}/history"):
        ("Otto", lambda w: f"/persons/{w.id('Eva')}/history"),
    ("GET", "/persons"): ("Rita", lambda w: "/persons"),
    ("POST", "/persons/search"): ("Eva", lambda w: "/persons/search"),
    ("GET", "/persons/{person_id}"): ("Eva", lambda w: f"/persons/{w.id('Rita')}"),
    ("GET", "/organisations/{organisation_id}/work-relations"):
        ("Eva", lambda w: f"/organisations/{w.orgs['provider'].id}/work-relations"),
    ("GET", "/organisations/{organisation_id}/local-admins"):
        ("Otto", lambda w: f"/organisations/{w.orgs['provider'].id}/local-admins"),
    ("GET", "/mandates/{mandate_id}"): ("Otto", lambda w: f"/mandates/{w.mandates['bakery'].id}"),
    ("GET", "/applicants/{applicant_id}/dossiers"):
        ("Otto", lambda w: f"/applicants/{w.orgs['bakery'].id}/dossiers"),
    ("GET", "/may-manage"):
        ("Otto", lambda w: f"/may-manage?person={w.id('Eva')}&applicant={w.orgs['bakery'].id}"),
    ("GET", "/persons/{person_id}/applicants"):
        ("Otto", lambda w: f"/persons/{w.id('Eva')}/applicants"),
    ("GET", "/applicants/{applicant_id}/persons"):
        ("Otto", lambda w: f"/applicants/{w.orgs['provider'].id}/persons"),
    ("GET", "/persons/{person_id}/awaiting-signature"):
        ("Eva", lambda w: f"/persons/{w.id('Mia')}/awaiting-signature"),
    ("GET", "/tokens"): ("Rita", lambda w: "/tokens"),
    ("POST", "/persons"): ("Rita", lambda w: "/persons"),
    ("POST", "/organisations"): ("Rita", lambda w: "/organisations"),
    ("POST", "/tokens"): ("Rita", lambda w: "/tokens"),
    ("DELETE", "/tokens/{token_id}"): ("Rita", lambda w: "/tokens/t-unknown"),
    ("GET", "/organisations/{organisation_id}/work-relations.csv"):
        ("Eva", lambda w: f"/organisations/{w.orgs['provider'].id}/work-relations.csv"),
    ("GET", "/organisations/{organisation_id}/rights.csv"):
        ("Mia", lambda w: f"/organisations/{w.orgs['provider'].id}/rights.csv"),
    ("GET", "/organisations/{organisation_id}/persons.csv"):
        ("Otto", lambda w: f"/organisations/{w.orgs['provider'].id}/persons.csv"),
    ("GET", "/parties/{party_id}/mandates.csv"):
        ("Otto", lambda w: f"/parties/{w.orgs['bakery'].id}/mandates.csv"),
}

BODIES = {"/persons/search": {"national_number": "85073003328"}}


@pytest.fixture(scope="module")
def world() -> World:
    return build()


def _routes(world: World) -> set[tuple[str, str]]:
    spec = world.client.get("/api/openapi.json").json()
    return {(method.upper(), path.removeprefix(API))
            for path, operations in spec["paths"].items() if path.startswith(API + "/")
            for method in operations}


def test_every_registry_route_names_what_guards_it(world: World) -> None:
    routes = _routes(world)
    unguarded = sorted(routes - ROUTES.keys())
    assert not unguarded, f"routes without a named guard in ROUTES: {unguarded}"
    assert not sorted(ROUTES.keys() - routes), "ROUTES names routes the API no longer has"


def test_every_guard_names_rules_of_the_policy_or_a_reason() -> None:
    named = {getattr(policy, name) for name in policy.__all__ if name.isupper()}
    for route, guard in ROUTES.items():
        if guard.kind in (READ, SYSTEM):
            assert guard.rules, route
            assert set(guard.rules) <= named, route
        else:
            assert guard.kind in (CHANGE, SELF, PUBLIC, FILTERED), route
            assert guard.reason, route


def test_every_read_and_every_system_route_names_a_person_it_refuses() -> None:
    guarded = {route for route, guard in ROUTES.items() if guard.kind in (READ, SYSTEM)}
    assert guarded == REFUSED.keys()


@pytest.mark.parametrize("route", sorted(REFUSED), ids=" ".join)
def test_a_signed_in_person_outside_the_rule_is_refused_by_it(
        world: World, route: tuple[str, str]) -> None:
    name, address = REFUSED[route]
    client = world.client_for()
    csrf = sign_in(client, world.people[name])
    method = route[0]
    response = client.request(method, API + address(world), headers={"X-CSRF-Token": csrf},
                              json=BODIES.get(route[1], {}) if method != "GET" else None)
    assert response.status_code == 403, response.text
    [error] = response.json()["errors"]
    assert error["rule"] in ROUTES[route].rules


@pytest.mark.parametrize("path", ["/organisations", "/organisations/{provider}",
                                  "/organisations/by-enterprise-number/{number}", "/me"])
def test_the_public_reads_answer_any_signed_in_person(world: World, path: str) -> None:
    client = world.client_for()
    sign_in(client, world.people["Anna"])
    number = world.orgs["provider"].enterprise_number
    address = path.format(provider=world.orgs["provider"].id, number=number)
    assert client.get(API + address).status_code == 200


@pytest.mark.parametrize(("name", "allowed"), [
    ("Rita", True), ("Luc", True), ("Eva", True), ("Mia", True),  # represents, administers, users
    ("Otto", False), ("Anna", False), ("Bart", False),  # another provider, an applicant, a client
])
def test_an_organisations_local_administrators_are_read_by_those_who_administer_or_work_for_it(
        world: World, name: str, allowed: bool) -> None:
    client = world.client_for()
    sign_in(client, world.people[name])
    response = client.get(f"{API}/organisations/{world.orgs['provider'].id}/local-admins")
    if allowed:
        assert response.status_code == 200
        assert [a["person_id"] for a in response.json()] == [world.id("Luc")]
    else:
        assert response.status_code == 403
        [error] = response.json()["errors"]
        assert error["rule"] == policy.LOCAL_ADMINS_VISIBLE
        assert "Provider BV" in error["message"]


def test_a_token_reads_any_organisations_local_administrators(world: World) -> None:
    response = world.client.get(f"{API}/organisations/{world.orgs['other'].id}/local-admins",
                                headers=world.token())
    assert response.status_code == 200
    assert response.json() == []
