"""Security headers on every response, and an access log that never contains answers.

Every response, errors and 500s included, carries `HEADERS`; one that depends on who asks
(a registry page, anything under /api/registry, anything that sets a cookie) is never stored
(`Cache-Control: no-store`), so a shared or back-button cache cannot show one person's
registry, or the CSRF token of `/api/registry/me`, to the next; one served over HTTPS keeps
the browser on HTTPS (HSTS); a 405 names the methods the address takes (`Allow`). An
exception the app did not handle becomes a 500 here, inside the headers, with a body that
says nothing about the error, and is raised on so the server logs it.
"""

from __future__ import annotations

import logging
import re
import time

from starlette.responses import PlainTextResponse, Response
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api import error_response
from ..registry.errors import mask_national_numbers
from . import _i18n
from ._render import render

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def content_security_policy(form_targets: tuple[str, ...] = ()) -> str:
    """The policy, with `form_targets` (origins) allowed in `form-action` beside 'self'.

    Chromium applies `form-action` to the redirects that follow a form's POST too: signing
    out posts a form whose answer redirects to the sign-in provider, so its origin is named.
    """
    if not form_targets:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'",
                                           "form-action 'self' " + " ".join(form_targets))


#: The headers of every answer; the first, the policy, is the app's own (`form_targets`).
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
NO_STORE = (b"cache-control", b"no-store")
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")

#: The addresses whose answers depend on who asks: the registry's pages and its API.
PRIVATE = re.compile(r"/(?:(?:api|[a-z]{2})/registry|auth)(?:/|$)")

log = logging.getLogger("mandaatwijzer.access")


class SecurityHeaders:
    """Pure ASGI middleware: cheaper than BaseHTTPMiddleware on every request."""

    def __init__(self, app: ASGIApp, access_log: bool = True,
                 form_targets: tuple[str, ...] = ()) -> None:
        self.app, self.access_log = app, access_log
        self.csp = (b"content-security-policy", content_security_policy(form_targets).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        # As asked: the routing rewrites the scope's paths on the way in (a mount's prefix).
        path, root_path = scope["path"], scope.get("root_path", "")

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = _headers(scope, status, message.get("headers", []),
                                              path, root_path, self.csp)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if status == 0:  # nothing sent yet: answer here, with the headers
                await server_error(path)(scope, receive, send_with_headers)
            raise
        finally:
            if self.access_log and log.isEnabledFor(logging.INFO):
                # The path only: answers live in the query string and are never logged.
                _log_request(scope["method"], path, status,
                             (time.perf_counter() - started) * 1000)


def _headers(scope: Scope, status: int, headers: list[tuple[bytes, bytes]],
             path: str, root_path: str, csp: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    extra = [csp, *HEADERS[1:]]
    if PRIVATE.match(path) or any(name == b"set-cookie" for name, _ in headers):
        headers = [h for h in headers if h[0] != b"cache-control"]
        extra.append(NO_STORE)
    if scope.get("scheme") == "https":
        extra.append(HSTS)
    if status == 405:
        allowed = allowed_methods(scope.get("app"), path, root_path, headers)
        headers = [h for h in headers if h[0] != b"allow"]
        extra.append((b"allow", ", ".join(allowed).encode()))
    return [*headers, *extra]


#: The methods a 405's `Allow` may name (those the app's routes are asked about).
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(app: object, path: str, root_path: str,
                    headers: list[tuple[bytes, bytes]]) -> list[str]:
    """Every method some route of the app takes at this path. Starlette names the methods of
    the first route that matches the path only (a page's GET and POST are two routes), and
    the app's error handler drops even those; so each route is asked about each method.
    """
    methods = {m.strip() for name, value in headers if name == b"allow"
               for m in value.decode("latin-1").split(",") if m.strip()}
    router = getattr(app, "router", None)
    for route in getattr(router, "routes", ()):
        probe = {"type": "http", "path": path, "root_path": root_path, "method": "GET"}
        if isinstance(route, Mount):  # matches every method: only static files are known
            if isinstance(route.app, StaticFiles) and route.matches(probe)[0] is Match.FULL:
                methods |= {"GET", "HEAD"}
            continue
        for method in METHODS:
            if route.matches({**probe, "method": method})[0] is Match.FULL:
                methods.add(method)
    return sorted(methods)


def server_error(path: str) -> Response:
    """A 500 that tells nothing of the error: JSON under /api/, the error page elsewhere."""
    if path.startswith("/api/"):
        return error_response(500, {"code": "internal_error", "field": None,
                                    "message": "something went wrong on our side"})
    lang = _i18n.page_language(path, None)  # Dutch unless the path names a language
    try:
        return render(lang, "error.html", path=f"/{lang}/", status=500, status_code=500)
    except Exception:  # the pages themselves may be what is broken
        return PlainTextResponse("Internal Server Error", status_code=500)


def _log_request(method: str, path: str, status: int, milliseconds: float) -> None:
    """`log.info(...)`: the same message, level, logger and handlers, without `findCaller`.

    `Logger.info` walks the stack to find the file, line and function of its caller (about
    1% of a question page's instructions); here they are known: this file, the middleware's
    `__call__` (its first line), so the record is made and handled directly, as
    `Logger._log` does after that search. A national number put in the path is masked.
    """
    record = log.makeRecord(log.name, logging.INFO, __file__, _LINE, "%s %s %d %.1fms",
                            (method, mask_national_numbers(path), status, milliseconds),
                            None, "__call__")
    log.handle(record)


_LINE = SecurityHeaders.__call__.__code__.co_firstlineno
