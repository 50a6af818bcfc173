"""The registry's JSON API under /api/registry: thin routes over the use cases.

A person acts through the session cookie of a sign-in (and sends the CSRF token with every
change), or through an access token of the sign-in provider; a machine through an API token,
as the system, within its scopes. The web pages share the
session and its CSRF token, through the names exported here; the web pages and the command
line share the JSON views (`*_view`: the API's fields for each object).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError

from ...bootstrap import RegistryContext, build_context
from ...config import Settings
from ...registry.errors import RegistryError
from ...registry.tokens import ADMIN, READ, SCOPES, WRITE
from . import (
    _admin,
    _context,
    _find,
    _health,
    _history,
    _identity,
    _mandates,
    _people,
    _queries,
    _why,
)
from ._context import context, warm_up
from ._errors import ApiError, api_error, registry_error, validation_error
from ._identity import (
    CSRF_FIELD,
    SESSION_COOKIE,
    Session,
    claim_names,
    clear_session,
    csrf_token,
    csrf_valid,
    eid_means,
    read_session,
    session_rules,
    write_session,
)
from ._views import decision as decision_view
from ._views import dossier as dossier_view
from ._views import local_admin as local_admin_view
from ._views import mandate as mandate_view
from ._views import organisation as organisation_view
from ._views import page as page_view
from ._views import person as person_view
from ._views import right as right_view
from ._views import work_relation as work_relation_view
from ._why import fix_view, todo_view, why_view

router = APIRouter(prefix="/api/registry", tags=["registry"])
for _module in (_people, _mandates, _queries, _admin, _find, _history, _why):
    router.include_router(_module.router)


def install(app: FastAPI, settings: Settings, ready: RegistryContext | None = None) -> None:
    """Add the routes, the error handlers and the security schemes of the OpenAPI document;
    the context is built on first use."""
    _context.install(app.state, settings, ready)
    app.include_router(router)
    app.add_route("/health/live", _health.live, methods=["GET"], include_in_schema=False)
    app.add_route("/health/ready", _health.ready, methods=["GET"], include_in_schema=False)
    _identity.document_security(app)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RegistryError, registry_error)
    app.add_exception_handler(RequestValidationError, validation_error)


__all__ = [
    "ADMIN",
    "CSRF_FIELD",
    "READ",
    "SCOPES",
    "SESSION_COOKIE",
    "WRITE",
    "RegistryContext",
    "Session",
    "build_context",
    "claim_names",
    "clear_session",
    "context",
    "csrf_token",
    "csrf_valid",
    "decision_view",
    "dossier_view",
    "eid_means",
    "fix_view",
    "install",
    "local_admin_view",
    "mandate_view",
    "organisation_view",
    "page_view",
    "person_view",
    "read_session",
    "right_view",
    "router",
    "session_rules",
    "todo_view",
    "warm_up",
    "why_view",
    "work_relation_view",
    "write_session",
]
