"""Find and download: the search page, and the CSV files of an organisation's users and of a
party's mandates, through the read policy (`views.search`, `views.users_csv`,
`views.mandates_csv`).

The search form is posted (with its CSRF token). A name or an enterprise number is sent on to
the results' address (`?q=…`, which pages); a national register number never is: its results
answer the POST itself, so it appears in no address, no browser history and no access log. An
address that holds one anyway (typed by hand) is not searched, and not shown back.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import rules, views
from ...registry.errors import ValidationError
from ...registry.identifiers import mask_national_number
from . import _auth
from ._common import field_error, form_text, gettext, page, redirect, show, today

#: Hits per page.
LIMIT = 20
CSV_TYPE = "text/csv; charset=utf-8"


def href(lang: str, query: str = "", offset: int = 0) -> str:
    """The results' address for a name or an enterprise number (never a national number)."""
    params = {"q": query, **({"offset": str(offset)} if offset else {})}
    return f"/{lang}/registry/search" + (f"?{urlencode(params)}" if query else "")


def _offset(request: Request) -> int:
    raw = request.query_params.get("offset", "0")
    return int(raw) if raw.isdigit() and len(raw) <= 7 else 0


def _results(request: Request, lang: str, query: str, *, offset: int = 0,
             errors: list[dict[str, str]] | None = None, status: int = 200) -> Response:
    """The search page: the form, and the hits of `query` (none when it is empty)."""
    day = today(request)
    with context(request).units() as uow:
        repo = uow.repo
        viewer = rules.person(repo, _auth.person_id(request))
        found = None
        if len(query) > views.MAX_QUERY:
            _ = gettext(lang)
            errors, status = [{"field": "q", "message": _(
                "Type at most %(count)s characters") % {"count": views.MAX_QUERY}}], 422
        elif query and not errors:
            try:
                found = views.search(repo, viewer, query, day, offset, LIMIT)
            except ValidationError as error:
                errors, status = [field_error(error)], 422
        # A national number is not shown back, not even in the field: only masked.
        by_number = views.holds_national_number(query)
        masked = mask_national_number("".join(c for c in query if c.isdigit())) \
            if by_number else None
        return show(request, lang, "registry/search.html", repo=repo,
                    # The language links keep the address's query, unless it holds a number.
                    path=None if request.method == "GET" and not errors else
                    f"/{lang}/registry/search", status=status, errors=errors or [],
                    q="" if by_number else query, masked=masked, found=found,
                    previous_href=href(lang, query, max(0, offset - LIMIT))
                    if found is not None and offset > 0 and not by_number else None,
                    next_href=href(lang, query, offset + LIMIT)
                    if found is not None and found.has_next and not by_number else None)


@page
def search_page(request: Request, lang: str) -> Response:
    """The form, and the hits of a name or an enterprise number in the address."""
    _auth.signed_in(request)
    query = request.query_params.get("q", "").strip()
    if views.holds_national_number(query):
        _ = gettext(lang)
        return _results(request, lang, "", status=422, errors=[{
            "field": "q", "message": _(
                "A national register number is never put in a web address. Type it in the "
                "search field and search again: the form sends it without showing it in "
                "the address.")}])
    return _results(request, lang, query, offset=_offset(request))


@page
def search(request: Request, lang: str) -> Response:
    """The posted form: a national number is answered here; anything else goes to the
    results' address."""
    form = _auth.checked_form(request)
    query = " ".join(form_text(form, "q").split())
    if not views.holds_national_number(query):
        return redirect(href(lang, query))
    return _results(request, lang, query)


# --- downloads ------------------------------------------------------------------------------

def _attachment(download: views.Download) -> Response:
    return Response(download.text, media_type=CSV_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{download.filename}"',
        "Cache-Control": "no-store"})


@page
def users_csv(request: Request, lang: str) -> Response:
    """An organisation's users (persons, work relations or rights) for its administrators."""
    kind = request.path_params["list"]
    if kind not in views.USER_LISTS:
        raise HTTPException(404)
    with context(request).units() as uow:
        repo = uow.repo
        viewer = rules.person(repo, _auth.person_id(request))
        return _attachment(views.users_csv(repo, viewer, request.path_params["org"], kind,
                                           today(request)))


@page
def mandates_csv(request: Request, lang: str) -> Response:
    """A party's mandates, for whoever acts for it."""
    with context(request).units() as uow:
        repo = uow.repo
        viewer = rules.person(repo, _auth.person_id(request))
        return _attachment(views.mandates_csv(repo, viewer, request.path_params["party"],
                                              today(request)))
