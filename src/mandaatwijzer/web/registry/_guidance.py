"""The guide for a signed-in person: what the registry answers of its statements
(`views.guidance`), read for the guide's pages, and the provider the person chose to be
guided for (a cookie: an organisation's id, no personal data). An anonymous visitor's guide
reads nothing here: without the session cookie it is the guide as it always was."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ... import guide
from ...api.registry import SESSION_COOKIE, context
from ...registry import views
from . import _auth
from ._common import sentences, sign_in_href, today

#: The provider the person is guided for, when they act for several.
ORGANISATION_COOKIE = "mw_guide_org"


@dataclass(frozen=True, slots=True)
class Personal:
    """The registry's answers for the guide's pages, said in the page's language."""

    person_name: str
    #: question id → (the registry's answer, where it comes from in words).
    known: dict[str, tuple[str, str]] = field(default_factory=dict)
    organisation: views.Provider | None = None
    choices: tuple[views.Provider, ...] = ()
    must_choose: bool = False
    #: The outcomes that act for the person, with the intent answers that lead there.
    shortcuts: tuple[views.Shortcut, ...] = ()

    @property
    def answers(self) -> dict[str, str]:
        return {question: answer for question, (answer, _) in self.known.items()}


def _read(request: Request, flow_id: str, lang: str) -> Personal | None:
    found = _auth.session(request)
    if found is None or flow_id != views.GUIDED_FLOW:
        return None
    with context(request).units() as uow:
        read = views.guidance(uow.repo, found.person_id,
                              request.cookies.get(ORGANISATION_COOKIE), found.means.eid,
                              today(request))
    with sentences(lang):
        known = {q: (k.answer, str(k.source)) for q, k in read.known.items()}
    return Personal(read.person_name, known, read.organisation, read.choices,
                    read.must_choose, views.shortcuts(read))


async def personal(request: Request, flow_id: str, lang: str) -> Personal | None:
    """What the registry answers for the signed-in person, or None for anyone else (read in
    the thread pool: it is the registry's database)."""
    if SESSION_COOKIE not in request.cookies:
        return None
    return await run_in_threadpool(_read, request, flow_id, lang)


@dataclass(frozen=True, slots=True)
class Act:
    """What an outcome lets the person do (`views.Action`), its refusal said in words."""

    action: views.Action
    refusal: str | None
    #: How the person signed in: granting and signing need an eID sign-in, and the address
    #: that asks for one and comes back here.
    eid_sign_in: bool = True
    eid_href: str = ""
    #: The session's CSRF token, for the outcome's form that adds a colleague.
    csrf: str = ""


def _act(request: Request, organisation_id: str, outcome: str, lang: str) -> Act | None:
    found = _auth.session(request)
    if found is None:
        return None
    with context(request).units() as uow:
        action = views.outcome_action(uow.repo, found.person_id, organisation_id, outcome,
                                      today(request))
    if action is None:
        return None
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    with sentences(lang):
        return Act(action, str(action.refusal) if action.refusal is not None else None,
                   found.means.eid, sign_in_href(lang, eid=True, next_page=here),
                   _auth.token_for(context(request), found))


async def act(request: Request, known: Personal, outcome: str, lang: str) -> Act | None:
    """What the guide's outcome lets the signed-in person do for the provider they are
    guided for, or None."""
    if known.organisation is None:
        return None
    return await run_in_threadpool(_act, request, known.organisation.id, outcome, lang)


async def choose_organisation(request: Request) -> Response:
    """Be guided for the provider `id` (one the person acts for: another is ignored by the
    read), or without one, be asked again; then go on with the guide."""
    lang = request.path_params["lang"]
    flow_id = request.path_params["flow"]
    if lang not in guide.LANGUAGES or flow_id not in guide.flow_ids():
        return Response(status_code=404)
    response = RedirectResponse(guide.step_href(flow_id, lang), status_code=303)
    chosen = request.query_params.get("id", "")
    if not chosen:
        # Choose again: the guide asks which one.
        response.delete_cookie(ORGANISATION_COOKIE, path="/", httponly=True, samesite="lax",
                               secure=request.url.scheme == "https")
    elif chosen.isascii() and chosen.replace("-", "").isalnum() and len(chosen) <= 40:
        response.set_cookie(ORGANISATION_COOKIE, chosen, path="/", httponly=True,
                            samesite="lax", secure=request.url.scheme == "https")
    return response


__all__ = ["ORGANISATION_COOKIE", "Act", "Personal", "act", "choose_organisation",
           "personal"]
