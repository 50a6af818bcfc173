"""Health for a load balancer or an orchestrator: `/health/live` answers while the process
serves; `/health/ready` only once the registry is open and its access index loaded (503 with
Retry-After before), so that no request is sent to a process still warming up."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _context

#: Seconds a balancer waits before asking again while the index loads.
RETRY_AFTER = 5


async def live(request: Request) -> Response:
    return JSONResponse({"status": "live"}, headers={"Cache-Control": "no-store"})


async def ready(request: Request) -> Response:
    if _context.ready(request.app.state):
        return JSONResponse({"status": "ready"}, headers={"Cache-Control": "no-store"})
    return JSONResponse({"status": "starting"}, status_code=503,
                        headers={"Cache-Control": "no-store",
                                 "Retry-After": str(RETRY_AFTER)})
