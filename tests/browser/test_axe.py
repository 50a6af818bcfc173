"""axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules) on every distinct page, in Dutch and English.

axe injects a script, so these pages are opened with JavaScript on; the pages themselves have
none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, BrowserContext, Page

from .guide_pages import LANGS, continue_, distinct_pages, new_context, step_url

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
AXE = Axe()
DIAGRAM_PENDING = ("the diagram page answers 500: it depends on the diagram module "
                   "(guide/_diagram.py) that is still being finished")


@pytest.fixture(scope="module")
def axe_page(js_context: BrowserContext) -> Iterator[Page]:
    """One tab for all the pages: axe runs faster in a warm one."""
    page = js_context.new_page()
    yield page
    page.close()


def report(violations: list[dict[str, Any]]) -> str:
    """Each violation: its rule, impact and help, then every element it found, by selector."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}"
                     f" <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " >> ".join(" ".join(t) if isinstance(t, list) else t
                                 for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    results = AXE.run(page, options=OPTIONS).response
    assert results["passes"], f"axe checked nothing on {page.url}"
    violations = results["violations"]
    assert not violations, (f"{len(violations)} axe violation(s) on {page.url}:\n"
                            + report(violations))


PAGES = distinct_pages()


@pytest.mark.parametrize(("lang", "name", "url", "status"), PAGES,
                         ids=[f"{lang}-{name}" for lang, name, _, _ in PAGES])
def test_the_page_has_no_axe_violations(
    axe_page: Page, lang: str, name: str, url: str, status: int
) -> None:
    response = axe_page.goto(url)
    assert response is not None
    if name.startswith("diagram") and response.status == 500:
        pytest.skip(DIAGRAM_PENDING)
    assert response.status == status
    assert axe_page.locator("html").get_attribute("lang") == lang
    assert_accessible(axe_page)


@pytest.mark.parametrize("lang", LANGS)
def test_the_error_state_of_a_question_has_no_axe_violations(axe_page: Page, lang: str) -> None:
    axe_page.goto(step_url({"rol": "lokale-beheerder"}, lang))
    continue_(axe_page)
    assert axe_page.locator(".error-summary").count() == 1
    assert_accessible(axe_page)


@pytest.mark.parametrize("lang", LANGS)
def test_the_api_documentation_has_no_axe_violations(
    browser: Browser, base_url: str, lang: str
) -> None:
    # Its language follows the browser's (Accept-Language): a context in that language.
    context = new_context(browser, base_url, javascript=True, locale=lang)
    try:
        page = context.new_page()
        response = page.goto("/api/docs")
        assert response is not None
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    finally:
        context.close()


def test_a_violation_is_reported_with_its_rule_and_the_element_to_fix(js_page: Page) -> None:
    js_page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_accessible(js_page)
    assert "image-alt (critical)" in str(failure.value)
    assert "    img: " in str(failure.value)
