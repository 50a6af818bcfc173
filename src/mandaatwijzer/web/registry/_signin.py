"""Signing in and out through the user management (ACM/IDM): the OpenID Connect relying party.

Authlib's Starlette client does the protocol: discovery from the issuer, the authorization
code flow with PKCE (S256), `state` and `nonce`, the code exchanged for tokens, the ID token
checked (its signature through the provider's JWKS, issuer, audience, expiry, nonce). The
handshake (state, nonce, PKCE verifier, the page to return to) lives for ten minutes in a
signed cookie sent only to `/auth/` (Starlette's `SessionMiddleware`). The claims go to the
core (`registry.signin`), which finds or registers the person and opens the server-side
session whose secret becomes the session cookie.

The sign-in starts from a link (GET), so no form posts to the provider; signing out is a form
(POST, CSRF), whose answer may redirect to the provider's `end_session_endpoint`: the page's
CSP names the provider's origin in `form-action` for that (`web/_security.py`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ... import guide
from ...api.registry import (
    claim_names,
    clear_session,
    context,
    eid_means,
    write_session,
)
from ...config import SignInSettings
from ...registry import signin
from .._i18n import page_language
from . import _auth
from ._common import page, redirect, show, sign_in_href

log = logging.getLogger("mandaatwijzer.sign_in")

CALLBACK = "/auth/callback"
#: The signed cookie of the handshake, sent only to /auth/ (`SessionMiddleware`).
HANDSHAKE_COOKIE = "mw_sign_in"
HANDSHAKE_PATH = "/auth"
HANDSHAKE_SECONDS = 600
#: Where a person may be sent back to after signing in: a registry page of this site.
_NEXT = re.compile(r"/(?:nl|en)/registry/[A-Za-z0-9/_.~%=&?+-]*")


def relying_party(settings: SignInSettings | None) -> Any:
    """The provider's client (Authlib's `StarletteOAuth2App`), or None without sign-in."""
    if settings is None:
        return None
    oauth = OAuth()
    return oauth.register(
        "provider", client_id=settings.client_id, client_secret=settings.client_secret,
        server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": " ".join(settings.scopes), "code_challenge_method": "S256",
                       "timeout": 10.0})


def _party(request: Request) -> Any:
    return getattr(request.app.state, "relying_party", None)


def _settings(request: Request) -> SignInSettings | None:
    return context(request).settings.sign_in


def _base(request: Request) -> str:
    """The app's public address: the setting, or (the demo) the request's own."""
    settings = _settings(request)
    if settings is not None and settings.redirect_base:
        return settings.redirect_base
    return str(request.base_url).rstrip("/")


def _next(value: str | None, lang: str) -> str:
    return value if value and _NEXT.fullmatch(value) and "//" not in value \
        else f"/{lang}/registry/"


@page
async def sign_in_page(request: Request, lang: str) -> Response:
    """How to sign in (or that sign-in is not configured); who is signed in, if anyone."""
    found = _auth.session(request)
    wanted = request.query_params.get("next")
    return show(request, lang, "registry/sign_in.html", configured=_party(request) is not None,
                session=found, means=found.means if found is not None else None,
                start=sign_in_href(lang, next_page=_next(wanted, lang)),
                start_eid=sign_in_href(lang, eid=True, next_page=_next(wanted, lang)),
                eid_wanted=request.query_params.get("eid") == "1")


async def start(request: Request) -> Response:
    """GET /auth/sign-in: to the provider, with state, nonce and the PKCE challenge."""
    lang = request.query_params.get("lang", "nl")
    lang = lang if lang in guide.LANGUAGES else "nl"
    party, settings = _party(request), _settings(request)
    if party is None or settings is None:
        return redirect(f"/{lang}/registry/sign-in")
    request.session.clear()
    request.session.update(lang=lang, next=_next(request.query_params.get("next"), lang))
    eid = request.query_params.get("eid") == "1"
    wanted = settings.eid_acr if eid else settings.acr_values
    extra = {"acr_values": " ".join(wanted)} if wanted else {}
    try:
        answer: Response = await party.authorize_redirect(
            request, _base(request) + CALLBACK, ui_locales=lang, **extra)
    except (httpx.HTTPError, ValueError, RuntimeError):
        log.warning("sign-in: the provider's discovery document could not be read")
        return _refused(request, lang, "provider")
    return answer


async def callback(request: Request) -> Response:
    """GET /auth/callback: the provider's answer, checked; a new session, or a refusal page."""
    lang = request.session.get("lang")
    if lang not in guide.LANGUAGES:  # no sign-in started here: the browser's language
        lang = page_language("", request.headers.get("accept-language"))
    next_page = _next(request.session.get("next"), lang)
    party = _party(request)
    if party is None:
        return redirect(f"/{lang}/registry/sign-in")
    ctx = context(request)
    try:
        claims = await _claims(request, party)
        identity = signin.identity_from_claims(claims, str(claims.get("iss", "")),
                                               claim_names(ctx))
        opened = await run_in_threadpool(signin.sign_in, ctx.units(), ctx.clock, identity,
                                         eid_means(ctx))
    except signin.SignInRefusedError as error:
        log.warning("sign-in refused: %s", error.reason)
        return _refused(request, lang, error.reason)
    response = redirect(next_page)
    write_session(response, request, ctx, opened)
    request.session.clear()
    log.info("sign-in: session %s opened", opened.session.id)
    return response


