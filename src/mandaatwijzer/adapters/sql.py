"""The SQL repository and unit of work: the same ports as `memory.py`, on SQLAlchemy.

The repository returns what the in-memory fake returns for the same data, in the same order:
rows come back in the order they were added (by the tables' `seq`), and the paged listings
sort by the lower-cased name the way Python does. Every lookup is one indexed query; lookups
by id are answered from the session's identity map when the entity is already loaded.

The unit of work opens one session per outermost `with` block; leaving that block without
`commit()` rolls everything back. `commit()` writes the recorded audit events in the same
transaction as the changes they describe.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from sqlalchemy import Select, and_, event, func, select
from sqlalchemy.orm import Session

from ..registry.access import AccessFacts
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
from ..registry.ports import AuditEvent, Entity, EntityRef, Page, Repository
from . import audit
from ._holding import AllOrNothing
from ._refusals import refusal_for
from .bulk_sql import SqlBulkStore, chunks
from .database import write_lock
from .orm import (
    dossiers,
    legal_representatives,
    local_admins,
    mandates,
    organisations,
    persons,
    right_requests,
    rights,
    work_relations,
)
from .sign_ins import SqlSignInStore

if TYPE_CHECKING:
    import sqlite3

    import psycopg

    from .access import AccessIndex, AccessReader

    Connection = sqlite3.Connection | psycopg.Connection[Any]

E = TypeVar("E")
F = TypeVar("F")


class SqlRepository:
    def __init__(self, session: Session, access_index: AccessIndex | None = None,
                 changed_nothing: Callable[[], bool] = lambda: False) -> None:
        self.session = session
        #: Answers `access_facts` from memory while the unit of work changed nothing.
        self.access_index = access_index
        self._changed_nothing = changed_nothing
        #: The newest audit event the index was asked on, in which transaction.
        self._head: tuple[object, tuple[int, str]] | None = None
        _hold_loaded_entities(session)

    def _all(self, statement: Select[E]) -> list[E]:
        return list(self.session.scalars(statement))

    def _one(self, statement: Select[E]) -> E | None:
        return self.session.scalars(statement).first()

    def person(self, person_id: str) -> Person | None:
        return self.session.get(Person, person_id)

    def person_by_number(self, number: NationalNumber) -> Person | None:
        return self._one(select(Person).where(persons.c.national_number == number))

    def organisation(self, organisation_id: str) -> Organisation | None:
        return self.session.get(Organisation, organisation_id)

    def organisation_by_number(self, number: EnterpriseNumber) -> Organisation | None:
        return self._one(select(Organisation)
                         .where(organisations.c.enterprise_number == number))

    def names(self, parties: Collection[Party]) -> dict[Party, str]:
        found: dict[Party, str] = {}
        for kind, table in ((PartyKind.PERSON, persons),
                            (PartyKind.ORGANISATION, organisations)):
            for chunk in chunks({party.id for party in parties if party.kind is kind}):
                found.update((Party(kind, key), name) for key, name in self.session.execute(
                    select(table.c.id, table.c.name).where(table.c.id.in_(chunk))))
        return found

    def work_relation(self, relation_id: str) -> WorkRelation | None:
        return self.session.get(WorkRelation, relation_id)

    def work_relations_of(self, person_id: str) -> Sequence[WorkRelation]:
        return self._all(select(WorkRelation).where(work_relations.c.person_id == person_id)
                         .order_by(work_relations.c.seq))

    def work_relations_at(self, organisation_id: str) -> Sequence[WorkRelation]:
        return self._all(select(WorkRelation)
                         .where(work_relations.c.organisation_id == organisation_id)
                         .order_by(work_relations.c.seq))

    def right(self, right_id: str) -> Right | None:
        return self.session.get(Right, right_id)

    def rights_on(self, relation_ids: Sequence[str]) -> Sequence[Right]:
        if not relation_ids:
            return []
        return self._all(select(Right).where(rights.c.work_relation_id.in_(set(relation_ids)))
                         .order_by(rights.c.seq))

    def local_admins_of(self, organisation_id: str) -> Sequence[LocalAdmin]:
        return self._all(select(LocalAdmin)
                         .where(local_admins.c.organisation_id == organisation_id)
                         .order_by(local_admins.c.seq))

    def local_admin_roles_of(self, person_id: str) -> Sequence[LocalAdmin]:
        return self._all(select(LocalAdmin).where(local_admins.c.person_id == person_id)
                         .order_by(local_admins.c.seq))

    def mandate(self, mandate_id: str) -> Mandate | None:
        return self.session.get(Mandate, mandate_id)

    def _mandates_by(self, side: str, party: Party) -> list[Mandate]:
        return self._all(select(Mandate).where(and_(mandates.c[f"{side}_id"] == party.id,
                                                    mandates.c[f"{side}_kind"] == party.kind))
                         .order_by(mandates.c.seq))

    def access_facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        """The facts from the access index (`access.AccessIndex`) when there is one and this unit of
        work changed nothing yet; otherwise in a few indexed statements on this unit of work's
        own connection and transaction (`access.AccessReader`), which see its changes so far."""
        return self._access(
            lambda index, connection, head: index.facts(connection, person_id, applicant, day,
                                                        head),
            lambda reader: reader.facts(person_id, applicant, day))

    def access_facts_many(self, person_id: str, applicants: Iterable[Party],
                          day: date) -> Sequence[AccessFacts]:
        """As `access_facts`, the person's side read once for every applicant."""
        return self._access(
            lambda index, connection, head: index.facts_many(connection, person_id, applicants,
                                                             day, head),
            lambda reader: reader.facts_many(person_id, applicants, day))

    def access_facts_of_persons(self, persons: Iterable[str], applicant: Party,
                                day: date) -> Sequence[AccessFacts]:
        """As `access_facts`, the applicant's side read once for every person."""
        return self._access(
            lambda index, connection, head: index.facts_of_persons(connection, persons,
                                                                   applicant, day, head),
            lambda reader: reader.facts_of_persons(persons, applicant, day))

    def _access(self, from_index: Callable[[AccessIndex, Connection, tuple[int, str]], F],
                from_reader: Callable[[AccessReader], F]) -> F:
        """What the access index answers when there is one and this unit of work is quiet;
        else what the reader reads on its connection, in its transaction."""
        connection, quiet = self._access_connection()
        if quiet and self.access_index is not None:
            return from_index(self.access_index, connection, self._index_head(connection))
        from .access.reader import AccessReader

        return from_reader(AccessReader(connection, borrowed=True))

    def _access_connection(self) -> tuple[Connection, bool]:
        """The unit of work's DBAPI connection, and whether the unit of work is quiet: it
        changed nothing yet (else what it changed so far is flushed, for raw statements)."""
        session = self.session
        quiet = self._changed_nothing() and not (session.new or session.dirty or session.deleted)
        if not quiet:
            session.flush()
        connection = session.connection().connection.driver_connection
        assert connection is not None
        return connection, quiet

    def _index_head(self, connection: Connection) -> tuple[int, str]:
        """The newest audit event, read once per transaction: the same for every check of
        one page on SQLite (a read transaction is one snapshot), and on PostgreSQL the state
        of the page's first check (one round trip less per check)."""
        assert self.access_index is not None
        transaction = self.session.get_transaction()
        if self._head is None or self._head[0] is not transaction:
            self._head = (transaction, self.access_index.head(connection))
        return self._head[1]

    def mandates_given_by(self, giver: Party) -> Sequence[Mandate]:
        return self._mandates_by("giver", giver)

    def mandates_taken_by(self, taker: Party) -> Sequence[Mandate]:
        return self._mandates_by("taker", taker)

    def givers_to(self, taker: Party) -> Sequence[Party]:
        return [Party(PartyKind(kind), key) for kind, key in self.session.execute(
            select(mandates.c.giver_kind, mandates.c.giver_id)
            .where(and_(mandates.c.taker_id == taker.id, mandates.c.taker_kind == taker.kind))
            .order_by(mandates.c.seq))]

    def mandates_pending_transfer_to(self, taker: Party) -> Sequence[Mandate]:
        return self._mandates_by("pending_transfer_to", taker)

    def organisations_represented_by(self, person_id: str) -> Sequence[Organisation]:
        return self._all(select(Organisation)
                         .join(legal_representatives,
                               legal_representatives.c.organisation_id == organisations.c.id)
                         .where(legal_representatives.c.person_id == person_id)
                         .order_by(organisations.c.seq))

    def dossiers_of(self, applicant: Party) -> Sequence[Dossier]:
        return self._all(select(Dossier).where(and_(dossiers.c.applicant_id == applicant.id,
                                                    dossiers.c.applicant_kind == applicant.kind))
                         .order_by(dossiers.c.seq))

    def right_request(self, request_id: str) -> RightRequest | None:
        return self.session.get(RightRequest, request_id)

    def right_requests_at(self, organisation_id: str) -> Sequence[RightRequest]:
        return self._all(select(RightRequest)
                         .where(right_requests.c.organisation_id == organisation_id)
                         .order_by(right_requests.c.seq))

    def right_requests_of(self, person_id: str) -> Sequence[RightRequest]:
        return self._all(select(RightRequest).where(right_requests.c.person_id == person_id)
                         .order_by(right_requests.c.seq))

    def persons(self, offset: int, limit: int) -> Page[Person]:
        total = self.session.scalar(select(func.count()).select_from(persons)) or 0
        items = self._all(select(Person).order_by(persons.c.sort_name, persons.c.seq)
                          .offset(offset).limit(limit))
        return Page(items, total, offset, limit)

    def organisations(self, offset: int, limit: int) -> Page[Organisation]:
        total = self.session.scalar(select(func.count()).select_from(organisations)) or 0
        items = self._all(select(Organisation)
                          .order_by(organisations.c.sort_name, organisations.c.seq)
                          .offset(offset).limit(limit))
        return Page(items, total, offset, limit)

    def add(self, entity: Entity) -> None:
        self.session.add(entity)


