"""The registry's use cases: plain functions over a unit of work, each one transaction.

Every change is checked against the rules first and recorded as an audit event in the same
transaction; a refused action changes nothing.
"""

from __future__ import annotations

import functools
import random
import re
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, ParamSpec, TypeVar

from . import rules
from .audit import current_via, snapshot
from .errors import (
    ConcurrentChangeError,
    ConflictError,
    NotFoundError,
    RuleViolationError,
    ValidationError,
)
from .identifiers import EnterpriseNumber, NationalNumber
from .model import (
    Dossier,
    EntityGroup,
    LocalAdmin,
    Mandate,
    MandateStatus,
    Organisation,
    Party,
    PartyKind,
    Period,
    Person,
    Right,
    RightKind,
    Signature,
    WorkRelation,
    new_id,
)
from .phrases import N_, Phrase
from .ports import AuditEvent, Clock, Entity, UnitOfWork

SYSTEM = "system"


#: How often a use case runs when the database reports a concurrent change (ADR 0010).
ATTEMPTS = 5
P = ParamSpec("P")
T = TypeVar("T")


def _retried(use_case: Callable[P, T]) -> Callable[P, T]:
    """Run the use case again, on the new state, when its transaction met another that changed
    the same facts at the same moment (`ConcurrentChangeError`): the second run then decides
    from the first's result, and refuses with the rule if the rule says so. Writers take turns
    (the unit of work's `changing`), so this is the exception, not the path."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS):
            try:
                return use_case(*args, **kwargs)
            except ConcurrentChangeError:
                time.sleep(random.uniform(0, 0.005 * 2 ** attempt))
        return use_case(*args, **kwargs)

    return run


#: For the use cases of other modules (sign-in): the same retries.
retried = _retried


def _record(uow: UnitOfWork, clock: Clock, actor: str, action: str, entity: Entity,
            before: dict[str, Any] | None) -> None:
    uow.record(AuditEvent(actor, action, _entity_name(entity), entity.id, clock.now(), before,
                          snapshot(entity), via=current_via()))


def _entity_name(entity: Entity) -> str:
    """The entity's kind in snake case, as the code names it: "work_relation", "local_admin"."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(entity).__name__).lower()


def _period(start: date, end: date | None, today: date, field: str = "end") -> Period:
    if end is not None and end < start:
        raise ValidationError(field, N_("{end} lies before the start {start}", end=end,
                                        start=start), N_("a date on or after the start"))
    if end is not None and end < today:
        raise ValidationError(field, N_("{end} lies in the past", end=end),
                              N_("today ({today}) or later", today=today))
    return Period(start, end)


def _change(uow: UnitOfWork, clock: Clock, actor: str, action: str, entity: Entity,
            mutate: Callable[[], None]) -> None:
    before = snapshot(entity)
    mutate()
    uow.changed(entity)
    _record(uow, clock, actor, action, entity, before)


# --- persons, organisations, dossiers (registered by the system: import, demo, admin) -------


@_retried
def register_person(uow: UnitOfWork, clock: Clock, national_number: str, name: str,
                    has_eid: bool = True, actor: str = SYSTEM) -> Person:
    number = NationalNumber.parse(national_number)
    if not name.strip():
        raise ValidationError("name", N_("is empty"), N_("the person's name"))
    with uow.changing():
        if uow.repo.person_by_number(number) is not None:
            raise ConflictError(N_("a person with national number {number} is already "
                                   "registered", number=number.masked))
        person = Person(new_id("P"), number, name.strip(), has_eid)
        uow.repo.add(person)
        _record(uow, clock, actor, "register_person", person, None)
        uow.commit()
    return person


