"""The JSON API: the same state as the command line, and structured errors."""

from __future__ import annotations

import json

import pytest

from .cli import run_cli
from .web import FLOW, client

C = client()


def test_the_flow_list_gives_titles_in_both_languages() -> None:
    flows = C.get("/api/flows").json()
    assert flows == [{
        "id": FLOW,
        "title": {"nl": "Externe dienstverlener", "en": "External service provider"},
        "intro": flows[0]["intro"],
        "state_href": f"/api/flows/{FLOW}/state",
        "guide_href": {"nl": f"/nl/flows/{FLOW}", "en": f"/en/flows/{FLOW}"},
    }]


@pytest.mark.parametrize(("answers", "lang"), [
    ("", "nl"), ("eid=ja&rol=mandaatbeheerder", "en"),
    ("eid=ja&is-lokale-beheerder=ja&rol=lokale-beheerder&uitvoerder-recht=ja", "nl"),
])
def test_the_state_is_the_same_json_as_the_command_line_gives(answers: str, lang: str) -> None:
    api = C.get(f"/api/flows/{FLOW}/state", params={"answers": answers, "lang": lang})
    assert api.status_code == 200
    cli = run_cli("guide", FLOW, "--answers", answers, "--lang", lang, "--json")
    assert api.json() == json.loads(cli.stdout)


def test_a_state_has_the_documented_shape() -> None:
    state = C.get(f"/api/flows/{FLOW}/state", params={"answers": "eid=nee&rol=mandaatbeheerder"})
    body = state.json()
    assert set(body) >= {"flow", "lang", "answers", "node", "trace"}
    assert body["node"]["kind"] == "outcome"
    assert body["node"]["links"][0]["kind"] == "restart"


def test_every_problem_with_the_answers_is_reported_with_a_code() -> None:
    response = C.get(f"/api/flows/{FLOW}/state",
                     params={"answers": "rol=koning&beheer-recht=ja", "lang": "fr"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("unknown_language", "lang"), ("invalid_value", "answers"), ("not_on_path", "answers")]
    assert "expected one of: lokale-beheerder, mandaatbeheerder" in errors[1]["message"]


def test_a_malformed_answer_string_is_a_400() -> None:
    response = C.get(f"/api/flows/{FLOW}/state", params={"answers": "eid=ja&eid=nee"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "malformed_query"


def test_an_unknown_flow_is_a_404_with_a_code() -> None:
    response = C.get("/api/flows/onbekend/state")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "unknown_flow"
    assert C.get("/api/onbekend").json()["errors"][0]["code"] == "not_found"


def test_the_openapi_description_and_its_docs_page_are_served() -> None:
    spec = C.get("/api/openapi.json").json()
    guide_paths = {p for p in spec["paths"] if not p.startswith("/api/registry/")}
    assert guide_paths == {"/api/flows", "/api/flows/{flow_id}/state"}
    docs = C.get("/api/docs")
    assert docs.status_code == 200
    # A long path may break after a slash (<wbr>), never inside a word.
    assert "/api/flows/{flow_id}/state" in docs.text.replace("<wbr>", "")
    assert "<script" not in docs.text
