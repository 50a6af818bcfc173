"""The access decision with its explanation, and the three paged listings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...registry import queries, rules
from ...registry.model import Party
from . import _policy, _schemas, _views
from ._deps import At, Ctx, Limit, Offset, Reader, today, viewer
from ._errors import ERRORS

router = APIRouter()
Lang = Annotated[str, Query(pattern="^(nl|en)$", description="Language of the guide links")]


@router.get("/may-manage", response_model=_schemas.Decision, responses=ERRORS)
def may_manage(ctx: Ctx, actor: Reader,
               person: Annotated[str, Query(description="The person's id")],
               applicant: Annotated[str, Query(description="The applicant's id (a person or "
                                               "an organisation)")],
               at: At = None, lang: Lang = "nl") -> Any:
    """May this person manage the applicant's dossiers on that day, and why (not)?

    Allowed: every route that holds, as a chain of links with ids and dates. Denied: for each
    route that could apply, the first missing link, who can fix it, and the guide page that
    describes the fix.
    """
    day = today(ctx, at)
    with ctx.units() as uow:
        party = _policy.party_of(uow.repo, applicant)
        rules.person(uow.repo, person)
        me = viewer(uow.repo, actor)
        if me is not None:
            _policy.require_checkable(uow.repo, me, person, party, today(ctx))
        return _views.decision(queries.may_manage(uow.repo, person, party, day), lang)


@router.get("/persons/{person_id}/applicants", response_model=_schemas.ApplicantPage,
            responses=ERRORS)
def applicants_for(person_id: str, ctx: Ctx, actor: Reader, at: At = None,
                   offset: Offset = 0, limit: Limit = 50) -> Any:
    """The applicants whose dossiers the person may manage, by name."""
    with ctx.units() as uow:
        me = viewer(uow.repo, actor)
        if me is not None:
            _policy.require_person_visible(uow.repo, me, person_id, today(ctx))
        found = queries.applicants_for(uow.repo, person_id, today(ctx, at), offset, limit)
        return _views.page(found, [{"kind": a.party.kind.value, "id": a.party.id,
                                    "name": a.name} for a in found.items])


@router.get("/applicants/{applicant_id}/persons", response_model=_schemas.PersonPage,
            responses=ERRORS)
def persons_for(applicant_id: str, ctx: Ctx, actor: Reader, at: At = None,
                offset: Offset = 0, limit: Limit = 50) -> Any:
    """The persons who may manage the applicant's dossiers, by name."""
    with ctx.units() as uow:
        party: Party = _policy.party_of(uow.repo, applicant_id)
        me = viewer(uow.repo, actor)
        if me is not None:
            _policy.require_speaks_for(uow.repo, me, party, today(ctx))
        found = queries.persons_for(uow.repo, party, today(ctx, at), offset, limit)
        return _views.page(found, [_views.person(p) for p in found.items])


@router.get("/persons/{person_id}/awaiting-signature", response_model=_schemas.MandatePage,
            responses=ERRORS)
def awaiting_signature(person_id: str, ctx: Ctx, actor: Reader, at: At = None,
                       offset: Offset = 0, limit: Limit = 50) -> Any:
    """Mandates that await a signature this person may give."""
    day = today(ctx, at)
    with ctx.units() as uow:
        me = viewer(uow.repo, actor)
        if me is not None:
            _policy.require(me.id == person_id, _policy.PERSON_VISIBLE,
                            f"{me.name} sees only the signatures they may give themself")
        found = queries.awaiting_signature(uow.repo, person_id, day, offset, limit)
        return _views.page(found, [_views.mandate(m, day) for m in found.items])
