"""Requests for a right: a user asks the local administrators of their organisation for a right
(the guide's outcome "vraag-recht": "Vraag aan je lokale beheerder om je het recht als
mandaatbeheerder toe te kennen"), and one of them grants it or declines it. One use case per
change, one transaction each, every change an audit event, as in `services.py`; and the reads
of them the edges show, with the read policy applied, as in `views/`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import policy, rules
from .errors import ConflictError, NotFoundError, RuleViolationError
from .model import RightRequest, new_id
from .phrases import N_
from .policy import Viewer
from .ports import Clock, Repository, UnitOfWork
from .services import _change, _record, _retried, grant_in, right_kind


@_retried
def request_right(uow: UnitOfWork, clock: Clock, actor_id: str, organisation_id: str,
                  kind: str) -> RightRequest:
    """The actor asks for `kind` on their work relation with the organisation: refused when
    they hold it already or asked for it already (still open)."""
    now = clock.now()
    today = now.date()
    wanted = right_kind(kind)
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        org = rules.organisation(uow.repo, organisation_id)
        rules.require_user_management(org)
        relation = next((r for r in uow.repo.work_relations_of(actor.id)
                         if r.organisation_id == org.id and r.active(today)), None)
        if relation is None:
            raise RuleViolationError(rules.WORK_RELATION_OF_ORGANISATION, N_(
                "{name} is not a user of {organisation}: only its users ask its local "
                "administrators for a right", name=actor.name, organisation=org.name))
        rules.enforce(rules.right_holder_refusal(wanted, actor))
        if rules.holds_right(uow.repo, actor.id, org.id, wanted, today):
            raise ConflictError(N_("{name} already holds ‘{right}’ at {organisation}",
                                   name=actor.name, right=wanted.value, organisation=org.name))
        if any(r.open and r.kind is wanted and r.work_relation_id == relation.id
               for r in uow.repo.right_requests_of(actor.id)):
            raise ConflictError(N_("{name} already asked for ‘{right}’ at {organisation}; "
                                   "the request awaits a decision", name=actor.name,
                                   right=wanted.value, organisation=org.name))
        request = RightRequest(new_id("RQ"), org.id, relation.id, actor.id, wanted, now)
        uow.repo.add(request)
        _record(uow, clock, actor.id, "request_right", request, None)
        uow.commit()
    return request


def _open_request(uow: UnitOfWork, request_id: str) -> RightRequest:
    request = uow.repo.right_request(request_id)
    if request is None:
        raise NotFoundError("right request", request_id)
    if not request.open:
        what = N_("granted") if request.granted else N_("declined")
        raise ConflictError(N_("this request was {decided} already", decided=what))
    return request


@_retried
def grant_request(uow: UnitOfWork, clock: Clock, actor_id: str, request_id: str,
                  end: date | None = None) -> RightRequest:
    """Grant what the request asks for, from today, as `services.grant_right` would (its
    rules, its audit event), and close the request as granted with the right it made."""
    now = clock.now()
    with uow.changing():
        request = _open_request(uow, request_id)
        right = grant_in(uow, clock, actor_id, request.work_relation_id, request.kind.value,
                         None, end)

        def decide() -> None:
            request.decided_by, request.decided_at = actor_id, now
            request.granted, request.right_id = True, right.id

        _change(uow, clock, actor_id, "grant_request", request, decide)
        uow.commit()
    return request


@_retried
def decline_request(uow: UnitOfWork, clock: Clock, actor_id: str,
                    request_id: str) -> RightRequest:
    """Decline the request: whoever may grant the right may decline it."""
    now = clock.now()
    with uow.changing():
        request = _open_request(uow, request_id)
        actor = rules.person(uow.repo, actor_id)
        org = rules.organisation(uow.repo, request.organisation_id)
        rules.require_rights_authority(uow.repo, actor, org, now.date())

        def decide() -> None:
            request.decided_by, request.decided_at, request.granted = actor.id, now, False

        _change(uow, clock, actor.id, "decline_request", request, decide)
        uow.commit()
    return request


# --- the reads ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A request with the names of who asked, at which organisation, and who decided."""

    request: RightRequest
    person_name: str
    organisation_name: str
    decided_by_name: str | None

    @property
    def id(self) -> str:
        return self.request.id


def _row(repo: Repository, request: RightRequest) -> RequestRow:
    decided = repo.person(request.decided_by) if request.decided_by else None
    return RequestRow(request, rules.person(repo, request.person_id).name,
                      rules.organisation(repo, request.organisation_id).name,
                      decided.name if decided is not None else request.decided_by)


@dataclass(frozen=True, slots=True)
class OrganisationRequests:
    """An organisation's requests for a right: for its administrators every open one, for a
    user their own; `decides` says whether the viewer decides them."""

    organisation_id: str
    organisation_name: str
    decides: bool
    open: tuple[RequestRow, ...]
    own: tuple[RequestRow, ...]


def organisation_requests(repo: Repository, viewer: Viewer, organisation_id: str,
                          day: date) -> OrganisationRequests:
    """The requests a viewer sees at the organisation: to decide (its administrators) and
    their own (its users); anyone else is refused as the users page refuses them."""
    org = rules.organisation(repo, organisation_id)
    decides = viewer is None or policy.has_authority(repo, viewer, org, day)
    own: list[RightRequest] = []
    if viewer is not None:
        own = [r for r in repo.right_requests_of(viewer.id) if r.organisation_id == org.id]
    if not decides and not own:
        policy.require_administers(repo, viewer, org, day)
    waiting = [r for r in repo.right_requests_at(org.id) if r.open] if decides else []
    return OrganisationRequests(org.id, org.name, decides,
                                tuple(_row(repo, r) for r in waiting),
                                tuple(_row(repo, r) for r in reversed(own)))


def request_to_decide(repo: Repository, viewer: Viewer, request_id: str,
                      day: date) -> RequestRow:
    """A request, for whoever decides it (its organisation's administrators)."""
    request = repo.right_request(request_id)
    if request is None:
        raise NotFoundError("right request", request_id)
    policy.require_administers(repo, viewer, rules.organisation(repo, request.organisation_id),
                               day)
    return _row(repo, request)


def requests_to_decide(repo: Repository, viewer: Viewer, day: date) -> tuple[RequestRow, ...]:
    """Every open request of the organisations the viewer administers (a to-do list)."""
    if viewer is None:
        return ()
    orgs = {a.organisation_id for a in repo.local_admin_roles_of(viewer.id) if a.active(day)}
    orgs |= {o.id for o in repo.organisations_represented_by(viewer.id)}
    return tuple(_row(repo, r) for org in sorted(orgs) for r in repo.right_requests_at(org)
                 if r.open)


__all__ = ["OrganisationRequests", "RequestRow", "decline_request", "grant_request",
           "organisation_requests", "request_right", "request_to_decide", "requests_to_decide"]
