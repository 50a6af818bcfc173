"""Persons, organisations, the user management (work relations, local administrators,
rights) and dossiers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated

import typer

from ..registry import services, views
from ..registry.audit import snapshot
from ..registry.model import LocalAdmin, Mandate, Organisation, Right, RightKind, WorkRelation
from ..registry.ports import Repository
from . import _common as c
from ._mandates import mandate_json, mandate_line

person_app = typer.Typer(help="Register, list and show persons.", no_args_is_help=True)
org_app = typer.Typer(help="Register, list and show organisations.", no_args_is_help=True)
relation_app = typer.Typer(help="Link persons to organisations.", no_args_is_help=True)
admin_app = typer.Typer(help="Appoint local administrators.", no_args_is_help=True)
right_app = typer.Typer(help="Grant and withdraw user rights.", no_args_is_help=True)
dossier_app = typer.Typer(help="Add and list KIOSK dossiers.", no_args_is_help=True)

Start = Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD); default: today.")]
End = Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD); default: open-ended.")]
OrganisationArg = Annotated[str, typer.Argument(
    metavar="ORGANISATION", help="Organisation id or enterprise number.")]


def _org_line(org: Organisation) -> str:
    number = f"  {org.enterprise_number}" if org.enterprise_number else ""
    return f"{org.id}  {org.name}  ({org.entity_group.value}){number}"


def _right_line(right: Right, day: date) -> str:
    withdrawn = f", withdrawn on {right.withdrawn_on.isoformat()}" if right.withdrawn_on else ""
    state = "active" if right.active(day) else "not active"
    return f"right {right.id} ‘{right.kind}’, {c.period(right.period)}{withdrawn} ({state})"


def _print_roles(repo: Repository, day: date, admins: Sequence[LocalAdmin],
                 relations: Sequence[WorkRelation], rights: Sequence[Right],
                 mandates: Sequence[Mandate],
                 other: Callable[[LocalAdmin | WorkRelation], str], admin: str) -> None:
    """Local administrator roles, work relations with their rights, and mandates, one a
    line; `other` names the other end (a person's organisation, an organisation's person)."""
    for role in admins:
        c.out(f"{admin} {other(role)}, {c.period(role.period)}"
              f"{'' if role.active(day) else ' (not active)'}")
    for relation in relations:
        c.out(f"work relation {relation.id} with {other(relation)} "
              f"({relation.user_type}), {c.period(relation.period)}")
        for right in rights:
            if right.work_relation_id == relation.id:
                c.out(f"  {_right_line(right, day)}")
    for mandate in mandates:
        c.out(mandate_line(repo, mandate, day))


# --- persons -----------------------------------------------------------------------------------


def _read_national_number(given: str | None) -> str:
    if given is not None and given != "-":
        return given
    if given is None and sys.stdin.isatty():
        return str(typer.prompt("National register number", hide_input=True))
    return sys.stdin.readline().strip()


@person_app.command("add")
@c.handled
def person_add(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    national_number: Annotated[str | None, typer.Option(
        "--national-number", "-n",
        help="National register or BIS number; '-' or left out: read from stdin "
             "(asked for, hidden, on a terminal).")] = None,
    no_eid: Annotated[bool, typer.Option("--no-eid", help="The person has no Belgian eID.")
                      ] = False,
) -> None:
    """Register a person. Prints the new id first."""
    number = _read_national_number(national_number)
    with c.uow().changing() as uow:
        c.out(c.person_line(services.register_person(uow, c.clock(), number, name,
                                                    has_eid=not no_eid)))


@person_app.command("list")
@c.handled
def person_list(offset: c.Offset = 0, limit: c.Limit = 50, as_json: c.JsonFlag = False) -> None:
    """List persons by name (national numbers masked)."""
    c.check_paging(offset, limit)
    with c.uow() as uow:
        c.print_persons(views.persons(uow.repo, None, offset, limit), as_json)


@person_app.command("show")
@c.handled
def person_show(person_ref: c.PersonArg, as_json: c.JsonFlag = False) -> None:
    """Show a person: masked number, organisations, rights and mandates."""
    day = c.today()
    with c.uow() as uow:
        repo = uow.repo
        details = views.person_details(repo, c.person(repo, person_ref).id)
        person, represents, admin_of = details.person, details.represents, \
            details.local_admin_roles
        relations, rights, mandates = details.work_relations, details.rights, details.mandates
        if as_json:
            c.print_json({**snapshot(person),
                          "legal_representative_of": [o.id for o in represents],
                          "local_admin": [snapshot(a) for a in admin_of],
                          "work_relations": [snapshot(r) for r in relations],
                          "rights": [snapshot(r) for r in rights],
                          "mandates": [mandate_json(m, day) for m in mandates]})
            return
        c.out(f"id               {person.id}")
        c.out(f"name             {person.name}")
        c.out(f"national number  {person.national_number.masked}")
        c.out(f"Belgian eID      {'yes' if person.has_eid else 'no'}")
        for org in represents:
            c.out(f"legal representative of {org.id} {org.name}")
        _print_roles(repo, day, admin_of, relations, rights, mandates,
                     lambda o: f"{o.organisation_id} "
                     f"{c.organisation_name(repo, o.organisation_id)}", "local administrator of")


# --- organisations -------------------------------------------------------------------------------


@org_app.command("add")
@c.handled
def org_add(
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    entity_group: Annotated[str, typer.Option(
        "--group", "-g", help="economic_actor, local_government, organising_authority, "
        "de_facto_association or foreign_organisation.")],
    enterprise_number: Annotated[str | None, typer.Option(
        "--enterprise-number", "-e", help="KBO enterprise number (required for "
        "economic_actor and local_government).")] = None,
    representatives: Annotated[list[str] | None, typer.Option(
        "--representative", "-r", help="A legal representative (person id); repeat for "
        "more.")] = None,
) -> None:
    """Register an organisation. Prints the new id first."""
    with c.uow().changing() as uow:
        person_ids = [c.person(uow.repo, ref, "representative").id
                      for ref in representatives or []]
        c.out(_org_line(services.register_organisation(uow, c.clock(), name, entity_group,
                                                       enterprise_number, person_ids)))


@org_app.command("list")
@c.handled
def org_list(offset: c.Offset = 0, limit: c.Limit = 50, as_json: c.JsonFlag = False) -> None:
    """List organisations by name."""
    c.check_paging(offset, limit)
    with c.uow() as uow:
        page = views.organisations(uow.repo, offset, limit)
        if as_json:
            c.print_page(page, snapshot)
            return
        for org in page.items:
            c.out(_org_line(org))
    c.page_footer(page)


@org_app.command("show")
@c.handled
def org_show(org_ref: OrganisationArg, as_json: c.JsonFlag = False) -> None:
    """Show an organisation: representatives, administrators, users, rights, mandates."""
    day = c.today()
    with c.uow() as uow:
        repo = uow.repo
        details = views.organisation_details(repo, c.organisation(repo, org_ref).id)
        org, admins, mandates = details.organisation, details.local_admins, details.mandates
        relations, rights = details.work_relations, details.rights
        if as_json:
            c.print_json({**snapshot(org),
                          "local_admins": [snapshot(a) for a in admins],
                          "work_relations": [snapshot(r) for r in relations],
                          "rights": [snapshot(r) for r in rights],
                          "mandates": [mandate_json(m, day) for m in mandates]})
            return
        c.out(f"id                 {org.id}")
        c.out(f"name               {org.name}")
        c.out(f"entity group       {org.entity_group.value}")
        c.out(f"enterprise number  {org.enterprise_number or '-'}")
        for person_id in sorted(org.legal_representatives):
            c.out(f"legal representative {person_id} {c.person_name(repo, person_id)}")
        _print_roles(repo, day, admins, relations, rights, mandates,
                     lambda o: f"{o.person_id} {c.person_name(repo, o.person_id)}",
                     "local administrator")


# --- the user management -----------------------------------------------------------------------


@relation_app.command("add")
@c.handled
def work_relation_add(
    org_ref: OrganisationArg,
    person_ref: c.PersonArg,
    actor: c.Actor,
    start: Start = None,
    end: End = None,
    user_type: Annotated[str, typer.Option(help="The user type.")] = "employee",
) -> None:
    """Add a person as a user of an organisation (a local administrator acts)."""
    with c.uow().changing() as uow:
        org, person = c.organisation(uow.repo, org_ref), c.person(uow.repo, person_ref)
        relation = services.add_work_relation(
            uow, c.clock(), c.person(uow.repo, actor, "as").id, org.id, person.id,
            c.day(start, "start"), c.day(end, "end"), user_type)
        c.out(f"{relation.id}  {person.name} at {org.name}, {c.period(relation.period)}")


@admin_app.command("appoint")
@c.handled
def local_admin_appoint(org_ref: OrganisationArg, person_ref: c.PersonArg, actor: c.Actor,
                        start: Start = None) -> None:
    """Appoint a local administrator (a legal representative acts)."""
    with c.uow().changing() as uow:
        org, person = c.organisation(uow.repo, org_ref), c.person(uow.repo, person_ref)
        admin = services.appoint_local_admin(uow, c.clock(), c.person(uow.repo, actor, "as").id,
                                             org.id, person.id, c.day(start, "start"))
        c.out(f"{admin.id}  {person.name} administers {org.name}, {c.period(admin.period)}")


_RIGHT_ALIASES = {"mandate-manager": RightKind.MANDATE_MANAGER.value,
                  "mandate-executor": RightKind.MANDATE_EXECUTOR.value,
                  "kiosk-applicant": RightKind.KIOSK_APPLICANT.value}


@right_app.command("grant")
@c.handled
def right_grant(
    work_relation_id: Annotated[str, typer.Argument(metavar="WORK_RELATION",
                                                    help="Work relation id.")],
    kind: Annotated[str, typer.Argument(
        metavar="RIGHT", help="'SSM Mandaatbeheerder' (or mandate-manager), 'SSM "
        "Mandaatuitvoerder' (mandate-executor) or 'KIOSK Aanvrager' (kiosk-applicant).")],
    actor: c.Actor,
    start: Start = None,
    end: End = None,
) -> None:
    """Grant a user right on a work relation (a local administrator acts)."""
    with c.uow().changing() as uow:
        right = services.grant_right(uow, c.clock(), c.person(uow.repo, actor, "as").id,
                                     work_relation_id, _RIGHT_ALIASES.get(kind, kind),
                                     c.day(start, "start"), c.day(end, "end"))
        c.out(_right_line(right, c.today()))


@right_app.command("withdraw")
@c.handled
def right_withdraw(
    right_id: Annotated[str, typer.Argument(metavar="RIGHT", help="Right id.")],
    actor: c.Actor,
    on: Annotated[str | None, typer.Option(help="Day from which it is withdrawn; default: "
                                           "today.")] = None,
) -> None:
    """Withdraw a user right (a local administrator acts)."""
    with c.uow().changing() as uow:
        right = services.withdraw_right(uow, c.clock(), c.person(uow.repo, actor, "as").id,
                                        right_id, c.day(on, "on"))
        c.out(_right_line(right, c.today()))


# --- dossiers ----------------------------------------------------------------------------------


@dossier_app.command("add")
@c.handled
def dossier_add(
    applicant_ref: c.ApplicantArg,
    title: Annotated[str, typer.Argument(help="The dossier's title.")],
    status: Annotated[str, typer.Option(help="The dossier's status.")] = "draft",
) -> None:
    """Add a KIOSK dossier of an applicant. Prints the new id first."""
    with c.uow().changing() as uow:
        dossier = services.add_dossier(uow, c.clock(),
                                       c.party(uow.repo, applicant_ref, "applicant"), title,
                                       status)
        c.out(f"{dossier.id}  {dossier.title} ({dossier.status})")


@dossier_app.command("list")
@c.handled
def dossier_list(applicant_ref: c.ApplicantArg, as_json: c.JsonFlag = False) -> None:
    """List an applicant's dossiers."""
    with c.uow() as uow:
        dossiers = views.dossiers(uow.repo, None, c.party(uow.repo, applicant_ref, "applicant"),
                                  c.today())
        if as_json:
            c.print_json([snapshot(d) for d in dossiers])
            return
        for dossier in dossiers:
            c.out(f"{dossier.id}  {dossier.title} ({dossier.status})")
