"""For a local administrator: the organisation's users and their rights; grant and withdraw
(after a confirmation page that says who loses access to which dossiers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import rules, services, views
from ...registry.consequences import Withdrawal
from ...registry.errors import ConflictError, NotFoundError, ValidationError
from ...registry.identifiers import InvalidIdentifierError, NationalNumber
from ...registry.model import RightKind
from ...registry.text import parse_day
from . import _auth
from ._common import field_error, form_text, gettext, page, redirect, show, today
from ._history import audit_line

DONE = ("added", "granted", "withdrawn", "appointed")


def _href(lang: str, org_id: str) -> str:
    return f"/{lang}/registry/organisations/{org_id}/users"


def _users_page(request: Request, lang: str, org_id: str, *,
                errors: list[dict[str, str]] | None = None, status: int = 200,
                values: dict[str, str] | None = None) -> Response:
    day = today(request)
    person_id = _auth.person_id(request)
    with context(request).units() as uow:
        repo = uow.repo
        found = views.organisation_users(repo, rules.person(repo, person_id), org_id, day)
        done = request.query_params.get("done")
        return show(request, lang, "registry/users.html", repo=repo, path=_href(lang, org_id),
                    organisation=found.organisation, users=found.users, day=day,
                    kinds=[k.value for k in RightKind], errors=errors or [],
                    values=values or {}, status=status, done=done if done in DONE else None,
                    audit=audit_line(request, lang, repo, person_id, day))


@page
def users(request: Request, lang: str) -> Response:
    return _users_page(request, lang, request.path_params["org"])


def _days(form: FormData, fields: tuple[str, str], errors: list[dict[str, str]],
          _: Callable[[str], str]) -> dict[str, date | None]:
    """The optional days of a form's period fields; a field that holds no date is an error."""
    days: dict[str, date | None] = {}
    for field in fields:
        value = form_text(form, field)
        try:
            days[field] = parse_day(value) if value else None
        except ValueError:
            days[field] = None
            errors.append({"field": field, "message": _(
                "Enter the day as a date, for example 3 March 2025")})
    return days


@page
def add_user(request: Request, lang: str) -> Response:
    """Add a user by national number (posted, never in an address), creating the relation."""
    form = _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    _ = gettext(lang)
    try:
        number = NationalNumber.parse(form_text(form, "national_number"))
    except InvalidIdentifierError as error:
        return _users_page(request, lang, org_id, errors=[field_error(error)], status=422)
    period = ("relation_start", "relation_end")
    values = {"national_number": number.formatted,
              **{field: form_text(form, field) for field in period}}
    errors: list[dict[str, str]] = []
    days = _days(form, period, errors, _)
    if errors:
        return _users_page(request, lang, org_id, errors=errors, status=422, values=values)
    start, end = days["relation_start"], days["relation_end"]
    with ctx.units() as uow:
        found = views.person_with_number(uow.repo, number)
        found_id = found.id if found is not None else None
    name = form_text(form, "name")
    if found_id is None and not name:
        # Not registered yet: the form asks for the name too, and keeps the number the
        # administrator typed (in the form, never in an address).
        message = _("This person is not registered yet: enter their first and last name to "
                    "register them and add them as a user")
        return _users_page(request, lang, org_id, status=422, values=values,
                           errors=[{"field": "name", "message": message}])
    try:
        if found_id is None:
            relation = services.add_colleague(ctx.units(), ctx.clock, _auth.person_id(request),
                                              org_id, number.value, name, start, end)
        else:
            relation = services.add_work_relation(ctx.units(), ctx.clock,
                                                  _auth.person_id(request), org_id, found_id,
                                                  start, end)
    except ValidationError as error:
        # The period's fields of this form, not the grant form's.
        found_error = field_error(error)
        if found_error["field"] in ("start", "end"):
            found_error["field"] = "relation_" + found_error["field"]
        return _users_page(request, lang, org_id, errors=[found_error], status=422,
                           values=values)
    except ConflictError as error:
        return _users_page(request, lang, org_id, status=409, errors=[
            {"field": "national_number", "message": error.message}])
    then = form_text(form, "then_grant")
    if then in {kind.value for kind in RightKind}:
        # Added from a guide's outcome that grants a right: on to that grant's confirmation.
        return redirect(_href(lang, org_id) + "/grant/confirm?" + urlencode(
            {"work_relation": relation.id, "kind": then, "end": form_text(form, "end")}))
    return redirect(_href(lang, org_id) + "?done=added")


