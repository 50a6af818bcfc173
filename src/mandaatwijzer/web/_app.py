"""The application factory: pages, API, static files, error pages and security headers."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles

from ..api import error_response
from ..api import registry as registry_api
from ..api import router as api_router
from ..config import Settings
from . import _i18n, _language_path, _pages  # noqa: F401 (registers {lang:lang})
from . import registry as registry_pages
from ._limits import BodyLimit
from ._render import render
from ._security import SecurityHeaders

PAGES = [
    Route("/", _pages.root),
    Route("/{lang:lang}/", _pages.index),
    Route("/{lang:lang}/glossary", _pages.glossary_page),
    Route("/{lang:lang}/flows/{flow}", _pages.start),
    Route("/{lang:lang}/flows/{flow}/step", _pages.step, methods=["GET"]),
    Route("/{lang:lang}/flows/{flow}/step", _pages.answer, methods=["POST"]),
    Route("/{lang:lang}/flows/{flow}/change/{question}", _pages.change),
    Route("/{lang:lang}/flows/{flow}/howto/{slug}", _pages.howto),
    Route("/{lang:lang}/flows/{flow}/diagram", _pages.diagram),
]


def _page_language(path: str, request: Request) -> str:
    return _i18n.page_language(path, request.headers.get("accept-language"))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    path = request.url.path
    if path.startswith("/api/"):
        code = "not_found" if error.status_code == 404 else "http_error"
        return error_response(error.status_code, {"code": code, "message": str(error.detail),
                                                  "field": None})
    lang = _page_language(path, request)
    return render(lang, "error.html", path=f"/{lang}/", status=error.status_code,
                  status_code=error.status_code)


def _api_docs(app: FastAPI) -> Any:
    async def api_docs(request: Request) -> Response:
        lang = _page_language("", request)
        return render(lang, "api_docs.html", path=f"/{lang}/", spec=app.openapi())

    return api_docs


def create_app(settings: Settings | None = None,
               registry: registry_api.RegistryContext | None = None) -> FastAPI:
    """The app; `registry` (units of work, tokens, clock) is built from the settings if None."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The registry and its access index load in the background from the start; requests
        # are answered meanwhile (/health/ready says when the index is in memory).
        registry_api.warm_up(app.state)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="Mandaatwijzer",
        summary="The decision guide for external service providers in KIOSK, as JSON.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.include_router(api_router)
    registry_api.install(app, settings, registry)
    app.add_route("/api/docs", _api_docs(app), include_in_schema=False)
    # Pages first: their paths start with a language (nl|en only), so an /api/... request
    # passes them after one regular-expression test instead of thirty API routes for a page.
    app.router.routes[:0] = [*PAGES, *registry_pages.PAGES]
    static = Path(str(files("mandaatwijzer.web"))) / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.add_exception_handler(HTTPException, _http_error)
    app.state.relying_party = registry_pages.relying_party(settings.sign_in)
    # The sign-in handshake (state, nonce, PKCE verifier): a signed cookie for /auth/ only.
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key or _random_key(),
                       session_cookie=registry_pages.HANDSHAKE_COOKIE,
                       max_age=registry_pages.HANDSHAKE_SECONDS,
                       path=registry_pages.HANDSHAKE_PATH, same_site="lax",
                       https_only=_https(settings))
    # Inside the security headers (the last added is the outermost), so a 413 has them too.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, access_log=settings.access_log,
                       form_targets=_provider_origins(settings))
    return app


def _random_key() -> str:
    """Without a configured key (the demo, tests), one per process."""
    return secrets.token_urlsafe(32)


def _https(settings: Settings) -> bool:
    return settings.sign_in is not None and settings.sign_in.redirect_base.startswith("https:")


def _provider_origins(settings: Settings) -> tuple[str, ...]:
    """The sign-in provider's origin: signing out posts a form that redirects there."""
    if settings.sign_in is None:
        return ()
    parts = urlsplit(settings.sign_in.issuer)
    return (f"{parts.scheme}://{parts.netloc}",)
