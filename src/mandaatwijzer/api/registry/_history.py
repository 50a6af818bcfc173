"""The history of a mandate, a right or a person, from the audit log, in words.

The codes (`action`, `actor`) are the same in every language; `who`, `what` and `about` are
said in the request's Accept-Language (English without one), which `Content-Language` names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from ...registry import views
from ...registry.model import Person
from ...registry.ports import UnitOfWork
from .._language import negotiate, speaking
from ._deps import Authenticated, Ctx, PathId, Reader, today, viewer
from ._errors import ERRORS

router = APIRouter(route_class=Authenticated)


class HistoryEntry(BaseModel):
    at: datetime = Field(description="When it happened")
    action: str = Field(description="The audit event's action, e.g. sign_mandate")
    actor: Literal["person", "system", "sign_in", "token", "command_line"] = Field(
        description="What acted: a person, the system, the sign-in, an API token, or the "
                    "command line acting as a person")
    who: str = Field(description="Who acted, by name (never an id)")
    what: str = Field(description="What they did, as a sentence")
    about: str | None = Field(None, description="Which object, in a person's history")


class History(BaseModel):
    entries: list[HistoryEntry] = Field(description="Oldest first")
    more: bool = Field(description="Older events exist than these (the newest "
                                   f"{views.HISTORY_LIMIT} are listed)")


Read = Callable[[UnitOfWork, Person | None, str, date], Any]


def _history(read: Read, key: str, request: Request, response: Response, ctx: Ctx,
             actor: Reader) -> dict[str, Any]:
    lang = negotiate(request.headers.get("accept-language"))
    with ctx.units() as uow, speaking(lang):
        found = read(uow, viewer(uow.repo, actor), key, today(ctx))
    response.headers["Content-Language"] = lang
    history: views.History = found.history
    return {"entries": [{"at": e.at, "action": e.action, "actor": e.actor, "who": e.who,
                         "what": e.what, "about": e.about} for e in history.entries],
            "more": history.more}


@router.get("/mandates/{mandate_id}/history", response_model=History, responses=ERRORS)
def mandate_history(mandate_id: PathId, request: Request, response: Response, ctx: Ctx,
                    actor: Reader) -> Any:
    """Who did what to the mandate, when (for whoever acts for one of its sides)."""
    return _history(views.mandate_history, mandate_id, request, response, ctx, actor)


@router.get("/rights/{right_id}/history", response_model=History, responses=ERRORS)
def right_history(right_id: PathId, request: Request, response: Response, ctx: Ctx,
                  actor: Reader) -> Any:
    """Who granted and withdrew the right, when (for its holder and the organisation's
    administrators)."""
    return _history(views.right_history, right_id, request, response, ctx, actor)


@router.get("/persons/{person_id}/history", response_model=History, responses=ERRORS)
def person_history(person_id: PathId, request: Request, response: Response, ctx: Ctx,
                   actor: Reader) -> Any:
    """The person's history: their record, the work relations, rights and mandates the
    caller may see of them, and their sign-ins (for themself and a token only)."""
    return _history(views.person_history, person_id, request, response, ctx, actor)
