"""Transfers, proposed from either side of an active mandate: the new provider is found by
enterprise number, the confirmation says who would gain and lose access once it accepts, and
only its POST proposes, once. The new provider accepts or refuses on its signatures page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import rules, services, views
from ...registry.consequences import MandateFacts, Transferring, mandate_facts
from ...registry.errors import ConflictError, NotFoundError, ValidationError
from ...registry.model import Organisation, Party
from ...registry.ports import Repository
from . import _auth
from ._common import form_text, gettext, page, redirect, show
from ._mandates import _href, _lookup, _side


def _new_taker(repo: Repository, mandate: MandateFacts, number: str,
               lang: str) -> tuple[Party | None, list[dict[str, str]]]:
    """The provider the enterprise number names, once the mandate's giver could give it a
    mandate; or the error beside the field."""
    _ = gettext(lang)
    found, problems = _lookup(repo, ("enterprise_number", number), lang)
    if not isinstance(found, Organisation):
        return None, problems
    if found.party == mandate.taker.party:
        return None, [{"field": "enterprise_number", "message": _(
            "%(name)s holds this mandate already: enter the enterprise number of another "
            "external service provider") % {"name": found.name}}]
    refusal = views.counterpart(repo, mandate.giver.party, found).give_refusal
    if refusal is not None:
        return None, [{"field": "enterprise_number", "message": str(refusal)}]
    return found.party, []


def _read(request: Request, repo: Repository, mandate_id: str,
          number: str, lang: str) -> tuple[Party, str, MandateFacts, Transferring | None,
                                            list[dict[str, str]]]:
    """The party of the address, the mandate (one it gave or took), and the proposal to the
    provider `number` names (None while there is none, or an error)."""
    ctx = context(request)
    party, name = _side(repo, request)
    viewer = rules.person(repo, _auth.person_id(request))
    now = ctx.clock.now()
    mandate = mandate_facts(repo, views.mandate(repo, viewer, mandate_id, now.date()),
                            now.date())
    if party not in (mandate.giver.party, mandate.taker.party):
        raise NotFoundError("mandate", mandate_id)
    if not number:
        return party, name, mandate, None, []
    new_taker, errors = _new_taker(repo, mandate, number, lang)
    if new_taker is None:
        return party, name, mandate, None, errors
    return party, name, mandate, views.transferring(repo, viewer, mandate_id, new_taker,
                                                    now), []


def _page(request: Request, lang: str, mandate_id: str, number: str, *,
          errors: list[dict[str, str]] | None = None, status: int = 200) -> Response:
    """The mandate, the form that finds the new provider, and once found, what accepting would
    change with the button that proposes it; it changes nothing."""
    with context(request).units() as uow:
        party, name, mandate, proposal, problems = _read(request, uow.repo, mandate_id,
                                                         number, lang)
        errors = list(errors or []) or problems
        if proposal is not None and proposal.already:
            return _done(request, lang, party, proposal)
        return show(request, lang, "registry/confirm_transfer.html", repo=uow.repo,
                    path=_href(lang, party, "mandates/transfer"), mandate=mandate,
                    proposal=None if errors else proposal, number=number, party=party,
                    party_name=name, errors=errors,
                    status=422 if errors and status == 200 else status,
                    back=_href(lang, party, "mandates"))


def _done(request: Request, lang: str, party: Party, proposal: Transferring) -> Response:
    return show(request, lang, "registry/confirm_done.html",
                path=_href(lang, party, "mandates"), action="transfer", proposal=proposal,
                back=_href(lang, party, "mandates"))


@page
def confirm_transfer(request: Request, lang: str) -> Response:
    """To whom the mandate would go, and what would change once that provider accepts."""
    query = request.query_params
    return _page(request, lang, query.get("mandate", ""),
                 query.get("enterprise_number", "").strip())


@page
def transfer(request: Request, lang: str) -> Response:
    """Propose the transfer confirmed; without the confirmation, its page, nothing changed.
    A second submit of the same confirmation proposes nothing twice and says so."""
    form = _auth.checked_form(request)
    ctx = context(request)
    mandate_id, number = form_text(form, "mandate"), form_text(form, "enterprise_number")
    if form_text(form, "confirmed") != "transfer":
        return _page(request, lang, mandate_id, number)
    with ctx.units() as uow:
        party, _name, _mandate, proposal, _errors = _read(request, uow.repo, mandate_id,
                                                          number, lang)
    if proposal is None:
        return _page(request, lang, mandate_id, number)
    if proposal.already:
        return _done(request, lang, party, proposal)
    try:
        services.transfer_mandate(ctx.units(), ctx.clock, _auth.person_id(request),
                                  mandate_id, proposal.new_taker.party)
    except (ValidationError, ConflictError) as error:
        with ctx.units() as uow:
            again = _read(request, uow.repo, mandate_id, number, lang)[3]
        if again is not None and again.already:
            return _done(request, lang, party, again)
        return _page(request, lang, mandate_id, number, status=error.status, errors=[
            {"field": "enterprise_number", "message": error.message}])
    return redirect(_href(lang, party, "mandates") + "?done=offered")
