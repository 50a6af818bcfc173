"""The flow as a diagram (Mermaid, Graphviz dot) or as an indented outline for screen readers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import product
from math import prod

from ._model import Condition, Flow, Question, Route

_OTHERWISE = {"nl": "anders", "en": "otherwise"}
_ANY = {"nl": "elk antwoord", "en": "any answer"}
_REST = {"nl": "in alle andere gevallen", "en": "in all other cases"}
_EARLIER = {"nl": "eerder gekozen: {labels}", "en": "chosen before: {labels}"}
_OR = {"nl": " of ", "en": " or "}


def _condition_label(flow: Flow, condition: Condition, asked: str, lang: str) -> str:
    question = flow.questions.get(condition.question)
    labels = " | ".join(sorted(
        flow.option_label(question, v, lang) if question else v for v in condition.values
    ))
    if condition.question == asked and not condition.negated:
        return labels
    op = "≠" if condition.negated else "="
    return f"{condition.question} {op} {labels}"


def route_label(flow: Flow, asked: str, route: Route, lang: str) -> str:
    """`Nee` for a route on the question's own answer, `rol = X` for an earlier one."""
    if route.unconditional:
        only = flow.questions[asked].routes == (route,) if asked in flow.questions else False
        return (_ANY if only else _OTHERWISE).get(lang, "otherwise")
    return " & ".join(_condition_label(flow, c, asked, lang) for c in route.conditions)


def _spoken(label: str) -> str:
    """A button's upper-case label as words in a sentence: `LOKALE BEHEERDER` → `Lokale
    beheerder`; any other label (one with other characters than letters) unchanged."""
    words = label.isupper() and all(ch.isalpha() or ch in " -'’" for ch in label)
    return label[:1] + label[1:].lower() if words else label


def plain_route_label(flow: Flow, asked: str, route: Route, lang: str) -> str:
    """The route in the words of its answers, for people: the diagram and the outline.

    Works out for which answers the route is the one taken (the earlier routes tried first),
    and names them by their labels: `Nee`; `Ja (eerder gekozen: Lokale beheerder)` when an
    earlier answer decides too; `Elk antwoord` when every answer leads there. A set of answers
    that is not one choice per question is `In alle andere gevallen`. The exports for
    developers (Mermaid, dot) keep `route_label`, which shows the condition as written.
    """
    question = flow.questions.get(asked)
    if question is None or route not in question.routes:
        return route_label(flow, asked, route, lang)
    index = question.routes.index(route)
    names = [asked, *sorted({c.question for r in question.routes[:index + 1]
                             for c in r.conditions} - {asked})]
    asked_ones = [flow.questions.get(name) for name in names]
    if any(q is None for q in asked_ones):
        return route_label(flow, asked, route, lang)
    domains = [q.options for q in asked_ones if q is not None]
    taken = []
    for values in product(*domains):
        answers = dict(zip(names, values, strict=True))
        chosen, _ = question.route(answers)
        if chosen is not None and question.routes.index(chosen) == index:
            taken.append(values)
    chosen_sets = [{values[i] for values in taken} for i in range(len(names))]
    if not taken or len(taken) != prod(len(values) for values in chosen_sets):
        return _cap(_REST.get(lang, _REST["en"]))
    join = _OR.get(lang, _OR["en"])

    def labels(number: int) -> str:
        q = asked_ones[number]
        assert q is not None
        return join.join(_spoken(flow.option_label(q, value, lang))
                         for value in q.options if value in chosen_sets[number])

    own = labels(0) if chosen_sets[0] != set(domains[0]) else ""
    earlier = ", ".join(
        _EARLIER.get(lang, _EARLIER["en"]).format(labels=labels(i))
        for i in range(1, len(names)) if chosen_sets[i] != set(domains[i]))
    if own and earlier:
        return _cap(f"{own} ({earlier})")
    return _cap(own or earlier or _ANY.get(lang, _ANY["en"]))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _edges(flow: Flow, lang: str) -> list[tuple[str, str, str]]:
    edges = []
    for question in flow.questions.values():
        for route in question.routes:
            if route.goto and flow.node(route.goto):
                edges.append((question.id, route.goto, route_label(flow, question.id, route, lang)))
    return edges


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(flow: Flow, lang: str) -> str:
    title = flow.texts[lang].title
    lines = ["flowchart TD", f'    start(["{_mermaid_text(title.value if title else flow.id)}"])']
    for node in flow.nodes:
        text = _mermaid_text(flow.text(node.id, lang))
        shape = f'{{"{text}"}}' if isinstance(node, Question) else f'["{text}"]'
        lines.append(f"    {_mid(node.id)}{shape}")
    lines.append(f"    start --> {_mid(flow.start.first)}")
    for source, target, label in _edges(flow, lang):
        lines.append(f'    {_mid(source)} -->|"{_mermaid_text(label)}"| {_mid(target)}')
    return "\n".join(lines) + "\n"


