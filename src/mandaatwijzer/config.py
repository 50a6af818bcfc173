"""Typed settings, read once from the environment (MANDAATWIJZER_*), then frozen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite:///mandaatwijzer.sqlite3"
#: 1 MiB: the largest JSON body or form the app reads (no route takes a file upload).
DEFAULT_MAX_BODY_BYTES = 1 << 20
#: The address `make run` (`mandaatwijzer serve`) answers at: the terminal guide prints its
#: links as full addresses under this one.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _flag(value: str) -> bool:
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


#: The eID card (reader) in ACM/IDM's URNs: what "a Belgian eID" means by default (ADR 0011).
EID_CARD_ACR = "urn:be:vlaanderen:authmech:eid"
#: The means a sign-in may use, asked for as `acr_values` (ACM/IDM names the means used in
#: the ID token's `acr` only when asked): high and substantial ones, not a bare password.
ACR_VALUES = (EID_CARD_ACR, "urn:be:vlaanderen:authmech:eidashigh",
              "urn:be:vlaanderen:authmech:itsme", "urn:be:vlaanderen:authmech:csamtotp",
              "urn:be:vlaanderen:authmech:csamsms", "urn:be:vlaanderen:authmech:eidassubstantial")
#: How the API checks a person's bearer access token: as a signed JWT (through the provider's
#: JWKS), or by asking the provider's introspection endpoint (RFC 7662).
BEARER_MODES = ("jwt", "introspection")


@dataclass(frozen=True, slots=True)
class SignInSettings:
    """Sign-in through an OpenID Connect provider (ACM/IDM, or the demo's local one)."""

    #: The provider's issuer URL; its discovery document is `<issuer>/.well-known/...`.
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    #: The scopes asked for: ACM/IDM refuses a sign-in that asks for one the integration file
    #: does not grant, so this is the integration file's list.
    scopes: tuple[str, ...] = ("openid", "profile", "rrn", "vo")
    #: The app's public address (`https://mandaatwijzer.example.be`): the redirect URI is
    #: `<redirect_base>/auth/callback`. Empty: taken from each request (the demo only).
    redirect_base: str = ""
    claim_national_number: str = "rrn"
    claim_given_name: str = "given_name"
    claim_family_name: str = "family_name"
    claim_target_group: str = "vo_doelgroepcode"
    claim_organisation: str = "vo_orgcode"
    #: The `acr` values that count as a Belgian eID.
    eid_acr: tuple[str, ...] = (EID_CARD_ACR,)
    #: Asked for at sign-in (`acr_values`); empty: none asked. "Sign in with eID" asks for
    #: `eid_acr` only.
    acr_values: tuple[str, ...] = ACR_VALUES
    bearer: str = "jwt"
    #: The `aud` a person's access token must carry for the API (default: the client id).
    audience: str = ""
    #: A session ends after this many minutes unused, and this many hours after sign-in.
    idle_minutes: int = 30
    lifetime_hours: int = 8

    @property
    def api_audience(self) -> str:
        return self.audience or self.client_id


_SIGN_IN_ENV = {
    "issuer": "MANDAATWIJZER_OIDC_ISSUER",
    "client_id": "MANDAATWIJZER_OIDC_CLIENT_ID",
    "client_secret": "MANDAATWIJZER_OIDC_CLIENT_SECRET",
    "scopes": "MANDAATWIJZER_OIDC_SCOPES",
    "redirect_base": "MANDAATWIJZER_OIDC_REDIRECT_BASE",
    "claim_national_number": "MANDAATWIJZER_OIDC_CLAIM_NATIONAL_NUMBER",
    "claim_given_name": "MANDAATWIJZER_OIDC_CLAIM_GIVEN_NAME",
    "claim_family_name": "MANDAATWIJZER_OIDC_CLAIM_FAMILY_NAME",
    "claim_target_group": "MANDAATWIJZER_OIDC_CLAIM_TARGET_GROUP",
    "claim_organisation": "MANDAATWIJZER_OIDC_CLAIM_ORGANISATION",
    "eid_acr": "MANDAATWIJZER_OIDC_EID_ACR",
    "acr_values": "MANDAATWIJZER_OIDC_ACR_VALUES",
    "bearer": "MANDAATWIJZER_OIDC_BEARER",
    "audience": "MANDAATWIJZER_OIDC_AUDIENCE",
    "idle_minutes": "MANDAATWIJZER_SESSION_IDLE_MINUTES",
    "lifetime_hours": "MANDAATWIJZER_SESSION_LIFETIME_HOURS",
}


def _url_problem(name: str, value: str, *, path_allowed: bool = True) -> str | None:
    """Why `value` is not an acceptable https URL (http only on the loopback), or None."""
    parsed = urlsplit(value)
    loopback = parsed.hostname in {"localhost", "127.0.0.1", "::1"}
    if parsed.scheme not in {"https", "http"} or not parsed.hostname:
        return f"{name} is {value!r}; expected an https:// URL"
    if parsed.scheme == "http" and not loopback:
        return f"{name} is {value!r}; expected https:// (http only on localhost)"
    if parsed.query or parsed.fragment or (not path_allowed and parsed.path not in {"", "/"}):
        return f"{name} is {value!r}; expected a URL without " + \
            ("query or fragment" if path_allowed else "a path, query or fragment")
    return None


def _whole(name: str, value: str, low: int, high: int, problems: list[str]) -> int:
    if not value.isdecimal() or not low <= int(value) <= high:
        problems.append(f"{name} is {value!r}; expected a whole number from {low} to {high}")
        return low
    return int(value)


def sign_in_from_env(env: Mapping[str, str]) -> SignInSettings | None:
    """The sign-in settings, None when none is set; once one is, every problem at once."""
    given = {key: env[name].strip() for key, name in _SIGN_IN_ENV.items()
             if env.get(name, "").strip()}
    oidc = {key for key in given if _SIGN_IN_ENV[key].startswith("MANDAATWIJZER_OIDC_")}
    if not oidc:
        return None
    problems = [f"{_SIGN_IN_ENV[key]} is missing; it is needed once sign-in is configured"
                for key in ("issuer", "client_id", "client_secret") if key not in given]
    for key in ("issuer", "redirect_base"):
        if key in given:
            problem = _url_problem(_SIGN_IN_ENV[key], given[key],
                                   path_allowed=key == "issuer")
            if problem:
                problems.append(problem)
    if "redirect_base" not in given:
        problems.append(f"{_SIGN_IN_ENV['redirect_base']} is missing; expected the app's "
                        "public address, e.g. https://mandaatwijzer.example.be (the redirect "
                        "URI registered with the provider is <that>/auth/callback)")
    scopes = tuple(given.get("scopes", "openid profile rrn vo").split())
    if "openid" not in scopes:
        problems.append(f"{_SIGN_IN_ENV['scopes']} is {' '.join(scopes)!r}; expected a "
                        "space-separated list that includes openid")
    eid = tuple(given.get("eid_acr", EID_CARD_ACR).split())
    acr_values = tuple(given["acr_values"].split()) if "acr_values" in given else ACR_VALUES
    bearer = given.get("bearer", "jwt")
    if bearer not in BEARER_MODES:
        problems.append(f"{_SIGN_IN_ENV['bearer']} is {bearer!r}; expected one of: "
                        + ", ".join(BEARER_MODES))
    idle = _whole(_SIGN_IN_ENV["idle_minutes"], given.get("idle_minutes", "30"), 1, 1440,
                  problems)
    lifetime = _whole(_SIGN_IN_ENV["lifetime_hours"], given.get("lifetime_hours", "8"), 1,
                      72, problems)
    if problems:
        raise ValueError("sign-in is configured but not right:\n  " + "\n  ".join(problems))
    claims = {key: given[key] for key in given if key.startswith("claim_")}
    return SignInSettings(
        issuer=given["issuer"].rstrip("/"), client_id=given["client_id"],
        client_secret=given["client_secret"], scopes=scopes,
        redirect_base=given["redirect_base"].rstrip("/"), eid_acr=eid,
        acr_values=acr_values, bearer=bearer,
        audience=given.get("audience", ""), idle_minutes=idle, lifetime_hours=lifetime,
        **claims)


def base_url_from_env(env: Mapping[str, str] | None = None) -> str:
    """MANDAATWIJZER_BASE_URL without a trailing slash: the web guide's public address.

    The terminal guide prints an outcome's links (how-to pages, the glossary, the start) under
    it, so that they are addresses a person can open. Raises ValueError when it is not an
    http(s) address (http only on the loopback) or has a query or fragment.
    """
    env = os.environ if env is None else env
    value = env.get("MANDAATWIJZER_BASE_URL", "").strip() or DEFAULT_BASE_URL
    problem = _url_problem("MANDAATWIJZER_BASE_URL", value)
    if problem:
        raise ValueError(problem + ", e.g. https://mandaatwijzer.example.be")
    return value.rstrip("/")


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    #: Log one line per request (method, path without query, status, time). Never the answers.
    access_log: bool = True
    #: SQLAlchemy URL: a SQLite file by default, or postgresql+psycopg://user@host/db.
    database_url: str = DEFAULT_DATABASE_URL
    #: Demo mode: load the demo dataset into an empty database and offer a sign-in page that
    #: lets a visitor act as any demo person. Never for real data.
    demo: bool = False
    #: Key that signs session cookies and CSRF tokens; required outside demo mode.
    secret_key: str = field(default="", repr=False)
    #: The largest request body read, in bytes: a larger one is refused with 413 while it is
    #: read (or at once, by its Content-Length), so a request never holds more in memory.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: How long a change waits for its turn, in seconds, while another holds the registry
    #: (an import, for example); then it is refused as busy (503 with Retry-After).
    write_wait: float = 5.0
    #: Sign-in through an OpenID Connect provider; None: nobody signs in on the pages (the
    #: guide and the token API still work). The demo starts a local provider and sets it.
    sign_in: SignInSettings | None = None
    #: The web guide's public address (MANDAATWIJZER_BASE_URL), under which the terminal
    #: guide prints the links of an outcome.
    base_url: str = DEFAULT_BASE_URL

    def __repr__(self) -> str:
        secret = "'***'" if self.secret_key else "''"
        return (f"Settings(host={self.host!r}, port={self.port}, access_log={self.access_log}, "
                f"database_url={_mask_url(self.database_url)!r}, demo={self.demo}, "
                f"secret_key={secret}, max_body_bytes={self.max_body_bytes}, "
                f"write_wait={self.write_wait}, sign_in={self.sign_in!r})")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        port = env.get("MANDAATWIJZER_PORT", str(defaults.port))
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"MANDAATWIJZER_PORT is {port!r}; expected a port number 1-65535")
        body = env.get("MANDAATWIJZER_MAX_BODY_BYTES", str(defaults.max_body_bytes))
        if not body.isdecimal() or int(body) < 1:
            raise ValueError(f"MANDAATWIJZER_MAX_BODY_BYTES is {body!r}; expected a positive "
                             "number of bytes, e.g. 1048576 for 1 MiB")
        wait = env.get("MANDAATWIJZER_WRITE_WAIT", str(defaults.write_wait))
        try:
            write_wait = float(wait)
        except ValueError:
            write_wait = -1.0
        if not 0 < write_wait <= 600:
            raise ValueError(f"MANDAATWIJZER_WRITE_WAIT is {wait!r}; expected seconds from more "
                             "than 0 to 600, e.g. 5")
        demo = _flag(env.get("MANDAATWIJZER_DEMO", "0"))
        secret_key = env.get("MANDAATWIJZER_SECRET_KEY", "")
        sign_in = sign_in_from_env(env)
        if sign_in is not None and not secret_key and not demo:
            raise ValueError("sign-in is configured but not right:\n  MANDAATWIJZER_SECRET_KEY "
                             "is missing; expected a long random text (it signs the CSRF "
                             "tokens and the sign-in handshake), e.g. from "
                             "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
        return cls(
            host=env.get("MANDAATWIJZER_HOST", defaults.host),
            port=int(port),
            access_log=_flag(env.get("MANDAATWIJZER_ACCESS_LOG", "1")),
            database_url=env.get("MANDAATWIJZER_DATABASE_URL", defaults.database_url),
            demo=demo,
            secret_key=secret_key,
            max_body_bytes=int(body),
            write_wait=write_wait,
            sign_in=sign_in,
            base_url=base_url_from_env(env),
        )


def _mask_url(url: str) -> str:
    """A database URL with its password hidden."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"
