"""The registry's JSON API: authentication, scopes, CSRF, each use case, the explanations."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from httpx2 import Response

from mandaatwijzer.api.registry import ADMIN, READ, WRITE
from mandaatwijzer.config import Settings

from ..unit.registry.scenario import enterprise_number, national_number
from .registry import World, build, sign_in

API = "/api/registry"


@pytest.fixture
def world() -> World:
    return build()


def _error(response: Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert len(errors) == 1
    error: dict[str, Any] = errors[0]
    return error


def _signed_in(world: World, name: str) -> dict[str, str]:
    """Sign `name` in on the world's client; the header that carries the CSRF token."""
    return {"X-CSRF-Token": sign_in(world.client, world.people[name])}


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/me"), ("GET", "/persons"), ("GET", "/organisations"),
    ("GET", "/may-manage?person=x&applicant=y"), ("POST", "/mandates"),
    ("POST", "/persons/search"), ("GET", "/tokens"),
])
def test_every_request_without_session_or_token_is_refused_with_401(
        world: World, method: str, path: str) -> None:
    response = world.client.request(method, API + path)
    error = _error(response, 401)
    assert error["code"] == "unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer mw_unknown", "Bearer ", "Basic dXNlcjpwdw=="])
def test_an_unknown_or_malformed_token_is_refused_with_401(world: World, header: str) -> None:
    _error(world.client.get(f"{API}/me", headers={"Authorization": header}), 401)


def test_a_token_answers_who_it_is_with_its_scopes(world: World) -> None:
    body = world.client.get(f"{API}/me", headers=world.token(READ, WRITE)).json()
    assert body["kind"] == "token"
    assert body["token"]["scopes"] == [READ, WRITE]


def test_a_read_token_cannot_write_and_the_refusal_names_the_scope(world: World) -> None:
    response = world.client.post(f"{API}/persons", headers=world.token(READ),
                                 json={"national_number": national_number(500), "name": "X"})
    error = _error(response, 403)
    assert error["code"] == "insufficient_scope"
    assert error["rule"] == WRITE
    assert "registry:write" in error["message"]
    assert 'scope="registry:write"' in response.headers["www-authenticate"]


def test_a_token_without_admin_scope_cannot_manage_tokens(world: World) -> None:
    error = _error(world.client.get(f"{API}/tokens", headers=world.token(READ, WRITE)), 403)
    assert error["rule"] == ADMIN


def test_a_revoked_token_is_refused(world: World) -> None:
    admin = world.token(ADMIN)
    created = world.client.post(f"{API}/tokens", headers=admin,
                                json={"name": "import", "scopes": [READ]})
    assert created.status_code == 201
    token = created.json()
    assert token["scopes"] == [READ]
    headers = {"Authorization": f"Bearer {token['secret']}"}
    assert world.client.get(f"{API}/organisations", headers=headers).status_code == 200
    listed = world.client.get(f"{API}/tokens", headers=admin).json()
    assert token["id"] in [t["id"] for t in listed]
    assert "secret" not in listed[0]
    assert world.client.delete(f"{API}/tokens/{token['id']}", headers=admin).status_code == 204
    listed = world.client.get(f"{API}/tokens", headers=admin).json()
    assert next(t for t in listed if t["id"] == token["id"])["revoked"] is True
    _error(world.client.get(f"{API}/organisations", headers=headers), 401)
    _error(world.client.delete(f"{API}/tokens/{token['id']}", headers=admin), 404)


def test_a_write_token_registers_a_person_and_gets_the_number_back_masked(world: World) -> None:
    number = national_number(600)
    response = world.client.post(f"{API}/persons", headers=world.token(WRITE),
                                 json={"national_number": number, "name": "Nina New"})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Nina New"
    assert body["national_number"] == f"**.**.**-***.{number[-2:]}"
    assert number not in response.text
    again = world.client.post(f"{API}/persons", headers=world.token(WRITE),
                              json={"national_number": number, "name": "Nina Again"})
    assert _error(again, 409)["code"] == "conflict"
    assert number not in again.text


