"""Every refusal of the registry API as `{"errors": [{code, message, field | rule}]}`."""

from __future__ import annotations

from typing import Any

from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import Response

from ...registry.errors import (
    BusyError,
    RegistryError,
    RuleViolationError,
    Text,
    ValidationError,
)
from ...registry.phrases import N_, phrase_of
from .._language import DEFAULT_LANGUAGE, negotiate, speaking
from .._problems import Problem, error_response
from ._expected import expected as expected_of
from ._identity import PREFIX
from ._schemas import Errors


class ApiError(Exception):
    """A refusal that is not the registry's own: authentication, scopes, CSRF. Its message is
    a phrase, said in the request's language when answered."""

    def __init__(self, status: int, problem: Problem, message: Text,
                 headers: dict[str, str] | None = None) -> None:
        self.phrase = phrase_of(message)
        super().__init__(self.phrase)
        self.status, self.problem, self.headers = status, problem, headers or {}


def unauthenticated(why: Text | None = None) -> ApiError:
    """401: no credentials, or `why` a person's access token was not accepted."""
    if why is None:
        return ApiError(401, {"code": "unauthenticated"},
                        N_("sign in, or send a valid token as 'Authorization: Bearer <token>'"),
                        {"WWW-Authenticate": 'Bearer realm="mandaatwijzer"'})
    return ApiError(401, {"code": "invalid_token"}, why,
                    {"WWW-Authenticate": 'Bearer realm="mandaatwijzer", error="invalid_token"'})


def missing_scope(scope: str) -> ApiError:
    return ApiError(403, {"code": "insufficient_scope", "rule": scope},
                    N_("this token lacks the scope {scope}", scope=scope),
                    {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'})


def csrf_refused() -> ApiError:
    return ApiError(403, {"code": "csrf", "rule": "csrf_token"},
                    N_("a request signed in by cookie must send the session's CSRF token in the "
                       "X-CSRF-Token header (GET /api/registry/me returns it)"))


def problem_of(error: RegistryError, lang: str = DEFAULT_LANGUAGE) -> tuple[int, Problem]:
    """The status and the problem for an error of the registry (identifiers' included): its
    codes, the same in every language, and its sentence in `lang`."""
    with speaking(lang):
        if isinstance(error, ValidationError):
            return 422, {"code": ValidationError.code, "field": error.field,
                         "message": error.advice, "expected": error.expected}
        problem: Problem = {"code": error.code, "message": error.message}
    if isinstance(error, RuleViolationError):
        problem["rule"] = error.rule
    return error.status, problem


async def api_error(request: Request, error: Exception) -> Response:
    """The refusal, its message in the request's language (`registry_error`)."""
    assert isinstance(error, ApiError)
    lang = negotiate(request.headers.get("accept-language"))
    with speaking(lang):
        problem = {"code": error.problem["code"], "message": str(error.phrase),
                   **{k: v for k, v in error.problem.items() if k != "code"}}
    return error_response(error.status, problem, headers={
        **error.headers, "Content-Language": lang, "Vary": "Accept-Language"})


async def registry_error(request: Request, error: Exception) -> Response:
    """The registry's refusal, its message in the language of the request's
    Accept-Language (English without one), which `Content-Language` names."""
    assert isinstance(error, RegistryError)
    lang = negotiate(request.headers.get("accept-language"))
    status, problem = problem_of(error, lang)
    headers = {"Content-Language": lang, "Vary": "Accept-Language"}
    if isinstance(error, BusyError):
        headers["Retry-After"] = str(error.retry_after)
    return error_response(status, problem, headers=headers)


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location[1:]] if len(location) > 1 else [str(p) for p in location]
    return ".".join(parts) or "body"


async def validation_error(request: Request, error: Exception) -> Response:
    """Bad requests to the registry in its own shape; elsewhere FastAPI's as before."""
    assert isinstance(error, RequestValidationError)
    if not request.url.path.startswith(PREFIX):
        return await request_validation_exception_handler(request, error)
    problems = []
    lang = negotiate(request.headers.get("accept-language"))
    for item in error.errors():
        # A JSON syntax error's place is a character's position: the field is the body.
        field = "body" if item.get("type") == "json_invalid" else \
            _field(tuple(item.get("loc", ())))
        with speaking(lang):
            expected = expected_of(item)
        # The input is left out: it may be a national number.
        problems.append({"code": "invalid", "field": field,
                         "message": f"{field}: {expected}", "expected": expected})
    return error_response(422, *problems, headers={"Content-Language": lang,
                                                   "Vary": "Accept-Language"})


def _documented(description: str) -> dict[str, Any]:
    return {"model": Errors, "description": description}


#: The refusals every registry endpoint may answer with, for the OpenAPI description.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: _documented("Not signed in, or an unknown or revoked token; answered before the "
                     "body is read"),
    403: _documented("A rule, a missing scope or a missing CSRF token forbids it; the refusal "
                     "names it"),
    404: _documented("No such person, organisation, right or mandate"),
    422: _documented("A field is wrong (a control character, a number out of bounds, a date "
                     "not as YYYY-MM-DD …); the refusal names it and what is expected"),
    503: {**_documented("The registry is busy: nothing was done, try again after the "
                        "Retry-After seconds"),
          "headers": {"Retry-After": {"description": "Seconds to wait before trying again",
                                      "schema": {"type": "integer"}}}},
}
#: …those of an endpoint that reads a body, which may be too large…
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    413: _documented("The body is larger than the server reads (MANDAATWIJZER_MAX_BODY_BYTES, "
                     "1 MiB by default); nothing was read further, nothing changed"),
}
#: …and those of a change, which may also not fit the current state.
CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **BODY_ERRORS,
    409: _documented("The action does not fit the current state"),
}
