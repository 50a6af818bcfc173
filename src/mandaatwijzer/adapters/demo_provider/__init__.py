"""The local OpenID Connect provider of the demo: it stands in for ACM/IDM.

Built on `oidc-provider-mock` (a Flask app on Authlib), with what the web app relies on and the
mock lacks: the demo people as accounts (their national number in the claim `rrn`), a choice of
the means of authentication (the `acr` of the sign-in, preselected from the client's
`acr_values`), access tokens that are JWTs (RFC 9068: `typ` at+jwt, signed with the key the
JWKS publishes), token introspection (RFC 7662), a bilingual sign-in page without external
resources, and no debugger. `start` serves it on a loopback port in a daemon thread.

For tests of a relying party's refusals, `tamper` rewrites the claims of each token the token
endpoint issues (the token is signed again; with `"__sign_with_other_key__": True` in the
returned claims, with a key the JWKS does not publish).

The mock keeps everything in memory: a provider forgets its codes and tokens when it stops.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import logging
import secrets
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import authlib.deprecate  # type: ignore[import-untyped,unused-ignore]  # noqa: F401 (below)
import flask
import flask.typing
import werkzeug.debug
import werkzeug.serving
from joserfc import jwk, jwt
from joserfc.errors import JoseError

from ...registry.demo import PERSONS

# The mock imports `authlib.jose`, which Authlib marks as deprecated on import, with a filter
# "always" that `authlib.deprecate` puts in place when first imported (above): ours goes first.
# (The ignore of `authlib.deprecate` is unused where types-Authlib is installed.)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import oidc_provider_mock  # type: ignore[import-untyped]
    from oidc_provider_mock._app import OpenIDCode as _MockOpenIDCode  # type: ignore[import-untyped]

__all__ = [
    "EID",
    "FOREIGN_EID",
    "ITSME",
    "MEANS",
    "SIGN_WITH_OTHER_KEY",
    "TOKEN_LIFETIME",
    "TOTP",
    "DemoAccount",
    "Means",
    "RunningProvider",
    "demo_accounts",
    "start",
]

#: The `acr` values of ACM/IDM's means of authentication.
EID = "urn:be:vlaanderen:authmech:eid"
ITSME = "urn:be:vlaanderen:authmech:itsme"
TOTP = "urn:be:vlaanderen:authmech:csamtotp"
FOREIGN_EID = "urn:be:vlaanderen:authmech:eidassubstantial"

#: The claim key that makes `tamper` sign a token with a key the JWKS does not publish.
SIGN_WITH_OTHER_KEY = "__sign_with_other_key__"

#: How long access and ID tokens live.
TOKEN_LIFETIME = timedelta(hours=1)

_ALG = "RS256"
_MOCK = "oidc-provider-mock"
_TEMPLATES = Path(__file__).parent / "templates"

# The mock logs each authorization code it issues with the user (and so the claims, the
# national number among them) at INFO: keep only its warnings.
logging.getLogger("oidc_provider_mock").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class Means:
    """A means of authentication as the sign-in page offers it."""

    acr: str
    label_nl: str
    label_en: str


#: The means the sign-in page offers, in its order.
MEANS: tuple[Means, ...] = (
    Means(EID, "eID-kaartlezer", "eID card reader"),
    Means(ITSME, "itsme", "itsme"),
    Means(TOTP, "Authenticator-app (eenmalige code)", "Authenticator app (one-time code, TOTP)"),
    Means(FOREIGN_EID, "Buitenlandse eID (eIDAS)", "Foreign eID (eIDAS)"),
)
_MEANS_BY_ACR = {means.acr: means for means in MEANS}


@dataclass(frozen=True, slots=True)
class DemoAccount:
    sub: str
    given_name: str
    family_name: str
    #: The 11 digits of the national (or BIS) number: the claim `rrn`.
    national_number: str
    #: The means this person signs in with unless another is chosen.
    acr: str
    description_nl: str
    description_en: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def means(self) -> Means:
        return _MEANS_BY_ACR[self.acr]

    def claims(self, acr: str | None = None) -> dict[str, object]:
        return {"rrn": self.national_number, "given_name": self.given_name,
                "family_name": self.family_name, "name": self.name, "acr": acr or self.acr}


#: The demo person who has an eID but signs in with an authenticator app by default, which
#: shows that signing needs an eID sign-in.
_TOTP_PERSON = "sofie"


def demo_accounts() -> tuple[DemoAccount, ...]:
    """The people of the demo dataset (`registry.demo.PERSONS`) as accounts: subject
    `demo-<key>`, the name split on its first space, the means eID, a foreign eID for a person
    without a Belgian eID, and an authenticator app for Sofie."""
    accounts = []
    for person in PERSONS:
        given, _, family = person.name.partition(" ")
        acr = FOREIGN_EID if not person.has_eid else TOTP if person.key == _TOTP_PERSON else EID
        accounts.append(DemoAccount(f"demo-{person.key}", given, family, person.national_number,
                                    acr, person.description_nl, person.description_en))
    return tuple(accounts)


Tamper = Callable[[str, dict[str, object]], dict[str, object]]


@dataclass(frozen=True)
class RunningProvider:
    #: The provider's address, as its discovery document names it (`http://127.0.0.1:54321`).
    issuer: str
    _server: werkzeug.serving.BaseWSGIServer = dataclasses.field(repr=False)
    _thread: threading.Thread = dataclasses.field(repr=False)

    def stop(self) -> None:
        """Stop serving and free the port (waits at most about two seconds)."""
        if self._thread.is_alive():
            stopper = threading.Thread(target=self._server.shutdown, daemon=True)
            stopper.start()
            stopper.join(1.5)
            self._thread.join(0.5)
        self._server.server_close()


def start(accounts: Sequence[DemoAccount], *, audience: str, host: str = "127.0.0.1",
          port: int = 0, tamper: Tamper | None = None) -> RunningProvider:
    """Serve a provider for `accounts` on `host`:`port` (0: a free port) in a daemon thread.

    Its access tokens name `audience` as their `aud`. Any client id, secret and redirect URI
    is accepted. `tamper`, when given, rewrites the claims of every token the token endpoint
    issues: `tamper("id_token", claims)` and `tamper("access_token", claims)`.
    """
    app = _app(accounts, audience=audience, tamper=tamper)
    server = werkzeug.serving.make_server(host, port, app, threaded=True,
                                          request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"demo-provider-{server.server_port}", daemon=True)
    thread.start()
    netloc = f"[{host}]" if ":" in host else host
    return RunningProvider(f"http://{netloc}:{server.server_port}", server, thread)


class _QuietHandler(werkzeug.serving.WSGIRequestHandler):
    """No line per request on stderr (werkzeug adds a handler of its own to print them)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


