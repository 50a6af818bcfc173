"""What one step of the guide shows, independent of how it is drawn or answered.

Every flow text (statements, option labels, link labels) comes from the flow data via
`state_view`; only the interface strings come from the gettext catalogs.

A terminal cannot follow a site path, so every link of the guide is written as a full address
under the web guide's base URL (MANDAATWIJZER_BASE_URL, `config.base_url_from_env`), and the
project's own how-to behind "LEES HIER HOE JE DAT DOET" is printed in full beside its address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..guide import Glossary, Outcome, State, glossary_link, howto_pages, state_view
from ._i18n import Gettext

ActionKind = Literal["answer", "back", "restart", "glossary", "quit"]


@dataclass(frozen=True, slots=True)
class Action:
    """What the person chose: an option's value, a term id, or a command."""

    kind: ActionKind
    value: str = ""


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Link:
    kind: str
    label: str
    href: str
    #: The glossary term id of a glossary link.
    term: str = ""


@dataclass(frozen=True, slots=True)
class HowTo:
    """The project's own how-to behind a how-to link, as text: the terminal prints it."""

    title: str
    intro: str
    before: tuple[str, ...]
    steps: tuple[str, ...]
    after: str


@dataclass(frozen=True, slots=True)
class TraceItem:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Command:
    """A control besides the options, typed as `key` (or its word) in plain mode."""

    key: str
    kind: ActionKind
    word: str
    english: str


@dataclass(frozen=True, slots=True)
class Screen:
    title: str
    #: Shown again after a glossary lookup: keep it short so the definition stays in view.
    again: bool
    #: The start page's intro and scope note, shown at the first statement only.
    intro: tuple[str, ...]
    #: 1 for the first statement; the number of answers given plus one.
    number: int
    #: The flow's line about where the last answer led (an `after` text), shown before the
    #: statement; empty when the flow has none.
    arrival: str
    finished: bool
    text: str
    note: str
    options: tuple[Option, ...]
    #: Restart, how-to and external links of an outcome.
    links: tuple[Link, ...]
    #: Glossary terms linked from the statement or outcome (href points into the glossary).
    terms: tuple[Link, ...]
    #: The how-to pages an outcome's how-to links lead to, in full.
    howtos: tuple[HowTo, ...]
    #: The answers that led to an outcome.
    trace: tuple[TraceItem, ...]
    can_go_back: bool


@dataclass(frozen=True, slots=True)
class Definition:
    term: str
    definition: str
    official: str


def _address(href: str, base_url: str) -> str:
    """A site path (`/nl/...`) under `base_url`; an address that is already whole unchanged."""
    return base_url.rstrip("/") + href if href.startswith("/") else href


def _links(items: list[dict[str, Any]], base_url: str) -> tuple[Link, ...]:
    return tuple(
        Link(str(i["kind"]), str(i["label"]), _address(str(i["href"]), base_url),
             str(i.get("term", "")))
        for i in items
    )


def _howtos(state: State, lang: str) -> tuple[HowTo, ...]:
    if not isinstance(state.node, Outcome):
        return ()
    pages = howto_pages().get(lang, {})
    found = []
    for link in state.node.links:
        page = pages.get(str(link.href)) if link.kind == "howto" else None
        if page is not None:
            found.append(HowTo(page.title, page.intro, page.before, page.steps, page.after))
    return tuple(found)


def build(state: State, glossary: Glossary, lang: str, *, base_url: str,
          again: bool = False) -> Screen:
    """What `state` shows; links are full addresses under `base_url` (the web guide's)."""
    view = state_view(state, glossary, lang)
    node = view["node"]
    flow_texts = state.flow.texts[lang]
    links = node["links"]
    at_start = not state.steps
    if at_start:
        # The start page's glossary links stand beside its intro, which leads into this statement.
        seen = {link["term"] for link in links if link["kind"] == "glossary"}
        links = links + [
            glossary_link(glossary, ref, lang)
            for ref in state.flow.start.glossary
            if ref.term not in seen
        ]
    shown_intro = (flow_texts.intro, flow_texts.scope_note) if at_start and not again else ()
    return Screen(
        title=flow_texts.title.value if flow_texts.title else state.flow.id,
        again=again,
        intro=tuple(text.value for text in shown_intro if text),
        number=len(state.steps) + 1,
        arrival=str(node["arrival"]["text"]) if "arrival" in node and not again else "",
        finished=state.finished,
        text=str(node["text"]),
        note=str(node.get("note", "")),
        options=tuple(Option(str(o["value"]), str(o["label"])) for o in node["options"]),
        links=_links([link for link in links if link["kind"] != "glossary"], base_url),
        terms=_links([link for link in links if link["kind"] == "glossary"], base_url),
        howtos=() if again else _howtos(state, lang),
        trace=tuple(TraceItem(str(s["text"]), str(s["label"])) for s in view["trace"]),
        can_go_back=bool(state.steps),
    )


def commands(screen: Screen, _: Gettext) -> tuple[Command, ...]:
    """The controls that make sense on `screen`, in the order they are offered."""
    found: list[Command] = []
    if screen.finished:
        found.append(Command("r", "restart", _("restart"), "restart"))
    if screen.can_go_back:
        found.append(Command("b", "back", _("back"), "back"))
    if screen.can_go_back and not screen.finished:
        found.append(Command("r", "restart", _("restart"), "restart"))
    if screen.terms:
        found.append(Command("g", "glossary", _("glossary"), "glossary"))
    found.append(Command("q", "quit", _("quit"), "quit"))
    return tuple(found)


def definition(glossary: Glossary, term_id: str, lang: str, fallback: str) -> Definition:
    term = glossary.term(term_id, lang)
    texts = glossary.texts.get(lang)
    official = (texts.official if texts else None) or ""
    if term is None:
        return Definition(fallback, "", official)
    return Definition(term.term, term.definition, official)