@pytest.mark.parametrize(("body", "field"), [
    ({"national_number": "12345678901", "name": "X"}, "national_number"),
    ({"national_number": "85073003328"}, "name"),
    ({"national_number": national_number(601), "name": " "}, "name"),
    ({"national_number": national_number(602), "name": "X", "extra": 1}, "extra"),
])
def test_a_bad_person_is_refused_with_422_naming_the_field_and_never_echoing_the_number(
        world: World, body: dict[str, Any], field: str) -> None:
    response = world.client.post(f"{API}/persons", headers=world.token(WRITE), json=body)
    error = _error(response, 422)
    assert error["field"] == field
    assert error["code"] == "invalid"
    assert error["expected"]
    assert body["national_number"] not in response.text


def test_a_write_token_registers_an_organisation_and_anyone_finds_it_by_enterprise_number(
        world: World) -> None:
    created = world.client.post(f"{API}/organisations", headers=world.token(WRITE), json={
        "name": "New NV", "entity_group": "economic_actor",
        "enterprise_number": enterprise_number(50),
        "legal_representatives": [world.id("Otto")]})
    assert created.status_code == 201
    dotted = created.json()["enterprise_number"]
    assert created.json()["is_service_provider"] is True
    headers = _signed_in(world, "Anna")
    found = world.client.get(f"{API}/organisations/by-enterprise-number/{dotted}",
                             headers=headers)
    assert found.json()["name"] == "New NV"
    missing = world.client.get(f"{API}/organisations/by-enterprise-number/"
                               f"{enterprise_number(51)}")
    assert _error(missing, 404)["code"] == "not_found"
    bad = world.client.get(f"{API}/organisations/by-enterprise-number/0403170702")
    assert _error(bad, 422)["field"] == "enterprise_number"


def test_an_organisation_without_its_enterprise_number_is_refused_naming_the_field(
        world: World) -> None:
    response = world.client.post(f"{API}/organisations", headers=world.token(WRITE),
                                 json={"name": "X", "entity_group": "local_government"})
    assert _error(response, 422)["field"] == "enterprise_number"


def test_a_signed_in_person_may_not_register_persons(world: World) -> None:
    response = world.client.post(f"{API}/persons", headers=_signed_in(world, "Luc"),
                                 json={"national_number": national_number(700), "name": "X"})
    assert _error(response, 403)["rule"] == "system_registers"


def test_a_token_acts_as_the_system_and_cannot_act_as_a_person(world: World) -> None:
    response = world.client.post(f"{API}/mandates", headers=world.token(READ, WRITE, ADMIN),
                                 json={"giver": {"kind": "person", "id": world.id("Anna")},
                                       "taker": {"kind": "organisation",
                                                 "id": world.orgs["other"].id}})
    assert _error(response, 403)["rule"] == "person_acts"


def test_a_change_by_session_needs_the_csrf_header(world: World) -> None:
    sign_in(world.client, world.people["Mia"])
    path = f"{API}/mandates/{world.mandates['anna'].id}/sign"
    error = _error(world.client.post(path), 403)
    assert error["code"] == "csrf"
    _error(world.client.post(path, headers={"X-CSRF-Token": "0" * 64}), 403)
    assert world.client.get(f"{API}/mandates/{world.mandates['anna'].id}").json()["status"] \
        == "awaiting_taker"


def test_me_gives_the_signed_in_person_masked_and_the_csrf_token(world: World) -> None:
    headers = _signed_in(world, "Mia")
    body = world.client.get(f"{API}/me").json()
    assert body["kind"] == "person"
    assert body["person"]["name"] == "Mia Manager"
    assert body["csrf_token"] == headers["X-CSRF-Token"]
    assert world.numbers["Mia"] not in str(body)