# --- the app ---------------------------------------------------------------------------------


def _app(accounts: Sequence[DemoAccount], *, audience: str,
         tamper: Tamper | None) -> flask.Flask:
    by_sub = {account.sub: account for account in accounts}
    if len(by_sub) != len(accounts):
        raise ValueError("two demo accounts share a subject")
    if unknown := {account.acr for account in accounts} - set(_MEANS_BY_ACR):
        raise ValueError(f"means the sign-in page does not offer: {sorted(unknown)}")
    app = flask.Flask(__name__, template_folder=str(_TEMPLATES))
    app.secret_key = secrets.token_bytes(16)
    # Read by Authlib's AuthorizationServer.init_app, which the mock's init_app calls; the
    # keys come from the mock's storage, below.
    app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = _access_token_generator(audience,
                                                                          lambda: keys)
    app.jinja_env.globals.update(accounts=tuple(accounts), means=MEANS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        oidc_provider_mock.init_app(
            app, require_nonce=True, access_token_max_age=TOKEN_LIFETIME,
            user_claims=[oidc_provider_mock.User(sub=account.sub, claims=account.claims())
                         for account in accounts])
    # init_app turns on Flask's debug mode and werkzeug's debugger: never here.
    app.debug = False
    if isinstance(app.wsgi_app, werkzeug.debug.DebuggedApplication):
        app.wsgi_app = app.wsgi_app.app  # type: ignore[method-assign,assignment]

    with app.test_request_context():
        app.preprocess_request()  # the mock's own hook: it puts its storage in flask.g
        keys = _Keys(flask.g.oidc_provider_mock_storage)
        _replace_openid_extension(flask.g._authlib_authorization_server, keys)

    @app.before_request
    def record_the_means() -> flask.typing.ResponseReturnValue | None:
        request = flask.request
        if (request.endpoint != f"{_MOCK}.authorize" or request.method != "POST"
                or request.form.get("action") == "deny" or "sub" not in request.form):
            return None
        account = by_sub.get(request.form["sub"])
        if account is None:
            return _error(400, "unknown_subject", "Deze persoon bestaat hier niet.",
                          "This person does not exist here.")
        acr = request.form.get("acr") or account.acr
        if acr not in _MEANS_BY_ACR:
            return _error(400, "unknown_means", "Dit aanmeldmiddel bestaat hier niet.",
                          "This means of authentication does not exist here.")
        storage = flask.g.oidc_provider_mock_storage
        storage.store_user(oidc_provider_mock.User(sub=account.sub, claims=account.claims(acr)))
        return None

    @app.context_processor
    def requested_means() -> dict[str, object]:
        # One means asked for (an application that needs an eID) is preselected; a list of
        # acceptable ones leaves each person's usual means, as a real provider lets the
        # person choose among them.
        asked = flask.request.args.get("acr_values", "").split()
        one = len(asked) == 1 and asked[0] in _MEANS_BY_ACR
        return {"requested_acr": asked[0] if one else None}

    @app.post("/oauth2/introspect")
    def introspect() -> flask.typing.ResponseReturnValue:
        return _introspect(keys)

    @app.after_request
    def amend(response: flask.Response) -> flask.Response:
        endpoint = flask.request.endpoint
        if response.status_code not in (200, 302):
            return response
        if endpoint == f"{_MOCK}.authorize" and flask.request.form.get("action") == "deny":
            _deny_with_state(response)
        elif endpoint == f"{_MOCK}.openid_config":
            _amend_discovery(response)
        elif endpoint == f"{_MOCK}.issue_token" and tamper is not None:
            _tamper_tokens(response, tamper, keys)
        elif endpoint == f"{_MOCK}.userinfo":
            _userinfo_means(response)
        return response

    return app


class _OpenIDCode(_MockOpenIDCode):  # type: ignore[misc]
    """The mock's OpenID Connect extension of the code grant, signing ID tokens through
    Authlib's current hooks: the mock's `get_jwt_config` is Authlib's deprecated one, whose
    warning, in the server's threads, becomes an error under `-W error` (the test suite). And
    the header names the key's `kid`."""

    def __init__(self, keys: _Keys) -> None:
        super().__init__(require_nonce=True, token_max_age=TOKEN_LIFETIME)
        self._keys = keys

    def resolve_client_private_key(self, client: object) -> jwk.RSAKey:
        return self._keys.own

    def get_client_algorithm(self, client: object) -> str:
        return _ALG

    def get_client_claims(self, client: object) -> dict[str, object]:
        return {"iss": _issuer(), "exp": int(time.time() + TOKEN_LIFETIME.total_seconds())}

    def get_encode_header(self, client: object) -> dict[str, object]:
        return {"alg": _ALG, "kid": self._keys.own.kid}


def _replace_openid_extension(server: Any, keys: _Keys) -> None:
    """Put `_OpenIDCode` in place of the mock's extension, in the list Authlib's server keeps
    for the code grant (one list, in its authorization and its token grants)."""
    replaced = 0
    for _, extensions in server._authorization_grants:
        for index, extension in enumerate(extensions or ()):
            if type(extension) is _MockOpenIDCode:
                extensions[index] = _OpenIDCode(keys)
                replaced += 1
    if replaced != 1:
        raise RuntimeError("oidc-provider-mock registers its OpenID extension otherwise now")


class _Keys:
    """The mock's storage, its signing key (the one its JWKS publishes) and a key it never
    publishes (made at the first need)."""

    def __init__(self, storage: Any) -> None:
        self.storage = storage
        self.own = jwk.RSAKey.import_key(storage.jwk.as_dict(is_private=True))
        self._other: jwk.RSAKey | None = None
        self._lock = threading.Lock()

    @property
    def other(self) -> jwk.RSAKey:
        with self._lock:
            if self._other is None:
                self._other = jwk.RSAKey.generate_key(2048, private=True)
            return self._other


def _issuer() -> str:
    return flask.request.host_url.rstrip("/")


def _access_token_generator(audience: str, keys_of: Callable[[], _Keys]) -> Callable[..., str]:
    """What Authlib's `AuthorizationServer` calls (by keyword) for each access token."""

    def generate(*, client: Any, grant_type: str, user: Any, scope: str) -> str:
        keys = keys_of()
        now = int(time.time())
        claims = {"iss": _issuer(), "sub": user.sub, "aud": audience,
                  "client_id": client.get_client_id(), "scope": scope, "iat": now,
                  "exp": now + int(TOKEN_LIFETIME.total_seconds()),
                  "jti": secrets.token_urlsafe(16), "acr": user.claims.get("acr")}
        header = {"alg": _ALG, "typ": "at+jwt", "kid": keys.own.kid}
        return jwt.encode(header, claims, keys.own, algorithms=[_ALG])

    return generate


def _error(status: int, name: str, nl: str, en: str) -> tuple[str, int]:
    return flask.render_template("error.html", name=name, description=nl,
                                 description_en=en), status


def _json(response: flask.Response) -> dict[str, Any]:
    data = json.loads(response.get_data())
    assert isinstance(data, dict)
    return data


def _set_json(response: flask.Response, data: dict[str, Any]) -> None:
    response.set_data(json.dumps(data))


def _deny_with_state(response: flask.Response) -> None:
    """The mock's refusal leaves out the request's `state` (RFC 6749, 4.1.2.1 wants it)."""
    state = flask.request.args.get("state")
    location = response.headers.get("Location")
    if state is None or location is None:
        return
    parts = urlsplit(location)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name == "state" for name, _ in query):
        query.append(("state", state))
        response.headers["Location"] = urlunsplit(parts._replace(query=urlencode(query)))


