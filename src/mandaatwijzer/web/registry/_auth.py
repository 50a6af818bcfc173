"""Sessions and CSRF for the registry pages.

The session is the API's (server-side, exported by `api.registry`); signing in is
`_signin.py`'s. Every form carries the session's CSRF token (an HMAC of the session id with
the secret key) in a hidden field, and every POST is refused unless it matches.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request

from ...api.registry import (
    CSRF_FIELD,
    RegistryContext,
    Session,
    context,
    csrf_token,
    csrf_valid,
    read_session,
)

__all__ = ["CSRF_FIELD", "CsrfRefusedError", "NotSignedInError", "Session", "checked_form",
           "person_id", "session", "signed_in", "token_for"]


class NotSignedInError(Exception):
    """The page needs a signed-in person (401)."""


class CsrfRefusedError(Exception):
    """A POST without the session's CSRF token, or with another one (403)."""


def session(request: Request) -> Session | None:
    return read_session(request, context(request))


def signed_in(request: Request) -> Session:
    found = session(request)
    if found is None:
        raise NotSignedInError
    return found


def person_id(request: Request) -> str:
    return signed_in(request).person_id


async def checked_form(request: Request) -> FormData:
    """The posted form of a signed-in person, once its CSRF token matches the session's."""
    found = signed_in(request)
    form = await request.form()
    given = form.get(CSRF_FIELD)
    if not csrf_valid(context(request), found, given if isinstance(given, str) else None):
        raise CsrfRefusedError
    return form


def token_for(ctx: RegistryContext, found: Session) -> str:
    return csrf_token(ctx, found)
