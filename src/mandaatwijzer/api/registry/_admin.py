"""API tokens: listed, created and revoked with a token that has registry:admin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from ...registry import tokens
from . import _schemas
from ._deps import Admin, Authenticated, Ctx, PathId
from ._errors import CHANGE_ERRORS, ERRORS

router = APIRouter(route_class=Authenticated)


@router.get("/tokens", response_model=list[_schemas.Token], responses=ERRORS)
def list_tokens(ctx: Ctx, actor: Admin) -> Any:
    return [{"id": t.id, "name": t.name, "scopes": sorted(t.scopes), "revoked": t.revoked}
            for t in ctx.tokens.list_tokens()]


@router.post("/tokens", status_code=201, response_model=_schemas.NewToken, responses=CHANGE_ERRORS)
def create_token(body: _schemas.TokenIn, ctx: Ctx, actor: Admin) -> Any:
    """A new token; its secret is in this answer only."""
    token_id, secret = tokens.create_token(ctx.tokens, body.name, body.scopes)
    return {"id": token_id, "name": body.name, "scopes": sorted(set(body.scopes)),
            "secret": secret}


@router.delete("/tokens/{token_id}", status_code=204, responses=CHANGE_ERRORS)
def revoke_token(token_id: PathId, ctx: Ctx, actor: Admin) -> Response:
    tokens.revoke_token(ctx.tokens, token_id)
    return Response(status_code=204)