def _hold_loaded_entities(session: Session) -> None:
    """Keep every entity the session loads alive until it closes.

    The identity map holds entities weakly: a use case that looks the same organisation up
    ten times would otherwise load it ten times. A unit of work is short, so holding them
    costs little, and it makes repeated lookups by id free, as in the in-memory fake.
    """
    held: set[object] = session.info.setdefault("held", set())

    def hold(session: Session, instance: object) -> None:
        held.add(instance)

    event.listen(session, "loaded_as_persistent", hold)
    event.listen(session, "pending_to_persistent", hold)


class SqlUnitOfWork(AllOrNothing):
    """One session per outermost `with`; nested blocks share it, like the memory fake.

    `with uow:` reads (a reader's transaction: `database.reading`); `with uow.changing():`
    changes, in a writer's transaction that takes the writers' turn first
    (`database.write_lock`). A database error that concurrency caused leaves the outermost
    block as the registry's `BusyError` or `ConcurrentChangeError`.
    """

    def __init__(self, session_factory: Callable[[], Session],
                 access_index: AccessIndex | None = None,
                 readers: Callable[[], Session] | None = None) -> None:
        self._factory = session_factory
        self._readers = readers or session_factory
        self._access_index = access_index
        self._session: Session | None = None
        self._repo: Repository | None = None
        self._pending: list[AuditEvent] = []
        #: Whether the current transaction holds a change (its audit event recorded, or bulk
        #: rows written): the access index does not see it until it is committed.
        self._wrote = False
        self._depth = 0
        #: Whether the outermost block is a writer's (`changing`); reset when it ends.
        self._writer = False

    @property
    def repo(self) -> Repository:
        if self._repo is None:
            raise RuntimeError("the SQL unit of work reads and writes only inside `with uow:`")
        return self._repo

    @repo.setter
    def repo(self, repo: Repository) -> None:
        self._repo = repo

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("no session outside `with uow:`")
        return self._session

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._session = (self._factory if self._writer else self._readers)()
            self._repo = SqlRepository(self._session, self._access_index,
                                       lambda: not self._wrote)
            self._pending = []
            self._wrote = False
        self._depth += 1
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._depth -= 1
        if self._depth == 0:
            try:
                if not self._writer:
                    # A reader's entities leave with it as they are: the rollback would
                    # expire each first (6 ms for a provider's thousand mandates).
                    self.session.expunge_all()
                self.rollback()
            finally:
                self.session.close()
                self._session = self._repo = None
                self._writer = False
            refusal = refusal_for(error) if error is not None else None
            if refusal is not None:
                raise refusal from error

    @contextmanager
    def changing(self) -> Iterator[Self]:
        """A block that changes the registry: a writer's transaction, its turn taken first."""
        if self._depth == 0:
            self._writer = True
        elif not self._writer:
            raise RuntimeError("a change inside a block opened for reading: open the "
                               "outermost block with `changing()`")
        with self:
            if self._depth == 1:
                write_lock(self.session)
            yield self

    @contextmanager
    def all_or_nothing(self) -> Iterator[Self]:
        """One writer's transaction for the whole block (see `AllOrNothing`)."""
        with self.changing(), super().all_or_nothing():
            yield self

    def commit(self) -> None:
        session = self.session
        session.flush()
        if self._pending:
            audit.append(session, self._pending)
            self._pending = []
        if not self._holding:  # see AllOrNothing: inside, the block's end commits
            session.commit()
            self._wrote = False

    def rollback(self) -> None:
        self.session.rollback()
        self._pending = []
        self._wrote = False

    def record(self, event: AuditEvent) -> None:
        self._pending.append(event)
        self._wrote = True

    def bulk(self) -> SqlBulkStore:
        """The fast path of bulk imports and exports, in this unit of work's transaction."""
        self._wrote = True
        return SqlBulkStore(self.session.connection())

    def changed(self, entity: Entity) -> None:
        """The ORM tracks changes by itself; this only (re)attaches an entity to the session."""
        self.session.add(entity)

    def sign_ins(self) -> SqlSignInStore:
        """The sessions and linked subjects, in this unit of work's transaction.

        Unlike `bulk()`, this does not mark the transaction as having written (`_wrote`):
        that flag only tells `SqlRepository.access_facts` that the access index may be
        behind this transaction, and sessions and linked subjects are no facts of an access
        decision. A sign-in that registers or renames a person still marks it, through the
        audit event it records; touching a session (a page view) keeps the index in use.
        """
        return SqlSignInStore(self.session)

    def events_about(self, entities: Sequence[EntityRef], limit: int) -> Sequence[AuditEvent]:
        """The log as this transaction sees it (`audit.events_about`)."""
        return audit.events_about(self.session, entities, limit)


__all__ = ["SqlRepository", "SqlUnitOfWork"]
