"""Mandates, page by side: signatures awaited from it, and mandates it gives or stops.

Signing, refusing and stopping go through a confirmation page (a GET, changing nothing) that
says who gains or loses access; only its POST changes, once."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import rules, services, views
from ...registry.consequences import Refusal, Signing, SignSide, Stopping
from ...registry.errors import ConflictError, NotFoundError, ValidationError
from ...registry.identifiers import EnterpriseNumber, InvalidIdentifierError, NationalNumber
from ...registry.model import Organisation, Party, Person
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
GIVEN = ("given", "asked", "stopped", "offered")


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
def signatures(request: Request, lang: str) -> Response:
    """For a mandate administrator (or a person for themself): sign or refuse."""
    return _signatures_page(request, lang)


def _href(lang: str, party: Party, page_name: str) -> str:
    return f"/{lang}/registry/parties/{party.id}/{page_name}"


def _side_of(found: Signing | Refusal) -> Party | None:
    """The party whose signature `found` is about."""
    mandate = found.mandate
    if found.side is SignSide.GIVER:
        return mandate.giver.party
    if found.side is SignSide.TAKER:
        return mandate.taker.party
    if found.side is SignSide.TRANSFER and mandate.pending_transfer_to is not None:
        return mandate.pending_transfer_to.party
    return None


def _signing_read(request: Request, mandate_id: str, decision: str,
                  side: SignSide | None = None) -> Signing | Refusal:
    ctx = context(request)
    with ctx.units() as uow:
        viewer = rules.person(uow.repo, _auth.person_id(request))
        read = views.refusal if decision == "refuse" else views.signing
        return read(uow.repo, viewer, mandate_id, ctx.clock.now(), side)


def _signing_page(request: Request, lang: str, mandate_id: str, decision: str, *,
                  changed: bool = False) -> Response:
    """The confirmation of a signature or a refusal, with the mandate in full and who gains
    (or loses) access; it changes nothing."""
    _ = gettext(lang)
    with context(request).units() as uow:
        party, name = _side(uow.repo, request)
    found = _signing_read(request, mandate_id, decision)
    if _side_of(found) != party:
        return _signatures_page(request, lang, status=409, errors=[{
            "field": "mandates",
            "message": _("This mandate awaits no signature from %(name)s.") % {"name": name}}])
    return show(request, lang, "registry/confirm_sign.html",
                path=_href(lang, party, "signatures"), consequence=found, decision=decision,
                party=party, party_name=name, back=_href(lang, party, "signatures"),
                changed=changed)


def _already_signed(request: Request, lang: str, party: Party,
                    found: Signing | Refusal, decision: str) -> Response:
    return show(request, lang, "registry/confirm_done.html",
                path=_href(lang, party, "signatures"), action=decision, consequence=found,
                back=_href(lang, party, "signatures"))


@page
def confirm_sign(request: Request, lang: str) -> Response:
    """What signing (or refusing) the mandate would do, and the button that does it."""
    decision = "refuse" if request.query_params.get("decision") == "refuse" else "sign"
    return _signing_page(request, lang, request.query_params.get("mandate", ""), decision)


@page
def sign(request: Request, lang: str) -> Response:
    """Sign or refuse the signature confirmed (`side`); without one, the confirmation page,
    nothing changed. A second submit of the same confirmation changes nothing and says so."""
    form = _auth.checked_form(request)
    ctx = context(request)
    with ctx.units() as uow:
        party, _name = _side(uow.repo, request)
    mandate_id, decision = form_text(form, "mandate"), form_text(form, "decision")
    decision = "refuse" if decision == "refuse" else "sign"
    try:
        side = SignSide(form_text(form, "side"))
    except ValueError:
        return _signing_page(request, lang, mandate_id, decision)
    found = _signing_read(request, mandate_id, decision, side)
    if found.already:
        return _already_signed(request, lang, party, found, decision)
    if found.side is not side or _side_of(found) != party:
        return _signing_page(request, lang, mandate_id, decision, changed=True)
    try:
        if decision == "refuse":
            services.refuse_mandate(ctx.units(), ctx.clock, _auth.person_id(request), mandate_id)
        else:
            # The side confirmed: a second copy sent at the same moment signs nothing.
            services.sign_mandate(ctx.units(), ctx.clock, _auth.person_id(request), mandate_id,
                                  _side_of(found))
    except ConflictError as error:
        again = _signing_read(request, mandate_id, decision, side)
        if again.already:
            return _already_signed(request, lang, party, again, decision)
        return _signatures_page(request, lang, status=409,
                                errors=[{"field": "mandates", "message": error.message}])
    done = "refused" if decision == "refuse" else "signed"
    return redirect(_href(lang, party, "signatures") + f"?done={done}")


# --- the mandates page: given, taken, and a new one with a party found by number -----------

#: How the other party of a new mandate was named: ("enterprise_number", typed),
#: ("national_number", typed: a POST, never in an address) or ("person", id).
Finding = tuple[str, str]


def _lookup(repo: Repository, finding: Finding,
            lang: str) -> tuple[Person | Organisation | None, list[dict[str, str]]]:
    """The person or organisation `finding` names, or the error beside its field."""
    field, value = finding
    found: Person | Organisation | None
    try:
        if field == "enterprise_number":
            found = views.organisation_with_number(repo, EnterpriseNumber.parse(value))
        elif field == "national_number":
            found = views.person_with_number(repo, NationalNumber.parse(value))
        else:
            found = views.find_person(repo, value)
    except InvalidIdentifierError as error:
        return None, [field_error(error)]
    if found is None:
        return None, [_not_registered(field, lang)]
    return found, []


def _found(repo: Repository, party: Party, finding: Finding | None,
           lang: str) -> tuple[views.Counterpart | None, list[dict[str, str]]]:
    """The counterpart named by `finding`, or the error beside its field."""
    if finding is None or not finding[1]:
        return None, []
    found, problems = _lookup(repo, finding, lang)
    if found is None:
        return None, problems
    return views.counterpart(repo, party, found), []


def _not_registered(field: str, lang: str) -> dict[str, str]:
    _ = gettext(lang)
    if field == "enterprise_number":
        return {"field": field, "message": _(
            "No organisation with this enterprise number is registered")}
    return {"field": "national_number", "message": _(
        "No person with this national register number is registered: they sign in to "
        "Mandaatwijzer once, and can then be found")}


def _mandates_page(request: Request, lang: str, *, finding: Finding | None = None,
                   errors: list[dict[str, str]] | None = None, until: str = "",
                   status: int = 200) -> Response:
    errors = list(errors or [])
    day = today(request)
    with context(request).units() as uow:
        repo = uow.repo
        party, name = _side(repo, request)
        other = None
        if not any(e["field"] in ("enterprise_number", "national_number") for e in errors):
            # A refusal of the mandate itself stays beside the counterpart it is about.
            other, problems = _found(repo, party, finding, lang)
            errors += problems
        return show(request, lang, "registry/mandates.html", repo=repo,
                    path=f"/{lang}/registry/parties/{party.id}/mandates", party=party,
                    party_name=name, mandates=views.given_by(repo, party, day),
                    taken=views.taken_by(repo, party, day), other=other,
                    finds_persons=views.finds_persons(repo, party),
                    number=finding[1] if finding and finding[0] == "enterprise_number" else "",
                    # Typed again only to be corrected: once found, it is shown masked.
                    national_number=finding[1] if finding and other is None
                    and finding[0] == "national_number" else "",
                    until=until, errors=errors,
                    status=422 if errors and status == 200 else status,
                    done=_done(request, GIVEN),
                    open_states=[state.value for state in views.OPEN_STATES])


@page
def mandates(request: Request, lang: str) -> Response:
    """A party's mandates, given and taken, and an organisation found by enterprise number
    (the address may hold one: it is no personal data) for a new mandate."""
    number = request.query_params.get("enterprise_number", "").strip()
    return _mandates_page(request, lang, finding=("enterprise_number", number))


@page
def find_person(request: Request, lang: str) -> Response:
    """A person found by national register number (posted: never in the address), for a new
    mandate between the party and that person."""
    form = _auth.checked_form(request)
    _ = gettext(lang)
    number = form_text(form, "national_number")
    errors = [] if number else [{"field": "national_number", "message": _(
        "Enter the national register number of the person")}]
    return _mandates_page(request, lang, finding=("national_number", number), errors=errors)


@page
def give(request: Request, lang: str) -> Response:
    """A new mandate between the party and the counterpart found: given to it (`role` give)
    or asked from it (`role` ask); the creator signs for the party."""
    form = _auth.checked_form(request)
    ctx = context(request)
    _ = gettext(lang)
    asks = form_text(form, "role") == "ask"
    person_id, until = form_text(form, "person"), form_text(form, "until")
    finding: Finding = ("person", person_id) if person_id else \
        ("enterprise_number", form_text(form, "enterprise_number"))
    with ctx.units() as uow:
        party, _name = _side(uow.repo, request)
        other, problems = _found(uow.repo, party, finding, lang)
        found = other.party if other is not None else None
    if found is None:
        return _mandates_page(request, lang, finding=finding, errors=problems or [{
            "field": "enterprise_number",
            "message": _("Enter the enterprise number of the organisation")}])
    try:
        end = parse_day(until) if until else None
    except ValueError:
        return _mandates_page(request, lang, finding=finding, until=until, errors=[
            {"field": "until", "message": _("Enter the date as YYYY-MM-DD, for example "
                                            "2025-03-03")}])
    giver, taker = (found, party) if asks else (party, found)
    try:
        services.create_mandate(ctx.units(), ctx.clock, _auth.person_id(request), giver,
                                taker, end=end)
    except ValidationError as error:
        return _mandates_page(request, lang, finding=finding, until=until,
                              errors=[field_error(error)])
    except ConflictError as error:
        return _mandates_page(request, lang, finding=finding, until=until, status=409,
                              errors=[{"field": "give", "message": error.message}])
    done = "asked" if asks else "given"
    return redirect(f"/{lang}/registry/parties/{party.id}/mandates?done={done}")


def _stopping_page(request: Request, lang: str, mandate_id: str, *,
                   changed: bool = False) -> Response:
    """The confirmation of a stop: the mandate, who loses access from when; it changes
    nothing. Once the mandate was stopped already, the notice that says so."""
    ctx = context(request)
    with ctx.units() as uow:
        repo = uow.repo
        party, name = _side(repo, request)
        found = views.stopping(repo, rules.person(repo, _auth.person_id(request)), mandate_id,
                               ctx.clock.now())
        _require_side(found, party)
        if found.already:
            return _already_stopped(request, lang, party, found)
        return show(request, lang, "registry/confirm_stop.html", repo=repo,
                    path=_href(lang, party, "mandates/stop"), stopping=found, party=party,
                    party_name=name, back=_href(lang, party, "mandates"), changed=changed)


def _require_side(found: Stopping, party: Party) -> None:
    """The mandate is one of the party's (given, taken or offered), or not found here."""
    mandate = found.mandate
    sides = [mandate.giver.party, mandate.taker.party]
    if mandate.pending_transfer_to is not None:
        sides.append(mandate.pending_transfer_to.party)
    if party not in sides:
        raise NotFoundError("mandate", mandate.id)


