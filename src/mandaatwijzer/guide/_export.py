"""The flow as a diagram (Mermaid, Graphviz dot) or as an indented outline for screen readers."""

from __future__ import annotations

import json

from ._model import Condition, Flow, Outcome, Question, Route

_OTHERWISE = {"nl": "anders", "en": "otherwise"}
_ANY = {"nl": "elk antwoord", "en": "any answer"}


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


def to_outline(flow: Flow, lang: str) -> str:
    """Each question, and under it each answer with where it leads, nested as the flow goes.

    A node already written out is referred to by its id instead of being repeated.
    """
    title = flow.texts[lang].title
    lines = [title.value if title else flow.id]
    written: set[str] = set()
    _outline_node(flow, flow.start.first, lang, 1, written, lines)
    return "\n".join(lines) + "\n"


def _outline_node(flow: Flow, node_id: str, lang: str, depth: int, written: set[str],
                  lines: list[str]) -> None:
    pad = "  " * depth
    node = flow.node(node_id)
    if node is None:
        return
    marker = "Vraag" if lang == "nl" else "Question"
    if isinstance(node, Outcome):
        marker = "Uitkomst" if lang == "nl" else "Outcome"
    if node_id in written:
        lines.append(f"{pad}→ ({node_id}, {'zie hoger' if lang == 'nl' else 'see above'})")
        return
    written.add(node_id)
    lines.append(f"{pad}{marker} [{node_id}]: {flow.text(node_id, lang)}")
    if isinstance(node, Question):
        for route in node.routes:
            label = route_label(flow, node.id, route, lang)
            if route.unconditional:
                label = label[:1].upper() + label[1:]
            lines.append(f"{pad}  {label}:")
            if route.goto:
                _outline_node(flow, route.goto, lang, depth + 2, written, lines)


FORMATS = {"mermaid": to_mermaid, "dot": to_dot, "text": to_outline}
