"""The layout holds at 320, 390 and 1280 px: no word split across lines, no sideways scroll.

Every registry page a signed-in person reaches by following the registry's links (from each
person's overview and their tasks' pages, in Dutch and English), the error and refusal pages,
and every distinct page of the guide. On each page and at each width, for every text in a
table cell, a button, a link or a heading, each word (split on white space) must lie on one
line box: `Range.getClientRects()` per word, as the browser laid it out. And the page itself
must not scroll sideways (`scrollWidth <= innerWidth`).

JavaScript is on only to measure; the pages have none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from ..e2e.registry import World, open_session
from ..serving import served
from .guide_pages import LANGS, distinct_pages, new_context
from .registry_pages import world_with_dossiers

WIDTHS = [320, 390, 1280]
#: Where a person reads words that must not break: cells, buttons, links, headings.
WATCHED = "td, th, button, a, h1, h2, h3, h4, h5, h6, summary, legend, label, .tag"
#: At most this many registry pages per person and language (the crawl is bounded).
PAGES_PER_PERSON = 30

#: For each watched element's text node, each word whose line boxes lie on more than one
#: line; and the page's and the viewport's widths. Text a person cannot see (the visually
#: hidden labels for screen readers, closed folds) has no line boxes of its own to judge.
MEASURE = """
(selector) => {
  // Whether the text from `start` to `end` lies on more than one line: its boxes' tops
  // differ by more than half a line (two boxes of one line differ by less).
  const splitAcrossLines = (node, start, end, parent) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    const tops = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0)
                                            .map(r => r.top);
    const line = parseFloat(getComputedStyle(parent).fontSize) || 16;
    return tops.length > 1 && Math.max(...tops) - Math.min(...tops) > line / 2;
  };
  const broken = [];
  const seen = new Set();
  for (const element of document.querySelectorAll(selector)) {
    if (element.closest('.visually-hidden')) continue;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (seen.has(node)) continue;
      seen.add(node);
      const parent = node.parentElement;
      if (!parent || parent.closest('.visually-hidden')) continue;
      const text = node.textContent;
      const words = /\\S+/g;
      for (let m = words.exec(text); m; m = words.exec(text)) {
        if (/^https?:/.test(m[0])) continue;  // a web address is no word: it may break
        // A compound's hard hyphen between letters is where Dutch may break a line
        // ('mandaatuitvoerder-|recht'): each part on one line. Not in '2025-03-03'.
        let start = m.index;
        for (const part of m[0].split(/(?<=\\p{L}-)(?=\\p{L})/u)) {
          const end = start + part.length;
          if (splitAcrossLines(node, start, end, parent)) {
            broken.push({word: m[0], tag: parent.tagName.toLowerCase(),
                         context: element.textContent.trim().replace(/\\s+/g, ' ').slice(0, 80)});
            break;
          }
          start = end;
        }
      }
    }
  }
  return {broken, scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth};
}
"""


@pytest.fixture(scope="module")
def world() -> World:
    return world_with_dossiers()


@pytest.fixture(scope="module")
def registry_url(world: World) -> Iterator[str]:
    with served(world.client.app, "registry-layout") as url:
        yield url


def _signed_in(browser: Browser, url: str, world: World, name: str) -> BrowserContext:
    context = new_context(browser, url, javascript=True)
    context.add_cookies([{"name": "mw_session", "url": url, "httpOnly": True,
                          "sameSite": "Lax", "value": open_session(world.ctx, world.people[name])}])
    return context


def _problems(page: Page, where: str) -> list[str]:
    """At each width, the words split across lines and a page wider than the window."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        measured: dict[str, Any] = page.evaluate(MEASURE, WATCHED)
        for item in measured["broken"]:
            found.append(f"{where} at {width} px: ‘{item['word']}’ split across lines"
                         f" in <{item['tag']}> “{item['context']}”")
        if measured["scrollWidth"] > measured["innerWidth"]:
            found.append(f"{where} at {width} px: the page scrolls sideways"
                         f" ({measured['scrollWidth']} px wide)")
    return found


def _html(page: Page, href: str) -> bool:
    """Whether `href` answers a page (not a download): asked before the tab goes there."""
    response = page.request.get(href, max_redirects=0)
    return response.headers.get("content-type", "").startswith("text/html")


#: The addresses a person reaches from the page by GET: its links (not downloads), and its
#: GET forms that ask nothing (only hidden fields: a button that opens a confirmation page),
#: once for each named button.
TARGETS = """
() => {
  const hrefs = [...document.querySelectorAll('a[href]')]
    .filter(a => !a.hasAttribute('download')).map(a => a.getAttribute('href'));
  for (const form of document.querySelectorAll('form')) {
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
    const fields = [...form.querySelectorAll('input, select, textarea')];
    if (fields.some(f => f.type !== 'hidden')) continue;
    const action = form.getAttribute('action') || location.pathname;
    const base = new URLSearchParams(new FormData(form));
    const named = [...form.querySelectorAll('button[name]')];
    for (const button of named.length ? named : [null]) {
      const query = new URLSearchParams(base);
      if (button) query.append(button.name, button.value);
      hrefs.push(action + (query.toString() ? '?' + query : ''));
    }
  }
  return hrefs;
}
"""


