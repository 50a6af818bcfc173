"""For a local administrator: the organisation's users and their rights; grant and withdraw."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import rules, services, views
from ...registry.errors import ConflictError, ValidationError
from ...registry.identifiers import InvalidIdentifierError, NationalNumber
from ...registry.model import RightKind
from . import _auth
from ._common import field_error, form_text, gettext, page, redirect, show, today

DONE = ("added", "granted", "withdrawn")


def _href(lang: str, org_id: str) -> str:
    return f"/{lang}/registry/organisations/{org_id}/users"


def _users_page(request: Request, lang: str, org_id: str, *,
                errors: list[dict[str, str]] | None = None, status: int = 200,
                values: dict[str, str] | None = None) -> Response:
    day = today(request)
    person_id = _auth.person_id(request)
    with context(request).units() as uow:
        repo = uow.repo
        found = views.organisation_users(repo, rules.person(repo, person_id), org_id, day)
        done = request.query_params.get("done")
        return show(request, lang, "registry/users.html", repo=repo, path=_href(lang, org_id),
                    organisation=found.organisation, users=found.users, day=day,
                    kinds=[k.value for k in RightKind], errors=errors or [],
                    values=values or {}, status=status, done=done if done in DONE else None)


@page
async def users(request: Request, lang: str) -> Response:
    return _users_page(request, lang, request.path_params["org"])


@page
async def add_user(request: Request, lang: str) -> Response:
    """Add a user by national number (posted, never in an address), creating the relation."""
    form = await _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    _ = gettext(lang)
    try:
        number = NationalNumber.parse(form_text(form, "national_number"))
    except InvalidIdentifierError as error:
        return _users_page(request, lang, org_id, errors=[field_error(error)], status=422)
    with ctx.units() as uow:
        found = views.person_with_number(uow.repo, number)
        found_id = found.id if found is not None else None
    if found_id is None:
        return _users_page(request, lang, org_id, status=422, errors=[{
            "field": "national_number",
            "message": _("No person with this national number is registered")}])
    try:
        services.add_work_relation(ctx.units(), ctx.clock, _auth.person_id(request), org_id,
                                   found_id)
    except ConflictError as error:
        return _users_page(request, lang, org_id, status=409, errors=[
            {"field": "national_number", "message": error.message}])
    return redirect(_href(lang, org_id) + "?done=added")


@page
async def grant(request: Request, lang: str) -> Response:
    form = await _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    _ = gettext(lang)
    relation, kind = form_text(form, "work_relation"), form_text(form, "kind")
    values = {"work_relation": relation, "kind": kind}
    errors = []
    if not relation:
        errors.append({"field": "work_relation", "message": _("Choose the user")})
    if not kind:
        errors.append({"field": "kind", "message": _("Choose the right to grant")})
    if errors:
        return _users_page(request, lang, org_id, errors=errors, status=422, values=values)
    try:
        services.grant_right(ctx.units(), ctx.clock, _auth.person_id(request), relation, kind)
    except ValidationError as error:
        return _users_page(request, lang, org_id, errors=[field_error(error)], status=422,
                           values=values)
    except ConflictError as error:
        return _users_page(request, lang, org_id, status=409, values=values,
                           errors=[{"field": "work_relation", "message": error.message}])
    return redirect(_href(lang, org_id) + "?done=granted")


@page
async def withdraw(request: Request, lang: str) -> Response:
    form = await _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    try:
        services.withdraw_right(ctx.units(), ctx.clock, _auth.person_id(request),
                                form_text(form, "right"))
    except ConflictError as error:
        return _users_page(request, lang, org_id, status=409,
                           errors=[{"field": "rights", "message": error.message}])
    return redirect(_href(lang, org_id) + "?done=withdrawn")
