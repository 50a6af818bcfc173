"""Security headers on every response, and an access log that never contains answers."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

log = logging.getLogger("mandaatwijzer.access")


class SecurityHeaders:
    """Pure ASGI middleware: cheaper than BaseHTTPMiddleware on every request."""

    def __init__(self, app: ASGIApp, access_log: bool = True) -> None:
        self.app, self.access_log = app, access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
        if self.access_log and log.isEnabledFor(logging.INFO):
            # The path only: answers live in the query string and are never logged.
            _log_request(scope["method"], scope["path"], status,
                         (time.perf_counter() - started) * 1000)


def _log_request(method: str, path: str, status: int, milliseconds: float) -> None:
    """`log.info(...)`: the same message, level, logger and handlers, without `findCaller`.

    `Logger.info` walks the stack to find the file, line and function of its caller (about
    1% of a question page's instructions); here they are known: this file, the middleware's
    `__call__` (its first line), so the record is made and handled directly, as
    `Logger._log` does after that search.
    """
    record = log.makeRecord(log.name, logging.INFO, __file__, _LINE, "%s %s %d %.1fms",
                            (method, path, status, milliseconds), None, "__call__")
    log.handle(record)


_LINE = SecurityHeaders.__call__.__code__.co_firstlineno
