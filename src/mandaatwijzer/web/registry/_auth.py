"""Sessions and CSRF for the registry pages.

The signed session cookie is the API's (exported by `api.registry`). Every form carries the
session's CSRF token (an HMAC of the session id with the secret key) in a hidden field, and
every POST is refused unless it matches. A visitor who is not signed in gets an anonymous
session on the sign-in page, so that its form is protected too; signing in starts a new one.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import (
    CSRF_FIELD,
    RegistryContext,
    Session,
    clear_session,
    context,
    csrf_token,
    csrf_valid,
    new_session,
    read_session,
    write_session,
)

__all__ = ["CSRF_FIELD", "CsrfRefusedError", "NotSignedInError", "Session", "checked_form",
           "clear_session", "new_session", "person_id", "session", "token_for", "with_session"]


class NotSignedInError(Exception):
    """The page needs a signed-in person (401)."""


class CsrfRefusedError(Exception):
    """A POST without the session's CSRF token, or with another one (403)."""


def session(request: Request) -> Session | None:
    return read_session(request, context(request))


def person_id(request: Request) -> str:
    found = session(request)
    if found is None or found.person_id is None:
        raise NotSignedInError
    return found.person_id


async def checked_form(request: Request, *, signed_in: bool = True) -> FormData:
    """The posted form, once its CSRF token matches the session's."""
    found = session(request)
    if signed_in and (found is None or found.person_id is None):
        raise NotSignedInError
    form = await request.form()
    given = form.get(CSRF_FIELD)
    if not csrf_valid(context(request), found, given if isinstance(given, str) else None):
        raise CsrfRefusedError
    return form


def token_for(ctx: RegistryContext, found: Session) -> str:
    return csrf_token(ctx, found)


def with_session(response: Response, request: Request, found: Session) -> Response:
    write_session(response, request, context(request), found)
    return response
