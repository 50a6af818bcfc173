"""Mandates, the access question (`may-manage`) and the listings built on it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Annotated, Any

import typer

from ..registry import access, queries, services, views
from ..registry.access import Decision, Link
from ..registry.model import Mandate, MandateStatus, Party
from ..registry.ports import Clock, Repository, UnitOfWork
from . import _common as c
from ._common import _

mandate_app = typer.Typer(help="Create, sign, refuse, stop, transfer and list mandates.",
                          no_args_is_help=True)

MandateArg = Annotated[str, typer.Argument(metavar="MANDATE", help="Mandate id.")]


def mandate_json(mandate: Mandate, day: date) -> dict[str, Any]:
    """A mandate as the API gives it (`GET /api/registry/mandates/{id}`)."""
    from ..plain_views import mandate as mandate_view

    return mandate_view(mandate, day)


def status_text(status: MandateStatus) -> str:
    """The status in the command's language (the core's phrases, `services.STATUSES`)."""
    found = services.STATUSES.get(status)
    return status.value if found is None else str(found)


def _sides(mandates: Iterable[Mandate]) -> Iterator[Party | None]:
    for mandate in mandates:
        yield from (mandate.giver, mandate.taker, mandate.pending_transfer_to,
                    mandate.transferred_to)


def mandate_lines(repo: Repository, mandates: Sequence[Mandate], day: date) -> list[str]:
    """A line per mandate, the names of all their sides read at once."""
    names = views.names_of(repo, _sides(mandates))
    return [mandate_line(repo, mandate, day, names) for mandate in mandates]


def mandate_line(repo: Repository, mandate: Mandate, day: date,
                 names: Mapping[Party, str] | None = None) -> str:
    if names is None:
        names = views.names_of(repo, _sides((mandate,)))

    def name(side: Party | None) -> str:
        return "-" if side is None else names[side]
    line = _("mandate {id} [{status}] {giver} -> {taker}, {period}", id=mandate.id,
             status=status_text(mandate.status(day)), giver=name(mandate.giver),
             taker=name(mandate.taker), period=c.period(mandate.period))
    if mandate.pending_transfer_to is not None:
        line += _("; transfer to {taker} awaits its signature",
                  taker=name(mandate.pending_transfer_to))
    if mandate.successor_id is not None:
        line += _("; transferred to {taker} (mandate {successor})",
                  taker=name(mandate.transferred_to), successor=mandate.successor_id)
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
    lang: c.Lang = None,
) -> None:
    """Create a KIOSK mandate; the creator signs for the side they act for. Prints the new id
    first, on a line of its own."""
    with c.uow().changing() as uow:
        repo = uow.repo
        mandate = services.create_mandate(
            uow, c.clock(), c.person(repo, actor, "as").id, c.party(repo, giver_ref, "giver"),
            c.party(repo, taker_ref, "taker"), c.day(start, "start"), c.day(end, "end"))
        c.created(mandate.id, mandate_line(uow.repo, mandate, c.today()))


def _act(use_case: Callable[[UnitOfWork, Clock, str, str], Mandate], mandate_id: str,
         actor: str) -> None:
    """Sign, refuse or stop; a transfer that a signature completes makes a new mandate,
    whose id comes first, on a line of its own."""
    with c.uow().changing() as uow:
        mandate = use_case(uow, c.clock(), c.person(uow.repo, actor, "as").id, mandate_id)
        line = mandate_line(uow.repo, mandate, c.today())
        if mandate.id != mandate_id:
            c.created(mandate.id, line)
        else:
            c.out(line)


@mandate_app.command("sign")
@c.handled
def mandate_sign(mandate_id: MandateArg, actor: c.Actor, lang: c.Lang = None) -> None:
    """Sign the side a mandate awaits (or accept a proposed transfer as the new taker: the
    new mandate's id is printed first, on a line of its own)."""
    _act(services.sign_mandate, mandate_id, actor)


@mandate_app.command("refuse")
@c.handled
def mandate_refuse(mandate_id: MandateArg, actor: c.Actor, lang: c.Lang = None) -> None:
    """Refuse to sign a mandate, or a proposed transfer as its new taker.

    A refused mandate stops without becoming active; a refused transfer is dropped.
    """
    _act(services.refuse_mandate, mandate_id, actor)


@mandate_app.command("stop")
@c.handled
def mandate_stop(mandate_id: MandateArg, actor: c.Actor, lang: c.Lang = None) -> None:
    """Stop a mandate (either side)."""
    _act(services.stop_mandate, mandate_id, actor)


@mandate_app.command("transfer")
@c.handled
def mandate_transfer(
    mandate_id: MandateArg,
    new_taker_ref: Annotated[str, typer.Argument(
        metavar="NEW_TAKER", help="The service provider to hand the mandate to.")],
    actor: c.Actor,
    lang: c.Lang = None,
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
    lang: c.Lang = None,
) -> None:
    """List the mandates of a person or an organisation, with their state on a day."""
    day = _at(at)
    with c.uow() as uow:
        repo = uow.repo
        mandates = views.mandates_of_party(repo, c.party(repo, party_ref, "party"))
        if as_json:
            c.print_json([mandate_json(m, day) for m in mandates])
            return
        for line in mandate_lines(repo, mandates, day):
            c.out(line)


# --- the access question and the listings -----------------------------------------------------


def _route_name(name: str) -> str:
    """A route in words, as the check page names it."""
    return {
        access.SELF: _("The applicant themself"),
        access.LEGAL_REPRESENTATIVE: _("Legal representative"),
        access.KIOSK_APPLICANT_RIGHT: _("The right ‘KIOSK Aanvrager’"),
        access.MANDATE_TO_PERSON: _("A mandate to the person"),
        access.MANDATE_TO_PROVIDER: _("A mandate to an external service provider"),
    }.get(name, name)


def _link_kind(kind: str) -> str:
    return {"mandate": _("mandate"), "work_relation": _("work relation"), "right": _("right"),
            "self": _("person"), "legal_representative": _("legal representative"),
            "local_admin": _("local administrator")}.get(kind, kind)


def _link_line(link: Link) -> str:
    since = _(", since {day}", day=link.since.isoformat()) if link.since else ""
    until = _(", until {day}", day=link.until.isoformat()) if link.until else ""
    return f"  {_link_kind(link.kind)} {link.id}: {link.text}{since}{until}"


def _print_decision(decision: Decision, person: str, applicant: str) -> None:
    """The answer first, then why: each route that holds, or each gap with who can fix it
    and the guide page that says how."""
    from ..plain_views import decision as decision_view

    when = decision.day.isoformat()
    if decision.allowed:
        c.out(_("yes: {person} may manage the dossiers of {applicant} on {day}",
                person=person, applicant=applicant, day=when))
    else:
        c.out(_("no: {person} may not manage the dossiers of {applicant} on {day}",
                person=person, applicant=applicant, day=when))
    for route in decision.routes:
        c.out(_("route: {route}", route=_route_name(route.name)))
        for link in route.links:
            c.out(_link_line(link))
    hrefs = [gap["guide_href"] for gap in decision_view(decision, c.language())["gaps"]]
    for gap, href in zip(decision.gaps, hrefs, strict=True):
        c.out(_("missing in route {route}: {text}", route=_route_name(gap.route),
                text=gap.text))
        for link in gap.links:
            c.out(_("  already in place: {link}", link=_link_line(link).strip()))
        c.out(_("  who can fix it: {fixer}", fixer=gap.fixer))
        if href:
            c.out(_("  how, in the guide: {href}", href=href))


@c.handled
def may_manage(person_ref: c.PersonArg, applicant_ref: c.ApplicantArg, at: c.At = None,
               as_json: c.JsonFlag = False, lang: c.Lang = None) -> None:
    """May PERSON manage APPLICANT's dossiers?

    Prints the routes that hold (chains of facts with ids and dates), or the gaps with who
    can fix them and the guide page that says how. Exits 0 when allowed, 10 when denied.
    With --json: what GET /api/registry/may-manage answers (the texts and the guide's
    addresses in the --lang language).
    """
    day = _at(at)
    with c.uow() as uow:
        repo = uow.repo
        person = c.person(repo, person_ref)
        applicant = c.entity(repo, applicant_ref, "applicant")
        decision = queries.may_manage(repo, person.id, applicant.party, day)
        if as_json:
            from ..plain_views import decision as decision_view

            c.print_json(decision_view(decision, c.language()))
        else:
            _print_decision(decision, person.name, applicant.name)
    if not decision.allowed:
        raise typer.Exit(c.EXIT_DENIED)


@c.handled
def applicants_for(person_ref: c.PersonArg, at: c.At = None, offset: c.Offset = 0,
                   limit: c.Limit = 50, as_json: c.JsonFlag = False,
                   lang: c.Lang = None) -> None:
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
                limit: c.Limit = 50, as_json: c.JsonFlag = False, lang: c.Lang = None) -> None:
    """The persons who may manage APPLICANT's dossiers (national numbers masked)."""
    day = _at(at)
    with c.uow() as uow:
        applicant = c.party(uow.repo, applicant_ref, "applicant")
        page = queries.persons_for(uow.repo, applicant, day, offset, limit)
        c.print_persons(page, as_json)


@c.handled
def awaiting_signature(person_ref: c.PersonArg, at: c.At = None, offset: c.Offset = 0,
                       limit: c.Limit = 50, as_json: c.JsonFlag = False,
                       lang: c.Lang = None) -> None:
    """The mandates that await a signature PERSON may give."""
    day = _at(at)
    with c.uow() as uow:
        person = c.person(uow.repo, person_ref)
        page = queries.awaiting_signature(uow.repo, person.id, day, offset, limit)
        if as_json:
            c.print_page(page, lambda m: mandate_json(m, day))
            return
        for line in mandate_lines(uow.repo, page.items, day):
            c.out(line)
    c.page_footer(page)

