"""The overview, the checker, and the demo sign-in and sign-out."""

from __future__ import annotations

from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context, decision_view
from ...registry import demo, phrases, rules, views
from ...registry.text import parse_day
from . import _auth
from ._common import form_text, gettext, page, redirect, show, today


@page
async def overview(request: Request, lang: str) -> Response:
    """My organisations, rights and mandates."""
    person_id = _auth.person_id(request)
    day = today(request)
    with context(request).units() as uow:
        found = views.overview(uow.repo, person_id, day)
        person = found.person
        return show(request, lang, "registry/overview.html", repo=uow.repo, person=person,
                    masked=person.national_number.masked, memberships=found.memberships,
                    mandates=found.mandates, applicants=found.applicants,
                    awaiting=found.awaiting, day=day)


def _day(value: str | None) -> date | None:
    try:
        return parse_day(value) if value else None
    except ValueError:
        return None


@page
async def check(request: Request, lang: str) -> Response:
    """May X manage Y's dossiers? With the explanation."""
    _ = gettext(lang)
    viewer_id = _auth.person_id(request)
    params = request.query_params
    person_id, applicant_id = params.get("person") or viewer_id, params.get("applicant")
    errors = []
    day = _day(params.get("at"))
    if params.get("at") and day is None:
        errors.append({"field": "at", "message": _("Enter the date as YYYY-MM-DD, "
                                                   "for example 2025-03-03")})
    day = day or today(request)
    decision = None
    with context(request).units() as uow:
        repo = uow.repo
        viewer = rules.person(repo, viewer_id)
        choices = views.checker_choices(repo, viewer, today(request))
        if applicant_id and not errors:
            with phrases.translated(gettext(lang)):  # the explanation in the page's language
                checked = views.check(repo, viewer, person_id, applicant_id, day,
                                      today(request))
            decision = decision_view(checked.decision, lang)
            decision["person_name"] = checked.person_name
            decision["applicant_name"] = checked.applicant_name
            decision["applicant_kind"] = checked.applicant.kind.value
    return show(request, lang, "registry/check.html", choices=choices, decision=decision,
                chosen_person=person_id, chosen_applicant=applicant_id or "",
                at=params.get("at") or day.isoformat(), errors=errors,
                status=422 if errors else 200)


def _demo_only(request: Request) -> None:
    ctx = context(request)
    if not ctx.settings.demo or ctx.secret is None:
        raise HTTPException(404)


def _sign_in_page(request: Request, lang: str, found: _auth.Session,
                  errors: list[dict[str, str]] | None = None) -> Response:
    day = today(request)
    # The demo dataset describes its persons in words; others get their roles listed.
    described = {login.id: login.description
                 for login in demo.persons(context(request).units(), lang)}
    with context(request).units() as uow:
        people = [{"person": found.person, "roles": found.roles,
                   "description": described.get(found.person.id)}
                  for found in views.people_with_roles(uow.repo, day)]
        return show(request, lang, "registry/sign_in.html", repo=uow.repo, people=people,
                    errors=errors or [], status=422 if errors else 200,
                    sign_in_csrf=_auth.token_for(context(request), found))


@page
async def sign_in(request: Request, lang: str) -> Response:
    """Demo mode only: choose a demo person to act as."""
    _demo_only(request)
    found = _auth.session(request)
    if found is not None:
        return _sign_in_page(request, lang, found)
    found = _auth.new_session()
    return _auth.with_session(_sign_in_page(request, lang, found), request, found)


@page
async def sign_in_as(request: Request, lang: str) -> Response:
    _demo_only(request)
    form = await _auth.checked_form(request, signed_in=False)
    chosen = form_text(form, "person")
    with context(request).units() as uow:
        person = views.find_person(uow.repo, chosen) if chosen else None
        person_id = person.id if person is not None else None
    if person_id is None:
        found = _auth.session(request)
        assert found is not None  # the CSRF check needed it
        _ = gettext(lang)
        return _sign_in_page(request, lang, found, [
            {"field": "person", "message": _("Choose the person to sign in as")}])
    # A new session id on signing in: a session fixed before it is worth nothing.
    response = redirect(f"/{lang}/registry/")
    return _auth.with_session(response, request, _auth.new_session(person_id))


@page
async def sign_out(request: Request, lang: str) -> Response:
    await _auth.checked_form(request)
    response = redirect(f"/{lang}/registry/sign-in" if context(request).settings.demo
                        else f"/{lang}/")
    _auth.clear_session(response)
    return response

