"""Requests for a right on the web: a user asks (through a page that says who will see it and
that nothing changes yet), the organisation's administrators grant (through the grant's
confirmation) or decline; everyone follows their own."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import requests, rules, services, views
from ...registry.errors import ConflictError
from . import _auth
from ._common import form_text, gettext, page, redirect, show, today

DONE = ("asked", "declined", "granted")


def _href(lang: str, org_id: str) -> str:
    return f"/{lang}/registry/organisations/{org_id}/requests"


def _requests_page(request: Request, lang: str, org_id: str, *,
                   errors: list[dict[str, str]] | None = None, status: int = 200) -> Response:
    with context(request).units() as uow:
        viewer = rules.person(uow.repo, _auth.person_id(request))
        found = requests.organisation_requests(uow.repo, viewer, org_id, today(request))
        done = request.query_params.get("done")
        return show(request, lang, "registry/requests.html", repo=uow.repo,
                    path=_href(lang, org_id), found=found, errors=errors or [], status=status,
                    done=done if done in DONE else None)


@page
def requests_page(request: Request, lang: str) -> Response:
    """The organisation's requests: to decide, or one's own."""
    return _requests_page(request, lang, request.path_params["org"])


@page
def confirm_request(request: Request, lang: str) -> Response:
    """Asking for a right: who sees the request, and that nothing changes until one of them
    grants it; the button that asks."""
    org_id = request.path_params["org"]
    kind = services.right_kind(request.query_params.get("kind", ""))
    day = today(request)
    with context(request).units() as uow:
        viewer = rules.person(uow.repo, _auth.person_id(request))
        org = rules.organisation(uow.repo, org_id)
        admins = views.local_admins(uow.repo, viewer, org.id, day)
        names = sorted({rules.person(uow.repo, a.person_id).name for a in admins
                        if a.active(day)}, key=str.lower)
        return show(request, lang, "registry/confirm_request.html", repo=uow.repo,
                    path=_href(lang, org_id) + "/new", organisation=org, kind=kind.value,
                    admins=names, back=f"/{lang}/registry/")


@page
def ask(request: Request, lang: str) -> Response:
    form = _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    try:
        requests.request_right(ctx.units(), ctx.clock, _auth.person_id(request), org_id,
                               form_text(form, "kind"))
    except ConflictError as error:
        return _requests_page(request, lang, org_id, status=409,
                              errors=[{"field": "requests", "message": error.message}])
    return redirect(_href(lang, org_id) + "?done=asked")


@page
def decline(request: Request, lang: str) -> Response:
    form = _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    _ = gettext(lang)
    try:
        requests.decline_request(ctx.units(), ctx.clock, _auth.person_id(request),
                                 form_text(form, "request"))
    except ConflictError as error:
        return _requests_page(request, lang, org_id, status=409, errors=[
            {"field": "requests", "message": _("Nothing was changed: %(why)s")
             % {"why": error.message}}])
    return redirect(_href(lang, org_id) + "?done=declined")