def _already_stopped(request: Request, lang: str, party: Party, found: Stopping) -> Response:
    return show(request, lang, "registry/confirm_done.html", path=_href(lang, party, "mandates"),
                action="stop", stopping=found, back=_href(lang, party, "mandates"))


def _stopping_read(request: Request, mandate_id: str) -> Stopping:
    ctx = context(request)
    with ctx.units() as uow:
        viewer = rules.person(uow.repo, _auth.person_id(request))
        return views.stopping(uow.repo, viewer, mandate_id, ctx.clock.now())


@page
def confirm_stop(request: Request, lang: str) -> Response:
    """What stopping the mandate would end, and the button that does it."""
    return _stopping_page(request, lang, request.query_params.get("mandate", ""))


@page
def stop(request: Request, lang: str) -> Response:
    """Stop the mandate confirmed; without the confirmation, its page, nothing changed. A
    second submit of the same confirmation changes nothing and says so."""
    form = _auth.checked_form(request)
    ctx = context(request)
    with ctx.units() as uow:
        party, _name = _side(uow.repo, request)
    mandate_id = form_text(form, "mandate")
    if form_text(form, "confirmed") != "stop":
        return _stopping_page(request, lang, mandate_id)
    found = _stopping_read(request, mandate_id)
    _require_side(found, party)
    if found.already:
        return _already_stopped(request, lang, party, found)
    try:
        services.stop_mandate(ctx.units(), ctx.clock, _auth.person_id(request), mandate_id)
    except ConflictError as error:
        again = _stopping_read(request, mandate_id)
        if again.already:
            return _already_stopped(request, lang, party, again)
        return _mandates_page(request, lang, status=409,
                              errors=[{"field": "mandates", "message": error.message}])
    return redirect(_href(lang, party, "mandates") + "?done=stopped")
