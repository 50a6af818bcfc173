"""A mandate, a right or a person with its history from the audit log, in words.

Who did what, when: the actor by name ("het systeem", "de aanmelding", "de opdrachtregel
(gebruiker X)" for the command line's `--as`), the action as a sentence ("ondertekende namens
Bakkerij Peeters"), the moment. The sentences are said with `phrases._`: in the language of
the caller's `phrases.translated` block (the page's, the request's), English outside one.
Nothing of an event's snapshots is shown but the names the registry holds, so never a
national number.

The read policy applies as for the objects themselves: a mandate for whoever acts for one of
its sides (`policy.require_sees_mandate`); a right for its holder and the organisation's
administrators (`policy.require_administers`); a person for whoever may see them
(`policy.require_person_visible`), their page listing only what the viewer may see of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .. import policy, rules
from ..audit import AuditLog, RecordedCheck
from ..errors import NotFoundError
from ..model import (
    LocalAdmin,
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Person,
    Right,
    WorkRelation,
)
from ..phrases import _
from ..policy import Viewer
from ..ports import AuditEvent, EntityRef, Repository, UnitOfWork
from ._mandates import MandateRow, by_creation, mandate_row, mandate_rows
from ._names import name_of

#: The newest entries a history shows (a person's sign-ins add up).
HISTORY_LIMIT = 200

#: What `HistoryEntry.actor` says acted.
PERSON, SYSTEM, SIGN_IN, TOKEN, COMMAND_LINE = (
    "person", "system", "sign_in", "token", "command_line")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event in words."""

    at: datetime
    #: The event's action, as the log names it ("sign_mandate").
    action: str
    #: What acted: "person", "system", "sign_in", "token" or "command_line".
    actor: str
    who: str
    what: str
    #: Which object the event is about, on a page that lists several (a person's); else None.
    about: str | None = None


@dataclass(frozen=True, slots=True)
class History:
    entries: list[HistoryEntry]
    #: Older entries than these exist (`HISTORY_LIMIT`).
    more: bool


@dataclass(frozen=True, slots=True)
class Signed:
    """Who signed (or stopped), by name, and when."""

    name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class MandatePage:
    row: MandateRow
    #: The giver's and the taker's number as shown: the enterprise number, formatted, or
    #: the national number, masked.
    giver_number: str | None
    taker_number: str | None
    giver_signed: Signed | None
    taker_signed: Signed | None
    stopped: Signed | None
    #: The provider it was handed over to, or a proposed transfer awaits.
    transferred_to: str | None
    history: History

    @property
    def mandate(self) -> Mandate:
        return self.row.mandate


@dataclass(frozen=True, slots=True)
class RightPage:
    right: Right
    person: Person
    organisation: Organisation
    granted_by: str
    withdrawn_by: str | None
    active: bool
    history: History


@dataclass(frozen=True, slots=True)
class PersonPage:
    person: Person
    #: The work relations the viewer may see, with their organisation and rights.
    relations: list[tuple[WorkRelation, Organisation, list[Right]]]
    local_admin_roles: list[tuple[LocalAdmin, Organisation]]
    mandates: list[MandateRow]
    #: Whether the history holds the person's sign-ins (only for themself and the system).
    sign_ins: bool
    history: History

    @property
    def masked(self) -> str:
        return self.person.national_number.masked


# --- the pages -------------------------------------------------------------------------------


def mandate_history(uow: UnitOfWork, viewer: Viewer, mandate_id: str, day: date) -> MandatePage:
    """A mandate in words, and its history (for whoever acts for one of its sides)."""
    repo = uow.repo
    found = repo.mandate(mandate_id)
    if found is None:
        raise NotFoundError("mandate", mandate_id)
    policy.require_sees_mandate(repo, viewer, found, day)
    moved = found.transferred_to or found.pending_transfer_to
    return MandatePage(
        mandate_row(repo, found, day), _number(repo, found.giver), _number(repo, found.taker),
        _signed(repo, found.giver_signature.by, found.giver_signature.at)
        if found.giver_signature else None,
        _signed(repo, found.taker_signature.by, found.taker_signature.at)
        if found.taker_signature else None,
        _signed(repo, found.stopped_by, found.stopped_at)
        if found.stopped_by and found.stopped_at else None,
        name_of(repo, moved) if moved is not None else None,
        _history(uow, [("mandate", found.id)], {}))


