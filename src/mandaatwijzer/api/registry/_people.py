"""Persons, organisations, work relations, local administrators and rights."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...registry import rules, services, views
from ...registry.identifiers import EnterpriseNumber, NationalNumber
from . import _schemas, _views
from ._deps import (
    AnyActor,
    Authenticated,
    Ctx,
    Limit,
    Offset,
    PathId,
    Reader,
    SignedIn,
    Writer,
    today,
    viewer,
)
from ._errors import BODY_ERRORS, CHANGE_ERRORS, ERRORS
from ._identity import MachineActor, csrf_token

router = APIRouter(route_class=Authenticated)


# --- persons ---------------------------------------------------------------------------------

@router.post("/persons", status_code=201, response_model=_schemas.Person, responses=CHANGE_ERRORS)
def register_person(body: _schemas.PersonIn, ctx: Ctx, actor: Writer) -> Any:
    """Register a person (the system: a token with registry:write)."""
    found = services.register_person(ctx.units(), ctx.clock, body.national_number, body.name,
                                     body.has_eid, actor=f"token:{actor.token.id}")
    return _views.person(found)


@router.post("/persons/search", response_model=_schemas.Person, responses=BODY_ERRORS)
def find_person(body: _schemas.PersonSearch, ctx: Ctx, actor: Reader) -> Any:
    """Find a person by national number, sent in the body so it never appears in an address.

    For a token with registry:read, or a person who administers some organisation's users.
    """
    number = NationalNumber.parse(body.national_number)
    with ctx.units() as uow:
        return _views.person(views.person_by_number(uow.repo, viewer(uow.repo, actor), number,
                                                    today(ctx)))


@router.get("/persons", response_model=_schemas.PersonPage, responses=ERRORS)
def list_persons(ctx: Ctx, actor: Reader, offset: Offset = 0, limit: Limit = 50) -> Any:
    """Every registered person, by name (a token with registry:read)."""
    with ctx.units() as uow:
        found = views.persons(uow.repo, viewer(uow.repo, actor), offset, limit)
        return _views.page(found, [_views.person(p) for p in found.items])


@router.get("/persons/{person_id}", response_model=_schemas.Person, responses=ERRORS)
def get_person(person_id: PathId, ctx: Ctx, actor: Reader) -> Any:
    with ctx.units() as uow:
        return _views.person(views.person(uow.repo, viewer(uow.repo, actor), person_id,
                                          today(ctx)))


# --- organisations ---------------------------------------------------------------------------

@router.post("/organisations", status_code=201, response_model=_schemas.Organisation,
             responses=CHANGE_ERRORS)
def register_organisation(body: _schemas.OrganisationIn, ctx: Ctx, actor: Writer) -> Any:
    """Register an organisation with its legal representatives (the system)."""
    org = services.register_organisation(ctx.units(), ctx.clock, body.name, body.entity_group,
                                         body.enterprise_number, body.legal_representatives,
                                         actor=f"token:{actor.token.id}")
    return _views.organisation(org)


@router.get("/organisations", response_model=_schemas.OrganisationPage, responses=ERRORS)
def list_organisations(ctx: Ctx, actor: Reader, offset: Offset = 0, limit: Limit = 50) -> Any:
    """Every registered organisation, by name (their data is public, as in the KBO)."""
    with ctx.units() as uow:
        found = views.organisations(uow.repo, offset, limit)
        return _views.page(found, [_views.organisation(o) for o in found.items])


@router.get("/organisations/by-enterprise-number/{number}",
            response_model=_schemas.Organisation, responses=ERRORS)
def find_organisation(number: PathId, ctx: Ctx, actor: Reader) -> Any:
    """Look an organisation up by its enterprise number (0403.170.701, BE0403170701, …)."""
    parsed = EnterpriseNumber.parse(number)
    with ctx.units() as uow:
        return _views.organisation(views.organisation_by_number(uow.repo, parsed))


@router.get("/organisations/{organisation_id}", response_model=_schemas.Organisation,
            responses=ERRORS)
def get_organisation(organisation_id: PathId, ctx: Ctx, actor: Reader) -> Any:
    with ctx.units() as uow:
        return _views.organisation(views.organisation(uow.repo, organisation_id))


# --- work relations, local administrators, rights --------------------------------------------

@router.get("/organisations/{organisation_id}/work-relations",
            response_model=list[_schemas.WorkRelation], responses=ERRORS)
def list_work_relations(organisation_id: PathId, ctx: Ctx, actor: Reader) -> Any:
    """The organisation's users and their rights (its administrators, or a token)."""
    day = today(ctx)
    with ctx.units() as uow:
        found = views.organisation_users(uow.repo, viewer(uow.repo, actor), organisation_id,
                                         day)
        return [_views.work_relation(u.relation, u.person, u.rights, day) for u in found.users]


