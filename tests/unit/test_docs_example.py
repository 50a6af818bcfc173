"""The worked example of docs/flows.md loads, checks clean and routes as the text says."""

from __future__ import annotations

from pathlib import Path

from mandaatwijzer import guide

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "toegang"


def test_the_documented_example_flow_is_valid_and_has_three_paths() -> None:
    flow = guide.load_flow(EXAMPLE)
    problems = [p for p in guide.check([flow], guide.glossary()) if p.is_error]
    assert problems == []
    assert {p.query: p.outcome.id for p in guide.paths(flow)} == {
        "heeft-eid=nee": "geen-toegang",
        "heeft-eid=ja&rol=aanvrager": "zelf-doen",
        "heeft-eid=ja&rol=dienstverlener": "mandaat-nodig",
    }


def test_the_docs_show_the_example_routing_as_it_is_in_the_example_folder() -> None:
    docs = (EXAMPLE.parents[1] / "flows.md").read_text(encoding="utf-8")
    for line in (EXAMPLE / "flow.yaml").read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip() and not line.lstrip().startswith("#"):
            assert line.split("#")[0].rstrip() in docs, line
