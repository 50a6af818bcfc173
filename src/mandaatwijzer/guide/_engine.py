"""The pure decision engine: a state is the replay of the answers over the flow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._errors import (
    AnswerError,
    InvalidValueError,
    NotOnPathError,
    UnknownQuestionError,
)
from ._model import Flow, Node, Outcome, Question
from ._query import parse_query, to_query


@dataclass(frozen=True, slots=True)
class Step:
    """One answered question on the path."""

    question: Question
    answer: str


@dataclass(frozen=True, slots=True)
class State:
    flow: Flow
    steps: tuple[Step, ...]
    node: Node
    #: Questions whose answers were consulted by the routes taken: they decided where we are.
    decisive: frozenset[str]

    @property
    def answers(self) -> dict[str, str]:
        return {step.question.id: step.answer for step in self.steps}

    @property
    def query(self) -> str:
        return to_query(self.answers)

    @property
    def finished(self) -> bool:
        return isinstance(self.node, Outcome)

    @property
    def trace(self) -> tuple[Step, ...]:
        """The answers that decided the current node, in the order they were given."""
        return tuple(step for step in self.steps if step.question.id in self.decisive)

    def on_path(self, question_id: str) -> bool:
        return question_id == self.node.id or any(s.question.id == question_id for s in self.steps)


@dataclass(frozen=True, slots=True)
class Replay:
    state: State
    #: What had to be left out to reach `state`, first problem first.
    problems: tuple[AnswerError, ...]


def replay(flow: Flow, answers: Mapping[str, str]) -> Replay:
    """Walk the flow from its start with `answers`, as far as they lead.

    Never raises: answers that cannot be used are reported in `problems`.
    """
    problems: list[AnswerError] = [
        UnknownQuestionError(flow.id, key) for key in answers if key not in flow.questions
    ]
    used: dict[str, str] = {}
    steps: list[Step] = []
    decisive: set[str] = set()
    node = flow.node(flow.start.first)
    while isinstance(node, Question):
        value = answers.get(node.id)
        if value is None:
            break
        if value not in node.options:
            problems.append(InvalidValueError(node.id, value, node.options))
            break
        used[node.id] = value
        steps.append(Step(node, value))
        route, consulted = node.route(used)
        decisive |= consulted
        assert route is not None, "packaged flows are checked"
        assert route.goto is not None, "packaged flows are checked"
        node = flow.node(route.goto)
    assert node is not None, "packaged flows are checked"
    invalid = {p.question for p in problems if isinstance(p, InvalidValueError)}
    problems += [
        NotOnPathError(key, node.id)
        for key in answers
        if key in flow.questions and key not in used and key not in invalid
    ]
    return Replay(State(flow, tuple(steps), node, frozenset(decisive)), tuple(problems))


def resolve(flow: Flow, answers: Mapping[str, str]) -> State:
    """Like `replay`, but the first answer that cannot be used raises its error."""
    result = replay(flow, answers)
    if result.problems:
        raise result.problems[0]
    return result.state


def from_query(flow: Flow, query: str) -> State:
    """The state of a canonical (or any) query string; unknown keys are dropped."""
    return resolve(flow, parse_query(query, flow.questions))


def start(flow: Flow) -> State:
    return replay(flow, {}).state


def answer(state: State, question_id: str, value: str) -> State:
    """Answer the current question, or change an earlier one on the path."""
    flow = state.flow
    question = flow.questions.get(question_id)
    if question is None:
        raise UnknownQuestionError(flow.id, question_id)
    if not state.on_path(question_id):
        raise NotOnPathError(question_id, state.node.id)
    if value not in question.options:
        raise InvalidValueError(question_id, value, question.options)
    # Later answers are kept only while they still lie on the new path.
    return replay(flow, {**state.answers, question_id: value}).state


change = answer


def back(state: State) -> State:
    """Undo the last answer; at the start, stay there."""
    if not state.steps:
        return state
    answers = state.answers
    del answers[state.steps[-1].question.id]
    return resolve(state.flow, answers)


def restart(state: State) -> State:
    return start(state.flow)