def test_a_mandate_administrator_signs_and_the_mandate_becomes_active(world: World) -> None:
    headers = _signed_in(world, "Mia")
    mandate = world.mandates["anna"].id
    waiting = world.client.get(f"{API}/persons/{world.id('Mia')}/awaiting-signature").json()
    assert [m["id"] for m in waiting["items"]] == [mandate]
    signed = world.client.post(f"{API}/mandates/{mandate}/sign", headers=headers)
    assert signed.status_code == 200
    assert signed.json()["status"] == "active"
    assert signed.json()["taker_signature"]["by"] == world.id("Mia")
    again = world.client.post(f"{API}/mandates/{mandate}/sign", headers=headers)
    assert _error(again, 409)["code"] == "conflict"


def test_the_rules_refuse_a_person_who_may_not_sign_naming_the_rule(world: World) -> None:
    headers = _signed_in(world, "Emil")
    response = world.client.post(f"{API}/mandates/{world.mandates['anna'].id}/sign",
                                 headers=headers)
    assert _error(response, 403)["rule"] == "signer_for_organisation"


def test_an_applicant_creates_refuses_stops_and_transfers_mandates(world: World) -> None:
    anna, other = world.people["Anna"], world.orgs["other"]
    headers = _signed_in(world, "Anna")
    created = world.client.post(f"{API}/mandates", headers=headers, json={
        "giver": {"kind": "person", "id": anna.id},
        "taker": {"kind": "organisation", "id": other.id}, "end": "2025-12-31"})
    assert created.status_code == 201
    assert created.json()["status"] == "awaiting_taker"
    assert created.json()["until"] == "2025-12-31"
    stopped = world.client.post(f"{API}/mandates/{created.json()['id']}/stop", headers=headers)
    assert stopped.json()["status"] == "stopped"
    # Bart's bakery hands its active mandate over to Other Consult; Otto accepts it.
    bart = _signed_in(world, "Bart")
    bakery = world.mandates["bakery"].id
    proposed = world.client.post(f"{API}/mandates/{bakery}/transfer", headers=bart,
                                 json={"new_taker": {"kind": "organisation", "id": other.id}})
    assert proposed.json()["pending_transfer_to"] == {"kind": "organisation", "id": other.id}
    otto = _signed_in(world, "Otto")
    successor = world.client.post(f"{API}/mandates/{bakery}/sign", headers=otto).json()
    assert successor["predecessor_id"] == bakery
    assert successor["status"] == "active"
    # Mia refuses a new mandate from Anna.
    again = world.client.post(f"{API}/mandates", headers=_signed_in(world, "Anna"), json={
        "giver": {"kind": "person", "id": anna.id},
        "taker": {"kind": "organisation", "id": other.id}})
    refused = world.client.post(f"{API}/mandates/{again.json()['id']}/refuse",
                                headers=_signed_in(world, "Otto"))
    assert refused.json()["status"] == "stopped"


def test_a_mandate_between_two_people_needs_a_valid_party_kind(world: World) -> None:
    response = world.client.post(f"{API}/mandates", headers=_signed_in(world, "Anna"), json={
        "giver": {"kind": "someone", "id": world.id("Anna")},
        "taker": {"kind": "person", "id": world.id("Eva")}})
    assert _error(response, 422)["field"] == "giver.kind"


def test_a_local_admin_adds_a_user_grants_and_withdraws_a_right(world: World) -> None:
    provider = world.orgs["provider"].id
    headers = _signed_in(world, "Luc")
    found = world.client.post(f"{API}/persons/search", headers=headers,
                              json={"national_number": world.numbers["Otto"]})
    assert found.json()["id"] == world.id("Otto")
    relation = world.client.post(f"{API}/organisations/{provider}/work-relations",
                                 headers=headers, json={"person_id": world.id("Otto")})
    assert relation.status_code == 201
    right = world.client.post(f"{API}/work-relations/{relation.json()['id']}/rights",
                              headers=headers, json={"kind": "SSM Mandaatuitvoerder"})
    assert right.status_code == 201
    assert right.json()["active"] is True
    withdrawn = world.client.post(f"{API}/rights/{right.json()['id']}/withdraw",
                                  headers=headers, json={})
    assert withdrawn.json()["withdrawn_by"] == world.id("Luc")
    users = world.client.get(f"{API}/organisations/{provider}/work-relations").json()
    otto = next(u for u in users if u["person"]["id"] == world.id("Otto"))
    assert otto["rights"][0]["withdrawn_on"] == "2025-03-03"
    assert world.numbers["Otto"] not in str(users)


