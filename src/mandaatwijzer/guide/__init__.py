"""The decision-guide core: flows as data, a pure engine, a checker, paths and exports.

Everything outside this package uses the names in `__all__` only. Each is imported on first
use (PEP 562), not with the package: the command line's `guide ... --json` needs neither the
diagram, the exports nor the how-to pages, and its cold start counts
(docs/adr/0003-guide-json-answered-before-typer.md); a registry command's link into the guide
needs the kept first answers of the flow and no YAML (`_first_answers`).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from ..lazy_names import lazy_names as _lazy_names

if _TYPE_CHECKING:
    from ._catalog import flow, flow_ids, glossary, language
    from ._checker import Problem, check
    from ._diagram import render_svg
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
    from ._export import FORMATS as EXPORT_FORMATS
    from ._export import outline
    from ._first_answers import first_answers
    from ._folders import flows_folder
    from ._howto import packaged as howto_pages
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
    "first_answers",
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

#: Every public name, imported on first use (PEP 562): name -> (module, name in that module).
#: A caller that needs one part of the guide imports that part and no other (a registry
#: command's link into the guide reads the kept first answers, without YAML or the engine).
_WHERE = {
    "AnswerError": ("_errors", "AnswerError"),
    "EXPORT_FORMATS": ("_export", "FORMATS"),
    "Flow": ("_model", "Flow"),
    "FlowFormatError": ("_errors", "FlowFormatError"),
    "FlowInvalidError": ("_errors", "FlowInvalidError"),
    "Glossary": ("_model", "Glossary"),
    "GuideError": ("_errors", "GuideError"),
    "InvalidValueError": ("_errors", "InvalidValueError"),
    "LANGUAGES": ("_model", "LANGUAGES"),
    "MalformedQueryError": ("_errors", "MalformedQueryError"),
    "NotOnPathError": ("_errors", "NotOnPathError"),
    "Outcome": ("_model", "Outcome"),
    "Path": ("_paths", "Path"),
    "Problem": ("_checker", "Problem"),
    "Question": ("_model", "Question"),
    "Replay": ("_engine", "Replay"),
    "State": ("_engine", "State"),
    "Step": ("_engine", "Step"),
    "UnknownFlowError": ("_errors", "UnknownFlowError"),
    "UnknownLanguageError": ("_errors", "UnknownLanguageError"),
    "UnknownQuestionError": ("_errors", "UnknownQuestionError"),
    "answer": ("_engine", "answer"),
    "api_state_href": ("_urls", "api_state_href"),
    "back": ("_engine", "back"),
    "change": ("_engine", "change"),
    "change_href": ("_urls", "change_href"),
    "check": ("_checker", "check"),
    "diagram_href": ("_urls", "diagram_href"),
    "flow": ("_catalog", "flow"),
    "flow_ids": ("_catalog", "flow_ids"),
    "first_answers": ("_first_answers", "first_answers"),
    "flows_folder": ("_folders", "flows_folder"),
    "from_query": ("_engine", "from_query"),
    "glossary": ("_catalog", "glossary"),
    "glossary_href": ("_urls", "glossary_href"),
    "glossary_link": ("_view", "glossary_link"),
    "howto_href": ("_urls", "howto_href"),
    "howto_pages": ("_howto", "packaged"),
    "language": ("_catalog", "language"),
    "load_flow": ("_loader", "load_flow"),
    "load_glossary": ("_loader", "load_glossary"),
    "node_view": ("_view", "node_view"),
    "organisation_href": ("_urls", "organisation_href"),
    "outline": ("_export", "outline"),
    "parse_query": ("_query", "parse_query"),
    "parse_query_lenient": ("_query", "parse_query_lenient"),
    "paths": ("_paths", "paths"),
    "render_svg": ("_diagram", "render_svg"),
    "replay": ("_engine", "replay"),
    "resolve": ("_engine", "resolve"),
    "restart": ("_engine", "restart"),
    "start": ("_engine", "start"),
    "start_href": ("_urls", "start_href"),
    "state_view": ("_view", "state_view"),
    "step_href": ("_urls", "step_href"),
    "to_query": ("_query", "to_query"),
    "walk": ("_paths", "walk"),
}

if not _TYPE_CHECKING:  # for mypy, the imports above declare these names
    __getattr__, __dir__ = _lazy_names(__name__, _WHERE)
