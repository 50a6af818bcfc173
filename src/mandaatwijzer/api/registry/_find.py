"""Find and download: the search of the registry, and the CSV files of the lists a person may
see, through the read policy (`registry/views/_find.py`).

A national register number is searched only in a request's body (POST); a query in an
address that holds one is refused, and never quoted.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from ...registry import views
from ...registry.views import Download, Hit
from ._deps import Authenticated, Ctx, Limit, Offset, PathId, Reader, today, viewer
from ._errors import BODY_ERRORS, ERRORS
from ._schemas import Text, _In, _Page

router = APIRouter(route_class=Authenticated)

MAX_QUERY = views.MAX_QUERY


class SearchIn(_In):
    q: Text = Field(max_length=MAX_QUERY, description="A name (or a part of it), an "
                    "enterprise number, or a whole national register or BIS number")


class Role(BaseModel):
    code: Literal["self", "user", "legal_representative", "local_admin", "works_for",
                  "client", "provider"] = Field(
        description="What the hit is to the asker: self; user (of the organisation the "
        "asker administers, party_*); legal_representative, local_admin, works_for (the "
        "asker, of this organisation); client (gave a mandate to party_*); provider (took or "
        "is offered a mandate of party_*)")
    party_id: str | None = None
    party_name: str | None = None


class SearchHit(BaseModel):
    kind: Literal["person", "organisation"]
    id: str
    name: str
    enterprise_number: str | None = Field(description="Dotted, for an organisation")
    national_number: str | None = Field(description="Masked, for a person: only the two "
                                        "check digits show")
    roles: list[Role]


class SearchPage(_Page):
    items: list[SearchHit]


def _hit(hit: Hit) -> dict[str, Any]:
    return {"kind": hit.kind.value, "id": hit.id, "name": hit.name,
            "enterprise_number": hit.enterprise_number, "national_number": hit.national_number,
            "roles": [{"code": r.code.value, "party_id": r.party_id,
                       "party_name": r.party_name} for r in hit.roles]}


def _search(ctx: Ctx, actor: Reader, q: str, offset: int, limit: int) -> dict[str, Any]:
    with ctx.units() as uow:
        found = views.search(uow.repo, viewer(uow.repo, actor), q, today(ctx), offset, limit)
        return {"offset": found.offset, "limit": found.limit, "total": found.total,
                "items": [_hit(h) for h in found.items]}


QueryText = Query(max_length=MAX_QUERY, pattern=r"^[^\x00-\x1f\x7f]*$",
                  description="A name (or a part of it) or an enterprise number. Never a "
                  "national register number: send that in the body of POST /search")


@router.get("/search", response_model=SearchPage, responses=ERRORS)
def search(ctx: Ctx, actor: Reader, q: str = QueryText, offset: Offset = 0,
           limit: Limit = 50) -> Any:
    """Persons and organisations the asker may see, by name or enterprise number.

    A person finds themself, the users of the organisations they administer, the
    organisations they represent, administer or work for, and the other side of the mandates
    they see; a token (registry:read) finds everyone.
    """
    if views.holds_national_number(q):
        views.refuse_number_in_address("q")
    return _search(ctx, actor, q, offset, limit)


@router.post("/search", response_model=SearchPage, responses=BODY_ERRORS)
def search_posted(body: SearchIn, ctx: Ctx, actor: Reader, offset: Offset = 0,
                  limit: Limit = 50) -> Any:
    """The same search, the query in the body: for a whole national register number, which
    finds its person when the asker may see them (a part of one finds nothing)."""
    return _search(ctx, actor, body.q, offset, limit)


# --- downloads ------------------------------------------------------------------------------

CSV_TYPE = "text/csv; charset=utf-8"


def csv_response(download: Download) -> Response:
    """The file as an attachment, never stored by a cache."""
    return Response(download.text, media_type=CSV_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{download.filename}"',
        "Cache-Control": "no-store"})


def _csv_doc(what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": what, "content": {"text/csv": {
        "schema": {"type": "string"}}}}, **ERRORS}


def _user_list(ctx: Ctx, actor: Reader, organisation_id: str, kind: str) -> Response:
    with ctx.units() as uow:
        return csv_response(views.users_csv(uow.repo, viewer(uow.repo, actor),
                                            organisation_id, kind, today(ctx)))


@router.get("/organisations/{organisation_id}/work-relations.csv", response_class=Response,
            responses=_csv_doc("The organisation's work relations in the columns of "
                               "`registry import work-relations`"))
def work_relations_csv(organisation_id: PathId, ctx: Ctx, actor: Reader) -> Response:
    """The work relations of the organisation's users, as CSV (its administrators, a token)."""
    return _user_list(ctx, actor, organisation_id, "work-relations")


@router.get("/organisations/{organisation_id}/rights.csv", response_class=Response,
            responses=_csv_doc("The rights on the organisation's work relations in the "
                               "columns of `registry import rights`"))
def rights_csv(organisation_id: PathId, ctx: Ctx, actor: Reader) -> Response:
    """The rights of the organisation's users, as CSV (its administrators, a token)."""
    return _user_list(ctx, actor, organisation_id, "rights")


@router.get("/organisations/{organisation_id}/persons.csv", response_class=Response,
            responses=_csv_doc("The organisation's users in the columns of `registry import "
                               "persons`, the national number masked (so it does not import "
                               "again)"))
def persons_csv(organisation_id: PathId, ctx: Ctx, actor: Reader) -> Response:
    """The organisation's users by name, as CSV (its administrators, a token)."""
    return _user_list(ctx, actor, organisation_id, "persons")


@router.get("/parties/{party_id}/mandates.csv", response_class=Response,
            responses=_csv_doc("The mandates the party gave, took or is offered, in the "
                               "columns of `registry import mandates`"))
def mandates_csv(party_id: PathId, ctx: Ctx, actor: Reader) -> Response:
    """The mandates of a person or organisation, as CSV (whoever acts for it, a token)."""
    with ctx.units() as uow:
        return csv_response(views.mandates_csv(uow.repo, viewer(uow.repo, actor), party_id,
                                               today(ctx)))