def _amend_discovery(response: flask.Response) -> None:
    data = _json(response)
    data["introspection_endpoint"] = flask.url_for("introspect", _external=True)
    data["introspection_endpoint_auth_methods_supported"] = ["client_secret_basic",
                                                             "client_secret_post"]
    data["acr_values_supported"] = [means.acr for means in MEANS]
    data["claims_supported"] = ["sub", "rrn", "given_name", "family_name", "name", "acr"]
    data["token_endpoint_auth_methods_supported"] = ["client_secret_basic",
                                                     "client_secret_post", "none"]
    _set_json(response, data)


def _unverified_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT the provider already accepted (its storage holds it)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return None
    return claims if isinstance(claims, dict) else None


def _userinfo_means(response: flask.Response) -> None:
    """Userinfo reads the person's claims as stored at their last sign-in: the `acr` is the
    one of the sign-in that gave this access token."""
    authorization = flask.request.headers.get("Authorization", "")
    claims = _unverified_claims(authorization.removeprefix("Bearer ").strip())
    if claims and "acr" in claims:
        data = _json(response)
        data["acr"] = claims["acr"]
        _set_json(response, data)


# --- introspection (RFC 7662) ------------------------------------------------------------------


def _introspect(keys: _Keys) -> flask.typing.ResponseReturnValue:
    request = flask.request
    basic = request.authorization
    client_id = (basic.username if basic is not None and basic.type == "basic"
                 else request.form.get("client_id"))
    if not client_id:  # any client is accepted, but a client must say who it is
        return (flask.jsonify(error="invalid_client"), 401,
                {"WWW-Authenticate": 'Basic realm="introspection"'})
    token = request.form.get("token", "")
    return flask.jsonify(_token_info(token, keys) or {"active": False})


