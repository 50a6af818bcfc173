"""The decision-guide core: flows as data, a pure engine, a checker, paths and exports."""

from ._catalog import flow, flow_ids, glossary, language
from ._checker import Problem, check
from ._engine import (
    Replay,
    State,
    Step,
    answer,
    back,
    change,
    from_query,
    replay,
    resolve,
    restart,
    start,
)
from ._errors import (
    AnswerError,
    FlowFormatError,
    FlowInvalidError,
    GuideError,
    InvalidValueError,
    MalformedQueryError,
    NotOnPathError,
    UnknownFlowError,
    UnknownLanguageError,
    UnknownQuestionError,
)
from ._loader import load_flow, load_glossary
from ._model import LANGUAGES, Flow, Glossary, Outcome, Question
from ._paths import Path, paths, walk
from ._query import parse_query, to_query
from ._view import state_view

__all__ = [
    "LANGUAGES",
    "AnswerError",
    "Flow",
    "FlowFormatError",
    "FlowInvalidError",
    "Glossary",
    "GuideError",
    "InvalidValueError",
    "MalformedQueryError",
    "NotOnPathError",
    "Outcome",
    "Path",
    "Problem",
    "Question",
    "Replay",
    "State",
    "Step",
    "UnknownFlowError",
    "UnknownLanguageError",
    "UnknownQuestionError",
    "answer",
    "back",
    "change",
    "check",
    "flow",
    "flow_ids",
    "from_query",
    "glossary",
    "language",
    "load_flow",
    "load_glossary",
    "parse_query",
    "paths",
    "replay",
    "resolve",
    "restart",
    "start",
    "state_view",
    "to_query",
    "walk",
]
