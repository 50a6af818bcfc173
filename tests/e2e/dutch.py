"""A Dutch page says everything in Dutch: `assert_dutch(html)` (issue 13).

It reads the text a person sees (not the markup, not a `<script>` or `<style>`, not what a
`<details>` fold keeps for the help desk, not a part marked with another `lang`) and fails on:

- a rule's code (`registry/rules.py` and `registry/policy.py` name them: `local_admin_only` …);
- an internal id (`P-a8e21543bd46`, `O-…`, `M-…`, `WR-…`, `R-…`, `LA-…`, `D-…`): ids belong in
  addresses and in the technical fold, people go by names;
- an English sentence of the catalog's source: any msgid of more than three words whose Dutch
  translation differs from it, found verbatim (its `{fields}` and `%(fields)s` match any text).
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import httpx
from babel.messages.pofile import read_po
from starlette.testclient import TestClient

import mandaatwijzer
from mandaatwijzer.registry import policy, rules

CATALOG = Path(mandaatwijzer.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / \
    "mandaatwijzer.po"
#: The registry's ids: a prefix and 12 hex digits (`model.new_id`).
INTERNAL_ID = re.compile(r"(?<![\w/-])(?:P|O|M|WR|R|LA|D)-[0-9a-f]{12}(?![\w-])")
_FIELD = re.compile(r"\{\w+\}|%\(\w+\)[sd]")
_SKIPPED = frozenset({"script", "style", "template", "details", "title"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


class _Visible(HTMLParser):
    """The text a person reads, outside skipped elements and other languages' parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: whether its text is skipped

    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        lang = dict(attrs).get("lang")
        skip = self._skipping() or tag in _SKIPPED or (lang is not None and lang != "nl")
        self._stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


@cache
def rule_codes() -> frozenset[str]:
    """Every rule's code: the module-level names in capitals whose value is a snake_case
    word with an underscore (`eid_required`, not a word a sentence could hold)."""
    codes = {"csrf_token"}  # the web's own refusal of an expired form
    for module in (rules, policy):
        for name, value in vars(module).items():
            if name.isupper() and type(value) is str and \
                    re.fullmatch(r"[a-z]+(?:_[a-z]+)+", value):
                codes.add(value)
    return frozenset(codes)


@cache
def english_sentences() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(msgid, pattern) for every msgid of more than three words that Dutch says otherwise."""
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    found = []
    for message in catalog:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple) else message.string
        if not msgid or not string or string == msgid:
            continue
        literal = _FIELD.sub(" ", msgid)
        if len(literal.split()) <= 3:
            continue
        pattern = _pattern(msgid)
        if pattern is not None:
            found.append((msgid, pattern))
    return tuple(found)


def _pattern(msgid: str) -> re.Pattern[str] | None:
    """`msgid` as a pattern: its literal pieces in order, each field matching any text
    between them; None when no literal piece is left.

    A field before the first piece or after the last is dropped rather than matched: the
    literal pieces alone are the same finding, and a leading `.+?` would try every start of
    the page against the rest of it (quadratic: seconds on a long users page)."""
    pieces = [" ".join(piece.split()) for piece in _FIELD.split(msgid)]
    while pieces and not pieces[0]:
        pieces.pop(0)
    while pieces and not pieces[-1]:
        pieces.pop()
    if not pieces:
        return None
    return re.compile(r"\s*.+?\s*".join(re.escape(piece) for piece in pieces))


def problems(html: str) -> list[str]:
    """What in `html` is not for a Dutch reader (empty when nothing is)."""
    text = visible_text(html)
    found = [f"rule code {code!r}" for code in sorted(rule_codes())
             if re.search(rf"(?<![\w/]){re.escape(code)}(?!\w)", text)]
    found += [f"internal id {match!r}" for match in sorted(set(INTERNAL_ID.findall(text)))]
    found += [f"English sentence {msgid!r}" for msgid, pattern in english_sentences()
              if pattern.search(text)]
    return found


def assert_dutch(html: str, *, ids: bool = True) -> None:
    """Fail when a Dutch page shows a rule code, an internal id (unless `ids` is False) or an
    English sentence of the catalog."""
    found = problems(html)
    if not ids:
        found = [problem for problem in found if not problem.startswith("internal id")]
    assert not found, "not Dutch: " + "; ".join(found) + "\n" + visible_text(html)[:2000]


def checking(client: TestClient) -> TestClient:
    """`client`, checking every Dutch page it fetches (`/nl/…`, HTML) with `assert_dutch`."""

    def check(response: httpx.Response) -> None:
        path = response.request.url.path
        if path.startswith("/nl/") and \
                response.headers.get("content-type", "").startswith("text/html"):
            response.read()
            assert_dutch(response.text)

    client.event_hooks = {"request": [], "response": [check]}
    return client
