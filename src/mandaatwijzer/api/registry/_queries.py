"""The access decision with its explanation, and the three paged listings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...registry import views
from . import _schemas, _views
from ._deps import At, Authenticated, Ctx, Limit, Offset, PathId, QueryId, Reader, today, viewer
from ._errors import ERRORS

router = APIRouter(route_class=Authenticated)
Lang = Annotated[str, Query(pattern="^(nl|en)$", description="Language of the guide links")]


@router.get("/may-manage", response_model=_schemas.Decision, responses=ERRORS)
def may_manage(ctx: Ctx, actor: Reader,
               person: Annotated[QueryId, Query(description="The person's id")],
               applicant: Annotated[QueryId, Query(description="The applicant's id (a person "
                                                   "or an organisation)")],
               at: At = None, lang: Lang = "nl") -> Any:
    """May this person manage the applicant's dossiers on that day, and why (not)?

    Allowed: every route that holds, as a chain of links with ids and dates. Denied: for each
    route that could apply, the first missing link, who can fix it, and the guide page that
    describes the fix.
    """
    with ctx.units() as uow:
        checked = views.check(uow.repo, viewer(uow.repo, actor), person, applicant,
                              today(ctx, at), today(ctx))
        return _views.decision(checked.decision, lang)


@router.get("/persons/{person_id}/applicants", response_model=_schemas.ApplicantPage,
            responses=ERRORS)
def applicants_for(person_id: PathId, ctx: Ctx, actor: Reader, at: At = None,
                   offset: Offset = 0, limit: Limit = 50) -> Any:
    """The applicants whose dossiers the person may manage, by name."""
    with ctx.units() as uow:
        found = views.applicants_for(uow.repo, viewer(uow.repo, actor), person_id,
                                     today(ctx, at), today(ctx), offset, limit)
        return _views.page(found, [{"kind": a.party.kind.value, "id": a.party.id,
                                    "name": a.name} for a in found.items])


@router.get("/applicants/{applicant_id}/persons", response_model=_schemas.PersonPage,
            responses=ERRORS)
def persons_for(applicant_id: PathId, ctx: Ctx, actor: Reader, at: At = None,
                offset: Offset = 0, limit: Limit = 50) -> Any:
    """The persons who may manage the applicant's dossiers, by name."""
    with ctx.units() as uow:
        found = views.persons_for(uow.repo, viewer(uow.repo, actor), applicant_id,
                                  today(ctx, at), today(ctx), offset, limit)
        return _views.page(found, [_views.person(p) for p in found.items])


@router.get("/persons/{person_id}/awaiting-signature", response_model=_schemas.MandatePage,
            responses=ERRORS)
def awaiting_signature(person_id: PathId, ctx: Ctx, actor: Reader, at: At = None,
                       offset: Offset = 0, limit: Limit = 50) -> Any:
    """Mandates that await a signature this person may give."""
    day = today(ctx, at)
    with ctx.units() as uow:
        found = views.awaiting_signature(uow.repo, viewer(uow.repo, actor), person_id, day,
                                         offset, limit)
        return _views.page(found, [_views.mandate(m, day) for m in found.items])