def _mid(node_id: str) -> str:
    return node_id.replace("-", "_")


def to_dot(flow: Flow, lang: str) -> str:
    def quote(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = [f"digraph {quote(flow.id)} {{", "    node [fontname=\"sans-serif\"];",
             "    start [shape=oval, label=" + quote(flow.id) + "];"]
    for node in flow.nodes:
        shape = "diamond" if isinstance(node, Question) else "box"
        label = quote(flow.text(node.id, lang))
        lines.append(f"    {quote(node.id)} [shape={shape}, label={label}];")
    lines.append(f"    start -> {quote(flow.start.first)};")
    for source, target, label in _edges(flow, lang):
        lines.append(f"    {quote(source)} -> {quote(target)} [label={quote(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class OutlineNode:
    """A node of the outline: its kind, id and text, and per route a label and what follows.

    A node already written out appears again only as a reference (`seen`), so the outline of a
    flow whose routes rejoin stays finite and readable.
    """

    kind: str
    id: str
    text: str
    seen: bool = False
    branches: tuple[tuple[str, OutlineNode | None], ...] = ()


def outline(flow: Flow, lang: str) -> OutlineNode | None:
    return _outline(flow, flow.start.first, lang, set())


def _outline(flow: Flow, node_id: str, lang: str, written: set[str]) -> OutlineNode | None:
    node = flow.node(node_id)
    if node is None:
        return None
    if node_id in written:
        return OutlineNode(node.kind, node_id, flow.text(node_id, lang), seen=True)
    written.add(node_id)
    branches = []
    if isinstance(node, Question):
        for route in node.routes:
            label = plain_route_label(flow, node.id, route, lang)
            target = _outline(flow, route.goto, lang, written) if route.goto else None
            branches.append((label, target))
    return OutlineNode(node.kind, node_id, flow.text(node_id, lang), branches=tuple(branches))


_MARKERS = {"nl": {"question": "Vraag", "outcome": "Uitkomst", "seen": "zie hoger"},
            "en": {"question": "Question", "outcome": "Outcome", "seen": "see above"}}


def to_outline(flow: Flow, lang: str) -> str:
    """Each question, and under it each answer with where it leads, nested as the flow goes."""
    title = flow.texts[lang].title
    lines = [title.value if title else flow.id]
    root = outline(flow, lang)
    if root is not None:
        _outline_lines(root, lang, 1, lines)
    return "\n".join(lines) + "\n"


def _outline_lines(node: OutlineNode, lang: str, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    markers = _MARKERS.get(lang, _MARKERS["en"])
    if node.seen:
        lines.append(f"{pad}→ ({node.id}, {markers['seen']})")
        return
    lines.append(f"{pad}{markers[node.kind]} [{node.id}]: {node.text}")
    for label, target in node.branches:
        lines.append(f"{pad}  {label}:")
        if target is not None:
            _outline_lines(target, lang, depth + 2, lines)


FORMATS = {"mermaid": to_mermaid, "dot": to_dot, "text": to_outline}
