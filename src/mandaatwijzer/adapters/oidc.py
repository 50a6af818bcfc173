"""The OpenID Connect provider as the API sees it: discovery, and persons' access tokens.

`ProviderAccessTokens` implements the core's `signin.AccessTokens` port: a bearer access token
is checked either as a signed JWT (RFC 9068: the signature through the provider's JWKS, then
issuer, audience and expiry) or by the provider's introspection endpoint (RFC 7662), as the
settings say. The discovery document and the JWKS are read once and kept; an unknown key id
reads the JWKS again (the provider rotated its keys), at most once a minute. Introspection
answers are kept until the token expires, at most a minute, so a program's burst of calls
costs one round trip.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..config import SignInSettings
from ..registry.signin import SignInRefusedError

#: Seconds of clock difference with the provider that are forgiven on `exp`, `nbf`, `iat`.
LEEWAY = 60
#: How long an introspection answer or a verdict on a token is kept, at most.
KEEP = 60.0
TIMEOUT = httpx.Timeout(10.0)
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]


class ProviderUnreachableError(RuntimeError):
    """The provider's discovery document could not be read, or is not the issuer's."""


def discover(issuer: str, http: httpx.Client) -> dict[str, Any]:
    """The issuer's discovery document, checked: it must name the same issuer and the
    endpoints a relying party needs."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        answer = http.get(url)
        answer.raise_for_status()
        document = answer.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderUnreachableError(f"the discovery document {url} could not be read: "
                                       f"{error}") from None
    if not isinstance(document, dict):
        raise ProviderUnreachableError(f"{url} is not a discovery document")
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ProviderUnreachableError(
            f"{url} names the issuer {document.get('issuer')!r}, not {issuer!r}")
    missing = [name for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
               if not document.get(name)]
    if missing:
        raise ProviderUnreachableError(f"{url} lacks {', '.join(missing)}")
    return document


class ProviderAccessTokens:
    """`signin.AccessTokens` against one provider (see the module)."""

    def __init__(self, settings: SignInSettings, http: httpx.Client | None = None) -> None:
        self.settings = settings
        self._http = http or httpx.Client(timeout=TIMEOUT)
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._keys_read = 0.0
        self._kept: dict[str, tuple[float, Mapping[str, object]]] = {}

    def close(self) -> None:
        self._http.close()

    # --- the provider's documents ---------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            try:
                self._metadata = discover(self.settings.issuer, self._http)
            except ProviderUnreachableError as error:
                raise SignInRefusedError("provider", str(error)) from None
        return self._metadata

    def _key_set(self, fresh: bool = False) -> KeySet:
        with self._lock:
            stale = fresh and time.monotonic() - self._keys_read > KEEP
            if self._keys is None or stale:
                try:
                    answer = self._http.get(self.metadata()["jwks_uri"])
                    answer.raise_for_status()
                    self._keys = KeySet.import_key_set(answer.json())
                except (httpx.HTTPError, ValueError, JoseError) as error:
                    raise SignInRefusedError("provider", "the provider's keys (JWKS) could "
                                             f"not be read: {error}") from None
                self._keys_read = time.monotonic()
            return self._keys

    # --- the port ---------------------------------------------------------------------------

    def claims(self, token: str) -> Mapping[str, object]:
        if self.settings.bearer == "introspection":
            return self._introspected(token)
        return self._verified_jwt(token)

    def userinfo(self, token: str) -> Mapping[str, object]:
        endpoint = self.metadata().get("userinfo_endpoint")
        if not endpoint:
            raise SignInRefusedError("provider", "the provider offers no userinfo endpoint")
        try:
            answer = self._http.get(endpoint, headers={"Authorization": f"Bearer {token}"})
            answer.raise_for_status()
            found = answer.json()
        except (httpx.HTTPError, ValueError):
            raise SignInRefusedError("token", "the provider's userinfo endpoint refused the "
                                     "access token") from None
        if not isinstance(found, dict):
            raise SignInRefusedError("token", "the provider's userinfo is not a JSON object")
        return found

    def _verified_jwt(self, token: str) -> Mapping[str, object]:
        try:
            try:
                decoded = jwt.decode(token, self._key_set(), algorithms=ALGORITHMS)
            except JoseError:
                # Perhaps a key the provider added since: read its keys again, once.
                decoded = jwt.decode(token, self._key_set(fresh=True), algorithms=ALGORITHMS)
            registry = jwt.JWTClaimsRegistry(
                leeway=LEEWAY,
                iss={"essential": True, "value": self.settings.issuer},
                sub={"essential": True},
                exp={"essential": True},
                aud={"essential": True, "value": self.settings.api_audience})
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise SignInRefusedError("token", f"the access token is not valid here: "
                                     f"{_why(error)}") from None
        return decoded.claims

    def _introspected(self, token: str) -> Mapping[str, object]:
        now = time.monotonic()
        kept = self._kept.get(token)
        if kept is not None and kept[0] > now:
            return kept[1]
        endpoint = self.metadata().get("introspection_endpoint")
        if not endpoint:
            raise SignInRefusedError("provider", "the provider offers no introspection "
                                     "endpoint (MANDAATWIJZER_OIDC_BEARER=introspection)")
        try:
            answer = self._http.post(endpoint, data={"token": token},
                                     auth=(self.settings.client_id,
                                           self.settings.client_secret))
            answer.raise_for_status()
            found = answer.json()
        except (httpx.HTTPError, ValueError):
            raise SignInRefusedError("provider", "the provider's introspection endpoint did "
                                     "not answer") from None
        if not isinstance(found, dict) or found.get("active") is not True:
            raise SignInRefusedError("token", "the provider says the access token is not "
                                     "active")
        audience = found.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if audience is not None and self.settings.api_audience not in audiences:
            raise SignInRefusedError("token", "the access token is for another audience")
        issuer = found.get("iss")
        if issuer is not None and str(issuer).rstrip("/") != self.settings.issuer:
            raise SignInRefusedError("token", "the access token is from another issuer")
        claims: dict[str, object] = {"iss": self.settings.issuer, **found}
        expires = found.get("exp")
        left = float(expires) - time.time() if isinstance(expires, int | float) else KEEP
        if left > 0:
            with self._lock:
                if len(self._kept) > 10_000:
                    self._kept.clear()
                self._kept[token] = (now + min(KEEP, left), claims)
        return claims


def _why(error: Exception) -> str:
    """What was wrong with a token, in words: joserfc's error names it."""
    return getattr(error, "description", None) or type(error).__name__
