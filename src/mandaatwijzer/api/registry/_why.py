""""Why can't I?" and the to-do list, for the signed-in person (`views.why`, `views.todo`).

The codes (`route`, `code`, `fix.kind`, ids) are the same in every language; the texts are
said in the request's Accept-Language (English without one), which `Content-Language` names.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from ...plain_views import fix as fix_view
from ...plain_views import todo as todo_view
from ...plain_views import why as why_view
from ...registry import views
from .._language import negotiate, speaking
from . import _schemas
from ._deps import Authenticated, Ctx, QueryId, SignedIn, today
from ._errors import ERRORS

router = APIRouter(route_class=Authenticated)


class Fix(BaseModel):
    kind: Literal["grant", "add_user", "sign", "ask_mandate"] = Field(
        description="grant: the right on the work relation (none: choose the user); "
                    "add_user: add a user to the organisation; sign: the mandate for the "
                    "side it awaits; ask_mandate: ask the applicant for a mandate")
    party: _schemas.Party = Field(description="The organisation or person whose page it is")
    party_name: str
    work_relation_id: str | None
    right: str | None
    mandate_id: str | None


class WhyGap(_schemas.Gap):
    fix: Fix | None = Field(description="What the signed-in person can do about it "
                                        "themself; none: `fixer` names who can")


class Why(BaseModel):
    person_id: str
    applicant_id: str
    applicant_name: str
    at: date
    allowed: bool
    routes: list[_schemas.Route]
    gaps: list[WhyGap] = Field(description="The one that matters most first")


def _said(request: Request, response: Response) -> str:
    lang = negotiate(request.headers.get("accept-language"))
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language"
    return lang


@router.get("/why", response_model=Why, responses=ERRORS)
def why(request: Request, response: Response, ctx: Ctx, actor: SignedIn,
        applicant: Annotated[QueryId, Query(description="The applicant's id (a person or an "
                                                        "organisation)")]) -> Any:
    """Why may I not manage this applicant's dossiers today? The check for the signed-in
    person, the gap that matters most first (for a provider's staff: what their own provider
    lacks), each with what the person can do about it themself."""
    lang = _said(request, response)
    with ctx.units() as uow, speaking(lang):
        return why_view(views.why(uow.repo, actor.person_id, applicant, today(ctx)), lang)


class Signature(BaseModel):
    mandate: _schemas.Mandate
    side: _schemas.Party = Field(description="The side whose signature it awaits (for a "
                                                "transfer: the new provider)")
    side_name: str


class EndingRight(BaseModel):
    right: _schemas.Right
    holder_name: str
    organisation_id: str
    organisation_name: str
    ends: date


class EndingMandate(BaseModel):
    mandate: _schemas.Mandate
    ends: date


class RightRequest(BaseModel):
    id: str
    person_id: str
    person_name: str
    organisation_id: str
    organisation_name: str
    kind: str
    requested_at: datetime


class Todo(BaseModel):
    count: int
    signatures: list[Signature] = Field(description="Mandates awaiting my signature")
    transfers: list[Signature] = Field(description="Transfers proposed to an organisation "
                                                   "I sign for")
    rights_ending: list[EndingRight] = Field(
        description=f"Rights of the organisations I administer that end within "
                    f"{views.ENDING_WITHIN} days")
    mandates_ending: list[EndingMandate] = Field(
        description=f"Mandates of the sides I sign for that end within "
                    f"{views.ENDING_WITHIN} days")
    requests: list[RightRequest] = Field(
        description="Requests for a right that await my decision (organisations I "
                    "administer)")


@router.get("/todo", response_model=Todo, responses=ERRORS)
def todo(ctx: Ctx, actor: SignedIn) -> Any:
    """What waits for me: mandates awaiting my signature, transfers proposed to my
    organisations, and rights and mandates that end soon."""
    day = today(ctx)
    with ctx.units() as uow:
        return todo_view(views.todo(uow.repo, actor.person_id, day), day)


__all__ = ["fix_view", "router", "todo_view", "why_view"]
