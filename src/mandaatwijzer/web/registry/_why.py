""""Why can't I?": the check for the signed-in person about one applicant (`views.why`),
the gap that matters most first, each with the person's own fix as a link, or who can."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context, why_view
from ...registry import views
from ...registry.model import PartyKind
from . import _auth
from ._common import gettext, page, show, today


def fix_link(fix: views.Fix, applicant: str, lang: str) -> dict[str, str]:
    """The page where the person performs the fix, and what its link says (`applicant`:
    the applicant's name)."""
    _ = gettext(lang)
    base, party, name = f"/{lang}/registry", fix.party.id, fix.party_name
    if fix.kind is views.FixKind.GRANT:
        right = fix.right.value if fix.right is not None else ""
        if fix.work_relation_id is None:
            return {"href": f"{base}/organisations/{party}/users",
                    "label": _("Grant ‘%(right)s’ to a user of %(organisation)s")
                    % {"right": right, "organisation": name}}
        query = urlencode({"work_relation": fix.work_relation_id, "kind": right})
        return {"href": f"{base}/organisations/{party}/users/grant/confirm?{query}",
                "label": _("Grant yourself ‘%(right)s’ at %(organisation)s")
                % {"right": right, "organisation": name}}
    if fix.kind is views.FixKind.ADD_USER:
        return {"href": f"{base}/organisations/{party}/users",
                "label": _("Add yourself as a user of %(organisation)s")
                % {"organisation": name}}
    if fix.kind is views.FixKind.SIGN:
        # The signature's confirmation: what signing does, and the button that does it.
        query = urlencode({"mandate": fix.mandate_id or "", "decision": "sign"})
        return {"href": f"{base}/parties/{party}/signatures/confirm?{query}",
                "label": _("Sign the mandate of %(applicant)s for %(name)s")
                % {"applicant": applicant, "name": name}}
    if fix.party.kind is PartyKind.PERSON:
        label = _("Ask %(applicant)s for a mandate") % {"applicant": applicant}
    else:
        label = _("Ask %(applicant)s for a mandate to %(organisation)s") % {
            "applicant": applicant, "organisation": name}
    return {"href": f"{base}/parties/{party}/mandates", "label": label}


def _answer(found: views.Why, lang: str) -> dict[str, Any]:
    """The check's view with the gaps in order, each with its fix's link (or None)."""
    view = why_view(found, lang)
    for gap, reason in zip(view["gaps"], found.reasons, strict=True):
        gap["fix"] = fix_link(reason.fix, found.checked.applicant_name, lang) \
            if reason.fix is not None else None
    view["person_name"] = found.checked.person_name
    view["applicant_kind"] = found.checked.applicant.kind.value
    return view


@page
def why(request: Request, lang: str) -> Response:
    """Why can I not manage this applicant's dossiers? Choose the applicant (by name, or
    among those I deal with), then the answer."""
    person_id = _auth.person_id(request)
    params = request.query_params
    applicant_id, text = params.get("applicant") or "", (params.get("q") or "").strip()
    if views.holds_national_number(text):
        # A national number is never in an address (nor searched from one).
        views.refuse_number_in_address()
    day = today(request)
    with context(request).units() as uow:
        repo = uow.repo
        candidates = views.why_candidates(repo, person_id, day, text)
        # The explanation in the page's language: `page` opened `sentences(lang)`.
        answer = _answer(views.why(repo, person_id, applicant_id, day), lang) \
            if applicant_id else None
        return show(request, lang, "registry/why.html", repo=repo, candidates=candidates,
                    chosen=applicant_id, q=text, answer=answer, day=day)


__all__ = ["fix_link", "why"]
