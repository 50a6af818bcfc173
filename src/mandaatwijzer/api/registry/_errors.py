"""Every refusal of the registry API as `{"errors": [{code, message, field | rule}]}`."""

from __future__ import annotations

from typing import Any

from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import Response

from ...registry.errors import (
    NotFoundError,
    RegistryError,
    RuleViolationError,
    ValidationError,
)
from .._problems import Problem, error_response
from ._schemas import Errors

PREFIX = "/api/registry"


class ApiError(Exception):
    """A refusal that is not the registry's own: authentication, scopes, CSRF."""

    def __init__(self, status: int, problem: Problem,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(problem["message"])
        self.status, self.problem, self.headers = status, problem, headers or {}


def unauthenticated() -> ApiError:
    return ApiError(401, {"code": "unauthenticated",
                          "message": "sign in, or send a valid token as "
                                     "'Authorization: Bearer <token>'"},
                    {"WWW-Authenticate": 'Bearer realm="mandaatwijzer"'})


def missing_scope(scope: str) -> ApiError:
    return ApiError(403, {"code": "insufficient_scope",
                          "message": f"this token lacks the scope {scope}", "rule": scope},
                    {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'})


def csrf_refused() -> ApiError:
    return ApiError(403, {"code": "csrf", "rule": "csrf_token",
                          "message": "a request signed in by cookie must send the session's "
                                     "CSRF token in the X-CSRF-Token header (GET /api/registry/me "
                                     "returns it)"})


def problem_of(error: RegistryError) -> tuple[int, Problem]:
    """The status and the problem for an error of the registry (identifiers' included)."""
    if isinstance(error, ValidationError):
        return 422, {"code": ValidationError.code, "field": error.field,
                     "message": f"{error.problem}; expected {error.expected}",
                     "expected": error.expected}
    problem: Problem = {"code": error.code, "message": error.message}
    if isinstance(error, RuleViolationError):
        problem["rule"] = error.rule
    if isinstance(error, NotFoundError):
        problem["message"] = f"no {error.kind} {error.key}"
    return error.status, problem


async def api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.problem, headers=error.headers)


async def registry_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RegistryError)
    status, problem = problem_of(error)
    return error_response(status, problem)


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location[1:]] if len(location) > 1 else [str(p) for p in location]
    return ".".join(parts) or "body"


async def validation_error(request: Request, error: Exception) -> Response:
    """Bad requests to the registry in its own shape; elsewhere FastAPI's as before."""
    assert isinstance(error, RequestValidationError)
    if not request.url.path.startswith(PREFIX):
        return await request_validation_exception_handler(request, error)
    problems = []
    for item in error.errors():
        field = _field(tuple(item.get("loc", ())))
        expected = str(item.get("msg", "a valid value"))
        # The input is left out: it may be a national number.
        problems.append({"code": "invalid", "field": field,
                         "message": f"{field}: {expected}", "expected": expected})
    return error_response(422, *problems)



def _documented(description: str) -> dict[str, Any]:
    return {"model": Errors, "description": description}


#: The refusals every registry endpoint may answer with, for the OpenAPI description.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: _documented("Not signed in, or an unknown or revoked token"),
    403: _documented("A rule or a missing scope forbids it; the refusal names it"),
    404: _documented("No such person, organisation, right or mandate"),
    409: _documented("The action does not fit the current state"),
    422: _documented("A field is wrong; the refusal names it and what is expected"),
}
