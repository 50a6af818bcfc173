"""The first answers kept beside each packaged flow (guide/_first_answers.py): a registry
decision's link into the guide, without loading the flow."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mandaatwijzer import guide
from mandaatwijzer.guide import _first_answers
from mandaatwijzer.plain_views import GUIDE_FLOW, guide_href


@pytest.mark.parametrize("flow_id", guide.flow_ids())
def test_the_packaged_kept_answers_are_those_of_the_flow_beside_them(flow_id: str) -> None:
    folder = guide.flows_folder() / flow_id
    kept = json.loads((folder / _first_answers.KEPT).read_text(encoding="utf-8"))
    expected = _first_answers.worked_out(flow_id)
    problem = (f"{folder / _first_answers.KEPT} is out of date: run "
               "`python -m mandaatwijzer.guide._first_answers`")
    assert kept["flow_sha256"] == _first_answers._digest(folder / "flow.yaml"), problem
    assert kept["answers"] == expected, problem
    assert _first_answers.first_answers(flow_id) == expected


def test_every_outcome_has_the_answers_of_the_first_path_that_reaches_it() -> None:
    flow = guide.flow(GUIDE_FLOW)
    answers = _first_answers.first_answers(GUIDE_FLOW)
    assert set(answers) == {node.id for node in flow.nodes
                            if isinstance(node, guide.Outcome)}
    for outcome, query in answers.items():
        assert guide.from_query(flow, query).node.id == outcome
        first = next(p for p in guide.paths(flow) if p.outcome.id == outcome)
        assert first.query == query


def _copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The packaged flows in a folder of their own, which the module reads instead."""
    folder = tmp_path / "flows"
    shutil.copytree(guide.flows_folder(), folder)
    monkeypatch.setattr(_first_answers, "flows_folder", lambda: folder)
    return folder / GUIDE_FLOW


@pytest.mark.parametrize("damage", ["other flow", "no file", "not json", "no answers"])
def test_kept_answers_that_may_not_be_the_flows_are_worked_out_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    folder = _copy(tmp_path, monkeypatch)
    kept = folder / _first_answers.KEPT
    wrong = json.loads(kept.read_text(encoding="utf-8"))
    wrong["answers"] = dict.fromkeys(wrong["answers"], "eid=nee")
    if damage == "other flow":  # what a change of flow.yaml without a new kept file leaves
        wrong["flow_sha256"] = "0" * 64
        kept.write_text(json.dumps(wrong), encoding="utf-8")
    elif damage == "no file":
        kept.unlink()
    elif damage == "not json":
        kept.write_text("{", encoding="utf-8")
    else:
        kept.write_text(json.dumps({"flow_sha256": wrong["flow_sha256"]}), encoding="utf-8")
    assert _first_answers.first_answers(GUIDE_FLOW) == _first_answers.worked_out(GUIDE_FLOW)


def test_kept_answers_of_the_flow_beside_them_are_read_as_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path, monkeypatch)
    kept = folder / _first_answers.KEPT
    data = json.loads(kept.read_text(encoding="utf-8"))
    data["answers"]["geen-eid"] = "eid=nee&rol=mandaatbeheerder"
    kept.write_text(json.dumps(data), encoding="utf-8")
    assert _first_answers.first_answers(GUIDE_FLOW)["geen-eid"] == "eid=nee&rol=mandaatbeheerder"


def test_keep_writes_what_first_answers_reads(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path, monkeypatch)
    (folder / _first_answers.KEPT).unlink()
    assert _first_answers.keep(GUIDE_FLOW) == folder / _first_answers.KEPT
    kept = json.loads((folder / _first_answers.KEPT).read_text(encoding="utf-8"))
    assert kept == {"flow_sha256": _first_answers._digest(folder / "flow.yaml"),
                    "answers": _first_answers.worked_out(GUIDE_FLOW)}


def test_an_unknown_flow_is_refused() -> None:
    with pytest.raises(guide.UnknownFlowError):
        _first_answers.first_answers("no-such-flow")


def test_a_decisions_guide_link_shows_its_outcome() -> None:
    href = guide_href("recht-mandaatuitvoerder", "nl")
    assert href == ("/nl/flows/externe-dienstverlener/step?eid=ja&is-lokale-beheerder=ja"
                    "&rol=lokale-beheerder&uitvoerder-recht=ja")
    assert guide_href("no-such-outcome", "en") is None
    assert guide_href(None, "en") is None
