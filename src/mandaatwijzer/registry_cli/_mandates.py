"""Mandates, the access question (`may-manage`) and the listings built on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import typer

from ..registry import queries, services, views
from ..registry.access import Decision
from ..registry.audit import snapshot
from ..registry.model import Mandate
from ..registry.ports import Clock, Repository, UnitOfWork
from . import _common as c

mandate_app = typer.Typer(help="Create, sign, refuse, stop, transfer and list mandates.",
                          no_args_is_help=True)

MandateArg = Annotated[str, typer.Argument(metavar="MANDATE", help="Mandate id.")]


def mandate_json(mandate: Mandate, day: date) -> dict[str, Any]:
    activated = mandate.activated_at
    return {**snapshot(mandate), "status": mandate.status(day).value,
            "activated_at": activated.isoformat() if activated else None}


def mandate_line(repo: Repository, mandate: Mandate, day: date) -> str:
    line = (f"mandate {mandate.id} [{mandate.status(day).value}] "
            f"{c.name(repo, mandate.giver)} -> {c.name(repo, mandate.taker)}, "
            f"{c.period(mandate.period)}")
    if mandate.pending_transfer_to is not None:
        line += (f"; transfer to {c.name(repo, mandate.pending_transfer_to)} awaits its "
                 "signature")
    if mandate.successor_id is not None:
        line += (f"; transferred to {c.name(repo, mandate.transferred_to)} "
                 f"(mandate {mandate.successor_id})")
    return line


def _at(text: str | None) -> date:
    return c.day(text, "at") or c.today()


# --- the life cycle --------------------------------------------------------------------------


@mandate_app.command("create")
@c.handled
def mandate_create(
    giver_ref: Annotated[str, typer.Argument(
        metavar="GIVER", help="The mandate giver: a person or an organisation (id, enterprise "
        "number, or person:ID / organisation:ID).")],
    taker_ref: Annotated[str, typer.Argument(
        metavar="TAKER", help="The mandate taker: a person or a service provider.")],
    actor: c.Actor,
    start: Annotated[str | None, typer.Option(help="First day; default: today.")] = None,
    end: Annotated[str | None, typer.Option(help="Last day; default: unlimited.")] = None,
) -> None:
    """Create a KIOSK mandate; the creator signs for the side they act for."""
    with c.uow().changing() as uow:
        repo = uow.repo
        mandate = services.create_mandate(
            uow, c.clock(), c.person(repo, actor, "as").id, c.party(repo, giver_ref, "giver"),
            c.party(repo, taker_ref, "taker"), c.day(start, "start"), c.day(end, "end"))
        c.out(mandate_line(uow.repo, mandate, c.today()))


def _act(use_case: Callable[[UnitOfWork, Clock, str, str], Mandate], mandate_id: str,
         actor: str) -> None:
    with c.uow().changing() as uow:
        mandate = use_case(uow, c.clock(), c.person(uow.repo, actor, "as").id, mandate_id)
        c.out(mandate_line(uow.repo, mandate, c.today()))


@mandate_app.command("sign")
@c.handled
def mandate_sign(mandate_id: MandateArg, actor: c.Actor) -> None:
    """Sign the side a mandate awaits (or accept a proposed transfer as the new taker)."""
    _act(services.sign_mandate, mandate_id, actor)


@mandate_app.command("refuse")
@c.handled
def mandate_refuse(mandate_id: MandateArg, actor: c.Actor) -> None:
    """Refuse to sign a mandate, or a proposed transfer as its new taker.

    A refused mandate stops without becoming active; a refused transfer is dropped.
    """
    _act(services.refuse_mandate, mandate_id, actor)


@mandate_app.command("stop")
@c.handled
def mandate_stop(mandate_id: MandateArg, actor: c.Actor) -> None:
    """Stop a mandate (either side)."""
    _act(services.stop_mandate, mandate_id, actor)


@mandate_app.command("transfer")
@c.handled
def mandate_transfer(
    mandate_id: MandateArg,
    new_taker_ref: Annotated[str, typer.Argument(
        metavar="NEW_TAKER", help="The service provider to hand the mandate to.")],
    actor: c.Actor,
) -> None:
    """Propose handing an active mandate to another provider, which then signs it."""
    with c.uow().changing() as uow:
        repo = uow.repo
        mandate = services.transfer_mandate(uow, c.clock(), c.person(repo, actor, "as").id,
                                            mandate_id, c.party(repo, new_taker_ref,
                                                                "new_taker"))
        c.out(mandate_line(uow.repo, mandate, c.today()))


@mandate_app.command("list")
@c.handled
def mandate_list(
    party_ref: Annotated[str, typer.Argument(
        metavar="PARTY", help="A person or an organisation: the mandates it gave or took, "
        "and transfers offered to it.")],
    at: c.At = None,
    as_json: c.JsonFlag = False,
) -> None:
    """List the mandates of a person or an organisation, with their state on a day."""
    day = _at(at)
    with c.uow() as uow:
        repo = uow.repo
        mandates = views.mandates_of_party(repo, c.party(repo, party_ref, "party"))
        if as_json:
            c.print_json([mandate_json(m, day) for m in mandates])
            return
        for mandate in mandates:
            c.out(mandate_line(repo, mandate, day))


# --- the access question and the listings -----------------------------------------------------


def _print_decision(decision: Decision, person: str, applicant: str) -> None:
    when = decision.day.isoformat()
    if decision.allowed:
        c.out(f"allowed: {person} may manage the dossiers of {applicant} on {when}")
    else:
        c.out(f"denied: {person} may not manage the dossiers of {applicant} on {when}")
    for route in decision.routes:
        c.out(f"route {route.name}:")
        for link in route.links:
            since = f", since {link.since.isoformat()}" if link.since else ""
            until = f", until {link.until.isoformat()}" if link.until else ""
            c.out(f"  {link.kind} {link.id}: {link.text}{since}{until}")
    for gap in decision.gaps:
        c.out(f"gap in route {gap.route} ({gap.code}): {gap.text}")
        for link in gap.links:
            c.out(f"  holds: {link.kind} {link.id}: {link.text}")
        c.out(f"  fixer: {gap.fixer}")
        if gap.guide_outcome:
            c.out(f"  guide outcome: {gap.guide_outcome}")


@c.handled
def may_manage(person_ref: c.PersonArg, applicant_ref: c.ApplicantArg, at: c.At = None,
               as_json: c.JsonFlag = False) -> None:
    """May PERSON manage APPLICANT's dossiers?

    Prints the routes that hold (chains of facts with ids and dates), or the gaps with who
    can fix them and the guide outcome. Exits 0 when allowed, 10 when denied.
    """
    day = _at(at)
    with c.uow() as uow:
        repo = uow.repo
        person = c.person(repo, person_ref)
        applicant = c.entity(repo, applicant_ref, "applicant")
        decision = queries.may_manage(repo, person.id, applicant.party, day)
        if as_json:
            c.print_json({"allowed": decision.allowed, **c.jsonable(decision)})
        else:
            _print_decision(decision, person.name, applicant.name)
    if not decision.allowed:
        raise typer.Exit(c.EXIT_DENIED)


@c.handled
def applicants_for(person_ref: c.PersonArg, at: c.At = None, offset: c.Offset = 0,
                   limit: c.Limit = 50, as_json: c.JsonFlag = False) -> None:
    """The applicants whose dossiers PERSON may manage."""
    day = _at(at)
    with c.uow() as uow:
        person = c.person(uow.repo, person_ref)
        page = queries.applicants_for(uow.repo, person.id, day, offset, limit)
    if as_json:
        c.print_page(page, lambda a: {"kind": a.party.kind.value, "id": a.party.id,
                                      "name": a.name})
        return
    for applicant in page.items:
        c.out(f"{applicant.party.id}  {applicant.name}  ({applicant.party.kind.value})")
    c.page_footer(page)


@c.handled
def persons_for(applicant_ref: c.ApplicantArg, at: c.At = None, offset: c.Offset = 0,
                limit: c.Limit = 50, as_json: c.JsonFlag = False) -> None:
    """The persons who may manage APPLICANT's dossiers (national numbers masked)."""
    day = _at(at)
    with c.uow() as uow:
        applicant = c.party(uow.repo, applicant_ref, "applicant")
        page = queries.persons_for(uow.repo, applicant, day, offset, limit)
        c.print_persons(page, as_json)


@c.handled
def awaiting_signature(person_ref: c.PersonArg, at: c.At = None, offset: c.Offset = 0,
                       limit: c.Limit = 50, as_json: c.JsonFlag = False) -> None:
    """The mandates that await a signature PERSON may give."""
    day = _at(at)
    with c.uow() as uow:
        person = c.person(uow.repo, person_ref)
        page = queries.awaiting_signature(uow.repo, person.id, day, offset, limit)
        if as_json:
            c.print_page(page, lambda m: mandate_json(m, day))
            return
        for mandate in page.items:
            c.out(mandate_line(uow.repo, mandate, day))
    c.page_footer(page)

