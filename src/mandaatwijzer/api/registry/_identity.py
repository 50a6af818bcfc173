"""Who is asking: a person by the session cookie or their provider's access token, or a
machine by an API token.

A person's session lives on the server (`registry.sessions`, ADR 0011): the cookie holds only
its random secret (HttpOnly, SameSite=Lax, Secure over HTTPS). A CSRF token is an HMAC of the
session's id with the secret key: pages put it in a hidden field, API clients that use the
cookie send it in the `X-CSRF-Token` header. A program acting for a person sends the access
token the sign-in provider issued (`Authorization: Bearer`): no cookie, so no CSRF token.
An API token (`mw_…`) acts as the system, within its scopes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from ...bootstrap import RegistryContext
from ...registry import signin
from ...registry.means import Means
from ...registry.sessions import SessionRules, SignInSession
from ...registry.tokens import Token

SESSION_COOKIE = "mw_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
#: The methods that change nothing: a session needs no CSRF token for them.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PREFIX = "/api/registry"
#: How an API token's secret starts (`adapters/tokens.py`); any other bearer token is a
#: person's access token from the sign-in provider.
API_TOKEN_PREFIX = "mw_"

#: How a client proves who it is, for the OpenAPI document.
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token (`mw_…`: `registry token create`, or POST "
                              "/api/registry/tokens): acts as the system, within its scopes"},
    "person": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
               "description": "A person's access token, issued by the sign-in provider "
                              "(ACM/IDM) for this API's audience (MANDAATWIJZER_OIDC_AUDIENCE, "
                              "by default the client id): checked as a signed JWT through the "
                              "provider's keys, or by its introspection endpoint "
                              "(MANDAATWIJZER_OIDC_BEARER). The request acts as that person, "
                              "under the same rules as the pages; no CSRF token"},
    "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                "description": "The session cookie of a person signed in on the pages: "
                               "acts as that person"},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
             "description": "With the session cookie, on every change: the csrf_token that "
                            "GET /api/registry/me answers with"},
}


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in person's live session, as the pages and the API see it."""

    id: str
    person_id: str
    means: Means
    record: SignInSession


@dataclass(frozen=True, slots=True)
class PersonActor:
    """A signed-in person: every action is theirs, and the registry's rules decide.
    `session` is None for a person's access token (no cookie, so no CSRF token)."""

    person_id: str
    session: Session | None
    means: Means


@dataclass(frozen=True, slots=True)
class MachineActor:
    """A bearer token: acts as the system, within its scopes."""

    token: Token


Actor = PersonActor | MachineActor


def session_rules(ctx: RegistryContext) -> SessionRules:
    sign_in = ctx.settings.sign_in
    if sign_in is None:
        return SessionRules()
    return SessionRules(timedelta(minutes=sign_in.idle_minutes),
                        timedelta(hours=sign_in.lifetime_hours))


def eid_means(ctx: RegistryContext) -> frozenset[str]:
    sign_in = ctx.settings.sign_in
    return frozenset(sign_in.eid_acr) if sign_in is not None else frozenset({signin.EID_CARD})


def claim_names(ctx: RegistryContext) -> signin.ClaimNames:
    found = ctx.settings.sign_in
    if found is None:
        return signin.ClaimNames()
    return signin.ClaimNames(found.claim_national_number, found.claim_given_name,
                             found.claim_family_name, found.claim_target_group,
                             found.claim_organisation)


def read_session(request: Request, ctx: RegistryContext) -> Session | None:
    """The live session of the request's cookie (looked up once per request)."""
    if hasattr(request.state, "mw_session"):
        found: Session | None = request.state.mw_session
        return found
    secret = request.cookies.get(SESSION_COOKIE, "")
    record = signin.session_of(ctx.units(), ctx.clock, secret, session_rules(ctx)) \
        if secret else None
    session = Session(record.id, record.person_id, Means(record.acr, record.eid), record) \
        if record is not None else None
    request.state.mw_session = session
    return session


def write_session(response: Response, request: Request, ctx: RegistryContext,
                  opened: signin.Opened) -> None:
    """The new session's cookie; it expires with the session's lifetime."""
    lifetime = session_rules(ctx).lifetime
    response.set_cookie(SESSION_COOKIE, opened.secret, max_age=int(lifetime.total_seconds()),
                        path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def clear_session(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")


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
    """The actor behind the request; a token that is present but unknown is never a session.

    A person's access token that the provider does not vouch for raises the core's
    `SignInRefusedError`, which says why (expired, another audience …)."""
    secret = bearer(request)
    if secret is not None:
        if not secret:
            return None
        if secret.startswith(API_TOKEN_PREFIX) or ctx.access_tokens is None:
            token = ctx.tokens.verify(secret)
            return MachineActor(token) if token is not None else None
        person_id, means = signin.person_for_access_token(
            ctx.units(), ctx.clock, ctx.access_tokens, secret, claim_names(ctx),
            eid_means(ctx))
        return PersonActor(person_id, None, means)
    session = read_session(request, ctx)
    if session is None:
        return None
    return PersonActor(session.person_id, session, session.means)


def security_of(method: str) -> list[dict[str, list[str]]]:
    """An API token, a person's access token, or the session cookie (with its CSRF token for
    a change)."""
    session: dict[str, list[str]] = {"session": []} if method.upper() in SAFE_METHODS else \
        {"session": [], "csrf": []}
    return [{"bearer": []}, {"person": []}, session]


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
