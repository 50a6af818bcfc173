"""Mandates (create, sign, refuse, stop, transfer) and dossiers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...registry import services, views
from ...registry.model import Mandate, Party, PartyKind
from . import _schemas, _views
from ._deps import Authenticated, Ctx, PathId, Reader, SignedIn, Writer, today, viewer
from ._errors import CHANGE_ERRORS, ERRORS

router = APIRouter(route_class=Authenticated)


def _party(body: _schemas.PartyIn) -> Party:
    return Party(PartyKind(body.kind), body.id)


def _view(ctx: Ctx, mandate: Mandate) -> dict[str, Any]:
    return _views.mandate(mandate, today(ctx))


@router.post("/mandates", status_code=201, response_model=_schemas.Mandate, responses=CHANGE_ERRORS)
def create_mandate(body: _schemas.MandateIn, ctx: Ctx, actor: SignedIn) -> Any:
    """Create a KIOSK mandate; the creator signs for the side they act for."""
    mandate = services.create_mandate(ctx.units(), ctx.clock, actor.person_id,
                                      _party(body.giver), _party(body.taker), body.start,
                                      body.end)
    return _view(ctx, mandate)


@router.get("/mandates/{mandate_id}", response_model=_schemas.Mandate, responses=ERRORS)
def get_mandate(mandate_id: PathId, ctx: Ctx, actor: Reader) -> Any:
    with ctx.units() as uow:
        return _view(ctx, views.mandate(uow.repo, viewer(uow.repo, actor), mandate_id,
                                        today(ctx)))


@router.post("/mandates/{mandate_id}/sign", response_model=_schemas.Mandate,
             responses=CHANGE_ERRORS)
def sign_mandate(mandate_id: PathId, ctx: Ctx, actor: SignedIn) -> Any:
    """Sign the side the mandate awaits (or accept a transfer as the new taker).

    Accepting a transfer answers with the new mandate that replaces this one.
    """
    return _view(ctx, services.sign_mandate(ctx.units(), ctx.clock, actor.person_id,
                                            mandate_id))


@router.post("/mandates/{mandate_id}/refuse", response_model=_schemas.Mandate,
             responses=CHANGE_ERRORS)
def refuse_mandate(mandate_id: PathId, ctx: Ctx, actor: SignedIn) -> Any:
    return _view(ctx, services.refuse_mandate(ctx.units(), ctx.clock, actor.person_id,
                                              mandate_id))


@router.post("/mandates/{mandate_id}/stop", response_model=_schemas.Mandate,
             responses=CHANGE_ERRORS)
def stop_mandate(mandate_id: PathId, ctx: Ctx, actor: SignedIn) -> Any:
    return _view(ctx, services.stop_mandate(ctx.units(), ctx.clock, actor.person_id,
                                            mandate_id))


@router.post("/mandates/{mandate_id}/transfer", response_model=_schemas.Mandate,
             responses=CHANGE_ERRORS)
def transfer_mandate(mandate_id: PathId, body: _schemas.TransferIn, ctx: Ctx,
                     actor: SignedIn) -> Any:
    """Propose handing an active mandate to another provider, which must then sign it."""
    return _view(ctx, services.transfer_mandate(ctx.units(), ctx.clock, actor.person_id,
                                                mandate_id, _party(body.new_taker)))


@router.post("/dossiers", status_code=201, response_model=_schemas.Dossier, responses=CHANGE_ERRORS)
def add_dossier(body: _schemas.DossierIn, ctx: Ctx, actor: Writer) -> Any:
    """Record an applicant's KIOSK dossier (the system)."""
    dossier = services.add_dossier(ctx.units(), ctx.clock, _party(body.applicant), body.title,
                                   body.status, actor=f"token:{actor.token.id}")
    return _views.dossier(dossier)


@router.get("/applicants/{applicant_id}/dossiers", response_model=list[_schemas.Dossier],
            responses=ERRORS)
def list_dossiers(applicant_id: PathId, ctx: Ctx, actor: Reader) -> Any:
    """The applicant's dossiers, for whoever may manage them (or a token)."""
    with ctx.units() as uow:
        applicant = views.party_of(uow.repo, applicant_id)
        return [_views.dossier(d) for d in views.dossiers(uow.repo, viewer(uow.repo, actor),
                                                           applicant, today(ctx))]