def _registry_links(page: Page, lang: str) -> list[str]:
    hrefs: list[str] = page.evaluate(TARGETS)
    prefix = f"/{lang}/registry/"
    links = []
    for href in hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        if not parts.scheme and parts.path.startswith(prefix) and "sign-" not in parts.path:
            links.append(href)
    return links


def _crawl(page: Page, starts: list[str], lang: str) -> Iterator[tuple[str, int]]:
    """The registry pages reached from `starts` by following links, breadth first, at most
    PAGES_PER_PERSON of them: the address and status of each, after the tab has opened it."""
    queue, seen = list(starts), set(starts)
    visited = 0
    while queue and visited < PAGES_PER_PERSON:
        href = queue.pop(0)
        if not _html(page, href):
            continue
        response = page.goto(href)
        assert response is not None
        visited += 1
        yield href, response.status
        for link in _registry_links(page, lang):
            if link not in seen:
                seen.add(link)
                queue.append(link)


def test_registry_pages_hold_at_every_width(browser: Browser, registry_url: str,
                                             world: World) -> None:
    provider, bakery, other = world.orgs["provider"], world.orgs["bakery"], world.orgs["other"]
    number = other.enterprise_number
    assert number is not None
    problems: list[str] = []
    visited: set[str] = set()
    for lang in LANGS:
        starts = {
            # the local administrator: the overview, users and rights, the check
            "Luc": [f"/{lang}/registry/", f"/{lang}/registry/check",
                    f"/{lang}/registry/check?person={world.id('Eva')}&applicant={bakery.id}",
                    f"/{lang}/registry/check?person={world.id('Emil')}&applicant={bakery.id}",
                    f"/{lang}/registry/check?applicant={bakery.id}&at=x",
                    f"/{lang}/registry/search?q=Bakkerij"],
            # the mandate administrator: the provider's signatures
            "Mia": [f"/{lang}/registry/", f"/{lang}/registry/parties/{provider.id}/signatures"],
            # a giving organisation's representative: its mandates, with a stop button, and
            # a transfer's confirmation with the new provider found
            "Bart": [f"/{lang}/registry/", f"/{lang}/registry/parties/{bakery.id}/mandates",
                     f"/{lang}/registry/parties/{bakery.id}/mandates/transfer"
                     f"?mandate={world.mandates['bakery'].id}"
                     f"&enterprise_number={number.value}"],
            # a person giving a mandate: the provider found, and a wrong number
            "Anna": [f"/{lang}/registry/",
                     f"/{lang}/registry/parties/{world.id('Anna')}/mandates"
                     f"?enterprise_number={number.value}",
                     f"/{lang}/registry/parties/{world.id('Anna')}/mandates"
                     "?enterprise_number=123"],
            # refused a page: the 403; an executor: a client's KIOSK dossiers
            "Emil": [f"/{lang}/registry/", f"/{lang}/registry/organisations/{provider.id}/users",
                     f"/{lang}/registry/sign-in",
                     f"/{lang}/registry/applicants/{bakery.id}/dossiers"],
        }
        for name, hrefs in starts.items():
            context = _signed_in(browser, registry_url, world, name)
            try:
                page = context.new_page()
                for href, status in _crawl(page, hrefs, lang):
                    visited.add(urlsplit(href).path)
                    if status >= 500:
                        problems.append(f"{href} (as {name}) answered {status}")
                    else:
                        problems += _problems(page, f"{href} (as {name})")
            finally:
                context.close()
        context = new_context(browser, registry_url, javascript=True)  # no session: the 401
        try:
            page = context.new_page()
            for href in (f"/{lang}/registry/", f"/{lang}/registry/signed-out"):
                page.goto(href)
                problems += _problems(page, href)
        finally:
            context.close()
    assert len(visited) >= 10, sorted(visited)
    assert not problems, f"{len(problems)} layout problem(s):\n" + "\n".join(problems)


GUIDE_PAGES = [url for _, _, url, _ in distinct_pages()]


def test_guide_pages_hold_at_every_width(js_page: Page) -> None:
    problems: list[str] = []
    for url in [*GUIDE_PAGES, "/api/docs"]:
        response = js_page.goto(url)
        assert response is not None
        problems += _problems(js_page, url)
    assert not problems, f"{len(problems)} layout problem(s):\n" + "\n".join(problems)