def test_a_right_name_that_does_not_exist_is_refused_naming_the_field(world: World) -> None:
    headers = _signed_in(world, "Luc")
    users = world.client.get(f"{API}/organisations/{world.orgs['provider'].id}/work-relations")
    relation = users.json()[0]["id"]
    response = world.client.post(f"{API}/work-relations/{relation}/rights", headers=headers,
                                 json={"kind": "Superuser"})
    error = _error(response, 422)
    assert error["field"] == "kind"
    assert "SSM Mandaatbeheerder" in error["expected"]


def test_only_a_local_admin_grants_rights_and_sees_the_users(world: World) -> None:
    headers = _signed_in(world, "Emil")
    provider = world.orgs["provider"].id
    assert _error(world.client.get(f"{API}/organisations/{provider}/work-relations"),
                  403)["rule"] == "local_admin_only"
    relation = world.client.post(f"{API}/organisations/{provider}/work-relations",
                                 headers=headers, json={"person_id": world.id("Anna")})
    assert _error(relation, 403)["rule"] == "local_admin_only"


def test_a_legal_representative_appoints_a_local_administrator(world: World) -> None:
    provider = world.orgs["provider"].id
    appointed = world.client.post(f"{API}/organisations/{provider}/local-admins",
                                  headers=_signed_in(world, "Rita"),
                                  json={"person_id": world.id("Mia")})
    assert appointed.status_code == 201
    admins = world.client.get(f"{API}/organisations/{provider}/local-admins").json()
    assert {a["person_id"] for a in admins} == {world.id("Luc"), world.id("Mia")}
    refused = world.client.post(f"{API}/organisations/{provider}/local-admins",
                                headers=_signed_in(world, "Luc"),
                                json={"person_id": world.id("Eva")})
    assert _error(refused, 403)["rule"] == "legal_representative_only"


def test_a_person_sees_themself_and_their_users_but_not_others(world: World) -> None:
    _signed_in(world, "Emil")
    assert world.client.get(f"{API}/persons/{world.id('Emil')}").status_code == 200
    assert _error(world.client.get(f"{API}/persons/{world.id('Anna')}"),
                  403)["rule"] == "person_visible"
    assert _error(world.client.get(f"{API}/persons"), 403)["rule"] == "person_visible"
    search = world.client.post(f"{API}/persons/search", json={"national_number": "x"},
                               headers={"X-CSRF-Token": sign_in(world.client,
                                                                world.people["Emil"])})
    assert search.status_code == 422  # the number is checked before anything is looked up
    search = world.client.post(f"{API}/persons/search",
                               json={"national_number": world.numbers["Anna"]},
                               headers={"X-CSRF-Token": sign_in(world.client,
                                                                world.people["Emil"])})
    assert _error(search, 403)["rule"] == "lookup_by_local_admin"
    _signed_in(world, "Luc")
    assert world.client.get(f"{API}/persons/{world.id('Emil')}").status_code == 200


def test_may_manage_explains_an_allowed_decision_as_chains_of_links(world: World) -> None:
    query = f"person={world.id('Emil')}&applicant={world.orgs['bakery'].id}&at=2025-03-03"
    body = world.client.get(f"{API}/may-manage?{query}", headers=world.token(READ)).json()
    assert body["allowed"] is True
    assert body["gaps"] == []
    route = body["routes"][0]
    assert route["name"] == "mandate_to_provider"
    assert [link["kind"] for link in route["links"]] == ["mandate", "work_relation", "right"]
    first = route["links"][0]
    assert first["id"] == world.mandates["bakery"].id
    assert set(first) == {"kind", "id", "text", "since", "until"}
    assert first["since"] == "2025-03-03"


