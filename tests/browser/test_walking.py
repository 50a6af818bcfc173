"""Walking the guide in Chromium with JavaScript off: clicks, the back button, changes, language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mandaatwijzer import guide

from ..flows.seed_paths import SEED_PATHS, SEED_TEXTS_NL
from .guide_pages import (
    CHANGE,
    FLOW,
    answer,
    choose,
    continue_,
    engine_after_change,
    flow_base,
    heading,
    path_and_query,
    query,
    start,
    step_url,
    text_nl,
)

BASE = flow_base("nl")


@pytest.mark.parametrize(("index", "answers", "outcome"),
                         [(i, a, o) for i, (a, o) in enumerate(SEED_PATHS, start=1)],
                         ids=[f"{o}-{i}" for i, (_, o) in enumerate(SEED_PATHS, start=1)])
def test_each_of_the_eleven_paths_can_be_walked_by_clicking_to_its_outcome(
    page: Page, screenshots: Path, index: int, answers: list[tuple[str, str]], outcome: str
) -> None:
    start(page)
    for question, value in answers:
        assert heading(page) == SEED_TEXTS_NL[question]
        answer(page, value)
    assert path_and_query(page) == (f"{BASE}/step", query(answers))
    expect(page.locator("main .panel__title")).to_have_text(text_nl(outcome))
    page.screenshot(path=screenshots / f"{outcome}-{index}.png", full_page=True)


def test_the_back_button_returns_to_the_previous_question_and_a_reload_changes_nothing(
    page: Page
) -> None:
    start(page)
    answer(page, "mandaatbeheerder")
    answer(page, "ja")
    assert heading(page) == SEED_TEXTS_NL["wil-mandaat"]
    page.go_back()
    assert path_and_query(page) == (f"{BASE}/step", "rol=mandaatbeheerder")
    assert heading(page) == SEED_TEXTS_NL["eid"]
    page.go_back()
    assert path_and_query(page) == (f"{BASE}/step", "")
    assert heading(page) == SEED_TEXTS_NL["rol"]
    page.go_forward()
    before = page.url
    page.reload()
    assert page.url == before
    assert heading(page) == SEED_TEXTS_NL["eid"]
    # Answering again from the page the back button showed goes on as usual.
    answer(page, "nee")
    assert path_and_query(page) == (f"{BASE}/step", "eid=nee&rol=mandaatbeheerder")
    expect(page.locator("main .panel__title")).to_have_text(SEED_TEXTS_NL["geen-eid"])


CHANGES = [
    # path 7 (vraag-recht), rol changed: wil-mandaat and is-mandaatbeheerder stay on the path,
    # is-lokale-beheerder drops out.
    (SEED_PATHS[6][0], "rol", "mandaatbeheerder"),
    # path 11 (mandaat-afsluiten), eid changed to nee: everything after it drops out.
    (SEED_PATHS[10][0], "eid", "nee"),
    # path 3 (recht-mandaatuitvoerder), the last answer changed: the next question is open.
    (SEED_PATHS[2][0], "uitvoerder-recht", "nee"),
    # path 6 (geen-mandaat), rol changed: wil-mandaat=nee is kept and decides again.
    (SEED_PATHS[5][0], "rol", "mandaatbeheerder"),
]


@pytest.mark.parametrize(("answers", "question", "value"), CHANGES,
                         ids=[f"{q}={v}" for _, q, v in CHANGES])
def test_a_change_link_on_the_outcome_page_lands_where_the_engine_says(
    page: Page, answers: list[tuple[str, str]], question: str, value: str
) -> None:
    page.goto(step_url(answers))
    link = page.locator(f'main a[href^="{BASE}/change/{question}?"]')
    expect(link).to_have_text(CHANGE)
    link.click()
    assert path_and_query(page) == (f"{BASE}/change/{question}", query(answers))
    assert heading(page) == SEED_TEXTS_NL[question]
    expect(page.locator(f'input[value="{dict(answers)[question]}"]')).to_be_checked()
    answer(page, value)
    expected = engine_after_change(answers, question, value)
    assert path_and_query(page) == (f"{BASE}/step", expected.query)
    shown = page.locator("main .panel__title" if expected.finished else "main h1")
    expect(shown).to_have_text(text_nl(expected.node.id))
    kept = {q for q, _ in answers if q != question}
    assert {q for q in expected.answers if q != question} <= kept


def test_switching_to_english_mid_flow_keeps_the_answers_and_the_question(page: Page) -> None:
    flow = guide.flow(FLOW)
    start(page)
    answer(page, "lokale-beheerder")
    answer(page, "ja")
    dutch_query = path_and_query(page)[1]
    assert heading(page) == SEED_TEXTS_NL["is-lokale-beheerder"]
    page.get_by_role("link", name="English").click()
    assert path_and_query(page) == (f"{flow_base('en')}/step", dutch_query)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert heading(page) == flow.text("is-lokale-beheerder", "en")
    for value in ("nee", "ja", "ja"):
        answer(page, value)
    answers = {"rol": "lokale-beheerder", "eid": "ja", "is-lokale-beheerder": "nee",
               "wil-mandaat": "ja", "is-mandaatbeheerder": "ja"}
    assert path_and_query(page) == (f"{flow_base('en')}/step", query(answers))
    expect(page.locator("main .panel__title")).to_have_text(flow.text("mandaat-afsluiten", "en"))
    # And back to Dutch on the outcome page, still with the same answers.
    page.get_by_role("link", name="Nederlands").click()
    assert path_and_query(page) == (f"{BASE}/step", query(answers))
    expect(page.locator("main .panel__title")).to_have_text(SEED_TEXTS_NL["mandaat-afsluiten"])


def test_a_glossary_term_opens_in_place_and_its_link_lands_on_the_entry_with_a_way_back(
    page: Page
) -> None:
    here = step_url({"rol": "lokale-beheerder", "eid": "ja"})
    page.goto(here)
    details = page.locator("main details").first
    definition = details.locator(".details__text")
    expect(definition).to_be_hidden()
    term = details.locator("summary").inner_text().strip()
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    expect(definition).to_be_visible()
    expected = guide.glossary().term("lokale-beheerder", "nl")
    assert expected is not None
    assert term == expected.term
    expect(definition.locator("p").first).to_have_text(expected.definition)
    definition.locator("a").click()
    assert page.url.endswith("#lokale-beheerder")
    assert path_and_query(page)[0] == "/nl/glossary"
    entry = page.locator("#lokale-beheerder")
    expect(entry).to_be_in_viewport()
    expect(entry.locator("dt")).to_have_text(expected.term)
    back = page.locator("a.back-link")
    expect(back).to_have_attribute("href", here)
    back.click()
    assert path_and_query(page) == (f"{BASE}/step", "eid=ja&rol=lokale-beheerder")


def test_the_start_button_and_the_restart_button_lead_to_the_first_question(page: Page) -> None:
    start(page)
    assert heading(page) == SEED_TEXTS_NL["rol"]
    choose(page, "lokale-beheerder")
    continue_(page)
    answer(page, "nee")
    page.get_by_role("link", name=re.compile("TERUG NAAR HET BEGIN")).click()
    assert path_and_query(page) == (BASE, "")
