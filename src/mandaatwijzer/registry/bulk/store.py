"""The port an import and an export need (`BulkStore`), and its fallback through `Repository`.

A unit of work may offer a fast path (`BulkUnitOfWork.bulk()`: set-wise lookups, inserts that
keep nothing in memory, streamed reads). Without one the import and export go through the
`Repository` port, one entity at a time: correct everywhere, fast only in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol, TypeVar, cast, runtime_checkable

from ..identifiers import EnterpriseNumber, NationalNumber
from ..model import Mandate, Organisation, Person, Right, WorkRelation
from ..ports import Page, Repository, UnitOfWork
from .records import (
    MandateRecord,
    NumberedRecord,
    OrganisationRecord,
    PersonRecord,
    R,
    Record,
    RightRecord,
    WorkRelationRecord,
    entity_of,
    record_of,
)

T = TypeVar("T")


class BulkStore(Protocol):
    """What an import and an export need from storage, set-wise. Used inside `with uow:`."""

    def find(self, kind: type[R], ids: Collection[str]) -> Mapping[str, R]:
        """The stored records of that kind among `ids` (written earlier in this transaction
        too), by id; ids not stored are left out."""
        ...

    def stored_ids(self, kind: type[Record], ids: Collection[str]) -> Collection[str]:
        """Which of these ids are taken by stored records of that kind (written earlier in
        this transaction too)."""
        ...

    def taken_numbers(self, kind: type[NumberedRecord],
                      numbers: Collection[str]) -> Collection[str]:
        """Which of these national numbers (persons) or enterprise numbers (organisations),
        as digits, are stored already."""
        ...

    def writing(self) -> AbstractContextManager[None]:
        """Around the inserts of one import, in its transaction: the store may set itself up
        for many inserts (within bounded memory), and undoes that at the end."""
        ...

    def insert(self, kind: type[Record], records: Sequence[Record]) -> None:
        """Write new records in the current transaction, keeping nothing of them in memory."""
        ...

    def scan(self, kind: type[R]) -> Iterator[R]:
        """Every stored record of that kind, streamed (not all in memory at once)."""
        ...

    def keep_digests(self, import_id: str, entity: str, first: int, ids: Sequence[str],
                     digests: Sequence[bytes]) -> None:
        """Keep beside the audit log the digests of rows an import wrote, with their ids,
        numbered from `first` in the order written, in the current transaction
        (`bulk.digests`)."""
        ...


@runtime_checkable
class BulkUnitOfWork(Protocol):
    """A unit of work with a fast path for bulk work (the SQL adapter may offer one)."""

    def bulk(self) -> BulkStore: ...


class RepositoryStore:
    """`BulkStore` through the `Repository` port, one entity at a time (the fallback)."""

    PAGE = 200

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._getters: dict[type[Record], Callable[[str], Person | Organisation | WorkRelation
                                                   | Right | Mandate | None]] = {
            PersonRecord: repo.person, OrganisationRecord: repo.organisation,
            WorkRelationRecord: repo.work_relation, RightRecord: repo.right,
            MandateRecord: repo.mandate}

    def find(self, kind: type[R], ids: Collection[str]) -> Mapping[str, R]:
        get = self._getters[kind]
        found = {key: get(key) for key in ids}
        return {key: cast(R, record_of(entity)) for key, entity in found.items()
                if entity is not None}

    def stored_ids(self, kind: type[Record], ids: Collection[str]) -> Collection[str]:
        get = self._getters[kind]
        return {key for key in ids if get(key) is not None}

    def writing(self) -> AbstractContextManager[None]:
        return nullcontext()

    def taken_numbers(self, kind: type[NumberedRecord],
                      numbers: Collection[str]) -> Collection[str]:
        if kind is PersonRecord:
            return {n for n in numbers
                    if self.repo.person_by_number(NationalNumber(n)) is not None}
        return {n for n in numbers
                if self.repo.organisation_by_number(EnterpriseNumber(n)) is not None}

    def insert(self, kind: type[Record], records: Sequence[Record]) -> None:
        for record in records:
            self.repo.add(entity_of(record))

    def keep_digests(self, import_id: str, entity: str, first: int, ids: Sequence[str],
                     digests: Sequence[bytes]) -> None:
        """Nothing: a repository keeps no audit log to check its tables against."""

    def _all(self, page: Callable[[int, int], Page[T]]) -> Iterator[T]:
        offset = 0
        while True:
            found = page(offset, self.PAGE)
            yield from found.items
            offset += self.PAGE
            if offset >= found.total:
                return

    def _persons(self) -> Iterator[Person]:
        return self._all(self.repo.persons)

    def _organisations(self) -> Iterator[Organisation]:
        return self._all(self.repo.organisations)

    def _entities(self, kind: type[Record]) -> Iterator[
            Person | Organisation | WorkRelation | Right | Mandate]:
        if kind is PersonRecord:
            yield from self._persons()
        elif kind is OrganisationRecord:
            yield from self._organisations()
        elif kind is WorkRelationRecord:
            for person in self._persons():
                yield from self.repo.work_relations_of(person.id)
        elif kind is RightRecord:
            for person in self._persons():
                relations = self.repo.work_relations_of(person.id)
                yield from self.repo.rights_on([r.id for r in relations])
        else:
            for person in self._persons():
                yield from self.repo.mandates_given_by(person.party)
            for org in self._organisations():
                yield from self.repo.mandates_given_by(org.party)

    def scan(self, kind: type[R]) -> Iterator[R]:
        for entity in self._entities(kind):
            yield cast(R, record_of(entity))


def store_of(uow: UnitOfWork) -> BulkStore:
    """The unit of work's fast path if it has one, else the repository (inside `with uow:`)."""
    if isinstance(uow, BulkUnitOfWork):
        return uow.bulk()
    return RepositoryStore(uow.repo)