@_retried
def register_organisation(uow: UnitOfWork, clock: Clock, name: str, entity_group: str,
                          enterprise_number: str | None = None,
                          legal_representatives: Iterable[str] = (),
                          actor: str = SYSTEM) -> Organisation:
    try:
        group = EntityGroup(entity_group)
    except ValueError:
        raise ValidationError("entity_group", N_("{value} is not an entity group",
                                                 value=repr(entity_group)),
                              N_("one of: {values}",
                                 values=", ".join(g.value for g in EntityGroup))) from None
    if not name.strip():
        raise ValidationError("name", N_("is empty"), N_("the organisation's name"))
    number = EnterpriseNumber.parse(enterprise_number) if enterprise_number else None
    if group.needs_enterprise_number and number is None:
        raise ValidationError("enterprise_number", N_("is missing for {group}",
                                                      group=rules.GROUPS[group]),
                              N_("a KBO enterprise number"))
    if not group.needs_enterprise_number and number is not None:
        # De facto associations, foreign organisations and departments of an organising
        # authority have no enterprise number of their own.
        raise ValidationError("enterprise_number", N_("is given for {group}",
                                                      group=rules.GROUPS[group]),
                              N_("none: this entity group has no enterprise number of its "
                                 "own"))
    with uow.changing():
        if number is not None and uow.repo.organisation_by_number(number) is not None:
            raise ConflictError(N_("an organisation with enterprise number {number} is "
                                   "already registered", number=str(number)))
        representatives = set(legal_representatives)
        for person_id in representatives:
            rules.person(uow.repo, person_id)
        org = Organisation(new_id("O"), name.strip(), group, number, representatives)
        uow.repo.add(org)
        _record(uow, clock, actor, "register_organisation", org, None)
        uow.commit()
    return org


@_retried
def add_dossier(uow: UnitOfWork, clock: Clock, applicant: Party, title: str,
                status: str = "draft", actor: str = SYSTEM) -> Dossier:
    if not title.strip():
        raise ValidationError("title", N_("is empty"), N_("the dossier's title"))
    with uow.changing():
        _party(uow, applicant)
        dossier = Dossier(new_id("D"), applicant, title.strip(), status)
        uow.repo.add(dossier)
        _record(uow, clock, actor, "add_dossier", dossier, None)
        uow.commit()
    return dossier


def _party(uow: UnitOfWork, party: Party) -> Person | Organisation:
    if party.kind is PartyKind.PERSON:
        return rules.person(uow.repo, party.id)
    return rules.organisation(uow.repo, party.id)


# --- the user management: local administrators, work relations and rights ------------------


@_retried
def appoint_local_admin(uow: UnitOfWork, clock: Clock, actor_id: str, organisation_id: str,
                        person_id: str, start: date | None = None) -> LocalAdmin:
    today = clock.now().date()
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        org = rules.organisation(uow.repo, organisation_id)
        rules.person(uow.repo, person_id)
        rules.require_user_management(org)
        if not rules.is_legal_representative(actor, org):
            raise RuleViolationError(rules.LEGAL_REPRESENTATIVE_ONLY,
                                     N_("only a legal representative of {organisation} "
                                        "appoints its local administrators",
                                        organisation=org.name))
        rules.require_eid(actor, N_("appoint a local administrator of {organisation}",
                                    organisation=org.name))
        if any(a.person_id == person_id and a.active(today)
               for a in uow.repo.local_admins_of(org.id)):
            raise ConflictError(N_("{name} is already a local administrator of {organisation}",
                                   name=rules.person(uow.repo, person_id).name,
                                   organisation=org.name))
        admin = LocalAdmin(new_id("LA"), org.id, person_id, actor.id, Period(start or today))
        uow.repo.add(admin)
        _record(uow, clock, actor.id, "appoint_local_admin", admin, None)
        uow.commit()
    return admin


def add_colleague(uow: UnitOfWork, clock: Clock, actor_id: str, organisation_id: str,
                  national_number: str, name: str, start: date | None = None,
                  end: date | None = None) -> WorkRelation:
    """A user the registry does not know yet: the person registered by national number and
    name, as the user management does, and their work relation with the organisation, both
    or neither (a refusal of the relation, e.g. by someone who may not manage its users,
    registers nobody). The registration is the acting administrator's audit event."""
    NationalNumber.parse(national_number)
    if not name.strip():
        raise ValidationError("name", N_("is empty"), N_("the person's first and last name"))
    with uow.all_or_nothing():
        person = register_person(uow, clock, national_number, name, actor=actor_id)
        return add_work_relation(uow, clock, actor_id, organisation_id, person.id, start, end)