@page
def grant(request: Request, lang: str) -> Response:
    form = _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    _ = gettext(lang)
    relation, kind = form_text(form, "work_relation"), form_text(form, "kind")
    start, end = form_text(form, "start"), form_text(form, "end")
    values = {"work_relation": relation, "kind": kind, "start": start, "end": end}
    errors = []
    if not relation:
        errors.append({"field": "work_relation", "message": _("Choose the user")})
    if not kind:
        errors.append({"field": "kind", "message": _("Choose the right to grant")})
    days = _days(form, ("start", "end"), errors, _)
    if errors:
        return _users_page(request, lang, org_id, errors=errors, status=422, values=values)
    try:
        services.grant_right(ctx.units(), ctx.clock, _auth.person_id(request), relation, kind,
                             days["start"], days["end"])
    except ValidationError as error:
        return _users_page(request, lang, org_id, errors=[field_error(error)], status=422,
                           values=values)
    except ConflictError as error:
        return _users_page(request, lang, org_id, status=409, values=values,
                           errors=[{"field": "work_relation", "message": error.message}])
    return redirect(_href(lang, org_id) + "?done=granted")


def _withdrawal_page(request: Request, lang: str, org_id: str, right_id: str, *,
                     changed: bool = False) -> Response:
    """The confirmation of a withdrawal (it changes nothing), or, once the right was
    withdrawn already, the notice that says so."""
    day = today(request)
    with context(request).units() as uow:
        repo = uow.repo
        found = views.withdrawal(repo, rules.person(repo, _auth.person_id(request)), right_id,
                                 day, day)
        if found.organisation_id != org_id:
            raise NotFoundError("right", right_id)
        if found.withdrawn_on is not None:
            return _already_withdrawn(request, lang, org_id, found)
        return show(request, lang, "registry/confirm_withdraw.html", repo=repo,
                    path=_href(lang, org_id) + "/withdraw", withdrawal=found, on=day,
                    back=_href(lang, org_id), changed=changed)


def _already_withdrawn(request: Request, lang: str, org_id: str,
                       found: Withdrawal) -> Response:
    return show(request, lang, "registry/confirm_done.html", path=_href(lang, org_id),
                action="withdraw", withdrawal=found, back=_href(lang, org_id))


@page
def confirm_withdraw(request: Request, lang: str) -> Response:
    """What withdrawing the right would take away, and the button that does it."""
    return _withdrawal_page(request, lang, request.path_params["org"],
                            request.query_params.get("right", ""))


@page
def withdraw(request: Request, lang: str) -> Response:
    """Withdraw the right from the day confirmed; without a confirmed day (or with one that
    has passed), the confirmation page again, nothing changed. A second submit of the same
    confirmation changes nothing and says the right was withdrawn already."""
    form = _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    right_id = form_text(form, "right")
    try:
        on = parse_day(form_text(form, "on"))
    except ValueError:
        on = None
    day = today(request)
    if on is None or on < day:
        return _withdrawal_page(request, lang, org_id, right_id, changed=on is not None)
    viewer_id = _auth.person_id(request)
    with ctx.units() as uow:
        found = views.withdrawal(uow.repo, rules.person(uow.repo, viewer_id), right_id, on,
                                 day)
    if found.organisation_id != org_id:
        raise NotFoundError("right", right_id)
    if found.withdrawn_on is not None:
        return _already_withdrawn(request, lang, org_id, found)
    try:
        services.withdraw_right(ctx.units(), ctx.clock, viewer_id, right_id, on=on)
    except ConflictError as error:
        with ctx.units() as uow:
            again = views.withdrawal(uow.repo, rules.person(uow.repo, viewer_id), right_id,
                                     on, day)
        if again.withdrawn_on is not None:
            return _already_withdrawn(request, lang, org_id, again)
        return _users_page(request, lang, org_id, status=409,
                           errors=[{"field": "rights", "message": error.message}])
    return redirect(_href(lang, org_id) + "?done=withdrawn")


@page
def appoint(request: Request, lang: str) -> Response:
    """A legal representative appoints one of the organisation's users local administrator."""
    form = _auth.checked_form(request)
    org_id = request.path_params["org"]
    ctx = context(request)
    _ = gettext(lang)
    person = form_text(form, "administrator")
    if not person:
        return _users_page(request, lang, org_id, status=422, errors=[
            {"field": "administrator", "message": _("Choose the user to appoint")}])
    try:
        services.appoint_local_admin(ctx.units(), ctx.clock, _auth.person_id(request), org_id,
                                     person)
    except ConflictError as error:
        return _users_page(request, lang, org_id, status=409, errors=[
            {"field": "administrator", "message": error.message}])
    return redirect(_href(lang, org_id) + "?done=appointed")

