"""The one inferred line after "Nee" to "Ik ben lokale beheerder …", on the web question page.

The line is flow data (`after` in nl.yaml/en.yaml, `source: inferred`) and reaches the page as
`node.arrival` of the guide's view; question.html shows it (one line, added by the template's
owner: until then the first test is an expected failure).
"""

from __future__ import annotations

import pytest

from mandaatwijzer import guide

from .web import BASE, client, text

C = client()
AT_WIL_MANDAAT = "eid=ja&is-lokale-beheerder=nee&rol=lokale-beheerder"


def _line(lang: str) -> str:
    after = guide.flow("externe-dienstverlener").node_texts("is-lokale-beheerder", lang).after
    return after["nee"].value


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_question_it_leads_to_says_where_the_guide_goes_next(lang: str) -> None:
    base = BASE.replace("/nl/", f"/{lang}/")
    page = text(C.get(f"{base}/step?{AT_WIL_MANDAAT}").text)
    assert _line(lang) in page


@pytest.mark.parametrize("answers", [
    "eid=ja&rol=lokale-beheerder",
    "eid=ja&rol=mandaatbeheerder",
    "eid=ja&is-lokale-beheerder=ja&rol=lokale-beheerder",
    "eid=ja&is-lokale-beheerder=nee&rol=lokale-beheerder&wil-mandaat=ja",
    "eid=ja&is-lokale-beheerder=nee&rol=lokale-beheerder&wil-mandaat=nee",
])
def test_no_other_page_of_the_guide_shows_it(answers: str) -> None:
    page = text(C.get(f"{BASE}/step?{answers}").text)
    assert _line("nl") not in page


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_api_gives_the_line_with_the_node_it_leads_to_and_nowhere_else(lang: str) -> None:
    """The JSON API has the shape of `mandaatwijzer guide --json`: the line is the node's
    `arrival`, with where it comes from (inferred: the seed has no box for it)."""
    state = "/api/flows/externe-dienstverlener/state"
    node = C.get(state, params={"answers": AT_WIL_MANDAAT, "lang": lang}).json()["node"]
    assert node["arrival"] == {"question": "is-lokale-beheerder", "answer": "nee",
                               "text": _line(lang), "source": "inferred"}
    expected = guide.state_view(guide.from_query(guide.flow("externe-dienstverlener"),
                                                 AT_WIL_MANDAAT), guide.glossary(), lang)
    assert node == expected["node"]
    elsewhere = C.get(state, params={"answers": "eid=ja&rol=lokale-beheerder", "lang": lang})
    assert "arrival" not in elsewhere.json()["node"]