def right_history(uow: UnitOfWork, viewer: Viewer, right_id: str, day: date) -> RightPage:
    """A right in words, and its history (for its holder and the organisation's
    administrators)."""
    repo = uow.repo
    found = repo.right(right_id)
    relation = repo.work_relation(found.work_relation_id) if found is not None else None
    if found is None or relation is None:
        raise NotFoundError("right", right_id)
    org = rules.organisation(repo, relation.organisation_id)
    if viewer is None or viewer.id != relation.person_id:
        policy.require_administers(repo, viewer, org, day)
    holder = rules.person(repo, relation.person_id)
    return RightPage(found, holder, org, _person_name(repo, found.granted_by),
                     _person_name(repo, found.withdrawn_by) if found.withdrawn_by else None,
                     found.active(day), _history(uow, [("right", found.id)], {}))


def person_history(uow: UnitOfWork, viewer: Viewer, person_id: str, day: date) -> PersonPage:
    """A person in words, what the viewer may see of their organisations, rights and
    mandates, and the history of all of it (the person's sign-ins only for themself and the
    system)."""
    repo = uow.repo
    found = rules.person(repo, person_id)
    policy.require_person_visible(repo, viewer, found.id, day)
    everything = viewer is None or viewer.id == found.id

    def administers(org: Organisation) -> bool:
        return viewer is None or everything or policy.has_authority(repo, viewer, org, day)

    def sees_admins(org: Organisation) -> bool:
        return viewer is None or everything or policy.may_see_local_admins(repo, viewer, org,
                                                                           day)

    def sees_mandate(mandate: Mandate) -> bool:
        return viewer is None or everything or policy.may_see_mandate(repo, viewer, mandate,
                                                                      day)

    about: dict[EntityRef, str] = {}
    relations = []
    all_relations = repo.work_relations_of(found.id)
    all_rights = repo.rights_on([r.id for r in all_relations])
    for relation in all_relations:
        org = repo.organisation(relation.organisation_id)
        if org is None or not administers(org):
            continue
        held = [r for r in all_rights if r.work_relation_id == relation.id]
        relations.append((relation, org, held))
        about[("work_relation", relation.id)] = ""  # its sentence names the organisation
        for right in held:
            about[("right", right.id)] = _("‘{kind}’ at {organisation}",
                                           kind=right.kind.value, organisation=org.name)
    roles = []
    for admin in repo.local_admin_roles_of(found.id):
        org = repo.organisation(admin.organisation_id)
        if org is not None and sees_admins(org):
            roles.append((admin, org))
            about[("local_admin", admin.id)] = ""  # as above
    mandates = [m for m in by_creation([*repo.mandates_given_by(found.party),
                                        *repo.mandates_taken_by(found.party)])
                if sees_mandate(m)]
    rows = mandate_rows(repo, mandates, day)
    for row in rows:
        about[("mandate", row.id)] = _describe(row)
    entities: list[EntityRef] = [("person", found.id), *about]
    if everything:
        entities += [("session", s.id) for s in uow.sign_ins().sessions_of(found.id)]
    return PersonPage(found, relations, roles, rows, everything,
                      _history(uow, entities, about))


@dataclass(frozen=True, slots=True)
class AuditState:
    """The audit log's state as last checked."""

    #: False: this registry keeps no audit log that can be checked (`memory:`).
    kept: bool
    #: The last check recorded; None before the first.
    last: RecordedCheck | None = None


def audit_state(repo: Repository, viewer: Viewer, log: AuditLog | None,
                day: date) -> AuditState | None:
    """For the system and whoever administers some organisation (`policy.administered`);
    None for anyone else. The last check recorded (`AuditLog.last_check`), never a new one."""
    if viewer is not None and not policy.administered(repo, viewer, day):
        return None
    if log is None:
        return AuditState(kept=False)
    return AuditState(kept=True, last=log.last_check())


# --- in words --------------------------------------------------------------------------------


def _describe(row: MandateRow) -> str:
    return _("{type} mandate from {giver} to {taker}", type=row.mandate.type,
             giver=row.giver_name, taker=row.taker_name)


def _number(repo: Repository, party: Party) -> str | None:
    if party.kind is PartyKind.PERSON:
        person = repo.person(party.id)
        return person.national_number.masked if person is not None else None
    org = repo.organisation(party.id)
    return org.enterprise_number.formatted if org and org.enterprise_number else None


def _person_name(repo: Repository, person_id: str) -> str:
    person = repo.person(person_id)
    return person.name if person is not None else _("someone no longer registered")


