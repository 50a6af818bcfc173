"""Mandates, page by side: signatures awaited from it, and mandates it gives or stops."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import services, views
from ...registry.errors import ConflictError, ValidationError
from ...registry.identifiers import EnterpriseNumber, InvalidIdentifierError
from ...registry.model import Party
from ...registry.ports import Repository
from ...registry.text import parse_day
from . import _auth
from ._common import (
    field_error,
    form_text,
    gettext,
    page,
    redirect,
    show,
    today,
)

SIGNED = ("signed", "refused")
GIVEN = ("given", "stopped")


def _side(repo: Repository, request: Request) -> tuple[Party, str]:
    """The party of the address, once the signed-in person may sign for it."""
    side = views.signing_side(repo, _auth.person_id(request), request.path_params["party"],
                              today(request))
    return side.party, side.name


def _done(request: Request, allowed: tuple[str, ...]) -> str | None:
    done = request.query_params.get("done")
    return done if done in allowed else None


# --- signatures ------------------------------------------------------------------------------

def _signatures_page(request: Request, lang: str, *, errors: list[dict[str, str]] | None = None,
                     status: int = 200) -> Response:
    day = today(request)
    with context(request).units() as uow:
        repo = uow.repo
        party, name = _side(repo, request)
        awaiting = views.awaiting_from(repo, _auth.person_id(request), party, day)
        return show(request, lang, "registry/signatures.html", repo=repo,
                    path=f"/{lang}/registry/parties/{party.id}/signatures", party=party,
                    party_name=name, mandates=awaiting,
                    errors=errors or [], status=status, done=_done(request, SIGNED))


@page
async def signatures(request: Request, lang: str) -> Response:
    """For a mandate administrator (or a person for themself): sign or refuse."""
    return _signatures_page(request, lang)


@page
async def sign(request: Request, lang: str) -> Response:
    form = await _auth.checked_form(request)
    ctx = context(request)
    with ctx.units() as uow:
        party, _name = _side(uow.repo, request)
    mandate_id, decision = form_text(form, "mandate"), form_text(form, "decision")
    use_case = services.refuse_mandate if decision == "refuse" else services.sign_mandate
    try:
        use_case(ctx.units(), ctx.clock, _auth.person_id(request), mandate_id)
    except ConflictError as error:
        return _signatures_page(request, lang, status=409,
                                errors=[{"field": "mandates", "message": error.message}])
    done = "refused" if decision == "refuse" else "signed"
    return redirect(f"/{lang}/registry/parties/{party.id}/signatures?done={done}")


# --- giving and stopping ---------------------------------------------------------------------

def _mandates_page(request: Request, lang: str, *, number: str = "",
                   errors: list[dict[str, str]] | None = None, until: str = "",
                   status: int = 200) -> Response:
    _ = gettext(lang)
    errors = list(errors or [])
    day = today(request)
    provider = None
    with context(request).units() as uow:
        repo = uow.repo
        party, name = _side(repo, request)
        if number and not errors:
            try:
                found = views.organisation_with_number(repo, EnterpriseNumber.parse(number))
            except InvalidIdentifierError as error:
                errors.append(field_error(error))
            else:
                if found is None:
                    errors.append({"field": "enterprise_number", "message": _(
                        "No organisation with this enterprise number is registered")})
                provider = found
        given = views.given_by(repo, party, day)
        return show(request, lang, "registry/mandates.html", repo=repo,
                    path=f"/{lang}/registry/parties/{party.id}/mandates", party=party,
                    party_name=name, mandates=given, provider=provider, number=number,
                    until=until, errors=errors,
                    status=422 if errors and status == 200 else status,
                    done=_done(request, GIVEN),
                    open_states=[state.value for state in views.OPEN_STATES])


@page
async def mandates(request: Request, lang: str) -> Response:
    """For an applicant: its mandates, and a provider found by enterprise number."""
    number = request.query_params.get("enterprise_number", "").strip()
    return _mandates_page(request, lang, number=number)


@page
async def give(request: Request, lang: str) -> Response:
    form = await _auth.checked_form(request)
    ctx = context(request)
    _ = gettext(lang)
    number, until = form_text(form, "enterprise_number"), form_text(form, "until")
    with ctx.units() as uow:
        giver, _name = _side(uow.repo, request)
        found, problem = None, None
        try:
            found = views.organisation_with_number(uow.repo, EnterpriseNumber.parse(number))
        except InvalidIdentifierError as error:
            problem = field_error(error)
        taker = found.party if found is not None else None
    if problem is not None:
        return _mandates_page(request, lang, number=number, errors=[problem])
    if taker is None:
        return _mandates_page(request, lang, number=number)
    try:
        end = parse_day(until) if until else None
    except ValueError:
        return _mandates_page(request, lang, number=number, until=until, errors=[
            {"field": "until", "message": _("Enter the date as YYYY-MM-DD, for example "
                                            "2025-03-03")}])
    try:
        services.create_mandate(ctx.units(), ctx.clock, _auth.person_id(request), giver,
                                taker, end=end)
    except ValidationError as error:
        return _mandates_page(request, lang, number=number, until=until,
                              errors=[field_error(error)])
    except ConflictError as error:
        return _mandates_page(request, lang, number=number, until=until, status=409,
                              errors=[{"field": "give", "message": error.message}])
    return redirect(f"/{lang}/registry/parties/{giver.id}/mandates?done=given")


@page
async def stop(request: Request, lang: str) -> Response:
    form = await _auth.checked_form(request)
    ctx = context(request)
    with ctx.units() as uow:
        party, _name = _side(uow.repo, request)
    try:
        services.stop_mandate(ctx.units(), ctx.clock, _auth.person_id(request),
                              form_text(form, "mandate"))
    except ConflictError as error:
        return _mandates_page(request, lang, status=409,
                              errors=[{"field": "mandates", "message": error.message}])
    return redirect(f"/{lang}/registry/parties/{party.id}/mandates?done=stopped")
