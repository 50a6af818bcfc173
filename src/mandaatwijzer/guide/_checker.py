"""Find everything wrong with flows: routing, texts, glossary links and addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from ._model import LANGUAGES, Flow, Glossary, GlossaryRef, Outcome, Question
from ._paths import walk

Severity = Literal["error", "warning"]
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Problem:
    flow: str
    node: str
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def line(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{prefix}{self.flow}: {self.node}: {self.message}"


def check(flows: Iterable[Flow], glossary: Glossary,
          all_flows: Iterable[Flow] = ()) -> list[Problem]:
    """Problems of `flows`; a glossary term is unused when no flow of `flows` or `all_flows`
    links to it."""
    flows = list(flows)
    problems = []
    for flow in flows:
        problems += _Check(flow, glossary).run()
    used = {ref.term for flow in [*flows, *all_flows] for ref in _glossary_refs(flow)}
    for lang, texts in glossary.texts.items():
        problems += [
            Problem("glossary", term_id, f"term defined in {lang!r} but no flow links to it",
                    "warning")
            for term_id in texts.terms if term_id not in used
        ]
        if texts.official is not None and not _is_url(texts.official):
            problems.append(Problem("glossary", "official", f"malformed URL {texts.official!r} "
                                    f"in {lang!r}; expected https://host/path"))
    return problems


def _glossary_refs(flow: Flow) -> Iterator[GlossaryRef]:
    yield from flow.start.glossary
    for node in flow.nodes:
        yield from node.glossary


def _is_url(href: str) -> bool:
    try:
        parts = urlsplit(href)
    except ValueError:  # e.g. an unclosed "[" in the host
        return False
    return (parts.scheme == "https" and "." in parts.netloc and not any(c.isspace() for c in href)
            and parts.netloc == parts.netloc.strip("."))


class _Check:
    def __init__(self, flow: Flow, glossary: Glossary) -> None:
        self.flow, self.glossary = flow, glossary
        self.problems: list[Problem] = []

    def add(self, node: str, message: str, severity: Severity = "error") -> None:
        problem = Problem(self.flow.id, node, message, severity)
        if problem not in self.problems:
            self.problems.append(problem)

    def run(self) -> list[Problem]:
        self.ids()
        self.routes()
        self.reachability()
        self.texts()
        self.glossary_links()
        self.links()
        return self.problems

    def ids(self) -> None:
        for node in self.flow.nodes:
            if not _SLUG.fullmatch(node.id):
                self.add(node.id, "id is not a slug; expected lower-case letters, digits and '-'")
        for question in self.flow.questions.values():
            seen = set()
            for value in question.options:
                if value in seen:
                    self.add(question.id, f"duplicate option value {value!r}")
                seen.add(value)
                if not _SLUG.fullmatch(value):
                    self.add(question.id, f"option value {value!r} is not a slug; "
                             "expected lower-case letters, digits and '-'")
            if question.type == "choice" and len(seen) < 2:
                self.add(question.id, "a choice question needs at least two options")

    def routes(self) -> None:
        flow = self.flow
        if flow.node(flow.start.first) is None:
            self.add("start", f"first node {flow.start.first!r} does not exist")
        for question in flow.questions.values():
            if not question.routes:
                self.add(question.id, "dead end: the question has no routes")
                continue
            if not question.routes[-1].unconditional:
                self.add(question.id, "dead end: the last route has a condition; "
                         "expected an unconditional last route")
            for number, route in enumerate(question.routes, 1):
                if route.goto is None:
                    self.add(question.id, f"dead end: route {number} has no target (goto)")
                elif flow.node(route.goto) is None:
                    self.add(question.id,
                             f"dead end: route {number} goes to unknown node {route.goto!r}")
                if route.unconditional and number < len(question.routes):
                    self.add(question.id, f"route {number} has no condition, so the routes "
                             "after it are never taken")
                for condition in route.conditions:
                    asked = flow.questions.get(condition.question)
                    if asked is None:
                        self.add(question.id, f"route {number} tests unknown question "
                                 f"{condition.question!r}")
                        continue
                    for value in sorted(condition.values - set(asked.options)):
                        self.add(question.id, f"route {number} tests {condition.question!r} "
                                 f"for {value!r}, which is not one of its options")

    def reachability(self) -> None:
        flow = self.flow
        reached = {flow.start.first}
        for edge in walk(flow):
            answered = {s.question.id for s in edge.steps} | {edge.question.id}
            for number, route in enumerate(edge.question.routes, 1):
                for condition in route.conditions:
                    if condition.question in flow.questions and \
                            condition.question not in answered:
                        self.add(edge.question.id, f"route {number} tests "
                                 f"{condition.question!r}, which is not always answered before")
            if edge.route is None and edge.question.routes:  # no routes at all: said in routes()
                self.add(edge.question.id,
                         f"dead end: option {edge.option!r} matches no route")
            if edge.cycle and edge.target is not None:
                loop = [*(s.question.id for s in edge.steps), edge.question.id]
                loop = [*loop[loop.index(edge.target.id):], edge.target.id]
                self.add(edge.question.id, "cycle: " + " → ".join(loop))
            if edge.target is not None:
                reached.add(edge.target.id)
        targets = {route.goto for q in flow.questions.values() for route in q.routes}
        for node in flow.nodes:
            if node.id in reached:
                continue
            if isinstance(node, Outcome) and node.id not in targets:
                self.add(node.id, "outcome nothing leads to")
            else:
                self.add(node.id, "unreachable from the start")

    def texts(self) -> None:
        flow = self.flow
        for lang in LANGUAGES:
            texts = flow.texts.get(lang)
            if texts is None:
                self.add("(texts)", f"no texts in {lang!r}; expected a file {lang}.yaml")
                continue
            for name in ("title", "intro"):
                if getattr(texts, name) is None:
                    self.add("start", f"text {name!r} missing in {lang!r}")
            for node_id in texts.nodes:
                if flow.node(node_id) is None:
                    self.add(node_id, f"texts in {lang!r} for a node the flow does not have")
            for question in flow.questions.values():
                self._node_texts(question, lang)
            for outcome in flow.outcomes.values():
                self._node_texts(outcome, lang)

    def _node_texts(self, node: Question | Outcome, lang: str) -> None:
        flow = self.flow
        node_texts = flow.node_texts(node.id, lang)
        if node_texts.text is None:
            self.add(node.id, f"text missing in {lang!r}")
        if isinstance(node, Question):
            yes_no = flow.texts[lang].yes_no if node.type == "yes_no" else {}
            for value in node.options:
                if value not in node_texts.options and value not in yes_no:
                    self.add(node.id, f"label of option {value!r} missing in {lang!r}")
            for value in node_texts.options:
                if value not in node.options:
                    self.add(node.id, f"label in {lang!r} for option {value!r}, "
                             "which the question does not have")
            for value in node_texts.after:
                if value not in node.options:
                    self.add(node.id, f"`after` text in {lang!r} for option {value!r}, "
                             "which the question does not have")
            for other in LANGUAGES:
                if other == lang or other not in flow.texts:
                    continue
                elsewhere = flow.node_texts(node.id, other).after.keys() & set(node.options)
                for value in sorted(elsewhere - node_texts.after.keys()):
                    self.add(node.id, f"`after` text for option {value!r} missing in {lang!r}")
        else:
            if node_texts.after:
                self.add(node.id, f"`after` texts in {lang!r} on an outcome; expected them "
                         "only on a question, per option")
            kinds = {link.kind for link in node.links}
            for kind in sorted(kinds - node_texts.links.keys()):
                self.add(node.id, f"label of the {kind} link missing in {lang!r}")
            for extra in sorted(node_texts.links.keys() - kinds):
                self.add(node.id, f"label in {lang!r} for the {extra} link, "
                         "which the outcome does not have")

    def glossary_links(self) -> None:
        places = [("start", self.flow.start.glossary)]
        places += [(node.id, node.glossary) for node in self.flow.nodes]
        for node_id, refs in places:
            for ref in refs:
                for lang in LANGUAGES:
                    if self.glossary.term(ref.term, lang) is None:
                        self.add(node_id, f"glossary term {ref.term!r} is not defined in {lang!r}")

    def links(self) -> None:
        for outcome in self.flow.outcomes.values():
            for link in outcome.links:
                if link.kind == "external" and not _is_url(str(link.href)):
                    self.add(outcome.id,
                             f"malformed URL {link.href!r}; expected https://host/path")
                if link.kind == "howto" and not _SLUG.fullmatch(str(link.href)):
                    self.add(outcome.id, f"how-to page {link.href!r} is not a slug; "
                             "expected lower-case letters, digits and '-'")