async def _claims(request: Request, party: Any) -> dict[str, Any]:
    """The ID token's claims, checked by Authlib; completed from userinfo when the person's
    number or name is missing from them. Every failure is a `SignInRefusedError`."""
    if "error" in request.query_params:
        reason = "denied" if request.query_params["error"] == "access_denied" else "provider"
        raise signin.SignInRefusedError(reason, "the provider refused the sign-in")
    if request.query_params.get("state") is None or not any(
            key.startswith("_state_") for key in request.session):
        raise signin.SignInRefusedError("state", "no sign-in was started in this browser")
    try:
        token = await party.authorize_access_token(request)
    except OAuthError as error:
        # A state that is not this browser's, or the provider refusing the code (used
        # before, expired): `mismatching_state` or the provider's error.
        reason = "state" if error.error == "mismatching_state" else "provider"
        raise signin.SignInRefusedError(reason, f"the sign-in failed: {error.error}") from None
    except (JoseError, ValueError) as error:
        raise signin.SignInRefusedError("token", f"the ID token is not valid here: "
                                        f"{type(error).__name__}") from None
    except httpx.HTTPError:
        raise signin.SignInRefusedError("provider", "the provider could not be reached") \
            from None
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise signin.SignInRefusedError("token", "the provider sent no ID token")
    names = claim_names(context(request))
    if not all(claims.get(name) for name in (names.national_number, names.family_name)):
        try:
            info = dict(await party.userinfo(token=token))
        except (httpx.HTTPError, OAuthError):
            info = {}
        if info.get("sub") == claims.get("sub"):
            claims = {**info, **claims}
    return claims


def _refused(request: Request, lang: str, reason: str) -> Response:
    response = show(request, lang, "registry/sign_in_refused.html", status=401, reason=reason,
                    start=sign_in_href(lang), path=f"/{lang}/registry/sign-in")
    request.session.clear()
    return response


async def _provider_sign_out(request: Request, lang: str) -> Response:
    """To the provider's end_session_endpoint when it has one, else to the signed-out page."""
    here = _base(request) + f"/{lang}/registry/signed-out"
    party = _party(request)
    target = f"/{lang}/registry/signed-out"
    if party is not None:
        try:
            metadata = await party.load_server_metadata()
        except (httpx.HTTPError, ValueError, RuntimeError):
            metadata = {}
        if metadata.get("end_session_endpoint"):
            settings = _settings(request)
            assert settings is not None
            created = await party.create_logout_url(post_logout_redirect_uri=here,
                                                    client_id=settings.client_id,
                                                    ui_locales=lang)
            target = created["url"]
    response = RedirectResponse(target, status_code=303)
    clear_session(response, request)
    return response


def _already_signed_out(request: Request, lang: str) -> Response | None:
    """A sign-out whose session already ended (another tab, its idle time): the signed-out
    page, and the dead cookie cleared. Nothing to protect with a CSRF token then."""
    if _auth.session(request) is not None:
        return None
    response = redirect(f"/{lang}/registry/signed-out")
    clear_session(response, request)
    return response


@page
async def sign_out(request: Request, lang: str) -> Response:
    """End this session, here and at the provider."""
    done = _already_signed_out(request, lang)
    if done is not None:
        return done
    _auth.checked_form(request)
    found = _auth.signed_in(request)
    ctx = context(request)
    await run_in_threadpool(signin.sign_out, ctx.units(), ctx.clock, found.record)
    return await _provider_sign_out(request, lang)


@page
async def sign_out_everywhere(request: Request, lang: str) -> Response:
    """End every session of the person, on every browser, and this one at the provider."""
    done = _already_signed_out(request, lang)
    if done is not None:
        return done
    _auth.checked_form(request)
    found = _auth.signed_in(request)
    ctx = context(request)
    await run_in_threadpool(signin.sign_out_everywhere, ctx.units(), ctx.clock,
                            found.person_id)
    return await _provider_sign_out(request, lang)


@page
async def signed_out(request: Request, lang: str) -> Response:
    """Where the provider sends the person back after signing out."""
    found = _auth.session(request)
    if found is not None:
        return redirect(f"/{lang}/registry/")
    return show(request, lang, "registry/signed_out_done.html", start=sign_in_href(lang),
                configured=_party(request) is not None)


__all__ = ["CALLBACK", "HANDSHAKE_COOKIE", "HANDSHAKE_PATH", "HANDSHAKE_SECONDS", "callback",
           "relying_party", "sign_in_page", "sign_out", "sign_out_everywhere", "signed_out",
           "start"]