def _signed(repo: Repository, person_id: str, at: datetime) -> Signed:
    return Signed(_person_name(repo, person_id), at)


def _history(uow: UnitOfWork, entities: Sequence[EntityRef],
             about: dict[EntityRef, str]) -> History:
    events = uow.events_about(entities, HISTORY_LIMIT + 1)
    more = len(events) > HISTORY_LIMIT
    kept = events[len(events) - HISTORY_LIMIT:] if more else events
    repo = uow.repo
    return History([_entry(repo, e, about.get((e.entity, e.entity_id)) or None)
                    for e in kept], more)


def _entry(repo: Repository, event: AuditEvent, about: str | None) -> HistoryEntry:
    actor, who = _who(repo, event)
    return HistoryEntry(event.at, event.action, actor, who, _what(repo, event), about)


def _who(repo: Repository, event: AuditEvent) -> tuple[str, str]:
    person = repo.person(event.actor)
    if event.via is not None and event.via.startswith("cli:"):
        user = event.via.removeprefix("cli:")
        if person is not None:
            return COMMAND_LINE, _("the command line (user {user}), as {name}", user=user,
                                   name=person.name)
        return COMMAND_LINE, _("the command line (user {user})", user=user)
    if person is not None:
        return PERSON, person.name
    if event.actor == "system":
        return SYSTEM, _("the system")
    if event.actor == "sign-in":
        return SIGN_IN, _("the sign-in")
    if event.actor.startswith("token:"):
        return TOKEN, _("an API token")
    return PERSON, _("someone no longer registered")


def _party(repo: Repository, value: Any) -> str:
    """A side as a snapshot holds it ({"kind": …, "id": …}), by name."""
    if not isinstance(value, dict):
        return _("someone no longer registered")
    try:
        party = Party(PartyKind(str(value.get("kind"))), str(value.get("id")))
    except ValueError:
        return _("someone no longer registered")
    return name_of(repo, party)


def _organisation(repo: Repository, organisation_id: Any) -> str:
    org = repo.organisation(str(organisation_id))
    return org.name if org is not None else _("an organisation no longer registered")


def _what(repo: Repository, event: AuditEvent) -> str:
    before, after = event.before or {}, event.after or {}
    action = event.action
    if action == "create_mandate":
        if after.get("giver_signature"):
            return _("gave the mandate")
        return _("created the mandate for {party}", party=_party(repo, after.get("taker")))
    if action == "sign_mandate":
        side = "giver" if not before.get("giver_signature") else "taker"
        return _("signed for {party}", party=_party(repo, after.get(side)))
    if action == "refuse_mandate":
        side = "giver" if not before.get("giver_signature") else "taker"
        return _("refused to sign for {party}", party=_party(repo, after.get(side)))
    if action == "stop_mandate":
        return _("stopped the mandate")
    if action == "transfer_mandate":
        return _("proposed to transfer it to {party}",
                 party=_party(repo, after.get("pending_transfer_to")))
    if action == "refuse_transfer":
        return _("refused the transfer to {party}",
                 party=_party(repo, before.get("pending_transfer_to")))
    if action == "accept_transfer":
        if event.before is None:
            return _("took the mandate over by a transfer")
        return _("accepted the transfer for {party}",
                 party=_party(repo, after.get("transferred_to")))
    if action == "grant_right":
        return _("granted ‘{kind}’", kind=after.get("kind"))
    if action == "withdraw_right":
        return _("withdrew ‘{kind}’", kind=after.get("kind"))
    if action == "add_work_relation":
        return _("added as a user of {organisation}",
                 organisation=_organisation(repo, after.get("organisation_id")))
    if action == "appoint_local_admin":
        return _("appointed local administrator of {organisation}",
                 organisation=_organisation(repo, after.get("organisation_id")))
    if action in ("register_person", "register_organisation"):
        return _("registered {name}", name=after.get("name"))
    if action == "rename_person":
        return _("changed the name to {name}", name=after.get("name"))
    if action == "sign_in":
        return _("signed in")
    if action == "sign_out":
        return _("signed out")
    if action == "sign_out_everywhere":
        return _("signed out everywhere")
    if action == "end_session_record_changed":
        return _("ended a session, as the person's record changed")
    return _("changed the record")


__all__ = ["HISTORY_LIMIT", "AuditState", "History", "HistoryEntry", "MandatePage", "PersonPage",
           "RightPage", "Signed", "audit_state", "mandate_history", "person_history",
           "right_history"]