def _token_info(token: str, keys: _Keys) -> dict[str, object] | None:
    """What introspection says of a live access token the provider issued (signed with its
    key, not expired), None otherwise."""
    stored = keys.storage.get_access_token(token) if token else None
    if stored is None or stored.is_expired():
        return None
    try:
        claims = jwt.decode(token, keys.own, algorithms=[_ALG]).claims
    except (JoseError, ValueError):
        return None
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= time.time():
        return None
    info: dict[str, object] = {"active": True}
    info.update({name: claims.get(name) for name in
                 ("sub", "aud", "iss", "exp", "iat", "scope", "client_id", "acr")})
    info["token_type"] = "Bearer"
    return info


# --- tampering -------------------------------------------------------------------------------


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def _resign(token: str, kind: str, tamper: Tamper, keys: _Keys,
            amend: Callable[[dict[str, object]], None] | None = None) -> str:
    """`token` with the claims `tamper` makes of them, signed again when they changed."""
    decoded = jwt.decode(token, keys.own, algorithms=[_ALG])
    original = dict(decoded.claims)
    claims = dict(original)
    if amend is not None:
        amend(claims)
    claims = dict(tamper(kind, claims))
    other = bool(claims.pop(SIGN_WITH_OTHER_KEY, False))
    if claims == original and not other:
        return token
    return jwt.encode(dict(decoded.header), claims, keys.other if other else keys.own,
                      algorithms=[_ALG])


