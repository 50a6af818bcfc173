"""`Organisation.legal_representatives` as rows of an association table.

The domain sees a plain `set` of person ids. SQLAlchemy sees a collection of `Representation`
rows (one per organisation and person). `PersonIds` is both: a real `set[str]` subclass (so
membership, iteration, `sorted()` and the audit snapshot treat it as a set of ids) that keeps
one row object per id behind the scenes and reports each added or removed row to the ORM.
Assigning a whole set (as the dataclass constructor does) goes through the `bulk_replace`
hook in `orm.py`, which turns ids into rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any, Self, TypeVar, cast

from sqlalchemy.orm.collections import collection

F = TypeVar("F", bound=Callable[..., Any])


# SQLAlchemy's collection decorators are untyped: these keep the signatures they mark.
def _appender(fn: F) -> F:
    return cast(Callable[[F], F], collection.appender)(fn)


def _remover(fn: F) -> F:
    return cast(Callable[[F], F], collection.remover)(fn)


def _iterator(fn: F) -> F:
    return cast(Callable[[F], F], collection.iterator)(fn)


def _ours(fn: F) -> F:
    """Instrumented by hand (through the row methods): SQLAlchemy must not wrap it."""
    return cast(Callable[[F], F], collection.internally_instrumented)(fn)


class Representation:
    """One row of `legal_representatives`: the organisation id is filled in by the ORM."""

    organisation_id: str

    def __init__(self, person_id: str) -> None:
        self.person_id = person_id

    def __repr__(self) -> str:
        return f"Representation({self.person_id!r})"


class PersonIds(set[str]):
    """The person ids of the representatives; every change goes through one row."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, Representation] = {}

    def row(self, person_id: str) -> Representation | None:
        return self._rows.get(person_id)

    # A copy is a plain set of ids, detached from the rows and the session.
    def __copy__(self) -> set[str]:
        return set(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> set[str]:
        return set(self)

    def __reduce__(self) -> tuple[type[set[str]], tuple[list[str]]]:
        return (set, (list(self),))

    # --- the ORM's side: rows ---------------------------------------------------------------

    @_appender
    def _append_row(self, row: Representation) -> None:
        self._rows[row.person_id] = row
        set.add(self, row.person_id)

    @_remover
    def _remove_row(self, row: Representation) -> None:
        self._rows.pop(row.person_id, None)
        set.discard(self, row.person_id)

    @_iterator
    def _iter_rows(self) -> Iterator[Representation]:
        return iter(list(self._rows.values()))

    # --- the domain's side: ids (every mutator of `set`, expressed in rows) ------------------

    @_ours
    def add(self, person_id: str) -> None:
        if person_id not in self:
            self._append_row(Representation(person_id))

    @_ours
    def discard(self, person_id: object) -> None:
        row = self._rows.get(person_id) if isinstance(person_id, str) else None
        if row is not None:
            self._remove_row(row)

    @_ours
    def remove(self, person_id: str) -> None:
        if person_id not in self:
            raise KeyError(person_id)
        self.discard(person_id)

    @_ours
    def pop(self) -> str:
        if not self:
            raise KeyError("pop from an empty set")
        person_id = next(iter(self))
        self.discard(person_id)
        return person_id

    @_ours
    def clear(self) -> None:
        for person_id in list(self):
            self.discard(person_id)

    @_ours
    def update(self, *others: Iterable[str]) -> None:
        for other in others:
            for person_id in other:
                self.add(person_id)

    @_ours
    def difference_update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for person_id in list(other):
                self.discard(person_id)

    @_ours
    def intersection_update(self, *others: Iterable[Any]) -> None:
        keep = set(self).intersection(*others)
        for person_id in list(self):
            if person_id not in keep:
                self.discard(person_id)

    @_ours
    def symmetric_difference_update(self, other: Iterable[str]) -> None:
        for person_id in set(other):
            if person_id in self:
                self.discard(person_id)
            else:
                self.add(person_id)

    @_ours
    def __ior__(self, other: AbstractSet[str]) -> Self:  # type: ignore[override]
        self.update(other)
        return self

    @_ours
    def __iand__(self, other: AbstractSet[object]) -> Self:
        self.intersection_update(other)
        return self

    @_ours
    def __isub__(self, other: AbstractSet[object]) -> Self:
        self.difference_update(other)
        return self

    @_ours
    def __ixor__(self, other: AbstractSet[str]) -> Self:  # type: ignore[override]
        self.symmetric_difference_update(other)
        return self


__all__ = ["PersonIds", "Representation"]
