"""The overview and the checker."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context, decision_view
from ...registry import rules, views
from ...registry.text import parse_day
from . import _auth
from ._common import gettext, page, show, today


@page
def overview(request: Request, lang: str) -> Response:
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
def check(request: Request, lang: str) -> Response:
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
            # The explanation in the page's language: `page` opened `sentences(lang)`.
            checked = views.check(repo, viewer, person_id, applicant_id, day, today(request))
            decision = decision_view(checked.decision, lang)
            # The route nearest to holding first (the most facts already in place): the gap
            # that matters most for this person, the others folded below it.
            decision["gaps"].sort(key=lambda gap: -len(gap["links"]))
            decision["person_name"] = checked.person_name
            decision["applicant_name"] = checked.applicant_name
            decision["applicant_kind"] = checked.applicant.kind.value
    return show(request, lang, "registry/check.html", choices=choices, decision=decision,
                chosen_person=person_id, chosen_applicant=applicant_id or "",
                at=params.get("at") or day.isoformat(), errors=errors,
                status=422 if errors else 200)
