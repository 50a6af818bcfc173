"""What the use cases need from storage: a repository and a unit of work (the ports)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

from .identifiers import EnterpriseNumber, NationalNumber
from .model import (
    Dossier,
    LocalAdmin,
    Mandate,
    Organisation,
    Party,
    Person,
    Right,
    RightRequest,
    WorkRelation,
)

if TYPE_CHECKING:
    from .access import AccessFacts
    from .sessions import SignInStore

Entity = (Person | Organisation | WorkRelation | Right | LocalAdmin | Mandate | Dossier
          | RightRequest)
#: An entity as the audit log names it: its kind ("mandate", "right", "session" …) and its id.
EntityRef = tuple[str, str]


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One change: who did what to which entity, when, and its state before and after."""

    actor: str
    action: str
    entity: str
    entity_id: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    #: Where the change came from when not from a sign-in: "cli:<operating-system user>" for
    #: the command line's `--as`; None for a signed-in person, a token or the system.
    via: str | None = None


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


class Repository(Protocol):
    def person(self, person_id: str) -> Person | None: ...
    def person_by_number(self, number: NationalNumber) -> Person | None: ...
    def organisation(self, organisation_id: str) -> Organisation | None: ...
    def organisation_by_number(self, number: EnterpriseNumber) -> Organisation | None: ...
    def names(self, parties: Collection[Party]) -> dict[Party, str]:
        """The names of those of `parties` the registry holds, read at once (a listing of
        hundreds of mandates or applicants names each side)."""
        ...
    def work_relation(self, relation_id: str) -> WorkRelation | None: ...
    def work_relations_of(self, person_id: str) -> Sequence[WorkRelation]: ...
    def work_relations_at(self, organisation_id: str) -> Sequence[WorkRelation]: ...
    def right(self, right_id: str) -> Right | None: ...
    def rights_on(self, relation_ids: Sequence[str]) -> Sequence[Right]: ...
    def local_admins_of(self, organisation_id: str) -> Sequence[LocalAdmin]: ...
    def local_admin_roles_of(self, person_id: str) -> Sequence[LocalAdmin]: ...
    def mandate(self, mandate_id: str) -> Mandate | None: ...
    def mandates_given_by(self, giver: Party) -> Sequence[Mandate]: ...
    def mandates_taken_by(self, taker: Party) -> Sequence[Mandate]: ...
    def givers_to(self, taker: Party) -> Sequence[Party]:
        """The giver of each mandate the party took, in the order they were made (a
        provider's thousand clients, without reading the mandates whole)."""
        ...
    def mandates_pending_transfer_to(self, taker: Party) -> Sequence[Mandate]: ...
    def organisations_represented_by(self, person_id: str) -> Sequence[Organisation]: ...
    def dossiers_of(self, applicant: Party) -> Sequence[Dossier]: ...
    def right_request(self, request_id: str) -> RightRequest | None: ...
    def right_requests_at(self, organisation_id: str) -> Sequence[RightRequest]: ...
    def right_requests_of(self, person_id: str) -> Sequence[RightRequest]: ...
    def persons(self, offset: int, limit: int) -> Page[Person]: ...
    def organisations(self, offset: int, limit: int) -> Page[Organisation]: ...
    def add(self, entity: Entity) -> None: ...
    def access_facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        """What `may_manage` decides on (`queries.gather_facts` reads it through the methods
        above; a repository may read it faster)."""
        ...
    def access_facts_many(self, person_id: str, applicants: Iterable[Party],
                          day: date) -> Sequence[AccessFacts]:
        """`access_facts` for each of `applicants` that exists, in their order, each once (a
        listing decides for a provider's thousand clients: a repository may read the
        person's side once for them all). No person `person_id`: `NotFoundError`."""
        ...
    def access_facts_of_persons(self, persons: Iterable[str], applicant: Party,
                                day: date) -> Sequence[AccessFacts]:
        """`access_facts` of each of `persons` that exists on one applicant, in their order,
        each once (a provider's thousand executors: the applicant's side read once). No such
        applicant: `NotFoundError`."""
        ...


class UnitOfWork(Protocol):
    """A transaction: everything or nothing. Leaving the block without commit rolls back."""

    repo: Repository

    def __enter__(self) -> Self: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def record(self, event: AuditEvent) -> None: ...

    def changing(self) -> AbstractContextManager[Self]:
        """`with uow:` for a block that changes the registry. A writer's transaction: it takes
        its turn before it reads, so that no other change is decided from the same facts at
        the same time; a plain `with uow:` is a reader's, which never waits for a writer."""
        ...

    def all_or_nothing(self) -> AbstractContextManager[Self]:
        """One transaction for the whole block, however many use cases commit inside it:
        committed when the block ends, or, on any error, nothing of it is."""
        ...

    def changed(self, entity: Entity) -> None:
        """Tell the unit of work that `entity` was modified in place."""
        ...

    def sign_ins(self) -> SignInStore:
        """The sessions and linked subjects, in this unit of work's transaction."""
        ...

    def events_about(self, entities: Sequence[EntityRef], limit: int) -> Sequence[AuditEvent]:
        """The newest `limit` audit events about these entities, oldest first, as this unit of
        work's transaction sees the log (its own events are recorded only at `commit`).

        On the unit of work rather than the `AuditLog` port: a page reads an entity and its
        history in one transaction (the same moment), and the in-memory registry, which keeps
        no checkable log (`RegistryContext.audit` is None), still has its events. Each pair is
        one lookup on the log's (entity, entity_id) index."""
        ...


@dataclass(frozen=True, slots=True)
class Clock:
    """The current moment, injectable so that tests and demos choose the date."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        return self.fixed if self.fixed is not None else datetime.now(UTC)
