"""`registry why` ("why can't I?", `views.why`) and `registry todo` (`views.todo`): the
questions a person asks about themself, as the web pages and the API answer them."""

from __future__ import annotations

import typer

from ..registry import views
from ..registry.model import PartyKind
from . import _common as c
from ._common import _
from ._mandates import _link_line, _route_name, mandate_json, mandate_line


def _fix_command(fix: views.Fix, person_id: str, applicant_id: str) -> str:
    """The command that performs the fix, as the person (`--as`)."""
    me, party = f"--as {person_id}", fix.party.id
    if fix.kind is views.FixKind.GRANT:
        right = fix.right.value if fix.right is not None else ""
        relation = fix.work_relation_id or "WORK_RELATION"
        return f"mandaatwijzer registry right grant {relation} '{right}' {me}"
    if fix.kind is views.FixKind.ADD_USER:
        return f"mandaatwijzer registry work-relation add {party} {person_id} {me}"
    if fix.kind is views.FixKind.SIGN:
        return f"mandaatwijzer registry mandate sign {fix.mandate_id} {me}"
    taker = f"person:{party}" if fix.party.kind is PartyKind.PERSON else f"organisation:{party}"
    return f"mandaatwijzer registry mandate create {applicant_id} {taker} {me}"


def _print(found: views.Why, guide: list[str | None]) -> None:
    checked = found.checked
    decision = checked.decision
    person, applicant, when = (checked.person_name, checked.applicant_name,
                               decision.day.isoformat())
    if decision.allowed:
        c.out(_("yes: {person} may manage the dossiers of {applicant} on {day}",
                person=person, applicant=applicant, day=when))
        route = decision.routes[0]
        c.out(_("route: {route}", route=_route_name(route.name)))
        for link in route.links:
            c.out(_link_line(link))
        return
    c.out(_("no: {person} may not manage the dossiers of {applicant} on {day}",
            person=person, applicant=applicant, day=when))
    for number, (reason, href) in enumerate(zip(found.reasons, guide, strict=True)):
        gap = reason.gap
        if number == 0:
            c.out(_("what matters most, in route {route}: {text}",
                    route=_route_name(gap.route), text=gap.text))
        else:
            c.out(_("missing in route {route}: {text}", route=_route_name(gap.route),
                    text=gap.text))
        for link in gap.links:
            c.out(_("  already in place: {link}", link=_link_line(link).strip()))
        c.out(_("  who can fix it: {fixer}", fixer=gap.fixer))
        if reason.fix is not None:
            c.out(_("  you can do it yourself: {command}", command=_fix_command(
                reason.fix, decision.person_id, decision.applicant_id)))
        if href:
            c.out(_("  how, in the guide: {href}", href=href))


@c.handled
def why(person_ref: c.PersonArg, applicant_ref: c.ApplicantArg, as_json: c.JsonFlag = False,
        lang: c.Lang = None) -> None:
    """Why may PERSON not manage APPLICANT's dossiers today? Asked as PERSON.

    The gap that matters most first (for a provider's staff: what their own provider lacks),
    each with who can fix it and, when PERSON may, the command that does it. Exits 0 when
    allowed, 10 when denied. With --json: what GET /api/registry/why answers.
    """
    from ..plain_views import why as why_view

    with c.uow() as uow:
        repo = uow.repo
        person = c.person(repo, person_ref)
        applicant = c.entity(repo, applicant_ref, "applicant")
        found = views.why(repo, person.id, applicant.id, c.today())
        view = why_view(found, c.language())
        if as_json:
            c.print_json(view)
        else:
            _print(found, [gap["guide_href"] for gap in view["gaps"]])
    if not found.allowed:
        raise typer.Exit(c.EXIT_DENIED)


@c.handled
def todo(person_ref: c.PersonArg, as_json: c.JsonFlag = False, lang: c.Lang = None) -> None:
    """What waits for PERSON: mandates awaiting their signature, transfers proposed to their
    organisations, and rights and mandates that end within 30 days.

    With --json: what GET /api/registry/todo answers.
    """
    from ..plain_views import todo as todo_view

    day = c.today()
    with c.uow() as uow:
        repo = uow.repo
        person = c.person(repo, person_ref)
        found = views.todo(repo, person.id, day)
        if as_json:
            c.print_json(todo_view(found, day))
            return
        for title, items in ((_("awaiting your signature"), found.signatures),
                             (_("transfers proposed to you"), found.transfers)):
            for item in items:
                c.out(f"{title}: {mandate_line(repo, item.row.mandate, day)}")
        for right in found.rights_ending:
            c.out(_("right ends on {day}: {holder} holds ‘{right}’ at {organisation} ({id})",
                    day=right.ends.isoformat(), holder=right.holder_name,
                    right=right.right.kind.value, organisation=right.organisation_name,
                    id=right.right.id))
        for ending in found.mandates_ending:
            c.out(_("mandate ends on {day}: {mandate}", day=ending.ends.isoformat(),
                    mandate=mandate_line(repo, ending.row.mandate, day)))
        for asked in found.requests:
            c.out(_("request to decide: {name} asks for ‘{right}’ at {organisation} ({id})",
                    name=asked.person_name, right=asked.request.kind.value,
                    organisation=asked.organisation_name, id=asked.id))
        c.out(_("{count} to do", count=found.count))


__all__ = ["mandate_json", "todo", "why"]
