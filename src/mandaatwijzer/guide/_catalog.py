"""The flows and glossary shipped in the package."""

from __future__ import annotations

from functools import cache

from ._errors import FlowInvalidError, UnknownFlowError, UnknownLanguageError
from ._folders import flows_folder, glossary_folder
from ._loader import load_flow, load_glossary
from ._model import LANGUAGES, Flow, Glossary


@cache
def flow_ids() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in flows_folder().iterdir() if (p / "flow.yaml").is_file()))


@cache
def glossary() -> Glossary:
    return load_glossary(glossary_folder())


@cache
def flow(flow_id: str) -> Flow:
    """A packaged flow, loaded and checked: the engine only ever sees flows without errors."""
    if flow_id not in flow_ids():
        raise UnknownFlowError(flow_id, flow_ids())
    from ._checker import check  # the checker is only needed once per flow

    loaded = load_flow(flows_folder() / flow_id)
    errors = [problem for problem in check([loaded], glossary()) if problem.is_error]
    if errors:
        raise FlowInvalidError(
            f"flow {flow_id!r} has {len(errors)} error(s); first: {errors[0].line()}"
        )
    return loaded


def language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise UnknownLanguageError(lang, LANGUAGES)
    return lang