def test_may_manage_explains_a_denial_with_the_fixer_and_the_guide_link(world: World) -> None:
    query = f"person={world.id('Eva')}&applicant={world.orgs['bakery'].id}&lang=en"
    body = world.client.get(f"{API}/may-manage?{query}", headers=world.token(READ)).json()
    assert body["allowed"] is False
    gap = next(g for g in body["gaps"] if g["code"] == "no_executor_right")
    assert "Luc Admin" in gap["fixer"]
    assert gap["guide_outcome"] == "recht-mandaatuitvoerder"
    assert gap["guide_href"] == ("/en/flows/externe-dienstverlener/step?eid=ja&"
                                 "is-lokale-beheerder=ja&rol=lokale-beheerder&uitvoerder-recht=ja")
    outcome = world.client.get(gap["guide_href"])
    assert outcome.status_code == 200
    assert "Mandaatuitvoerder" in outcome.text


def test_may_manage_refuses_a_bad_date_and_unknown_ids(world: World) -> None:
    token = world.token(READ)
    base = f"{API}/may-manage?person={world.id('Eva')}&applicant={world.orgs['bakery'].id}"
    assert _error(world.client.get(base + "&at=03-03-2025", headers=token), 422)["field"] == "at"
    assert _error(world.client.get(base + "&lang=fr", headers=token), 422)["field"] == "lang"
    unknown = world.client.get(f"{API}/may-manage?person=P-x&applicant=P-y", headers=token)
    assert _error(unknown, 404)["code"] == "not_found"


def test_a_person_checks_only_themself_their_users_or_applicants_they_act_for(
        world: World) -> None:
    bakery = world.orgs["bakery"].id
    _signed_in(world, "Eva")
    own = world.client.get(f"{API}/may-manage?person={world.id('Eva')}&applicant={bakery}")
    assert own.status_code == 200
    other = world.client.get(f"{API}/may-manage?person={world.id('Emil')}&applicant={bakery}")
    assert _error(other, 403)["rule"] == "checker_scope"
    _signed_in(world, "Bart")
    assert world.client.get(f"{API}/may-manage?person={world.id('Emil')}&"
                            f"applicant={bakery}").json()["allowed"] is True


def test_the_three_listings_are_paged_with_offset_limit_and_total(world: World) -> None:
    token = world.token(READ)
    applicants = world.client.get(f"{API}/persons/{world.id('Emil')}/applicants?limit=1",
                                  headers=token).json()
    assert (applicants["offset"], applicants["limit"], applicants["total"]) == (0, 1, 2)
    assert applicants["items"] == [{"kind": "person", "id": world.id("Emil"),
                                    "name": "Emil Executor"}]
    second = world.client.get(f"{API}/persons/{world.id('Emil')}/applicants?offset=1&limit=1",
                              headers=token).json()
    assert second["items"][0]["name"] == "Bakkerij NV"
    persons = world.client.get(f"{API}/applicants/{world.orgs['bakery'].id}/persons",
                               headers=token).json()
    assert [p["name"] for p in persons["items"]] == ["Bart Baker", "Emil Executor"]
    assert persons["total"] == 2
    awaiting = world.client.get(f"{API}/persons/{world.id('Mia')}/awaiting-signature",
                                headers=token).json()
    assert awaiting["total"] == 1
    assert _error(world.client.get(f"{API}/persons/{world.id('Mia')}/applicants?limit=0",
                                   headers=token), 422)["field"] == "limit"
    assert _error(world.client.get(f"{API}/persons?offset=-1", headers=token),
                  422)["field"] == "offset"
    everyone = world.client.get(f"{API}/persons?limit=3", headers=token).json()
    assert everyone["total"] == 8
    assert len(everyone["items"]) == 3


