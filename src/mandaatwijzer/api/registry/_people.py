"""Persons, organisations, work relations, local administrators and rights."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...registry import rules, services
from ...registry.errors import NotFoundError
from ...registry.identifiers import EnterpriseNumber, NationalNumber
from ...registry.ports import Repository
from . import _policy, _schemas, _views
from ._deps import (
    AnyActor,
    Ctx,
    Limit,
    Offset,
    Reader,
    SignedIn,
    Writer,
    today,
    viewer,
)
from ._errors import ERRORS
from ._identity import MachineActor, csrf_token

router = APIRouter()


def _organisation_users(repo: Repository, org_id: str, day: Any) -> list[dict[str, Any]]:
    relations = repo.work_relations_at(org_id)
    rights = repo.rights_on([r.id for r in relations])
    found = []
    for relation in relations:
        holder = rules.person(repo, relation.person_id)
        found.append(_views.work_relation(
            relation, holder, [r for r in rights if r.work_relation_id == relation.id], day))
    return sorted(found, key=lambda r: r["person"]["name"].lower())


# --- persons ---------------------------------------------------------------------------------

@router.post("/persons", status_code=201, response_model=_schemas.Person, responses=ERRORS)
def register_person(body: _schemas.PersonIn, ctx: Ctx, actor: Writer) -> Any:
    """Register a person (the system: a token with registry:write)."""
    found = services.register_person(ctx.units(), ctx.clock, body.national_number, body.name,
                                     body.has_eid, actor=f"token:{actor.token.id}")
    return _views.person(found)


@router.post("/persons/search", response_model=_schemas.Person, responses=ERRORS)
def find_person(body: _schemas.PersonSearch, ctx: Ctx, actor: Reader) -> Any:
    """Find a person by national number, sent in the body so it never appears in an address.

    For a token with registry:read, or a person who administers some organisation's users.
    """
    number = NationalNumber.parse(body.national_number)
    with ctx.units() as uow:
        me = viewer(uow.repo, actor)
        if me is not None:
            _policy.require(bool(_policy.administered(uow.repo, me, today(ctx))),
                            _policy.LOOKUP_BY_ADMIN,
                            f"{me.name} administers no organisation's users, so may not look "
                            "persons up by national number")
        found = uow.repo.person_by_number(number)
        if found is None:
            raise NotFoundError("person with national number", number.masked)
        return _views.person(found)


@router.get("/persons", response_model=_schemas.PersonPage, responses=ERRORS)
def list_persons(ctx: Ctx, actor: Reader, offset: Offset = 0, limit: Limit = 50) -> Any:
    """Every registered person, by name (a token with registry:read)."""
    with ctx.units() as uow:
        me = viewer(uow.repo, actor)
        if me is not None:
            _policy.require(False, _policy.PERSON_VISIBLE,
                            f"{me.name} sees only themself and the users of the "
                            "organisations they administer")
        found = uow.repo.persons(offset, limit)
        return _views.page(found, [_views.person(p) for p in found.items])


@router.get("/persons/{person_id}", response_model=_schemas.Person, responses=ERRORS)
def get_person(person_id: str, ctx: Ctx, actor: Reader) -> Any:
    with ctx.units() as uow:
        me = viewer(uow.repo, actor)
        if me is not None:
            _policy.require_person_visible(uow.repo, me, person_id, today(ctx))
        return _views.person(rules.person(uow.repo, person_id))


# --- organisations ---------------------------------------------------------------------------

@router.post("/organisations", status_code=201, response_model=_schemas.Organisation,
             responses=ERRORS)
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
        found = uow.repo.organisations(offset, limit)
        return _views.page(found, [_views.organisation(o) for o in found.items])


@router.get("/organisations/by-enterprise-number/{number}",
            response_model=_schemas.Organisation, responses=ERRORS)
def find_organisation(number: str, ctx: Ctx, actor: Reader) -> Any:
    """Look an organisation up by its enterprise number (0403.170.701, BE0403170701, …)."""
    parsed = EnterpriseNumber.parse(number)
    with ctx.units() as uow:
        org = uow.repo.organisation_by_number(parsed)
        if org is None:
            raise NotFoundError("organisation with enterprise number", parsed.formatted)
        return _views.organisation(org)


@router.get("/organisations/{organisation_id}", response_model=_schemas.Organisation,
            responses=ERRORS)
def get_organisation(organisation_id: str, ctx: Ctx, actor: Reader) -> Any:
    with ctx.units() as uow:
        return _views.organisation(rules.organisation(uow.repo, organisation_id))


# --- work relations, local administrators, rights --------------------------------------------

@router.get("/organisations/{organisation_id}/work-relations",
            response_model=list[_schemas.WorkRelation], responses=ERRORS)
def list_work_relations(organisation_id: str, ctx: Ctx, actor: Reader) -> Any:
    """The organisation's users and their rights (its administrators, or a token)."""
    day = today(ctx)
    with ctx.units() as uow:
        org = rules.organisation(uow.repo, organisation_id)
        me = viewer(uow.repo, actor)
        if me is not None and not _policy.has_authority(uow.repo, me, org, day):
            _policy.require(False, rules.LOCAL_ADMIN_ONLY,
                            f"{me.name} is neither a local administrator nor a legal "
                            f"representative of {org.name}")
        return _organisation_users(uow.repo, org.id, day)


@router.post("/organisations/{organisation_id}/work-relations", status_code=201,
             response_model=_schemas.WorkRelation, responses=ERRORS)
def add_work_relation(organisation_id: str, body: _schemas.WorkRelationIn, ctx: Ctx,
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
def list_local_admins(organisation_id: str, ctx: Ctx, actor: Reader) -> Any:
    day = today(ctx)
    with ctx.units() as uow:
        org = rules.organisation(uow.repo, organisation_id)
        return [_views.local_admin(a, day) for a in uow.repo.local_admins_of(org.id)]


@router.post("/organisations/{organisation_id}/local-admins", status_code=201,
             response_model=_schemas.LocalAdmin, responses=ERRORS)
def appoint_local_admin(organisation_id: str, body: _schemas.LocalAdminIn, ctx: Ctx,
                        actor: SignedIn) -> Any:
    """Appoint a local administrator (a legal representative of the organisation)."""
    admin = services.appoint_local_admin(ctx.units(), ctx.clock, actor.person_id,
                                         organisation_id, body.person_id, body.start)
    return _views.local_admin(admin, today(ctx))


@router.post("/work-relations/{work_relation_id}/rights", status_code=201,
             response_model=_schemas.Right, responses=ERRORS)
def grant_right(work_relation_id: str, body: _schemas.RightIn, ctx: Ctx,
                actor: SignedIn) -> Any:
    """Grant a right on a work relation (the organisation's local administrator)."""
    right = services.grant_right(ctx.units(), ctx.clock, actor.person_id, work_relation_id,
                                 body.kind, body.start, body.end)
    return _views.right(right, today(ctx))


@router.post("/rights/{right_id}/withdraw", response_model=_schemas.Right, responses=ERRORS)
def withdraw_right(right_id: str, body: _schemas.WithdrawIn, ctx: Ctx,
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
    return {"kind": "person", "person": person, "csrf_token": csrf_token(ctx, actor.session)}
