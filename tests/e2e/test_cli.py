"""The non-interactive command line: guide --json, flow paths, flow export and errors."""

from __future__ import annotations

import json

import pytest

from .cli import run_cli


def test_guide_json_prints_the_next_question_with_its_options_and_links() -> None:
    result = run_cli("guide", "externe-dienstverlener", "--answers", "rol=mandaatbeheerder&eid=ja",
                     "--json")
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["flow"] == "externe-dienstverlener"
    assert state["lang"] == "nl"
    assert state["answers"] == "eid=ja&rol=mandaatbeheerder"
    node = state["node"]
    assert (node["id"], node["kind"]) == ("wil-mandaat", "question")
    assert node["text"] == "Ik wil een mandaat afsluiten met een aanvrager."
    assert node["options"] == [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]
    assert {link["kind"] for link in node["links"]} == {"glossary"}
    assert [t["question"] for t in state["trace"]] == ["rol", "eid"]


def test_guide_json_at_an_outcome_gives_its_links_and_the_deciding_answers_in_english() -> None:
    result = run_cli("guide", "--answers",
                     "eid=ja&rol=mandaatbeheerder&wil-mandaat=ja&is-mandaatbeheerder=ja",
                     "--lang", "en", "--json")
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout)
    node = state["node"]
    assert (node["id"], node["kind"]) == ("mandaat-afsluiten", "outcome")
    assert node["options"] == []
    kinds = [link["kind"] for link in node["links"]]
    assert kinds[:3] == ["howto", "external", "restart"]
    assert node["links"][0]["label"] == "READ HERE HOW TO DO IT"
    assert node["links"][1]["href"].startswith("https://www.vlaanderen.be/cjm/nl/ik-wil-rechten")
    assert [(t["question"], t["label"]) for t in state["trace"]] == [
        ("rol", "MANDATE ADMINISTRATOR"), ("eid", "Yes"), ("wil-mandaat", "Yes"),
        ("is-mandaatbeheerder", "Yes")]


def test_guide_json_without_answers_asks_the_first_question() -> None:
    state = json.loads(run_cli("guide", "--json").stdout)
    assert state["node"]["id"] == "rol"
    assert state["answers"] == ""
    assert state["trace"] == []


@pytest.mark.parametrize(("args", "code", "message"), [
    (["guide", "onbekend", "--json"], 4, "unknown flow 'onbekend'; expected one of: "
     "externe-dienstverlener"),
    (["guide", "--answers", "rol=koning", "--json"], 5, "'koning' is not an option of question "
     "'rol'; expected one of: lokale-beheerder, mandaatbeheerder"),
    (["guide", "--answers", "rol=mandaatbeheerder&eid=ja&beheer-recht=ja", "--json"], 5,
     "question 'beheer-recht' is not on the path"),
    (["guide", "--answers", "eid", "--json"], 5, "malformed answers"),
    (["guide", "--answers", "eid=ja&eid=nee", "--json"], 5, "answered twice"),
    (["guide", "--lang", "fr", "--json"], 2, "unknown language 'fr'; expected one of: nl, en"),
    (["flow", "paths", "onbekend"], 4, "unknown flow 'onbekend'"),
    (["flow", "export", "--format", "png"], 2, "unknown format 'png'; expected one of: mermaid, "
     "dot, text"),
])
def test_errors_are_one_line_on_stderr_with_an_exit_code_per_family(
    args: list[str], code: int, message: str
) -> None:
    result = run_cli(*args)
    assert result.returncode == code
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mandaatwijzer: error: ")
    assert message in lines[0]


def test_unknown_answer_keys_are_dropped_from_the_canonical_answers() -> None:
    state = json.loads(run_cli("guide", "--answers", "utm=x&rol=lokale-beheerder", "--json").stdout)
    assert state["answers"] == "rol=lokale-beheerder"


def test_flow_paths_lists_the_eleven_paths() -> None:
    result = run_cli("flow", "paths", "externe-dienstverlener")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 11
    assert "p-8edc76b  rol=lokale-beheerder, eid=nee  →  geen-eid" in lines


def test_flow_paths_json_gives_id_answers_and_outcome_with_its_text() -> None:
    paths = json.loads(run_cli("flow", "paths", "externe-dienstverlener", "--json").stdout)
    assert len(paths) == 11
    assert len({p["id"] for p in paths}) == 11
    first = next(p for p in paths if p["id"] == "p-8edc76b")
    assert first["answers"] == "eid=nee&rol=lokale-beheerder"
    assert first["steps"] == [{"question": "rol", "answer": "lokale-beheerder"},
                              {"question": "eid", "answer": "nee"}]
    assert first["outcome"] == "geen-eid"
    assert first["text"].startswith("Je kunt geen rechten toekennen")


def test_export_text_is_an_outline_with_every_statement() -> None:
    result = run_cli("flow", "export", "externe-dienstverlener", "--format", "text")
    assert result.returncode == 0
    outline = result.stdout
    assert outline.splitlines()[0] == "Externe dienstverlener"
    assert "  Vraag [rol]: Ik ben:" in outline
    for node_id in ("geen-eid", "recht-mandaatuitvoerder", "recht-mandaatbeheerder", "geen-recht",
                    "geen-mandaat", "vraag-recht", "mandaat-afsluiten"):
        assert f"Uitkomst [{node_id}]" in outline


def test_export_mermaid_has_a_node_per_box_and_an_edge_per_route() -> None:
    result = run_cli("flow", "export", "--format", "mermaid", "--lang", "en")
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart TD"
    assert sum("-->" in line for line in lines) == 1 + 14  # start edge + 14 routes
    assert 'eid -->|"No"| geen_eid' in result.stdout
    assert 'eid -->|"rol = LOCAL ADMINISTRATOR"| is_lokale_beheerder' in result.stdout


def test_export_dot_is_a_digraph_with_diamonds_for_questions() -> None:
    dot = run_cli("flow", "export", "--format", "dot").stdout
    assert dot.startswith('digraph "externe-dienstverlener" {')
    assert '"eid" [shape=diamond, label="Ik heb een Belgische eID."];' in dot
    assert '"eid" -> "geen-eid" [label="Nee"];' in dot
    assert dot.rstrip().endswith("}")


def test_flow_check_passes_on_the_packaged_flows() -> None:
    result = run_cli("flow", "check")
    assert result.returncode == 0, result.stdout
    assert "0 error(s)" in result.stderr
