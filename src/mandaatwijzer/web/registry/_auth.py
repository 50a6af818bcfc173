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
           "person_id", "read_form", "session", "signed_in", "token_for"]


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


#: Where `read_form` keeps the posted form for the handler (`request.state`).
_FORM = "registry_form"


async def read_form(request: Request) -> None:
    """Read the posted form on the event loop, before the handler runs in a worker thread."""
    setattr(request.state, _FORM, await request.form())


def checked_form(request: Request) -> FormData:
    """The posted form (`read_form`) of a signed-in person, once its CSRF token matches the
    session's."""
    found = signed_in(request)
    form: FormData | None = getattr(request.state, _FORM, None)
    if form is None:
        raise CsrfRefusedError
    given = form.get(CSRF_FIELD)
    if not csrf_valid(context(request), found, given if isinstance(given, str) else None):
        raise CsrfRefusedError
    return form


def token_for(ctx: RegistryContext, found: Session) -> str:
    return csrf_token(ctx, found)