@_retried
def add_work_relation(uow: UnitOfWork, clock: Clock, actor_id: str, organisation_id: str,
                      person_id: str, start: date | None = None, end: date | None = None,
                      user_type: str = "employee") -> WorkRelation:
    today = clock.now().date()
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        org = rules.organisation(uow.repo, organisation_id)
        rules.person(uow.repo, person_id)
        rules.require_user_management(org)
        rules.require_rights_authority(uow.repo, actor, org, today)
        rules.require_eid(actor, N_("manage the users of {organisation}",
                                    organisation=org.name))
        period = _period(start or today, end, today)
        existing = [r for r in uow.repo.work_relations_of(person_id)
                    if r.organisation_id == org.id and r.period.overlaps(period)]
        name = rules.person(uow.repo, person_id).name
        if any(r.active(today) for r in existing):
            raise ConflictError(N_("{name} already has a work relation with {organisation}",
                                   name=name, organisation=org.name))
        if existing:
            # One starting later (or ended, but within the period asked for) covers part of it.
            raise ConflictError(N_("{name} already has a work relation with {organisation} "
                                   "from {start}, for part of that period", name=name,
                                   organisation=org.name, start=existing[0].period.start))
        relation = WorkRelation(new_id("WR"), person_id, org.id, period, user_type)
        uow.repo.add(relation)
        _record(uow, clock, actor.id, "add_work_relation", relation, None)
        uow.commit()
    return relation


@_retried
def grant_right(uow: UnitOfWork, clock: Clock, actor_id: str, work_relation_id: str,
                kind: str, start: date | None = None, end: date | None = None) -> Right:
    with uow.changing():
        right = grant_in(uow, clock, actor_id, work_relation_id, kind, start, end)
        uow.commit()
    return right


def right_kind(kind: str) -> RightKind:
    """The right a text names, or the refusal naming the field `kind`."""
    try:
        return RightKind(kind)
    except ValueError:
        raise ValidationError("kind", N_("{value} is not a right", value=repr(kind)),
                              N_("one of: {values}",
                                 values=", ".join(k.value for k in RightKind))) from None


def grant_in(uow: UnitOfWork, clock: Clock, actor_id: str, work_relation_id: str,
             kind: str, start: date | None = None, end: date | None = None) -> Right:
    """Grant the right inside a change the caller opened (`uow.changing()`) and commits:
    every rule of `grant_right`, its audit event, no commit."""
    today = clock.now().date()
    right_kind_ = right_kind(kind)
    actor = rules.person(uow.repo, actor_id)
    relation = uow.repo.work_relation(work_relation_id)
    if relation is None:
        raise NotFoundError("work relation", work_relation_id)
    org = rules.organisation(uow.repo, relation.organisation_id)
    rules.require_user_management(org)
    rules.require_rights_authority(uow.repo, actor, org, today)
    rules.require_eid(actor, N_("grant rights on behalf of {organisation}",
                                organisation=org.name))
    holder = rules.person(uow.repo, relation.person_id)
    rules.enforce(rules.right_holder_refusal(right_kind_, holder))
    period = _period(start or today, end, today)
    if period.start < relation.period.start:
        raise ConflictError(N_("the work relation of {name} with {organisation} starts "
                               "on {start}, after the right would", name=holder.name,
                               organisation=org.name, start=relation.period.start))
    if not relation.active(period.start):
        assert relation.period.end is not None
        raise ConflictError(N_("the work relation of {name} with {organisation} ended on "
                               "{end}", name=holder.name, organisation=org.name,
                               end=relation.period.end))
    if any(r.kind is right_kind_ and _overlap(r, period)
           for r in uow.repo.rights_on([relation.id])):
        raise ConflictError(N_("{name} already holds ‘{right}’ at {organisation} for part "
                               "of that period", name=holder.name,
                               right=right_kind_.value, organisation=org.name))
    right = Right(new_id("R"), relation.id, right_kind_, actor.id, period)
    uow.repo.add(right)
    _record(uow, clock, actor.id, "grant_right", right, None)
    return right


def _overlap(right: Right, period: Period) -> bool:
    """Whether `right` holds on some day of `period`."""
    last = right.period.end
    if right.withdrawn_on is not None:
        withdrawn_eve = right.withdrawn_on - timedelta(days=1)
        last = withdrawn_eve if last is None else min(last, withdrawn_eve)
    if last is not None and last < right.period.start:
        return False
    return (period.end is None or right.period.start <= period.end) and \
        (last is None or period.start <= last)


