"""The error state, the keyboard and printing, in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from ..flows.seed_paths import SEED_PATHS, SEED_TEXTS_NL
from .guide_pages import (
    answer,
    continue_,
    distinct_pages,
    flow_base,
    heading,
    path_and_query,
    step_url,
)

BASE = flow_base("nl")

#: The styles that can show focus, read from an element.
FOCUS_STYLE = """e => {
  const s = getComputedStyle(e);
  return {outline: [s.outlineStyle, s.outlineWidth, s.outlineColor].join(' '),
          visibleOutline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                          && s.outlineColor !== 'rgba(0, 0, 0, 0)'
                          && s.outlineColor !== 'transparent',
          boxShadow: s.boxShadow, background: s.backgroundColor};
}"""


def test_submitting_without_a_choice_shows_the_error_summary_whose_link_focuses_the_first_radio(
    js_page: Page,
) -> None:
    page = js_page
    page.goto(step_url({"rol": "mandaatbeheerder"}))
    continue_(page)
    expect(page).to_have_title(re.compile(r"^(Fout|Error): "))
    summary = page.locator("main > *").first
    expect(summary).to_have_class("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator("h2")).to_have_text(re.compile("Er is een probleem|There is a problem"))
    link = summary.locator("a")
    expect(link).to_have_attribute("href", "#answer-1")
    message = link.inner_text().strip()
    assert message
    field_error = page.locator("#answer-error")
    expect(field_error).to_be_visible()
    expect(field_error).to_contain_text(message)
    expect(page.locator("fieldset")).to_have_attribute("aria-describedby", "answer-error")
    assert heading(page) == SEED_TEXTS_NL["eid"]
    link.click()
    assert page.evaluate("document.activeElement.id") == "answer-1"
    # Answering now goes on from the same answers.
    answer(page, "ja")
    assert path_and_query(page) == (f"{BASE}/step", "eid=ja&rol=mandaatbeheerder")
    assert heading(page) == SEED_TEXTS_NL["wil-mandaat"]


def test_tab_reaches_the_skip_link_first_and_every_focused_element_shows_its_focus(
    js_page: Page,
) -> None:
    page = js_page
    page.goto(step_url({"rol": "lokale-beheerder", "eid": "ja"}))
    tabbable = page.evaluate(f"""() => {{
      window.focusStyle = {FOCUS_STYLE};
      const all = [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), summary')];
      window.unfocused = new Map(all.map(e => [e, window.focusStyle(e)]));
      return all.length;
    }}""")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    expect(page.locator(".skip-link")).to_be_in_viewport()
    seen = []
    for _ in range(tabbable):
        focus = page.evaluate("""() => {
          const e = document.activeElement;
          return {tag: e.tagName.toLowerCase(), name: (e.innerText || e.id || '').trim(),
                  before: window.unfocused.get(e), after: window.focusStyle(e)};
        }""")
        if focus["tag"] == "body" or focus["name"] in seen:
            break
        seen.append(focus["name"])
        before, after = focus["before"], focus["after"]
        assert before is not None, f"focus went to something not a link or control: {focus}"
        assert after["visibleOutline"] or after["boxShadow"] != before["boxShadow"] \
            or after["background"] != before["background"], f"focus is not visible on {focus}"
        page.keyboard.press("Tab")
    assert len(seen) >= 8, seen  # skip link, home, English, back, radio, continue, 3 terms, ...
    # From the top again: the skip link moves focus to the main content, then to the answers.
    page.goto(page.url.split("#")[0])
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "answer-1"


def test_printing_an_outcome_hides_the_navigation_and_the_buttons(page: Page) -> None:
    answers, _ = SEED_PATHS[2]
    page.goto(step_url(answers))
    hidden_in_print = [".site-header__nav", ".back-link", ".button-group", ".site-footer",
                       ".summary-list__actions", "main p.no-print"]
    for selector in hidden_in_print:
        expect(page.locator(selector).first).to_be_visible()
    page.emulate_media(media="print")
    for selector in [*hidden_in_print, ".skip-link"]:
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    for kept in (".panel__title", ".panel__note", ".summary-list", ".trace", ".official-link"):
        expect(page.locator(kept)).to_be_visible()


def test_printing_a_question_hides_its_continue_button_and_shows_the_terms(page: Page) -> None:
    page.goto(step_url({"rol": "lokale-beheerder", "eid": "ja"}))
    expect(page.locator("form button")).to_be_visible()
    expect(page.locator(".details__text").first).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator("form button")).to_be_hidden()
    expect(page.locator(".site-header__nav")).to_be_hidden()
    for definition in page.locator(".details__text").all():
        expect(definition).to_be_visible()


@pytest.fixture(scope="module")
def narrow_page(js_context: BrowserContext) -> Iterator[Page]:
    """320 CSS pixels wide: a 1280-pixel window zoomed to 400% (WCAG 1.4.10 Reflow)."""
    page = js_context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    yield page
    page.close()


NARROW = [(lang, name, url) for lang, name, url, _ in distinct_pages()
          if not name.startswith("diagram")]  # a diagram may scroll: two-dimensional content
NARROW.append(("en", "api-docs", "/api/docs"))
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return {scrollWidth: document.documentElement.scrollWidth,
          wide: [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
                .slice(0, 5)};
}"""


@pytest.mark.parametrize(("lang", "name", "url"), NARROW,
                         ids=[f"{lang}-{name}" for lang, name, _ in NARROW])
def test_the_page_fits_320_pixels_without_scrolling_sideways(
    narrow_page: Page, lang: str, name: str, url: str
) -> None:
    narrow_page.goto(url)
    overflow = narrow_page.evaluate(OVERFLOWING)
    assert overflow["scrollWidth"] <= 320, f"{url} is {overflow['scrollWidth']}px wide: {overflow}"