@router.post("/organisations/{organisation_id}/work-relations", status_code=201,
             response_model=_schemas.WorkRelation, responses=CHANGE_ERRORS)
def add_work_relation(organisation_id: PathId, body: _schemas.WorkRelationIn, ctx: Ctx,
                      actor: SignedIn) -> Any:
    """Link a person to the organisation (its local administrator)."""
    relation = services.add_work_relation(ctx.units(), ctx.clock, actor.person_id,
                                          organisation_id, body.person_id, body.start,
                                          body.end, body.user_type)
    with ctx.units() as uow:
        holder = rules.person(uow.repo, relation.person_id)
        return _views.work_relation(relation, holder, [], today(ctx))


@router.get("/organisations/{organisation_id}/local-admins",
            response_model=list[_schemas.LocalAdmin], responses=ERRORS)
def list_local_admins(organisation_id: PathId, ctx: Ctx, actor: Reader) -> Any:
    day = today(ctx)
    with ctx.units() as uow:
        return [_views.local_admin(a, day) for a in views.local_admins(
            uow.repo, viewer(uow.repo, actor), organisation_id, day)]


@router.post("/organisations/{organisation_id}/local-admins", status_code=201,
             response_model=_schemas.LocalAdmin, responses=CHANGE_ERRORS)
def appoint_local_admin(organisation_id: PathId, body: _schemas.LocalAdminIn, ctx: Ctx,
                        actor: SignedIn) -> Any:
    """Appoint a local administrator (a legal representative of the organisation)."""
    admin = services.appoint_local_admin(ctx.units(), ctx.clock, actor.person_id,
                                         organisation_id, body.person_id, body.start)
    return _views.local_admin(admin, today(ctx))


@router.post("/work-relations/{work_relation_id}/rights", status_code=201,
             response_model=_schemas.Right, responses=CHANGE_ERRORS)
def grant_right(work_relation_id: PathId, body: _schemas.RightIn, ctx: Ctx,
                actor: SignedIn) -> Any:
    """Grant a right on a work relation (the organisation's local administrator)."""
    right = services.grant_right(ctx.units(), ctx.clock, actor.person_id, work_relation_id,
                                 body.kind, body.start, body.end)
    return _views.right(right, today(ctx))


@router.post("/rights/{right_id}/withdraw", response_model=_schemas.Right, responses=CHANGE_ERRORS)
def withdraw_right(right_id: PathId, body: _schemas.WithdrawIn, ctx: Ctx,
                   actor: SignedIn) -> Any:
    right = services.withdraw_right(ctx.units(), ctx.clock, actor.person_id, right_id, body.on)
    return _views.right(right, today(ctx))


@router.get("/me", response_model=_schemas.Me, response_model_exclude_none=True,
            responses=ERRORS)
def me(ctx: Ctx, actor: AnyActor) -> Any:
    """Who this request acts as; for a session, also its CSRF token."""
    if isinstance(actor, MachineActor):
        token = actor.token
        return {"kind": "token", "token": {"id": token.id, "name": token.name,
                                           "scopes": sorted(token.scopes)}}
    with ctx.units() as uow:
        person = _views.person(rules.person(uow.repo, actor.person_id))
    csrf = csrf_token(ctx, actor.session) if actor.session is not None else None
    return {"kind": "person", "person": person, "csrf_token": csrf}
