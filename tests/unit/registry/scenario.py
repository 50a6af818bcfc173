"""A small world builder for the registry tests: persons, organisations, rights and mandates.

Everything is set up through the use cases on a `MemoryUnitOfWork` with a fixed `Clock`, so
a scenario can only hold states the rules allow. National and enterprise numbers are
generated with the documented check digits, independently of python-stdnum.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from mandaatwijzer.adapters.memory import MemoryUnitOfWork
from mandaatwijzer.registry import services
from mandaatwijzer.registry.audit import snapshot
from mandaatwijzer.registry.model import (
    EntityGroup,
    LocalAdmin,
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Person,
    Right,
    RightKind,
    WorkRelation,
)
from mandaatwijzer.registry.ports import Clock, Repository

#: The fixed "today" of every scenario: a Monday morning.
TODAY = date(2025, 3, 3)


def moment(day: date) -> datetime:
    """09:00 UTC on `day`: the moment every action of that day happens."""
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def clock_on(day: date) -> Clock:
    return Clock(moment(day))


def days(count: int) -> date:
    """The day `count` days from TODAY (negative: in the past)."""
    return TODAY + timedelta(days=count)


def national_number(serial: int) -> str:
    """A valid national register number for a birth before 2000, unique per serial (1-997).

    Layout YYMMDDsss + check, with check = 97 - (first 9 digits mod 97).
    """
    assert 1 <= serial <= 997
    first9 = f"{60 + serial % 40:02d}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial:03d}"
    return f"{first9}{97 - int(first9) % 97:02d}"


def enterprise_number(serial: int) -> str:
    """A valid 0-series enterprise number: check = 97 - (first 8 digits mod 97)."""
    first8 = f"0{4000000 + serial:07d}"
    return f"{first8}{97 - int(first8) % 97:02d}"


MandateState = Literal["awaiting_giver", "awaiting_taker", "active", "stopped", "refused",
                       "expired", "not_started", "pending_transfer", "transferred"]


@dataclass
class World:
    """A registry with a fixed today, and shortcuts that go through the use cases."""

    uow: MemoryUnitOfWork = field(default_factory=MemoryUnitOfWork)
    today: date = TODAY
    _persons: int = 0
    _organisations: int = 0

    @property
    def clock(self) -> Clock:
        return clock_on(self.today)

    @property
    def repo(self) -> Repository:
        return self.uow.repo

    def _clock(self, on: date | None) -> Clock:
        return clock_on(on or self.today)

    # --- persons and organisations -------------------------------------------------------

    def person(self, name: str, *, eid: bool = True) -> Person:
        self._persons += 1
        return services.register_person(self.uow, self.clock, national_number(self._persons),
                                        name, has_eid=eid)

    def organisation(self, name: str, group: EntityGroup = EntityGroup.ECONOMIC_ACTOR, *,
                     representatives: Sequence[Person] | None = None) -> Organisation:
        """An organisation; without `representatives`, one legal representative is created."""
        if representatives is None:
            representatives = [self.person(f"Rep of {name}")]
        number = None
        if group.needs_enterprise_number:
            self._organisations += 1
            number = enterprise_number(self._organisations)
        return services.register_organisation(self.uow, self.clock, name, group.value, number,
                                              [p.id for p in representatives])

    def provider(self, name: str, *,
                 representatives: Sequence[Person] | None = None) -> Organisation:
        """An external service provider: an economic actor with an enterprise number."""
        return self.organisation(name, EntityGroup.ECONOMIC_ACTOR,
                                 representatives=representatives)

    # --- the user management -------------------------------------------------------------

    def representative(self, org: Organisation) -> Person:
        """A legal representative of `org` with an eID: the builder's actor there."""
        for person_id in sorted(org.legal_representatives):
            person = self.repo.person(person_id)
            if person is not None and person.has_eid:
                return person
        raise AssertionError(f"{org.name} has no legal representative with an eID")

    def appoint(self, org: Organisation, person: Person, on: date | None = None) -> LocalAdmin:
        return services.appoint_local_admin(self.uow, self._clock(on),
                                            self.representative(org).id, org.id, person.id)

    def employ(self, org: Organisation, person: Person, *, start: date | None = None,
               end: date | None = None, on: date | None = None) -> WorkRelation:
        return services.add_work_relation(self.uow, self._clock(on),
                                          self.representative(org).id, org.id, person.id,
                                          start=start, end=end)

    def relation(self, org: Organisation, person: Person) -> WorkRelation:
        """The person's work relation with `org`, added (from TODAY) when there is none."""
        for found in self.repo.work_relations_of(person.id):
            if found.organisation_id == org.id:
                return found
        return self.employ(org, person)

    def grant(self, org: Organisation, person: Person, kind: RightKind, *,
              start: date | None = None, end: date | None = None,
              on: date | None = None) -> Right:
        relation = self.relation(org, person)
        return services.grant_right(self.uow, self._clock(on), self.representative(org).id,
                                    relation.id, kind.value, start=start, end=end)

    def withdraw(self, org: Organisation, right: Right, *, effective: date | None = None,
                 on: date | None = None) -> Right:
        return services.withdraw_right(self.uow, self._clock(on),
                                       self.representative(org).id, right.id, effective)

    # --- mandates ------------------------------------------------------------------------

    def signer(self, side: Person | Organisation) -> Person:
        return side if isinstance(side, Person) else self.representative(side)

    def mandate(self, giver: Person | Organisation, taker: Person | Organisation,
                state: MandateState = "active", *, start: date | None = None,
                end: date | None = None, on: date | None = None,
                new_taker: Organisation | None = None) -> Mandate:
        """A KIOSK mandate from `giver` to `taker`, brought into `state` by its parties.

        "expired" is created 60 days ago, ending 30 days ago, unless `on`/`end` say
        otherwise; "not_started" starts in 10 days; "pending_transfer" and "transferred"
        hand the mandate to `new_taker`. Returns the mandate as stored now.
        """
        if state == "expired":
            on, end = on or days(-60), end or days(-30)
        if state == "not_started":
            start = start or days(10)
        clock = self._clock(on)
        first, second = ((giver, taker) if state in ("awaiting_taker", "refused")
                         else (taker, giver) if state == "awaiting_giver"
                         else (giver, taker))
        mandate = services.create_mandate(self.uow, clock, self.signer(first).id, giver.party,
                                          taker.party, start=start, end=end)
        if state in ("awaiting_giver", "awaiting_taker"):
            return self.stored(mandate)
        if state == "refused":
            services.refuse_mandate(self.uow, clock, self.signer(second).id, mandate.id)
            return self.stored(mandate)
        services.sign_mandate(self.uow, clock, self.signer(second).id, mandate.id)
        if state == "stopped":
            services.stop_mandate(self.uow, clock, self.signer(giver).id, mandate.id)
        if state in ("pending_transfer", "transferred"):
            assert new_taker is not None, "a transfer needs a new taker"
            services.transfer_mandate(self.uow, clock, self.signer(giver).id, mandate.id,
                                      new_taker.party)
        if state == "transferred":
            assert new_taker is not None
            services.sign_mandate(self.uow, clock, self.signer(new_taker).id, mandate.id)
        return self.stored(mandate)

    def stored(self, mandate: Mandate) -> Mandate:
        """The mandate as committed now (use cases work on copies)."""
        found = self.repo.mandate(mandate.id)
        assert found is not None
        return found

    # --- inspection ----------------------------------------------------------------------

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored entity as plain values: to show that a refusal changed nothing."""
        return {kind.__name__: sorted((snapshot(e) for e in entities.values()),
                                      key=lambda s: str(s["id"]))
                for kind, entities in self.uow.committed.entities.items()}


def refused_without_trace(world: World, error: type[Exception],
                          action: Callable[[], object]) -> Exception:
    """Run an action that must be refused: it raises `error`, and the stored state and the
    audit trail are exactly as before. Returns the error."""
    state, events = world.state(), list(world.uow.events)
    try:
        action()
    except error as raised:
        assert world.state() == state, "a refused action changed the registry"
        assert world.uow.events == events, "a refused action wrote an audit event"
        return raised
    raise AssertionError(f"expected {error.__name__}, but the action was allowed")


def person_party(person_id: str) -> Party:
    return Party(PartyKind.PERSON, person_id)


@dataclass
class Cast:
    """The standard scenario: an applicant, a provider P with every role, and bystanders.

    - applicant: a person (Burger) with an eID, who gives mandates.
    - provider P: legal_rep, local_admin, mandate_manager, mandate_executor, colleague (work
      relation, no rights), without_eid (a legal representative of P without an eID),
      newcomer (work relation, no rights: the one rights are granted to), recruit (no work
      relation yet).
    - local_government with lg_legal_rep; new_provider Q with new_provider_manager.
    - outsider: registered, linked to nothing.
    """

    world: World
    applicant: Person
    provider: Organisation
    legal_rep: Person
    local_admin: Person
    mandate_manager: Person
    mandate_executor: Person
    colleague: Person
    without_eid: Person
    newcomer: Person
    recruit: Person
    outsider: Person
    local_government: Organisation
    lg_legal_rep: Person
    new_provider: Organisation
    new_provider_manager: Person

    def role(self, name: str) -> Person:
        person = getattr(self, name)
        assert isinstance(person, Person)
        return person


def standard_cast() -> Cast:
    """A fresh copy of the standard scenario (built once: the copy is much faster)."""
    return copy.deepcopy(_standard_cast())


@functools.cache
def _standard_cast() -> Cast:
    world = World()
    applicant = world.person("Anna Aanvrager")
    legal_rep = world.person("Lode Vertegenwoordiger")
    without_eid = world.person("Zeno Zonder-eID", eid=False)
    provider = world.provider("Pro Dossier BV", representatives=[legal_rep, without_eid])
    local_admin = world.person("Lies Lokaal")
    world.employ(provider, local_admin)
    world.appoint(provider, local_admin)
    mandate_manager = world.person("Mats Mandaatbeheerder")
    world.grant(provider, mandate_manager, RightKind.MANDATE_MANAGER)
    mandate_executor = world.person("Ulla Uitvoerder")
    world.grant(provider, mandate_executor, RightKind.MANDATE_EXECUTOR)
    colleague = world.person("Kobe Collega")
    world.employ(provider, colleague)
    newcomer = world.person("Nina Nieuw")
    world.employ(provider, newcomer)
    recruit = world.person("Rik Rekruut")
    outsider = world.person("Otto Buitenstaander")
    lg_legal_rep = world.person("Bert Burgemeester")
    local_government = world.organisation("Gemeente Zonnedorp", EntityGroup.LOCAL_GOVERNMENT,
                                          representatives=[lg_legal_rep])
    new_provider = world.provider("Nieuw Kantoor NV")
    new_provider_manager = world.person("Quinten Overnemer")
    world.grant(new_provider, new_provider_manager, RightKind.MANDATE_MANAGER)
    return Cast(world, applicant, provider, legal_rep, local_admin, mandate_manager,
                mandate_executor, colleague, without_eid, newcomer, recruit, outsider,
                local_government, lg_legal_rep, new_provider, new_provider_manager)

