"""Requests for a right (issue 14, "vraag-recht"): a user asks the local administrators of
their organisation for a right; one of them grants it (the right made by the same rules as a
grant, both audited) or declines it; once decided, a request is not decided again."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from mandaatwijzer.registry import requests
from mandaatwijzer.registry.errors import ConflictError, RuleViolationError
from mandaatwijzer.registry.ports import Repository
from mandaatwijzer.web.registry._common import back_to

from .registry import World, build, csrf_of, sign_in
from .web import elements, text

MANAGER, EXECUTOR = "SSM Mandaatbeheerder", "SSM Mandaatuitvoerder"


@pytest.fixture
def world() -> World:
    return build()


def _ask(world: World, who: str, kind: str = MANAGER) -> str:
    return requests.request_right(world.ctx.units(), world.ctx.clock, world.id(who),
                                  world.orgs["provider"].id, kind).id


def _events(world: World, request_id: str) -> list[str]:
    with world.ctx.units() as uow:
        return [e.action for e in uow.events_about([("right_request", request_id)], 10)]


def test_a_user_asks_and_a_local_administrator_grants_the_right(world: World) -> None:
    asked = _ask(world, "Eva")
    assert _events(world, asked) == ["request_right"]
    requests.grant_request(world.ctx.units(), world.ctx.clock, world.id("Luc"), asked)
    assert world.rights_of(world.eva_relation()) == [(MANAGER, None)]

    def state(repo: Repository) -> tuple[bool, bool | None, str | None]:
        found = repo.right_request(asked)
        assert found is not None
        return found.open, found.granted, found.decided_by
    assert world.read(state) == (False, True, world.id("Luc"))
    assert _events(world, asked) == ["request_right", "grant_request"]
    # Decided once: a second decision is refused and changes nothing.
    with pytest.raises(ConflictError, match="granted already"):
        requests.decline_request(world.ctx.units(), world.ctx.clock, world.id("Luc"), asked)
    assert world.rights_of(world.eva_relation()) == [(MANAGER, None)]


def test_a_declined_request_grants_nothing(world: World) -> None:
    asked = _ask(world, "Eva", EXECUTOR)
    requests.decline_request(world.ctx.units(), world.ctx.clock, world.id("Rita"), asked)
    assert world.rights_of(world.eva_relation()) == []
    assert _events(world, asked) == ["request_right", "decline_request"]
    # Asked again after the refusal: a new request.
    assert _ask(world, "Eva", EXECUTOR) != asked


def test_only_a_local_administrator_or_legal_representative_decides(world: World) -> None:
    asked = _ask(world, "Eva")
    for who in ("Mia", "Eva"):
        with pytest.raises(RuleViolationError):
            requests.grant_request(world.ctx.units(), world.ctx.clock, world.id(who), asked)
        with pytest.raises(RuleViolationError):
            requests.decline_request(world.ctx.units(), world.ctx.clock, world.id(who), asked)
    assert world.rights_of(world.eva_relation()) == []
    assert _events(world, asked) == ["request_right"]


def test_one_open_request_per_right_and_none_for_a_right_held(world: World) -> None:
    _ask(world, "Eva")
    with pytest.raises(ConflictError, match="awaits a decision"):
        _ask(world, "Eva")
    with pytest.raises(ConflictError, match="already holds"):
        _ask(world, "Emil", EXECUTOR)


def test_only_a_user_of_the_organisation_asks_it(world: World) -> None:
    with pytest.raises(RuleViolationError) as refused:
        _ask(world, "Otto")
    assert refused.value.rule == "work_relation_of_organisation"
    assert "Otto Other is not a user of Provider BV" in str(refused.value)


# --- on the web ---------------------------------------------------------------------------

def _requests(world: World) -> str:
    return f"/nl/registry/organisations/{world.orgs['provider'].id}/requests"


def test_a_user_asks_from_the_guide_and_the_local_administrator_grants_on_the_web(
        world: World) -> None:
    sign_in(world.client, world.people["Eva"])
    outcome = world.client.get("/nl/flows/externe-dienstverlener/step"
                               "?rol=mandaatbeheerder&wil-mandaat=ja")
    [form] = [f for f in elements(outcome.text, "form") if "requests/new" in f["action"]]
    confirm = world.client.get(form["action"], params={"kind": MANAGER})
    assert confirm.status_code == 200
    said = text(confirm.text)
    assert "‘SSM Mandaatbeheerder’ vragen bij Provider BV?" in said
    assert "Je aanvraag wacht op de takenlijst van de lokale beheerders van Provider BV: " \
           "Luc Admin." in said
    asked = world.client.post(_requests(world), data={"kind": MANAGER,
                                                      "csrf_token": csrf_of(confirm.text)})
    assert asked.status_code == 303
    assert "wacht op een beslissing" in text(world.client.get(asked.headers["location"]).text)
    assert world.rights_of(world.eva_relation()) == []

    sign_in(world.client, world.people["Luc"])
    listing = world.client.get(_requests(world))
    assert "Eva Employee ‘SSM Mandaatbeheerder’" in text(listing.text)
    [request] = [i["value"] for i in elements(listing.text, "input")
                 if i.get("name") == "request"][:1]
    grant = world.client.get(f"/nl/registry/organisations/{world.orgs['provider'].id}"
                             "/users/grant/confirm", params={"request": request})
    assert grant.status_code == 200
    assert "Eva Employee kan mandaten afsluiten in naam van Provider BV" in text(grant.text)
    fields = {i["name"]: i.get("value", "") for i in elements(grant.text, "input")
              if i.get("type") == "hidden"}
    granted = world.client.post(f"/nl/registry/organisations/{world.orgs['provider'].id}"
                                "/users/grant/confirm", data=fields)
    assert granted.status_code == 303
    assert world.rights_of(world.eva_relation()) == [(MANAGER, None)]
    assert _events(world, request) == ["request_right", "grant_request"]
    assert "Er wacht geen aanvraag op een beslissing." in text(
        world.client.get(_requests(world)).text)
    sign_in(world.client, world.people["Eva"])
    assert "toegekend door Luc Admin" in text(world.client.get(_requests(world)).text)


def test_a_local_administrator_declines_once(world: World) -> None:
    asked = _ask(world, "Eva")
    csrf = sign_in(world.client, world.people["Luc"])
    declined = world.client.post(_requests(world) + "/decline",
                                 data={"request": asked, "csrf_token": csrf})
    assert declined.status_code == 303
    again = world.client.post(_requests(world) + "/decline",
                              data={"request": asked, "csrf_token": csrf})
    assert again.status_code == 409
    assert "Er is niets veranderd: deze aanvraag werd al geweigerd" in text(again.text)
    assert _events(world, asked) == ["request_right", "decline_request"]


def test_one_who_neither_decides_nor_asked_sees_no_requests(world: World) -> None:
    _ask(world, "Eva")
    sign_in(world.client, world.people["Mia"])
    refused = world.client.get(_requests(world))
    assert refused.status_code == 403
    assert "Eva Employee" not in refused.text


def test_a_request_waits_on_the_local_administrators_to_do_list(world: World) -> None:
    asked = _ask(world, "Eva")
    sign_in(world.client, world.people["Luc"])
    todo = world.client.get("/nl/registry/todo")
    assert "Eva Employee vraagt ‘SSM Mandaatbeheerder’ bij Provider BV" in text(todo.text)
    grant = f"/nl/registry/organisations/{world.orgs['provider'].id}/users/grant/confirm" \
            f"?request={asked}"
    assert grant in [a["href"].replace("&amp;", "&") for a in elements(todo.text, "a")]
    answer = world.client.get("/api/registry/todo").json()
    assert [(r["id"], r["person_name"], r["kind"]) for r in answer["requests"]] == \
        [(asked, "Eva Employee", MANAGER)]
    assert answer["count"] >= 1
    # Eva, who asked, has nothing to decide.
    sign_in(world.client, world.people["Eva"])
    assert world.client.get("/api/registry/todo").json()["requests"] == []



@pytest.mark.parametrize(("method", "path", "page"), [
    ("POST", "/nl/registry/organisations/O-1/requests/decline",
     "/nl/registry/organisations/O-1/requests"),
    ("POST", "/nl/registry/organisations/O-1/users/grant/confirm",
     "/nl/registry/organisations/O-1/users"),
    ("POST", "/nl/registry/organisations/O-1/requests", "/nl/registry/organisations/O-1/requests"),
    ("GET", "/nl/registry/organisations/O-1/requests/new", "/nl/registry/organisations/O-1/"
     "requests/new?kind=SSM+Mandaatbeheerder"),
])
def test_a_form_posted_after_the_session_ended_comes_back_to_its_page(
        method: str, path: str, page: str) -> None:
    """Signed out meanwhile: after signing in again, the page of the form, not its action."""
    query = b"kind=SSM+Mandaatbeheerder" if method == "GET" else b""
    request = Request({"type": "http", "method": method, "path": path, "query_string": query,
                       "headers": []})
    assert back_to(request) == page
