"""Who is asking: a person by a signed session cookie, or a machine by a bearer token.

The cookie holds a random session id and the person's id, signed with the secret key
(itsdangerous) and valid for `SESSION_MAX_AGE` seconds; it is HttpOnly and SameSite=Lax.
A CSRF token is an HMAC of the session id with the same key: pages put it in a hidden field,
API clients that use the cookie send it in the `X-CSRF-Token` header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from ...bootstrap import RegistryContext
from ...registry.tokens import Token

SESSION_COOKIE = "mw_session"
SESSION_MAX_AGE = 8 * 60 * 60
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
#: The methods that change nothing: a session needs no CSRF token for them.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PREFIX = "/api/registry"

#: How a client proves who it is, for the OpenAPI document.
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token (`registry token create`, or POST "
                              "/api/registry/tokens): acts as the system, within its scopes"},
    "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                "description": "The signed session cookie of a person signed in on the pages: "
                               "acts as that person"},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
             "description": "With the session cookie, on every change: the csrf_token that "
                            "GET /api/registry/me answers with"},
}


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    person_id: str | None = None


@dataclass(frozen=True, slots=True)
class PersonActor:
    """A signed-in person: every action is theirs, and the registry's rules decide."""

    person_id: str
    session: Session


@dataclass(frozen=True, slots=True)
class MachineActor:
    """A bearer token: acts as the system, within its scopes."""

    token: Token


Actor = PersonActor | MachineActor


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="mandaatwijzer.session")


def new_session(person_id: str | None = None) -> Session:
    return Session(secrets.token_urlsafe(18), person_id)


def read_session(request: Request, ctx: RegistryContext) -> Session | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or ctx.secret is None:
        return None
    try:
        data = _serializer(ctx.secret).loads(cookie, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        return None
    person = data.get("person")
    return Session(data["sid"], person if isinstance(person, str) else None)


def write_session(response: Response, request: Request, ctx: RegistryContext,
                  session: Session) -> None:
    assert ctx.secret is not None
    value = _serializer(ctx.secret).dumps({"sid": session.id, "person": session.person_id})
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_MAX_AGE, path="/",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def csrf_token(ctx: RegistryContext, session: Session) -> str:
    assert ctx.secret is not None
    return hmac.new(ctx.secret.encode(), f"csrf:{session.id}".encode(),
                    hashlib.sha256).hexdigest()


def csrf_valid(ctx: RegistryContext, session: Session | None, given: str | None) -> bool:
    if session is None or ctx.secret is None or not given:
        return False
    return hmac.compare_digest(csrf_token(ctx, session), given)


def bearer(request: Request) -> str | None:
    """The secret of an `Authorization: Bearer` header ("" when the header is malformed)."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def authenticate(request: Request, ctx: RegistryContext) -> Actor | None:
    """The actor behind the request; a token that is present but unknown is never a session."""
    secret = bearer(request)
    if secret is not None:
        token = ctx.tokens.verify(secret) if secret else None
        return MachineActor(token) if token is not None else None
    session = read_session(request, ctx)
    if session is None or session.person_id is None:
        return None
    return PersonActor(session.person_id, session)


def security_of(method: str) -> list[dict[str, list[str]]]:
    """A token, or the session cookie (with its CSRF token for a change)."""
    session: dict[str, list[str]] = {"session": []} if method.upper() in SAFE_METHODS else \
        {"session": [], "csrf": []}
    return [{"bearer": []}, session]


def document_security(app: FastAPI) -> None:
    """Declare the security schemes in the app's OpenAPI document and attach them to every
    registry operation (FastAPI can only say "one of", not "the cookie and its CSRF token")."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes.update(SECURITY_SCHEMES)
        for path, operations in document.get("paths", {}).items():
            if path.startswith(PREFIX + "/"):
                for method, operation in operations.items():
                    operation["security"] = security_of(method)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