@_retried
def withdraw_right(uow: UnitOfWork, clock: Clock, actor_id: str, right_id: str,
                   on: date | None = None) -> Right:
    today = clock.now().date()
    effective = on or today
    if effective < today:
        raise ValidationError("on", N_("{day} lies in the past", day=effective),
                              N_("today ({today}) or later: a withdrawal does not reach back",
                                 today=today))
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        right = uow.repo.right(right_id)
        if right is None:
            raise NotFoundError("right", right_id)
        relation = uow.repo.work_relation(right.work_relation_id)
        assert relation is not None
        org = rules.organisation(uow.repo, relation.organisation_id)
        rules.require_rights_authority(uow.repo, actor, org, today)
        rules.require_eid(actor, N_("withdraw rights on behalf of {organisation}",
                                    organisation=org.name))
        holder = rules.person(uow.repo, relation.person_id).name
        if right.withdrawn_on is not None:
            raise ConflictError(N_("the right ‘{right}’ of {name} was already withdrawn on "
                                   "{day}", right=right.kind.value, name=holder,
                                   day=right.withdrawn_on))
        if right.period.end is not None and right.period.end < effective:
            raise ConflictError(N_("the right ‘{right}’ of {name} ends on {end}, before {day}",
                                   right=right.kind.value, name=holder, end=right.period.end,
                                   day=effective))

        def withdraw() -> None:
            right.withdrawn_on, right.withdrawn_by = effective, actor.id

        _change(uow, clock, actor.id, "withdraw_right", right, withdraw)
        uow.commit()
    return right


# --- mandates ------------------------------------------------------------------------------


def _check_sides(uow: UnitOfWork, giver: Party, taker: Party) -> None:
    giver_entity = _party(uow, giver)
    taker_entity = _party(uow, taker)
    if giver == taker:
        raise ValidationError("taker", N_("is the giver"),
                              N_("another person or a service provider"))
    rules.require_mandate_sides(giver_entity, taker_entity)


_OPEN = frozenset({MandateStatus.ACTIVE, MandateStatus.AWAITING_GIVER,
                   MandateStatus.AWAITING_TAKER})


def _blocking(mandates: Iterable[Mandate], taker: Party, day: date) -> Mandate | None:
    """An open mandate to `taker` (or one awaiting transfer to it), which a new one would
    duplicate."""
    return next((m for m in mandates if taker in (m.taker, m.pending_transfer_to)
                 and m.status(day) in _OPEN), None)


def _refuse_duplicate(uow: UnitOfWork, giver: Party, taker: Party, day: date) -> None:
    existing = _blocking(uow.repo.mandates_given_by(giver), taker, day)
    if existing is None:
        return
    state = STATUSES[existing.status(day)] if existing.taker == taker \
        else N_("awaiting transfer")
    raise ConflictError(N_("{mandate} already exists, with the status ‘{state}’",
                           mandate=_described(uow, existing, taker), state=state))


@_retried
def create_mandate(uow: UnitOfWork, clock: Clock, actor_id: str, giver: Party, taker: Party,
                   start: date | None = None, end: date | None = None) -> Mandate:
    """Create a KIOSK mandate; the creator signs for the side they act for."""
    now = clock.now()
    today = now.date()
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        _check_sides(uow, giver, taker)
        side = next((s for s in (giver, taker)
                     if rules.signing_refusal(uow.repo, actor, s, today) is None), None)
        if side is None:
            raise RuleViolationError(rules.PARTY_TO_MANDATE,
                                     N_("{name} acts for neither the giver nor the taker; "
                                        "nobody creates a mandate in which they are neither",
                                        name=actor.name))
        rules.require_eid(actor, SIGN_A_MANDATE)
        _refuse_duplicate(uow, giver, taker, today)
        mandate = Mandate(new_id("M"), giver, taker, _period(start or today, end, today),
                          actor.id, now)
        signature = Signature(actor.id, now)
        if side == giver:
            mandate.giver_signature = signature
        else:
            mandate.taker_signature = signature
        uow.repo.add(mandate)
        _record(uow, clock, actor.id, "create_mandate", mandate, None)
        uow.commit()
    return mandate


#: A mandate's status as a refusal names it ("… has the status ‘{state}’").
STATUSES: dict[MandateStatus, Phrase] = {
    MandateStatus.AWAITING_GIVER: N_("awaiting the giver's signature"),
    MandateStatus.AWAITING_TAKER: N_("awaiting the taker's signature"),
    MandateStatus.ACTIVE: N_("active"),
    MandateStatus.STOPPED: N_("stopped"),
    MandateStatus.EXPIRED: N_("expired"),
    MandateStatus.TRANSFERRED: N_("transferred"),
}
SIGN_A_MANDATE = N_("sign a mandate")


