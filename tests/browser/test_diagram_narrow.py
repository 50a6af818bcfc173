"""The diagram page at 390 px (a phone): the flow as text first, the diagram at its own size in
a frame that scrolls sideways, its arrows labelled in the answers' words; axe still clean.

JavaScript is on only to measure and to run axe; the page has none. The page at 320, 390 and
1280 px is also in test_layout.py (no word split, no sideways scroll of the page).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from mandaatwijzer import guide

from .guide_pages import LANGS, flow_base
from .test_axe import assert_accessible

PHONE = {"width": 390, "height": 844}
PATH = "eid=ja&is-lokale-beheerder=nee&rol=lokale-beheerder"

MEASURE = """() => {
  const frame = document.querySelector('.diagram__frame');
  const svg = frame.querySelector('svg');
  const box = e => e.getBoundingClientRect();
  const [, , width] = svg.getAttribute('viewBox').split(' ').map(Number);
  return {
    pageWidth: document.documentElement.scrollWidth, window: window.innerWidth,
    frameWidth: frame.clientWidth, frameScrolls: frame.scrollWidth > frame.clientWidth,
    frameRight: box(frame).right, tabindex: frame.getAttribute('tabindex'),
    scale: box(svg).width / width,
    outlineTop: box(document.querySelector('.outline')).top,
    figureTop: box(document.querySelector('.diagram')).top,
    labels: [...svg.querySelectorAll('.edge-label')].map(g => g.textContent.trim()),
  };
}"""


@pytest.fixture(scope="module")
def phone(js_context: BrowserContext) -> Iterator[Page]:
    page = js_context.new_page()
    page.set_viewport_size(PHONE)
    yield page
    page.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("answers", ["", PATH], ids=["flow", "with-path"])
def test_at_390_px_the_text_comes_first_and_the_diagram_scrolls_at_a_readable_size(
        phone: Page, lang: str, answers: str) -> None:
    response = phone.goto(f"{flow_base(lang)}/diagram" + (f"?{answers}" if answers else ""))
    assert response is not None
    assert response.status == 200
    measured: dict[str, Any] = phone.evaluate(MEASURE)

    assert measured["pageWidth"] <= measured["window"], "the page scrolls sideways"
    assert measured["frameRight"] <= measured["window"]
    assert measured["outlineTop"] < measured["figureTop"], "the flow as text comes first"
    # At its own size: its 12-13 px words stay 12-13 px, and the frame scrolls to show it all.
    assert measured["scale"] == pytest.approx(1, abs=0.01)
    assert measured["frameScrolls"]
    assert measured["tabindex"] == "0"  # the keyboard can scroll it
    labels = measured["labels"]
    assert ("Nee" if lang == "nl" else "No") in labels
    for label in labels:
        for jargon in ("anders", "otherwise", " = ", "≠", "rol", "&"):
            assert jargon not in label, label
    caption = phone.locator(".diagram__caption").inner_text()
    assert caption.endswith("als tekst op deze pagina." if lang == "nl"
                            else "as text on this page.")


@pytest.mark.parametrize("lang", LANGS)
def test_at_390_px_the_diagram_page_has_no_axe_violations(phone: Page, lang: str) -> None:
    phone.goto(f"{flow_base(lang)}/diagram?{PATH}")
    assert_accessible(phone)


def test_on_a_wide_screen_the_diagram_fits_the_column_before_the_text(
        js_context: BrowserContext) -> None:
    page = js_context.new_page()
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{flow_base('nl')}/diagram")
        measured: dict[str, Any] = page.evaluate(MEASURE)
        assert measured["figureTop"] < measured["outlineTop"]
        assert not measured["frameScrolls"]
        assert measured["pageWidth"] <= measured["window"]
    finally:
        page.close()


def test_the_outline_on_the_page_names_the_routes_in_plain_words() -> None:
    root = guide.outline(guide.flow("externe-dienstverlener"), "nl")
    assert root is not None
    labels = [label for label, _ in root.branches]
    assert labels == ["Elk antwoord"]
