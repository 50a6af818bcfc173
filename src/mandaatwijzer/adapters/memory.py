"""In-memory repository and unit of work: the fake beside the SQL adapter, for fast tests."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from types import TracebackType
from typing import Self

from ..registry.access import AccessFacts
from ..registry.errors import NotFoundError
from ..registry.identifiers import EnterpriseNumber, NationalNumber
from ..registry.model import (
    Dossier,
    LocalAdmin,
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Person,
    Right,
    RightRequest,
    WorkRelation,
)
from ..registry.ports import AuditEvent, Entity, EntityRef, Page, Repository, UnitOfWork
from ..registry.queries import Names, gather_facts
from ..registry.sessions import SignInSession, SignInStore
from ._holding import AllOrNothing


class MemoryRepository:
    def __init__(self) -> None:
        self.entities: dict[type, dict[str, Entity]] = {
            kind: {} for kind in (Person, Organisation, WorkRelation, Right, LocalAdmin,
                                  Mandate, Dossier, RightRequest)
        }
        #: Sign-in sessions by id, in the order opened, and the provider subjects linked to
        #: persons ((issuer, subject): (person id, linked at)): part of the state the unit
        #: of work copies, commits and rolls back, like the entities.
        self.sign_in_sessions: dict[str, SignInSession] = {}
        self.sign_in_subjects: dict[tuple[str, str], tuple[str, datetime]] = {}

    def person(self, person_id: str) -> Person | None:
        found = self.entities[Person].get(person_id)
        return found if isinstance(found, Person) else None

    def person_by_number(self, number: NationalNumber) -> Person | None:
        return next((p for p in self._people() if p.national_number == number), None)

    def _people(self) -> list[Person]:
        return [p for p in self.entities[Person].values() if isinstance(p, Person)]

    def _orgs(self) -> list[Organisation]:
        return [o for o in self.entities[Organisation].values() if isinstance(o, Organisation)]

    def _relations(self) -> list[WorkRelation]:
        return [r for r in self.entities[WorkRelation].values() if isinstance(r, WorkRelation)]

    def _mandates(self) -> list[Mandate]:
        return [m for m in self.entities[Mandate].values() if isinstance(m, Mandate)]

    def organisation(self, organisation_id: str) -> Organisation | None:
        found = self.entities[Organisation].get(organisation_id)
        return found if isinstance(found, Organisation) else None

    def names(self, parties: Collection[Party]) -> dict[Party, str]:
        found: dict[Party, str] = {}
        for party in parties:
            entity = self.person(party.id) if party.kind is PartyKind.PERSON \
                else self.organisation(party.id)
            if entity is not None:
                found[party] = entity.name
        return found

    def organisation_by_number(self, number: EnterpriseNumber) -> Organisation | None:
        return next((o for o in self._orgs() if o.enterprise_number == number), None)

    def work_relation(self, relation_id: str) -> WorkRelation | None:
        found = self.entities[WorkRelation].get(relation_id)
        return found if isinstance(found, WorkRelation) else None

    def work_relations_of(self, person_id: str) -> Sequence[WorkRelation]:
        return [r for r in self._relations() if r.person_id == person_id]

    def work_relations_at(self, organisation_id: str) -> Sequence[WorkRelation]:
        return [r for r in self._relations() if r.organisation_id == organisation_id]

    def right(self, right_id: str) -> Right | None:
        found = self.entities[Right].get(right_id)
        return found if isinstance(found, Right) else None

    def rights_on(self, relation_ids: Sequence[str]) -> Sequence[Right]:
        wanted = set(relation_ids)
        return [r for r in self.entities[Right].values()
                if isinstance(r, Right) and r.work_relation_id in wanted]

    def local_admins_of(self, organisation_id: str) -> Sequence[LocalAdmin]:
        return [a for a in self.entities[LocalAdmin].values()
                if isinstance(a, LocalAdmin) and a.organisation_id == organisation_id]

    def local_admin_roles_of(self, person_id: str) -> Sequence[LocalAdmin]:
        return [a for a in self.entities[LocalAdmin].values()
                if isinstance(a, LocalAdmin) and a.person_id == person_id]

    def mandate(self, mandate_id: str) -> Mandate | None:
        found = self.entities[Mandate].get(mandate_id)
        return found if isinstance(found, Mandate) else None

    def access_facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        return gather_facts(self, person_id, applicant, day)

    def access_facts_many(self, person_id: str, applicants: Iterable[Party],
                          day: date) -> Sequence[AccessFacts]:
        if self.person(person_id) is None:
            raise NotFoundError("person", person_id)
        listed = list(dict.fromkeys(applicants))
        existing = self.names(listed)
        names: Names = {}  # the organisations' administrators, read once for all
        return [gather_facts(self, person_id, applicant, day, names)
                for applicant in listed if applicant in existing]

    def access_facts_of_persons(self, persons: Iterable[str], applicant: Party,
                                day: date) -> Sequence[AccessFacts]:
        if applicant not in self.names([applicant]):
            raise NotFoundError(applicant.kind.value, applicant.id)
        names: Names = {}  # the organisations' administrators, read once for all
        return [gather_facts(self, person_id, applicant, day, names)
                for person_id in dict.fromkeys(persons) if self.person(person_id) is not None]

    def mandates_given_by(self, giver: Party) -> Sequence[Mandate]:
        return [m for m in self._mandates() if m.giver == giver]

    def mandates_taken_by(self, taker: Party) -> Sequence[Mandate]:
        return [m for m in self._mandates() if m.taker == taker]

    def givers_to(self, taker: Party) -> Sequence[Party]:
        return [m.giver for m in self.mandates_taken_by(taker)]

    def mandates_pending_transfer_to(self, taker: Party) -> Sequence[Mandate]:
        return [m for m in self._mandates() if m.pending_transfer_to == taker]

    def organisations_represented_by(self, person_id: str) -> Sequence[Organisation]:
        return [o for o in self._orgs() if person_id in o.legal_representatives]

    def dossiers_of(self, applicant: Party) -> Sequence[Dossier]:
        return [d for d in self.entities[Dossier].values()
                if isinstance(d, Dossier) and d.applicant == applicant]

    def right_request(self, request_id: str) -> RightRequest | None:
        found = self.entities[RightRequest].get(request_id)
        return found if isinstance(found, RightRequest) else None

    def _requests(self) -> list[RightRequest]:
        return [r for r in self.entities[RightRequest].values() if isinstance(r, RightRequest)]

    def right_requests_at(self, organisation_id: str) -> Sequence[RightRequest]:
        return [r for r in self._requests() if r.organisation_id == organisation_id]

    def right_requests_of(self, person_id: str) -> Sequence[RightRequest]:
        return [r for r in self._requests() if r.person_id == person_id]

    def persons(self, offset: int, limit: int) -> Page[Person]:
        people = sorted(self._people(), key=lambda p: p.name.lower())
        return Page(people[offset:offset + limit], len(people), offset, limit)

    def organisations(self, offset: int, limit: int) -> Page[Organisation]:
        orgs = sorted(self._orgs(), key=lambda o: o.name.lower())
        return Page(orgs[offset:offset + limit], len(orgs), offset, limit)

    def add(self, entity: Entity) -> None:
        self.entities[type(entity)][entity.id] = entity


class MemorySignInStore:
    """`SignInStore` on the unit of work's working copy (`MemoryRepository`): what it adds or
    changes is committed or rolled back with the rest. Returns the stored sessions."""

    def __init__(self, working: Callable[[], MemoryRepository]) -> None:
        self._working = working

    def add_session(self, session: SignInSession) -> None:
        self._working().sign_in_sessions[session.id] = session

    def session_by_hash(self, secret_hash: str) -> SignInSession | None:
        return next((s for s in self._working().sign_in_sessions.values()
                     if s.secret_hash == secret_hash), None)

    def sessions_of(self, person_id: str) -> Sequence[SignInSession]:
        return [s for s in self._working().sign_in_sessions.values()
                if s.person_id == person_id]

    def touch(self, session_id: str, at: datetime) -> None:
        found = self._working().sign_in_sessions.get(session_id)
        if found is not None:
            found.last_seen_at = at

    def revoke(self, session_ids: Sequence[str], at: datetime) -> None:
        sessions = self._working().sign_in_sessions
        for session_id in session_ids:
            found = sessions.get(session_id)
            if found is not None and found.revoked_at is None:
                found.revoked_at = at

    def person_of_subject(self, issuer: str, subject: str) -> str | None:
        found = self._working().sign_in_subjects.get((issuer, subject))
        return None if found is None else found[0]

    def link_subject(self, issuer: str, subject: str, person_id: str, at: datetime) -> None:
        self._working().sign_in_subjects[(issuer, subject)] = (person_id, at)


class MemoryUnitOfWork(AllOrNothing):
    """Works on a copy of the committed state; only `commit` makes the copy the state."""

    #: Typed as the port, so that the unit of work satisfies `UnitOfWork`.
    repo: Repository

    def __init__(self) -> None:
        self.committed = MemoryRepository()
        self._use(self.committed)
        self.events: list[AuditEvent] = []
        self._pending: list[AuditEvent] = []
        self._depth = 0

    def _use(self, working: MemoryRepository) -> None:
        self._working = working
        self.repo = working

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._use(copy.deepcopy(self.committed))
            self._pending = []
        self._depth += 1
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.rollback()

    def commit(self) -> None:
        if self._holding:
            # The working copy and the pending events wait for the end of `all_or_nothing`.
            return
        self.committed = self._working
        self._use(copy.deepcopy(self.committed) if self._depth else self.committed)
        self.events += self._pending
        self._pending = []

    def rollback(self) -> None:
        self._use(self.committed)
        self._pending = []

    def record(self, event: AuditEvent) -> None:
        self._pending.append(event)

    def changed(self, entity: Entity) -> None:
        """Entities are changed in place in the working copy: nothing to do."""

    def sign_ins(self) -> SignInStore:
        """The sessions and linked subjects of the working copy (of the committed state
        outside a block, like `repo`)."""
        return MemorySignInStore(lambda: self._working)

    def events_about(self, entities: Sequence[EntityRef], limit: int) -> Sequence[AuditEvent]:
        """The committed events about these entities (the newest `limit`), oldest first."""
        wanted = set(entities)
        found = [e for e in self.events if (e.entity, e.entity_id) in wanted]
        return found[-limit:] if limit > 0 else []


class SerialUnitOfWork:
    """A shared in-memory unit of work, one thread at a time.

    The web app's sync endpoints run in a thread pool; the fake is not made for concurrent
    use, so every block holds the lock from its start to its end.
    """

    def __init__(self, inner: UnitOfWork, lock: threading.RLock) -> None:
        self._inner, self._lock = inner, lock

    @property
    def repo(self) -> Repository:
        return self._inner.repo

    @repo.setter
    def repo(self, value: Repository) -> None:
        self._inner.repo = value

    def __enter__(self) -> Self:
        self._lock.acquire()
        try:
            self._inner.__enter__()
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            self._inner.__exit__(kind, error, trace)
        finally:
            self._lock.release()

    def commit(self) -> None:
        self._inner.commit()

    def rollback(self) -> None:
        self._inner.rollback()

    def record(self, event: AuditEvent) -> None:
        self._inner.record(event)

    def changed(self, entity: Entity) -> None:
        self._inner.changed(entity)

    def sign_ins(self) -> SignInStore:
        return self._inner.sign_ins()

    def events_about(self, entities: Sequence[EntityRef], limit: int) -> Sequence[AuditEvent]:
        return self._inner.events_about(entities, limit)

    @contextmanager
    def changing(self) -> Iterator[Self]:
        with self:
            yield self

    @contextmanager
    def all_or_nothing(self) -> Iterator[Self]:
        with self._lock, self._inner.all_or_nothing():
            yield self


def serialised(shared: UnitOfWork) -> Callable[[], UnitOfWork]:
    """A factory of units of work over one shared fake, safe for a thread pool."""
    lock = threading.RLock()
    return lambda: SerialUnitOfWork(shared, lock)
