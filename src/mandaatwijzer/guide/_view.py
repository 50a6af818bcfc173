"""A state as plain data in one language: the JSON shape shared by the CLI and the web API."""

from __future__ import annotations

from typing import Any

from . import _urls
from ._engine import State, Step
from ._model import Flow, Glossary, GlossaryRef, Link, Node, Outcome, Question


def glossary_link(glossary: Glossary, ref: GlossaryRef, lang: str) -> dict[str, Any]:
    term = glossary.term(ref.term, lang)
    return {
        "kind": "glossary",
        "label": term.term if term else ref.term,
        "href": _urls.glossary_href(lang, ref.term),
        "term": ref.term,
        "source": ref.source,
    }


def outcome_link(flow: Flow, outcome: Outcome, link: Link, lang: str,
                 query: str = "") -> dict[str, Any]:
    if link.kind == "restart":
        href = _urls.start_href(flow.id, lang)
    elif link.kind == "howto":
        href = _urls.howto_href(flow.id, lang, str(link.href), query)
    else:
        href = str(link.href)
    return {
        "kind": link.kind,
        "label": flow.link_label(outcome.id, link.kind, lang),
        "href": href,
        "source": link.source,
    }


def node_view(flow: Flow, glossary: Glossary, node: Node, lang: str, *,
              query: str = "") -> dict[str, Any]:
    """The node's texts, options and links; how-to links carry the answers in `query`."""
    texts = flow.node_texts(node.id, lang)
    view: dict[str, Any] = {
        "id": node.id,
        "kind": node.kind,
        "text": flow.text(node.id, lang),
        "source": texts.text.source if texts.text else node.source,
        "options": [],
        "links": [],
    }
    if isinstance(node, Question):
        view["options"] = [
            {"value": value, "label": flow.option_label(node, value, lang)}
            for value in node.options
        ]
    else:
        if texts.note:
            view["note"] = texts.note.value
        view["links"] = [outcome_link(flow, node, link, lang, query) for link in node.links]
    view["links"] += [glossary_link(glossary, ref, lang) for ref in node.glossary]
    return view


def step_view(flow: Flow, step: Step, lang: str) -> dict[str, str]:
    question = step.question
    return {
        "question": question.id,
        "text": flow.text(question.id, lang),
        "answer": step.answer,
        "label": flow.option_label(question, step.answer, lang),
    }


def arrival_view(state: State, lang: str) -> dict[str, str] | None:
    """The flow's `after` line for the last answer, which says where it led; None if none."""
    if not state.steps:
        return None
    last = state.steps[-1]
    text = state.flow.node_texts(last.question.id, lang).after.get(last.answer)
    if text is None:
        return None
    return {"question": last.question.id, "answer": last.answer, "text": text.value,
            "source": text.source}


def state_view(state: State, glossary: Glossary, lang: str, *,
               links_keep_answers: bool = False) -> dict[str, Any]:
    """The state as plain data (the JSON shape of the CLI and the API).

    With `links_keep_answers`, how-to links carry the answers, so that a how-to page can lead
    back to the outcome (the web pages); the JSON shape leaves them out. The node has an
    `arrival` (`arrival_view`) when the flow explains where the last answer led.
    """
    flow = state.flow
    query = state.query  # a property that encodes the answers at each use: read it once
    node = node_view(flow, glossary, state.node, lang, query=query if links_keep_answers else "")
    arrival = arrival_view(state, lang)
    if arrival is not None:
        node["arrival"] = arrival
    return {
        "flow": flow.id,
        "lang": lang,
        "answers": query,
        "node": node,
        "trace": [step_view(flow, step, lang) for step in state.trace],
        "steps": [step_view(flow, step, lang) for step in state.steps],
    }
