"""The JSON error body of every API answer that refuses: `{"errors": [problem, …]}`.

A problem names its `code` and a `message`, and where it applies the `field` (with what is
`expected`) or the `rule` that forbids it. The guide's routes, the registry's routes and the
app's HTTP errors all answer through `error_response`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

Problem = dict[str, Any]


def error_response(status: int, *problems: Problem,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errors": list(problems)}, status_code=status, headers=headers)
