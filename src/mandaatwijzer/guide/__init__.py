"""The decision-guide core: flows as data, a pure engine, a checker, paths and exports.

Everything outside this package uses the names in `__all__` only. The diagram, the exports
and the how-to pages are imported on first use (PEP 562), not with the package: the
command line's `guide ... --json` needs none of them and its cold start counts
(docs/adr/0003-guide-json-answered-before-typer.md).
"""

import typing as _typing

from ._catalog import flow, flow_ids, flows_folder, glossary, language
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
from ._query import parse_query, parse_query_lenient, to_query
from ._urls import (
    api_state_href,
    change_href,
    diagram_href,
    glossary_href,
    howto_href,
    organisation_href,
    start_href,
    step_href,
)
from ._view import glossary_link, node_view, state_view

if _typing.TYPE_CHECKING:
    from ._diagram import render_svg
    from ._export import FORMATS as EXPORT_FORMATS
    from ._export import outline
    from ._howto import packaged as howto_pages

__all__ = [
    "EXPORT_FORMATS",
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
    "api_state_href",
    "back",
    "change",
    "change_href",
    "check",
    "diagram_href",
    "flow",
    "flow_ids",
    "flows_folder",
    "from_query",
    "glossary",
    "glossary_href",
    "glossary_link",
    "howto_href",
    "howto_pages",
    "language",
    "load_flow",
    "load_glossary",
    "node_view",
    "organisation_href",
    "outline",
    "parse_query",
    "parse_query_lenient",
    "paths",
    "render_svg",
    "replay",
    "resolve",
    "restart",
    "start",
    "start_href",
    "state_view",
    "step_href",
    "to_query",
    "walk",
]

#: Public names imported on first use: name -> (module, name in that module).
_LAZY = {
    "EXPORT_FORMATS": ("._export", "FORMATS"),
    "outline": ("._export", "outline"),
    "render_svg": ("._diagram", "render_svg"),
    "howto_pages": ("._howto", "packaged"),
}

if not _typing.TYPE_CHECKING:  # for mypy, the imports above declare these names

    def __getattr__(name: str) -> object:
        try:
            module, attribute = _LAZY[name]
        except KeyError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        from importlib import import_module

        value = getattr(import_module(module, __name__), attribute)
        globals()[name] = value  # once imported, an ordinary attribute
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