def _tamper_tokens(response: flask.Response, tamper: Tamper, keys: _Keys) -> None:
    data = _json(response)
    old_access = new_access = data.get("access_token")
    if isinstance(old_access, str):
        new_access = _resign(old_access, "access_token", tamper, keys)
        if new_access != old_access:
            _replace_access_token(old_access, new_access, data.get("refresh_token"), keys)
            data["access_token"] = new_access

    def rehash(claims: dict[str, object]) -> None:
        # The ID token's at_hash names the access token the client receives.
        if (isinstance(old_access, str) and isinstance(new_access, str)
                and claims.get("at_hash") == _at_hash(old_access)):
            claims["at_hash"] = _at_hash(new_access)

    if isinstance(data.get("id_token"), str):
        data["id_token"] = _resign(data["id_token"], "id_token", tamper, keys, rehash)
    _set_json(response, data)


def _replace_access_token(old: str, new: str, refresh: object, keys: _Keys) -> None:
    """Store the rewritten access token in place of the one issued (userinfo then accepts it,
    until the `exp` it carries), and point its refresh token at it."""
    storage = keys.storage
    stored = storage.remove_access_token(old)
    if stored is None:
        return
    changes: dict[str, object] = {"token": new}
    exp = (_unverified_claims(new) or {}).get("exp")
    if isinstance(exp, int):
        changes["expires_at"] = datetime.fromtimestamp(exp, UTC)
    storage.store_access_token(dataclasses.replace(stored, **changes))
    if isinstance(refresh, str) and (stored_refresh := storage.get_refresh_token(refresh)):
        storage.store_refresh_token(dataclasses.replace(stored_refresh, access_token=new))
