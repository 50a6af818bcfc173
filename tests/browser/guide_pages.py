"""What a person does in the guide, as Playwright steps, and the addresses of its pages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from mandaatwijzer import guide

from ..e2e.dutch import problems
from ..flows.seed_paths import SEED_PATHS, SEED_TEXTS_NL

FLOW = "externe-dienstverlener"
LANGS = ["nl", "en"]
#: The one outcome text the seed does not give (an inferred sentence).
GEEN_RECHT_NL = "Je wilt geen recht toekennen aan een collega."
CONTINUE = re.compile(r"^(Doorgaan|Continue)$")
CHANGE = re.compile(r"^(Wijzig|Change)\b")


def new_context(browser: Browser, base_url: str, *, javascript: bool,
                locale: str = "nl-BE") -> BrowserContext:
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript,
                                  locale=locale, viewport={"width": 1024, "height": 768})
    context.set_default_timeout(5000)
    context.on("response", _check_dutch)
    return context


#: What Dutch registry pages showed that is not for a Dutch reader (tests/e2e/dutch.py), by
#: address; conftest.py fails the test that visited them.
NOT_DUTCH: list[str] = []


def _check_dutch(response: Response) -> None:
    """Every Dutch registry page the browser loads is scanned for rule codes, internal ids
    and English sentences of the catalog."""
    path = urlsplit(response.url).path
    if response.request.resource_type != "document" or not path.startswith("/nl/registry") \
            or not response.headers.get("content-type", "").startswith("text/html"):
        return
    found = problems(response.text())
    NOT_DUTCH.extend(f"{path}: {problem}" for problem in found)


def flow_base(lang: str = "nl") -> str:
    return f"/{lang}/flows/{FLOW}"


def query(answers: list[tuple[str, str]] | dict[str, str]) -> str:
    """The canonical query string: answers sorted by question."""
    items = answers.items() if isinstance(answers, dict) else answers
    return "&".join(f"{q}={v}" for q, v in sorted(items))


def step_url(answers: list[tuple[str, str]] | dict[str, str], lang: str = "nl") -> str:
    q = query(answers)
    return f"{flow_base(lang)}/step" + (f"?{q}" if q else "")


def text_nl(node_id: str) -> str:
    return SEED_TEXTS_NL.get(node_id, GEEN_RECHT_NL)


def path_and_query(page: Page) -> tuple[str, str]:
    parts = urlsplit(page.url)
    return parts.path, parts.query


def heading(page: Page) -> str:
    return page.locator("main h1").inner_text().strip()


def choose(page: Page, value: str) -> None:
    """Click the label of the radio with `value`, as a person would."""
    item = page.locator(".radios__item").filter(has=page.locator(f'input[value="{value}"]'))
    item.locator("label").click()
    expect(item.locator("input")).to_be_checked()


def continue_(page: Page) -> None:
    page.get_by_role("button", name=CONTINUE).click()
    page.wait_for_load_state()


def answer(page: Page, value: str) -> None:
    choose(page, value)
    continue_(page)


def start(page: Page, lang: str = "nl") -> None:
    page.goto(flow_base(lang))
    page.locator("main a.button--start").click()
    expect(page).to_have_url(re.compile(re.escape(f"{flow_base(lang)}/step") + "$"))


def first_pages() -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
    """For every question and every outcome, the first answers (from the seed paths) that
    lead to it: seven questions, seven outcomes."""
    questions: dict[str, list[tuple[str, str]]] = {}
    outcomes: dict[str, list[tuple[str, str]]] = {}
    for answers, outcome in SEED_PATHS:
        for i, (question, _) in enumerate(answers):
            questions.setdefault(question, answers[:i])
        outcomes.setdefault(outcome, answers)
    return questions, outcomes


def engine_after_change(answers: list[tuple[str, str]], question: str,
                        value: str) -> guide.State:
    """Where the engine says a changed answer leads."""
    flow = guide.flow(FLOW)
    state = guide.replay(flow, dict(answers)).state
    return guide.answer(state, question, value)


def distinct_pages() -> list[tuple[str, str, str, int]]:
    """Every distinct page reached by GET, in both languages: (lang, name, address, status)."""
    questions, outcomes = first_pages()
    assert len(questions) == 7
    assert len(outcomes) == 7
    long_path = SEED_PATHS[6][0]  # to vraag-recht through both parts of the flow
    pages = []
    for lang in LANGS:
        base = flow_base(lang)
        pages += [(lang, "index", f"/{lang}/", 200), (lang, "start", base, 200)]
        pages += [(lang, f"question-{q}", step_url(a, lang), 200) for q, a in questions.items()]
        pages += [(lang, f"outcome-{o}", step_url(a, lang), 200) for o, a in outcomes.items()]
        pages.append((lang, "change", f"{base}/change/rol?{query(long_path)}", 200))
        pages += [(lang, f"howto-{o}", f"{base}/howto/{o}?{query(outcomes[o])}", 200)
                  for o in ("recht-mandaatuitvoerder", "recht-mandaatbeheerder",
                            "mandaat-afsluiten")]
        pages.append((lang, "glossary", f"/{lang}/glossary?back={base}/step", 200))
        pages.append((lang, "diagram", f"{base}/diagram", 200))
        pages.append((lang, "diagram-with-path", f"{base}/diagram?{query(long_path)}", 200))
        pages.append((lang, "not-found", f"/{lang}/bestaat-niet", 404))
    return pages
