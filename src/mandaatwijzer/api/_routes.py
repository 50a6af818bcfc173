"""GET /api/flows and GET /api/flows/{flow}/state."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from .. import guide
from . import _schemas
from ._problems import error_response

router = APIRouter(prefix="/api", tags=["guide"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": _schemas.Errors, "description": "Invalid answers or language"},
    404: {"model": _schemas.Errors, "description": "Unknown flow"},
}


def errors(status: int, *problems: tuple[str, str, str | None]) -> JSONResponse:
    return error_response(status, *({"code": c, "message": m, "field": f}
                                    for c, m, f in problems))


@router.get("/flows", response_model=list[_schemas.FlowSummary])
def list_flows() -> list[dict[str, Any]]:
    """Every flow the guide knows, with its title and intro per language."""
    flows = []
    for flow_id in guide.flow_ids():
        flow = guide.flow(flow_id)
        flows.append({
            "id": flow.id,
            "title": {lang: t.title.value for lang, t in flow.texts.items() if t.title},
            "intro": {lang: t.intro.value for lang, t in flow.texts.items() if t.intro},
            "state_href": guide.api_state_href(flow.id),
            "guide_href": {lang: guide.start_href(flow.id, lang) for lang in guide.LANGUAGES},
        })
    return flows


@router.get("/flows/{flow_id}/state", response_model=_schemas.State, responses=ERRORS,
            response_model_exclude_unset=True)
def flow_state(
    flow_id: str,
    answers: str = Query(
        "", description="Answers as a query string, e.g. eid=ja&rol=mandaatbeheerder"
    ),
    lang: str = Query("nl", description="Language of the texts: nl or en"),
) -> Any:
    """The state the answers lead to: the next question or the outcome, and the trace."""
    try:
        flow = guide.flow(flow_id)
    except guide.UnknownFlowError as error:
        return errors(404, (error.code, error.message, None))
    problems: list[tuple[str, str, str | None]] = []
    try:
        guide.language(lang)
    except guide.UnknownLanguageError as error:
        problems.append((error.code, error.message, "lang"))
    try:
        result = guide.replay(flow, guide.parse_query(answers, flow.questions))
        problems += [(p.code, p.message, "answers") for p in result.problems]
    except guide.MalformedQueryError as error:
        problems.append((error.code, error.message, "answers"))
    if problems:
        return errors(400, *problems)
    return guide.state_view(result.state, guide.glossary(), lang)
