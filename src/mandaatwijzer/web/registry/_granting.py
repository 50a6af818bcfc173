"""Granting a right through a confirmation, as the guide's outcomes lead to it: the page says
who gets the right, from and until when, and whose dossiers they may manage from then on;
only its POST grants, once. Afterwards the right's own page says it was granted."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import requests, rules, services, views
from ...registry.errors import ConflictError, ValidationError
from ...registry.model import RightKind
from . import _auth
from ._common import field_error, form_text, gettext, page, redirect, show, today
from ._users import _days, _href, _users_page


def _asked(request: Request, form: FormData) -> tuple[str, str] | None:
    """The work relation and the right of the request the form decides, if it decides one."""
    asked = form_text(form, "request")
    if not asked:
        return None
    with context(request).units() as uow:
        viewer = rules.person(uow.repo, _auth.person_id(request))
        row = requests.request_to_decide(uow.repo, viewer, asked, today(request))
        return row.request.work_relation_id, row.request.kind.value


def _read(request: Request, lang: str, form: FormData) -> tuple[
        str, RightKind | None, dict[str, date | None], list[dict[str, str]]]:
    """The work relation, the right and its days of the form (or of the request it decides),
    or the errors beside its fields."""
    _ = gettext(lang)
    relation, kind = form_text(form, "work_relation"), form_text(form, "kind")
    asked = _asked(request, form)
    if asked is not None:
        relation, kind = asked
    errors = []
    if not relation:
        errors.append({"field": "work_relation", "message": _("Choose the user")})
    try:
        right: RightKind | None = RightKind(kind)
    except ValueError:
        right = None
        errors.append({"field": "kind", "message": _("Choose the right to grant")})
    days = _days(form, ("start", "end"), errors, _)
    return relation, right, days, errors


def _values(form: FormData) -> dict[str, str]:
    return {name: form_text(form, name)
            for name in ("work_relation", "kind", "start", "end", "request")}


def _confirmation(request: Request, lang: str, form: FormData) -> Response:
    org_id = request.path_params["org"]
    relation, kind, days, errors = _read(request, lang, form)
    if errors or kind is None:
        return _users_page(request, lang, org_id, errors=errors, status=422,
                           values=_values(form))
    day = today(request)
    with context(request).units() as uow:
        repo = uow.repo
        viewer = rules.person(repo, _auth.person_id(request))
        found = views.granting(repo, viewer, relation, kind, days["start"] or day,
                               days["end"], day)
        if found.organisation_id != org_id:
            return _users_page(request, lang, org_id, status=422, values=_values(form),
                               errors=[{"field": "work_relation",
                                        "message": gettext(lang)("Choose the user")}])
        return show(request, lang, "registry/confirm_grant.html", repo=repo,
                    path=_href(lang, org_id) + "/grant/confirm", granting=found,
                    values=_values(form), back=_href(lang, org_id))


@page
def confirm_grant(request: Request, lang: str) -> Response:
    """Who gets the right and whose dossiers they may manage then; it changes nothing."""
    fields: list[tuple[str, str | UploadFile]] = list(request.query_params.multi_items())
    return _confirmation(request, lang, FormData(fields))


@page
def grant(request: Request, lang: str) -> Response:
    """Grant the right confirmed, then its page; without the confirmation, the confirmation
    page, nothing changed. A second submit grants nothing twice and says so."""
    form = _auth.checked_form(request)
    if form_text(form, "confirmed") != "grant":
        return _confirmation(request, lang, form)
    org_id = request.path_params["org"]
    relation, kind, days, errors = _read(request, lang, form)
    if errors or kind is None:
        return _users_page(request, lang, org_id, errors=errors, status=422,
                           values=_values(form))
    ctx = context(request)
    asked = form_text(form, "request")
    try:
        if asked:
            # Granting a request: the right it asks for, from today, and the request closed.
            decided = requests.grant_request(ctx.units(), ctx.clock, _auth.person_id(request),
                                             asked, days["end"])
            assert decided.right_id is not None
            return redirect(f"/{lang}/registry/rights/{decided.right_id}?done=granted")
        right = services.grant_right(ctx.units(), ctx.clock, _auth.person_id(request),
                                     relation, kind.value, days["start"], days["end"])
    except ValidationError as error:
        return _users_page(request, lang, org_id, errors=[field_error(error)], status=422,
                           values=_values(form))
    except ConflictError as error:
        return show(request, lang, "registry/confirm_done.html", path=_href(lang, org_id),
                    action="grant", message=error.message, back=_href(lang, org_id))
    return redirect(f"/{lang}/registry/rights/{right.id}?done=granted")
