"""A page per mandate, per right and per person, with its history from the audit log; the
audit log's state for those who administer something."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.numbers import format_decimal
from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import rules, views
from ...registry.model import Person
from ...registry.ports import Repository, UnitOfWork
from .._formats import LOCALES, moment
from . import _auth
from ._common import gettext, page, show, today

#: One of the history reads of `views` (`mandate_history`, `right_history`, `person_history`).
Read = Callable[[UnitOfWork, Person, str, date], object]


def _show(request: Request, lang: str, template: str, read: Read,
          key: str) -> Response:
    day = today(request)
    with context(request).units() as uow:
        viewer = rules.person(uow.repo, _auth.person_id(request))
        # The history's sentences in the page's language: `page` opened `sentences(lang)`.
        found = read(uow, viewer, request.path_params[key], day)
        done = request.query_params.get("done")
        return show(request, lang, template, repo=uow.repo, found=found, day=day,
                    done=done if done == "granted" else None)


@page
def mandate(request: Request, lang: str) -> Response:
    return _show(request, lang, "registry/mandate.html", views.mandate_history, "mandate")


@page
def right(request: Request, lang: str) -> Response:
    return _show(request, lang, "registry/right.html", views.right_history, "right")


@page
def person(request: Request, lang: str) -> Response:
    return _show(request, lang, "registry/person.html", views.person_history, "person")


def audit_line(request: Request, lang: str, repo: Repository, person_id: str,
               day: date) -> str | None:
    """"Auditlog: intact, 1.204 gebeurtenissen, laatst gecontroleerd …" for a person who
    administers something (None for anyone else): the last check recorded, never a new one
    (a large log takes minutes to walk)."""
    state = views.audit_state(repo, rules.person(repo, person_id), context(request).audit, day)
    if state is None:
        return None
    _ = gettext(lang)
    if not state.kept:
        return _("Audit log: none (this registry keeps no audit log)")
    last = state.last
    if last is None:
        return _("Audit log: not checked yet")
    values = {"events": format_decimal(last.events, locale=LOCALES[lang]),
              "when": moment(last.at, lang)}
    if last.ok:
        return _("Audit log: intact, %(events)s events, last checked %(when)s") % values
    return _("Audit log: NOT intact at the last check (%(when)s, %(events)s events); "
             "the help desk knows what to do") % values


__all__ = ["audit_line", "mandate", "person", "right"]
