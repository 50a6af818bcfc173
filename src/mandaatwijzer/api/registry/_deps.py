"""FastAPI dependencies: who acts, with which scope, and the shared registry context."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query
from starlette.requests import Request

from ...bootstrap import RegistryContext
from ...registry import policy, rules
from ...registry.model import Person
from ...registry.ports import Repository
from ...registry.tokens import ADMIN, READ, WRITE
from ._context import context
from ._errors import csrf_refused, missing_scope, unauthenticated
from ._identity import CSRF_HEADER, Actor, MachineActor, PersonActor, authenticate, csrf_valid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _actor(request: Request) -> Actor:
    ctx = context(request)
    actor = authenticate(request, ctx)
    if actor is None:
        raise unauthenticated()
    if isinstance(actor, PersonActor) and request.method not in SAFE_METHODS and \
            not csrf_valid(ctx, actor.session, request.headers.get(CSRF_HEADER)):
        raise csrf_refused()
    return actor


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
At = Annotated[date | None, Query(description="The day to answer for, YYYY-MM-DD "
                                  "(default: today)")]
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=200)]


def viewer(repo: Repository, actor: Actor) -> Person | None:
    """The person whose reads the policy limits; None for a token (the system sees all).

    `rules.person` is the core's lookup: the actor's record, refused when unknown."""
    return rules.person(repo, actor.person_id) if isinstance(actor, PersonActor) else None


def today(ctx: RegistryContext, at: date | None = None) -> date:
    return at or ctx.clock.now().date()