def test_dossiers_are_added_by_the_system_and_listed_for_who_may_manage_them(
        world: World) -> None:
    bakery = world.orgs["bakery"]
    added = world.client.post(f"{API}/dossiers", headers=world.token(WRITE), json={
        "applicant": {"kind": "organisation", "id": bakery.id}, "title": "Festival 2025"})
    assert added.status_code == 201
    _signed_in(world, "Emil")
    listed = world.client.get(f"{API}/applicants/{bakery.id}/dossiers").json()
    assert [d["title"] for d in listed] == ["Festival 2025"]
    _signed_in(world, "Eva")
    assert _error(world.client.get(f"{API}/applicants/{bakery.id}/dossiers"),
                  403)["rule"] == "may_manage_dossiers"


def test_a_mandate_is_visible_to_its_parties_only(world: World) -> None:
    mandate = world.mandates["bakery"].id
    _signed_in(world, "Mia")
    assert world.client.get(f"{API}/mandates/{mandate}").json()["status"] == "active"
    _signed_in(world, "Anna")
    assert _error(world.client.get(f"{API}/mandates/{mandate}"), 403)["rule"] == "mandate_party"
    assert _error(world.client.get(f"{API}/mandates/M-none"), 404)["code"] == "not_found"


def test_the_openapi_description_lists_the_registry_and_no_number_in_an_address(
        world: World) -> None:
    spec = world.client.get("/api/openapi.json").json()
    paths = [p for p in spec["paths"] if p.startswith(API)]
    assert f"{API}/may-manage" in paths
    assert len(paths) >= 25
    for path, operations in spec["paths"].items():
        assert "national" not in path
        for operation in operations.values():
            names = [p["name"] for p in operation.get("parameters", [])]
            assert not any("national" in name for name in names), path
    assert world.client.get("/api/docs").status_code == 200


def test_the_guide_api_keeps_its_own_error_shape(world: World) -> None:
    response = world.client.get("/api/flows/nope/state")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"]


def test_concurrent_requests_on_the_in_memory_registry_all_land(world: World) -> None:
    headers = world.token(READ, WRITE)

    def register(serial: int) -> int:
        client = world.client_for()
        return client.post(f"{API}/persons", headers=headers, json={
            "national_number": national_number(800 + serial), "name": f"N{serial}"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(register, range(24)))
    assert statuses == [201] * 24
    assert world.client.get(f"{API}/persons?limit=1", headers=headers).json()["total"] == 32


def test_the_api_and_the_pages_work_on_a_sqlite_registry_too(tmp_path: Path) -> None:
    world = build(Settings(database_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}",
                           demo=True, secret_key="test"))
    admin, reader = world.token(ADMIN), world.token(READ)
    created = world.client.post(f"{API}/tokens", headers=admin,
                                json={"name": "import", "scopes": [WRITE]}).json()
    writer = {"Authorization": f"Bearer {created['secret']}"}
    assert world.client.post(f"{API}/persons", headers=writer, json={
        "national_number": national_number(900), "name": "Nina"}).status_code == 201
    assert world.client.delete(f"{API}/tokens/{created['id']}", headers=admin).status_code \
        == 204
    _error(world.client.get(f"{API}/me", headers=writer), 401)
    check = f"{API}/may-manage?person={world.id('Eva')}&applicant={world.orgs['bakery'].id}"
    # Answered from the access index (loaded here), which must then see the grant below.
    assert world.client.get(check, headers=reader).json()["allowed"] is False
    csrf = sign_in(world.client, world.people["Luc"])
    users = f"/nl/registry/organisations/{world.orgs['provider'].id}/users"
    granted = world.client.post(users + "/grant", data={
        "work_relation": world.eva_relation(), "kind": "SSM Mandaatuitvoerder",
        "csrf_token": csrf})
    assert granted.status_code == 303
    assert world.client.get(check, headers=reader).json()["allowed"] is True
    assert world.client.get(f"/nl/registry/check?person={world.id('Eva')}"
                            f"&applicant={world.orgs['bakery'].id}").status_code == 200