def _name(uow: UnitOfWork, party: Party) -> str:
    """A side's name (its id when nothing has it: refusals only)."""
    entity = (uow.repo.person(party.id) if party.kind is PartyKind.PERSON
              else uow.repo.organisation(party.id))
    return entity.name if entity is not None else party.id


def _described(uow: UnitOfWork, mandate: Mandate, taker: Party | None = None) -> Phrase:
    """A mandate in words, by its parties: "the mandate from Bakkerij Peeters to Boekhouding
    Claes"."""
    return N_("the mandate from {giver} to {taker}", giver=_name(uow, mandate.giver),
              taker=_name(uow, taker or mandate.taker))


def _mandate(uow: UnitOfWork, mandate_id: str) -> Mandate:
    mandate = uow.repo.mandate(mandate_id)
    if mandate is None:
        raise NotFoundError("mandate", mandate_id)
    return mandate


def _awaited_side(uow: UnitOfWork, mandate: Mandate, day: date) -> Party:
    status = mandate.status(day)
    if status is MandateStatus.AWAITING_GIVER:
        return mandate.giver
    if status is MandateStatus.AWAITING_TAKER:
        return mandate.taker
    raise ConflictError(N_("{mandate} has the status ‘{state}’; it awaits no signature",
                           mandate=_described(uow, mandate), state=STATUSES[status]))


@_retried
def sign_mandate(uow: UnitOfWork, clock: Clock, actor_id: str, mandate_id: str,
                 expected: Party | None = None) -> Mandate:
    """Sign the side a mandate awaits; for a proposed transfer, sign as the new taker.

    `expected`: the side the signer confirmed. When the mandate awaits another one by now (a
    second copy of the same confirmation, after the first signed), nothing is signed: a
    conflict, so that a double submit never signs the other side too."""
    now = clock.now()
    today = now.date()
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        mandate = _mandate(uow, mandate_id)
        transfer = mandate.pending_transfer_to is not None and \
            mandate.status(today) is MandateStatus.ACTIVE
        signing = mandate.pending_transfer_to if transfer else \
            _awaited_side(uow, mandate, today)
        if expected is not None and signing != expected:
            raise ConflictError(N_("{mandate} no longer awaits that signature",
                                   mandate=_described(uow, mandate)))
        if transfer:
            assert mandate.pending_transfer_to is not None
            rules.require_signer(uow.repo, actor, mandate.pending_transfer_to, today)
            rules.require_eid(actor, SIGN_A_MANDATE)
            successor = _complete_transfer(uow, clock, actor, mandate)
            uow.commit()
            return successor
        side = _awaited_side(uow, mandate, today)
        rules.require_signer(uow.repo, actor, side, today)
        rules.require_eid(actor, SIGN_A_MANDATE)

        def sign() -> None:
            if side == mandate.giver:
                mandate.giver_signature = Signature(actor.id, now)
            else:
                mandate.taker_signature = Signature(actor.id, now)

        _change(uow, clock, actor.id, "sign_mandate", mandate, sign)
        uow.commit()
    return mandate


@_retried
def refuse_mandate(uow: UnitOfWork, clock: Clock, actor_id: str, mandate_id: str) -> Mandate:
    """Refuse to sign: the mandate stops without ever becoming active.

    For a proposed transfer, the new taker refuses the transfer: the mandate stays active
    with its current taker.
    """
    now = clock.now()
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        mandate = _mandate(uow, mandate_id)
        new_taker = mandate.pending_transfer_to
        if new_taker is not None and mandate.status(now.date()) is MandateStatus.ACTIVE:
            rules.require_signer(uow.repo, actor, new_taker, now.date())
            rules.require_eid(actor, N_("refuse a mandate transfer"))

            def keep() -> None:
                mandate.pending_transfer_to = None

            _change(uow, clock, actor.id, "refuse_transfer", mandate, keep)
            uow.commit()
            return mandate
        side = _awaited_side(uow, mandate, now.date())
        rules.require_signer(uow.repo, actor, side, now.date())
        rules.require_eid(actor, N_("refuse a mandate"))

        def refuse() -> None:
            mandate.stopped_by, mandate.stopped_at = actor.id, now

        _change(uow, clock, actor.id, "refuse_mandate", mandate, refuse)
        uow.commit()
    return mandate


