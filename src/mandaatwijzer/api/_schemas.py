"""Response schemas of the JSON API (the same shape as `mandaatwijzer guide --json`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Option(BaseModel):
    value: str
    label: str


class Link(BaseModel):
    kind: Literal["restart", "howto", "external", "glossary"]
    label: str
    href: str
    source: str = Field(description="seed, inferred, translation or project")
    term: str | None = None


class Arrival(BaseModel):
    """The line that says where the last answer led, when the flow has one for it."""

    question: str = Field(description="The question last answered")
    answer: str
    text: str
    source: str = Field(description="seed, inferred, translation or project")


class Node(BaseModel):
    id: str
    kind: Literal["question", "outcome"]
    text: str
    source: str
    note: str | None = None
    arrival: Arrival | None = Field(
        None, description="Where the last answer led; absent when the flow says nothing there")
    options: list[Option]
    links: list[Link]


class Answer(BaseModel):
    question: str
    text: str
    answer: str
    label: str


class State(BaseModel):
    flow: str
    lang: str
    answers: str = Field(description="The canonical, sorted query string of the answers used")
    node: Node = Field(description="The next unanswered question, or the outcome reached")
    trace: list[Answer] = Field(description="The answers that decided the node, in order")
    steps: list[Answer] = Field(description="Every answer on the path, in order")


class FlowSummary(BaseModel):
    id: str
    title: dict[str, str]
    intro: dict[str, str]
    state_href: str
    guide_href: dict[str, str]


class Problem(BaseModel):
    code: str
    message: str
    field: str | None = None


class Errors(BaseModel):
    errors: list[Problem]
