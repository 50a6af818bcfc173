"""FastAPI dependencies: who acts, with which scope, and the shared registry context."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ...bootstrap import RegistryContext
from ...registry import means, policy, rules, signin
from ...registry.model import Person
from ...registry.ports import Repository
from ...registry.text import WITHOUT_CONTROL
from ...registry.tokens import ADMIN, READ, WRITE
from ._context import context
from ._errors import csrf_refused, missing_scope, unauthenticated
from ._identity import (
    CSRF_HEADER,
    SAFE_METHODS,
    Actor,
    MachineActor,
    PersonActor,
    authenticate,
    csrf_valid,
)
from ._schemas import Day

#: The furthest a listing pages: far beyond any registry's size, well inside a 64-bit
#: OFFSET (2^63 was a server error on both databases).
MAX_OFFSET = 1_000_000
MAX_LIMIT = 200


def _actor(request: Request) -> Actor:
    """Who acts, once per request (`Authenticated` asks first, before the body is read)."""
    found: Actor | None = getattr(request.state, "actor", None)
    if found is not None:
        return found
    ctx = context(request)
    try:
        actor = authenticate(request, ctx)
    except signin.SignInRefusedError as error:
        raise unauthenticated(error.phrase) from None
    if actor is None:
        raise unauthenticated()
    if isinstance(actor, PersonActor) and actor.session is not None and \
            request.method not in SAFE_METHODS and \
            not csrf_valid(ctx, actor.session, request.headers.get(CSRF_HEADER)):
        raise csrf_refused()
    request.state.actor = actor
    return actor


class Authenticated(APIRoute):
    """A registry route that refuses a request without valid credentials (401), or a change
    by cookie without its CSRF token (403), before it reads the body.

    FastAPI reads and parses the whole body before it solves any dependency: an anonymous
    200 MiB body was read before its 401. The actor found here is the one `_actor` gives the
    route's dependencies; the lookup of a token runs in the thread pool, as they do.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def authenticated(request: Request) -> Response:
            actor = await run_in_threadpool(_actor, request)
            # How a person signed in decides the eID rule (`rules.require_eid`); the route's
            # own thread inherits this context.
            acting = actor.means if isinstance(actor, PersonActor) else None
            try:
                with means.acting_with(acting):
                    return await handler(request)
            except HTTPException as error:
                # FastAPI's answer to a body it could not parse that was no JSON syntax error
                # (not UTF-8, nested too deep): a 400 where every other bad body is a 422.
                if error.status_code != 400:
                    raise
                raise RequestValidationError([{
                    "type": "json_invalid", "loc": ("body",),
                    "msg": "a JSON document in UTF-8"}]) from error

        return authenticated


def _scoped(actor: Actor, scope: str) -> None:
    if isinstance(actor, MachineActor) and scope not in actor.token.scopes:
        raise missing_scope(scope)


def _reader(actor: Annotated[Actor, Depends(_actor)]) -> Actor:
    _scoped(actor, READ)
    return actor


def _system(actor: Annotated[Actor, Depends(_actor)], scope: str) -> MachineActor:
    if isinstance(actor, PersonActor):
        policy.refuse_person_registering()
    _scoped(actor, scope)
    return actor


def _writer(actor: Annotated[Actor, Depends(_actor)]) -> MachineActor:
    return _system(actor, WRITE)


def _admin(actor: Annotated[Actor, Depends(_actor)]) -> MachineActor:
    return _system(actor, ADMIN)


def _person(actor: Annotated[Actor, Depends(_actor)]) -> PersonActor:
    if isinstance(actor, MachineActor):
        policy.refuse_system_acting()
    return actor


Ctx = Annotated[RegistryContext, Depends(context)]
AnyActor = Annotated[Actor, Depends(_actor)]
Reader = Annotated[Actor, Depends(_reader)]
Writer = Annotated[MachineActor, Depends(_writer)]
Admin = Annotated[MachineActor, Depends(_admin)]
SignedIn = Annotated[PersonActor, Depends(_person)]
At = Annotated[Day | None, Query(description="The day to answer for, YYYY-MM-DD "
                                 "(default: today)")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many to skip "
                              f"(at most {MAX_OFFSET:,})")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many to answer with")]
#: An id in the address: no control characters (a NUL was a server error on PostgreSQL).
PathId = Annotated[str, Path(min_length=1, max_length=64, pattern=WITHOUT_CONTROL)]
QueryId = Annotated[str, Query(min_length=1, max_length=64, pattern=WITHOUT_CONTROL)]


def viewer(repo: Repository, actor: Actor) -> Person | None:
    """The person whose reads the policy limits; None for a token (the system sees all).

    `rules.person` is the core's lookup: the actor's record, refused when unknown."""
    return rules.person(repo, actor.person_id) if isinstance(actor, PersonActor) else None


def today(ctx: RegistryContext, at: date | None = None) -> date:
    return at or ctx.clock.now().date()
