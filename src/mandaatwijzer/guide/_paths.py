"""Every way through a flow: the walk the checker inspects and the paths the tests replay."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ._engine import Step
from ._model import Flow, Node, Outcome, Question, Route
from ._query import to_query


@dataclass(frozen=True, slots=True)
class Edge:
    """Choosing `option` at `question`, having answered `steps` before it."""

    steps: tuple[Step, ...]
    question: Question
    option: str
    route: Route | None
    target: Node | None
    #: The target is a question already on this path.
    cycle: bool


def walk(flow: Flow, limit: int = 100_000) -> Iterator[Edge]:
    """Depth-first over every option of every question reachable with some answers.

    Stops following an edge that loops back or leads nowhere; yields at most `limit` edges.
    """
    first = flow.node(flow.start.first)
    if not isinstance(first, Question):
        return
    stack: list[tuple[tuple[Step, ...], Question]] = [((), first)]
    count = 0
    while stack:
        steps, question = stack.pop()
        answers = {s.question.id: s.answer for s in steps}
        children = []
        for option in question.options:
            route, _ = question.route({**answers, question.id: option})
            target = flow.node(route.goto) if route and route.goto else None
            taken = (*steps, Step(question, option))
            cycle = isinstance(target, Question) and any(
                s.question.id == target.id for s in taken
            )
            yield Edge(steps, question, option, route, target, cycle)
            count += 1
            if count >= limit:
                return
            if isinstance(target, Question) and not cycle:
                children.append((taken, target))
        stack.extend(reversed(children))


@dataclass(frozen=True, slots=True)
class Path:
    id: str
    steps: tuple[Step, ...]
    outcome: Outcome

    @property
    def answers(self) -> dict[str, str]:
        return {s.question.id: s.answer for s in self.steps}

    @property
    def query(self) -> str:
        return to_query(self.answers)


def path_id(query: str) -> str:
    """A short id that stays the same as long as the path's answers do."""
    import hashlib  # here, not at the top: the checker imports this module at every cold start

    return "p-" + hashlib.sha1(query.encode(), usedforsecurity=False).hexdigest()[:7]


def paths(flow: Flow) -> list[Path]:
    """Every start-to-outcome path, in the order of the flow's options."""
    found = []
    first = flow.node(flow.start.first)
    if isinstance(first, Outcome):
        return [Path(path_id(""), (), first)]
    for edge in walk(flow):
        if isinstance(edge.target, Outcome):
            steps = (*edge.steps, Step(edge.question, edge.option))
            query = to_query({s.question.id: s.answer for s in steps})
            found.append(Path(path_id(query), steps, edge.target))
    return found
