"""Limits at the door: no request body larger than the settings allow is ever held.

A pure ASGI middleware counts the bytes of the body while the app reads it and refuses with
413 as soon as they pass `Settings.max_body_bytes`, or at once when the Content-Length says
so, before anything is read: memory stays flat whatever a client sends. The app's own answer
to the interrupted read (whatever it made of the exception) is dropped for the 413: JSON
`{"errors": [{"code": "too_large", …}]}` under /api/, a page elsewhere. Nothing was changed:
a handler never gets a body it could act on.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api import error_response
from . import _i18n
from ._render import render


class BodyTooLargeError(Exception):
    """Raised from `receive` when the body passes the limit; never leaves the middleware."""


def size(limit: int) -> str:
    """A number of bytes as a person reads it: 1 MiB, 64 KiB, 1500 bytes."""
    for unit, factor in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= factor and limit % factor == 0:
            return f"{limit // factor} {unit}"
    return f"{limit} bytes"


def too_large(scope: Scope, limit: int) -> Response:
    path: str = scope["path"]
    if path.startswith("/api/"):
        return error_response(413, {
            "code": "too_large", "field": None,
            "message": f"the request body is larger than {size(limit)} ({limit} bytes), the "
                       "most this server reads; nothing was changed"})
    lang = _i18n.page_language(path, Headers(scope=scope).get("accept-language"))
    return render(lang, "too_large.html", path=f"/{lang}/", status=413, status_code=413,
                  limit=size(limit))


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimit:
    """Refuses a request body larger than `max_bytes` with 413, while it is read."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await too_large(scope, limit)(scope, receive, send)
            return
        received = 0
        refused = started = False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    raise BodyTooLargeError
            return message

        async def answer(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the app's answer to the interrupted read: the 413 replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, answer)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await too_large(scope, limit)(scope, receive, send)
