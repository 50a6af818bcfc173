"""What every registry page shares: the language, the signed-in person, refusals as pages."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

import anyio
import anyio.to_thread
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ... import guide
from ...api.registry import context
from ...registry import means, phrases, rules, views
from ...registry.errors import (
    BusyError,
    NotFoundError,
    RegistryError,
    RuleViolationError,
    ValidationError,
)
from ...registry.ports import Repository
from ...registry.text import refuse_control
from .. import _formats, _i18n
from .._render import render
from . import _auth
from ._account import account_of

Handler = Callable[[Request, str], Response]
AsyncHandler = Callable[[Request, str], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def gettext(lang: str) -> Callable[[str], str]:
    return _i18n.translations(lang).gettext


def today(request: Request) -> date:
    return context(request).clock.now().date()


def show(request: Request, lang: str, template: str, *, status: int = 200,
         path: str | None = None, repo: Repository | None = None, **values: Any) -> Response:
    """A registry page, with the signed-in person and the CSRF token its forms need.

    A caller that passes entities renders inside its transaction and passes its `repo`
    (a SQL session's entities are not readable after it); one transaction at a time, as
    SQLite takes a write lock for each.
    """
    if repo is None:
        with context(request).units() as uow:
            return show(request, lang, template, status=status, path=path, repo=uow.repo,
                        **values)
    ctx = context(request)
    found = _auth.session(request)
    signed_in = views.find_person(repo, found.person_id) if found is not None else None
    return render(lang, template, path=path or request.url.path,
                  query=request.url.query if path is None else "", status=status,
                  signed_in=signed_in, account=account_of(repo, signed_in, today(request)),
                  demo=ctx.settings.demo, csrf_field=_auth.CSRF_FIELD,
                  csrf=_auth.token_for(ctx, found) if found and ctx.secret else "", **values)


def forbidden(request: Request, lang: str, rule: str, message: str) -> Response:
    """The refusal's sentence for the person; the rule's code only in the help desk's fold."""
    return show(request, lang, "registry/forbidden.html", status=403, rule=rule,
                message=message, path=request.url.path)


def sentences(lang: str) -> AbstractContextManager[None]:
    """The registry's sentences (refusals, explanations) said inside the block in `lang`,
    with days written as the pages write them ("7 december 2026")."""
    return phrases.translated(gettext(lang), lambda value: _formats.day(value, lang))


def redirect(href: str) -> Response:
    return RedirectResponse(href, status_code=303)


def field_error(error: ValidationError) -> dict[str, str]:
    """A form's error beside its field: what is wrong and what is expected, in the page's
    language (inside `page`)."""
    return {"field": error.field, "message": error.advice}


def form_text(form: FormData, name: str) -> str:
    """A posted field, trimmed; a control character in it is the registry's
    ValidationError naming the field (422), before anything is looked up."""
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    refuse_control(name, text)
    return text


def _refuse_control_characters(request: Request) -> None:
    """No control character in the address: its path's parts and its query's values."""
    for name, value in request.path_params.items():
        if isinstance(value, str):
            refuse_control(name, value)
    for name, value in request.query_params.multi_items():
        refuse_control(name, value)


#: The last parts of a form's address that name its action: the page is the one above them
#: (`/users/grant/confirm` → `/users`).
_ACTIONS = frozenset({"add", "grant", "withdraw", "give", "stop", "find", "transfer",
                      "appoint", "confirm", "decline"})


def back_to(request: Request) -> str:
    """The page to come back to after signing in: this one, or for a form, its page."""
    path = request.url.path
    if request.method == "GET":
        return path + (f"?{request.url.query}" if request.url.query else "")
    head, _, last = path.rpartition("/")
    while last in _ACTIONS:
        path = head
        head, _, last = path.rpartition("/")
    return path


def sign_in_href(lang: str, *, eid: bool = False, next_page: str | None = None) -> str:
    """The link that starts a sign-in (`eid`: ask the provider for an eID sign-in) and comes
    back to `next_page`."""
    query = {"lang": lang, **({"eid": "1"} if eid else {}),
             **({"next": next_page} if next_page else {})}
    return "/auth/sign-in?" + urlencode(query)


def page(handler: Handler | AsyncHandler) -> Endpoint:
    """Checks the language, and turns the registry's refusals into pages.

    A plain handler runs in the thread pool, as Starlette runs a plain endpoint: its
    database work never holds up the event loop (a form waiting for SQLite's write lock would
    stall every other request). Its posted form is read first, on the loop. A coroutine
    handler (signing out, which waits for the provider) runs on the loop."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        lang = request.path_params["lang"]
        if lang not in guide.LANGUAGES:
            raise HTTPException(404)
        if request.method == "POST":
            await _auth.read_form(request)
        if inspect.iscoroutinefunction(handler):
            return await _answer_async(request, lang, handler)
        plain = cast(Handler, handler)
        return await anyio.to_thread.run_sync(_answer, request, lang, plain,
                                              limiter=_page_threads(request))

    return endpoint


#: How many pages run at once; the others wait their turn without holding a connection. A
#: page holds at most two of the database pool's connections at once (its unit of work and
#: the audit log's last check), and six pages stay within SQLAlchemy's default pool of
#: fifteen (5 + 10 overflow), leaving room for the API: more would wait for each other's
#: connections until the pool's timeout.
PAGE_THREADS = 6


def _page_threads(request: Request) -> anyio.CapacityLimiter:
    """The app's limiter of pages at once (made on first use: it needs the event loop)."""
    state = request.app.state
    limiter: anyio.CapacityLimiter | None = getattr(state, "registry_page_threads", None)
    if limiter is None:
        limiter = state.registry_page_threads = anyio.CapacityLimiter(PAGE_THREADS)
    return limiter


#: What a handler raises that becomes a page (`_refused`).
_REFUSALS = (_auth.NotSignedInError, _auth.CsrfRefusedError, RegistryError)


def _answer(request: Request, lang: str, handler: Handler) -> Response:
    """The handler's page, or the page of the registry's refusal; the registry's sentences
    in the page's language, also those the handler renders itself (a form's field errors)."""
    with sentences(lang):
        try:
            _refuse_control_characters(request)
            found = _auth.session(request)
            # How the person signed in decides the eID rule (`rules.require_eid`).
            with means.acting_with(found.means if found is not None else None):
                return handler(request, lang)
        except _REFUSALS as error:
            return _refused(request, lang, error)


async def _answer_async(request: Request, lang: str, handler: AsyncHandler) -> Response:
    with sentences(lang):
        try:
            _refuse_control_characters(request)
            found = _auth.session(request)
            with means.acting_with(found.means if found is not None else None):
                return await handler(request, lang)
        except _REFUSALS as error:
            return _refused(request, lang, error)


def _refused(request: Request, lang: str, error: Exception) -> Response:
    """The page of a refusal: not signed in, a form from elsewhere, a rule, not found, busy,
    or another of the registry's errors."""
    _ = gettext(lang)
    if isinstance(error, _auth.NotSignedInError):
        return show(request, lang, "registry/signed_out.html", status=401,
                    path=request.url.path, next_page=back_to(request),
                    configured=getattr(request.app.state, "relying_party", None)
                    is not None)
    if isinstance(error, _auth.CsrfRefusedError):
        return forbidden(request, lang, "csrf_token",
                         _("The form had expired or did not come from this site. Nothing "
                           "was changed: go back, reload the page and try again."))
    if isinstance(error, RuleViolationError):
        if error.rule == rules.EID_SIGN_IN_REQUIRED:
            return show(request, lang, "registry/eid_needed.html", status=403,
                        path=request.url.path,
                        again=sign_in_href(lang, eid=True, next_page=back_to(request)))
        return forbidden(request, lang, error.rule, error.message)
    if isinstance(error, NotFoundError):
        raise HTTPException(404) from None
    if isinstance(error, BusyError):
        busy = show(request, lang, "registry/busy.html", status=503, path=request.url.path)
        busy.headers["Retry-After"] = str(error.retry_after)
        return busy
    if isinstance(error, RegistryError):
        return show(request, lang, "registry/problem.html", status=error.status,
                    message=error.message, path=request.url.path)
    raise error
