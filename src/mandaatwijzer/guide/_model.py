"""The flow as immutable data: routing (questions, routes, outcomes) and texts per language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

LANGUAGES: tuple[str, ...] = ("nl", "en")
YES_NO: tuple[str, ...] = ("ja", "nee")

QuestionType = Literal["yes_no", "choice"]
LinkKind = Literal["restart", "howto", "external"]
#: Where an element comes from: the seed document, added by the project (inferred),
#: a translation of the Dutch, or written by the project in its own words.
Source = Literal["seed", "inferred", "translation", "project"]
SOURCES: tuple[str, ...] = ("seed", "inferred", "translation", "project")


@dataclass(frozen=True, slots=True)
class Text:
    value: str
    source: Source
    line: int = 0


@dataclass(frozen=True, slots=True)
class GlossaryRef:
    term: str
    source: Source
    line: int = 0


@dataclass(frozen=True, slots=True)
class Condition:
    """`question`'s answer is (or, negated, is not) one of `values`."""

    question: str
    values: frozenset[str]
    negated: bool = False

    def holds(self, answers: Mapping[str, str]) -> bool:
        answer = answers.get(self.question)
        if answer is None:
            return False
        return (answer in self.values) != self.negated


@dataclass(frozen=True, slots=True)
class Route:
    """Go to `goto` when every condition holds; no conditions means always."""

    conditions: tuple[Condition, ...]
    goto: str | None
    source: Source
    line: int = 0

    @property
    def unconditional(self) -> bool:
        return not self.conditions


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: QuestionType
    options: tuple[str, ...]
    routes: tuple[Route, ...]
    glossary: tuple[GlossaryRef, ...] = ()
    source: Source = "seed"
    line: int = 0
    kind: Literal["question"] = field(default="question", init=False)

    def route(self, answers: Mapping[str, str]) -> tuple[Route | None, frozenset[str]]:
        """The first route whose conditions hold, and the questions its choice consulted."""
        consulted: set[str] = set()
        for route in self.routes:
            for condition in route.conditions:
                consulted.add(condition.question)
                if not condition.holds(answers):
                    break
            else:
                return route, frozenset(consulted)
        return None, frozenset(consulted)


@dataclass(frozen=True, slots=True)
class Link:
    kind: LinkKind
    href: str | None = None
    source: Source = "seed"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    links: tuple[Link, ...]
    glossary: tuple[GlossaryRef, ...] = ()
    source: Source = "seed"
    line: int = 0
    kind: Literal["outcome"] = field(default="outcome", init=False)


Node = Question | Outcome


@dataclass(frozen=True, slots=True)
class NodeTexts:
    text: Text | None = None
    note: Text | None = None
    options: Mapping[str, Text] = field(default_factory=dict)
    links: Mapping[str, Text] = field(default_factory=dict)
    #: A question's line per option value, shown at the statement that answer leads to (it
    #: says why the guide goes there); only where the flow would otherwise be silent.
    after: Mapping[str, Text] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True, slots=True)
class FlowTexts:
    language: str
    source: Source
    file: str
    title: Text | None
    intro: Text | None
    scope_note: Text | None
    start_button: Text | None
    yes_no: Mapping[str, Text]
    nodes: Mapping[str, NodeTexts]


@dataclass(frozen=True, slots=True)
class Start:
    first: str
    glossary: tuple[GlossaryRef, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    file: str
    start: Start
    questions: Mapping[str, Question]
    outcomes: Mapping[str, Outcome]
    texts: Mapping[str, FlowTexts]
    source: Source = "seed"

    def node(self, node_id: str) -> Node | None:
        return self.questions.get(node_id) or self.outcomes.get(node_id)

    @property
    def nodes(self) -> tuple[Node, ...]:
        return (*self.questions.values(), *self.outcomes.values())

    def node_texts(self, node_id: str, lang: str) -> NodeTexts:
        return self.texts[lang].nodes.get(node_id) or NodeTexts()

    def text(self, node_id: str, lang: str) -> str:
        text = self.node_texts(node_id, lang).text
        return text.value if text else ""

    def option_label(self, question: Question, value: str, lang: str) -> str:
        label = self.node_texts(question.id, lang).options.get(value)
        if label is None and question.type == "yes_no":
            label = self.texts[lang].yes_no.get(value)
        return label.value if label else value

    def link_label(self, outcome_id: str, kind: str, lang: str) -> str:
        label = self.node_texts(outcome_id, lang).links.get(kind)
        return label.value if label else kind


@dataclass(frozen=True, slots=True)
class Term:
    id: str
    term: str
    definition: str
    code: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class GlossaryTexts:
    language: str
    file: str
    official: str | None
    terms: Mapping[str, Term]


@dataclass(frozen=True, slots=True)
class Glossary:
    texts: Mapping[str, GlossaryTexts]

    def term(self, term_id: str, lang: str) -> Term | None:
        texts = self.texts.get(lang)
        return texts.terms.get(term_id) if texts else None

    @property
    def term_ids(self) -> frozenset[str]:
        return frozenset(t for texts in self.texts.values() for t in texts.terms)