@_retried
def stop_mandate(uow: UnitOfWork, clock: Clock, actor_id: str, mandate_id: str) -> Mandate:
    """Either side stops a mandate (active, or still awaiting a signature)."""
    now = clock.now()
    today = now.date()
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        mandate = _mandate(uow, mandate_id)
        status = mandate.status(today)
        if status not in _OPEN:
            raise ConflictError(N_("{mandate} has the status ‘{state}’; only an active or "
                                   "awaiting mandate can be stopped",
                                   mandate=_described(uow, mandate), state=STATUSES[status]))
        if all(rules.signing_refusal(uow.repo, actor, side, today) is not None
               for side in (mandate.giver, mandate.taker)):
            raise RuleViolationError(rules.EITHER_SIDE_STOPS,
                                     N_("{name} acts for neither side of {mandate}; only the "
                                        "giver's or the taker's signers stop it",
                                        name=actor.name, mandate=_described(uow, mandate)))
        rules.require_eid(actor, N_("stop a mandate"))

        def stop() -> None:
            mandate.stopped_by, mandate.stopped_at = actor.id, now
            mandate.pending_transfer_to = None

        _change(uow, clock, actor.id, "stop_mandate", mandate, stop)
        uow.commit()
    return mandate


@_retried
def transfer_mandate(uow: UnitOfWork, clock: Clock, actor_id: str, mandate_id: str,
                     new_taker: Party) -> Mandate:
    """Propose handing an active mandate to another provider, which must then sign it."""
    today = clock.now().date()
    with uow.changing():
        actor = rules.person(uow.repo, actor_id)
        mandate = _mandate(uow, mandate_id)
        status = mandate.status(today)
        if status is not MandateStatus.ACTIVE:
            raise ConflictError(N_("{mandate} has the status ‘{state}’; only an active mandate "
                                   "can be transferred", mandate=_described(uow, mandate),
                                   state=STATUSES[status]))
        if all(rules.signing_refusal(uow.repo, actor, side, today) is not None
               for side in (mandate.giver, mandate.taker)):
            raise RuleViolationError(rules.TRANSFER_BY_PARTY,
                                     N_("{name} acts for neither side of {mandate}",
                                        name=actor.name, mandate=_described(uow, mandate)))
        rules.require_eid(actor, N_("transfer a mandate"))
        if new_taker.kind is not PartyKind.ORGANISATION or new_taker == mandate.taker:
            raise ValidationError("new_taker", N_("is not another organisation"),
                                  N_("another external service provider"))
        _check_sides(uow, mandate.giver, new_taker)
        if mandate.pending_transfer_to is not None:
            raise ConflictError(N_("{mandate} already awaits transfer to {taker}",
                                   mandate=_described(uow, mandate),
                                   taker=_name(uow, mandate.pending_transfer_to)))
        _refuse_duplicate(uow, mandate.giver, new_taker, today)

        def propose() -> None:
            mandate.pending_transfer_to = new_taker

        _change(uow, clock, actor.id, "transfer_mandate", mandate, propose)
        uow.commit()
    return mandate


def _complete_transfer(uow: UnitOfWork, clock: Clock, actor: Person,
                       mandate: Mandate) -> Mandate:
    now = clock.now()
    new_taker = mandate.pending_transfer_to
    assert new_taker is not None
    successor = Mandate(new_id("M"), mandate.giver, new_taker,
                        Period(max(now.date(), mandate.period.start), mandate.period.end),
                        actor.id, now, giver_signature=mandate.giver_signature,
                        taker_signature=Signature(actor.id, now), predecessor_id=mandate.id)
    uow.repo.add(successor)
    _record(uow, clock, actor.id, "accept_transfer", successor, None)

    def hand_over() -> None:
        mandate.transferred_to, mandate.successor_id = new_taker, successor.id
        mandate.pending_transfer_to = None

    _change(uow, clock, actor.id, "accept_transfer", mandate, hand_over)
    return successor


__all__ = [
    "SYSTEM",
    "add_dossier",
    "add_work_relation",
    "appoint_local_admin",
    "create_mandate",
    "grant_right",
    "refuse_mandate",
    "register_organisation",
    "register_person",
    "sign_mandate",
    "stop_mandate",
    "transfer_mandate",
    "withdraw_right",
]
