"""Persons, organisations, the user management (work relations, local administrators,
rights) and dossiers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any

import typer

from ..registry import services, views
from ..registry.model import (
    LocalAdmin,
    Mandate,
    Organisation,
    Person,
    Right,
    RightKind,
    WorkRelation,
)
from ..registry.ports import Repository
from . import _common as c
from ._common import _
from ._mandates import mandate_json, mandate_lines

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
    withdrawn = (_(", withdrawn on {day}", day=right.withdrawn_on.isoformat())
                 if right.withdrawn_on else "")
    state = _("active") if right.active(day) else _("not active")
    return _("right {id} ‘{kind}’, {period}{withdrawn} ({state})", id=right.id,
             kind=right.kind.value, period=c.period(right.period), withdrawn=withdrawn,
             state=state)


def _relations_json(relations: Sequence[WorkRelation], rights: Sequence[Right],
                    holder: Callable[[WorkRelation], Person], day: date) -> list[dict[str, Any]]:
    """Work relations as the API lists them: the person and the rights inside each."""
    from ..plain_views import work_relation as work_relation_view

    return [work_relation_view(r, holder(r), [g for g in rights if g.work_relation_id == r.id],
                               day) for r in relations]


def _print_roles(repo: Repository, day: date, admins: Sequence[LocalAdmin],
                 relations: Sequence[WorkRelation], rights: Sequence[Right],
                 mandates: Sequence[Mandate],
                 other: Callable[[LocalAdmin | WorkRelation], str], admin: str) -> None:
    """Local administrator roles, work relations with their rights, and mandates, one a
    line; `other` names the other end (a person's organisation, an organisation's person)."""
    for role in admins:
        c.out(f"{admin} {other(role)}, {c.period(role.period)}"
              f"{'' if role.active(day) else ' ' + _('(not active)')}")
    for relation in relations:
        c.out(_("work relation {id} with {other} ({user_type}), {period}", id=relation.id,
                other=other(relation), user_type=relation.user_type,
                period=c.period(relation.period)))
        for right in rights:
            if right.work_relation_id == relation.id:
                c.out(f"  {_right_line(right, day)}")
    for line in mandate_lines(repo, mandates, day):
        c.out(line)


# --- persons -----------------------------------------------------------------------------------


def _read_national_number(given: str | None) -> str:
    if given is not None and given != "-":
        return given
    if given is None and sys.stdin.isatty():
        return str(typer.prompt(_("National register number"), hide_input=True))
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
    lang: c.Lang = None,
) -> None:
    """Register a person. Prints the new id first, on a line of its own."""
    number = _read_national_number(national_number)
    with c.uow().changing() as uow:
        person = services.register_person(uow, c.clock(), number, name, has_eid=not no_eid)
        c.created(person.id, _("registered {name}, national number {number}{eid}",
                               name=person.name, number=person.national_number.masked,
                               eid="" if person.has_eid else " " + _("(no eID)")))


@person_app.command("list")
@c.handled
def person_list(offset: c.Offset = 0, limit: c.Limit = 50, as_json: c.JsonFlag = False,
                lang: c.Lang = None) -> None:
    """List persons by name (national numbers masked)."""
    c.check_paging(offset, limit)
    with c.uow() as uow:
        c.print_persons(views.persons(uow.repo, None, offset, limit), as_json)


@person_app.command("show")
@c.handled
def person_show(person_ref: c.PersonArg, as_json: c.JsonFlag = False,
                lang: c.Lang = None) -> None:
    """Show a person: masked number, organisations, rights and mandates."""
    day = c.today()
    with c.uow() as uow:
        repo = uow.repo
        details = views.person_details(repo, c.person(repo, person_ref).id)
        person, represents, admin_of = details.person, details.represents, \
            details.local_admin_roles
        relations, rights, mandates = details.work_relations, details.rights, details.mandates
        if as_json:
            from ..plain_views import local_admin as local_admin_view
            from ..plain_views import person as person_view

            c.print_json({**person_view(person),
                          "legal_representative_of": [o.id for o in represents],
                          "local_admin": [local_admin_view(a, day) for a in admin_of],
                          "work_relations": _relations_json(relations, rights,
                                                            lambda _r: person, day),
                          "mandates": [mandate_json(m, day) for m in mandates]})
            return
        c.labelled([(_("id"), person.id), (_("name"), person.name),
                    (_("national number"), person.national_number.masked),
                    (_("Belgian eID"), c.yes_no(person.has_eid))])
        for org in represents:
            c.out(_("legal representative of {id} {name}", id=org.id, name=org.name))
        _print_roles(repo, day, admin_of, relations, rights, mandates,
                     lambda o: f"{o.organisation_id} "
                     f"{c.organisation_name(repo, o.organisation_id)}",
                     _("local administrator of"))


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
    lang: c.Lang = None,
) -> None:
    """Register an organisation. Prints the new id first, on a line of its own."""
    with c.uow().changing() as uow:
        person_ids = [c.person(uow.repo, ref, "representative").id
                      for ref in representatives or []]
        org = services.register_organisation(uow, c.clock(), name, entity_group,
                                             enterprise_number, person_ids)
        number = f", {org.enterprise_number}" if org.enterprise_number else ""
        c.created(org.id, _("registered {name} ({group}){number}", name=org.name,
                            group=org.entity_group.value, number=number))


@org_app.command("list")
@c.handled
def org_list(offset: c.Offset = 0, limit: c.Limit = 50, as_json: c.JsonFlag = False,
             lang: c.Lang = None) -> None:
    """List organisations by name."""
    c.check_paging(offset, limit)
    with c.uow() as uow:
        page = views.organisations(uow.repo, offset, limit)
        if as_json:
            from ..plain_views import organisation as organisation_view

            c.print_page(page, organisation_view)
            return
        for org in page.items:
            c.out(_org_line(org))
    c.page_footer(page)


@org_app.command("show")
@c.handled
def org_show(org_ref: OrganisationArg, as_json: c.JsonFlag = False,
             lang: c.Lang = None) -> None:
    """Show an organisation: representatives, administrators, users, rights, mandates."""
    day = c.today()
    with c.uow() as uow:
        repo = uow.repo
        details = views.organisation_details(repo, c.organisation(repo, org_ref).id)
        org, admins, mandates = details.organisation, details.local_admins, details.mandates
        relations, rights = details.work_relations, details.rights
        if as_json:
            from ..plain_views import local_admin as local_admin_view
            from ..plain_views import organisation as organisation_view

            holders = {r.person_id: c.person(repo, r.person_id) for r in relations}
            c.print_json({**organisation_view(org),
                          "local_admins": [local_admin_view(a, day) for a in admins],
                          "work_relations": _relations_json(relations, rights,
                                                            lambda r: holders[r.person_id], day),
                          "mandates": [mandate_json(m, day) for m in mandates]})
            return
        c.labelled([(_("id"), org.id), (_("name"), org.name),
                    (_("entity group"), org.entity_group.value),
                    (_("enterprise number"), str(org.enterprise_number or "-"))])
        for person_id in sorted(org.legal_representatives):
            c.out(_("legal representative {id} {name}", id=person_id,
                    name=c.person_name(repo, person_id)))
        _print_roles(repo, day, admins, relations, rights, mandates,
                     lambda o: f"{o.person_id} {c.person_name(repo, o.person_id)}",
                     _("local administrator"))


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
    lang: c.Lang = None,
) -> None:
    """Add a person as a user of an organisation (a local administrator acts). Prints the new
    id first, on a line of its own."""
    with c.uow().changing() as uow:
        org, person = c.organisation(uow.repo, org_ref), c.person(uow.repo, person_ref)
        relation = services.add_work_relation(
            uow, c.clock(), c.person(uow.repo, actor, "as").id, org.id, person.id,
            c.day(start, "start"), c.day(end, "end"), user_type)
        c.created(relation.id, _("{person} works at {organisation}, {period}",
                                 person=person.name, organisation=org.name,
                                 period=c.period(relation.period)))


@admin_app.command("appoint")
@c.handled
def local_admin_appoint(org_ref: OrganisationArg, person_ref: c.PersonArg, actor: c.Actor,
                        start: Start = None, lang: c.Lang = None) -> None:
    """Appoint a local administrator (a legal representative acts). Prints the new id
    first, on a line of its own."""
    with c.uow().changing() as uow:
        org, person = c.organisation(uow.repo, org_ref), c.person(uow.repo, person_ref)
        admin = services.appoint_local_admin(uow, c.clock(), c.person(uow.repo, actor, "as").id,
                                             org.id, person.id, c.day(start, "start"))
        c.created(admin.id, _("{person} administers {organisation}, {period}",
                              person=person.name, organisation=org.name,
                              period=c.period(admin.period)))


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
    lang: c.Lang = None,
) -> None:
    """Grant a user right on a work relation (a local administrator acts). Prints the new id
    first, on a line of its own."""
    with c.uow().changing() as uow:
        right = services.grant_right(uow, c.clock(), c.person(uow.repo, actor, "as").id,
                                     work_relation_id, _RIGHT_ALIASES.get(kind, kind),
                                     c.day(start, "start"), c.day(end, "end"))
        c.created(right.id, _right_line(right, c.today()))


@right_app.command("withdraw")
@c.handled
def right_withdraw(
    right_id: Annotated[str, typer.Argument(metavar="RIGHT", help="Right id.")],
    actor: c.Actor,
    on: Annotated[str | None, typer.Option(help="Day from which it is withdrawn; default: "
                                           "today.")] = None,
    lang: c.Lang = None,
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
    lang: c.Lang = None,
) -> None:
    """Add a KIOSK dossier of an applicant. Prints the new id first, on a line of its own."""
    with c.uow().changing() as uow:
        dossier = services.add_dossier(uow, c.clock(),
                                       c.party(uow.repo, applicant_ref, "applicant"), title,
                                       status)
        c.created(dossier.id, _("dossier ‘{title}’ ({status})", title=dossier.title,
                                status=dossier.status))


@dossier_app.command("list")
@c.handled
def dossier_list(applicant_ref: c.ApplicantArg, as_json: c.JsonFlag = False,
                 lang: c.Lang = None) -> None:
    """List an applicant's dossiers."""
    with c.uow() as uow:
        dossiers = views.dossiers(uow.repo, None, c.party(uow.repo, applicant_ref, "applicant"),
                                  c.today())
        if as_json:
            from ..plain_views import dossier as dossier_view

            c.print_json([dossier_view(d) for d in dossiers])
            return
        for dossier in dossiers:
            c.out(f"{dossier.id}  {dossier.title} ({dossier.status})")
