"""The access index's KIOSK mandates, packed: a few bytes per mandate instead of objects.

A registry holds millions of mandates, and a check reads the few the applicant gave to the
person or the person's employers. So the index keeps each applicant's mandates as columns —
their ids, their takers as party numbers, and the rest of each mandate as one fixed-size
record of integers (days as ordinals, moments as microseconds, people and ids as numbers in a
table of strings) — and makes `Mandate` objects only for the mandates a check reads, at the
check. Figures (memory and time per check, before and after): docs/performance.md, "Half the
memory".
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, overload

from ...registry.model import Mandate, Party, PartyKind, Period, Signature
from .records import day, moment

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
#: A moment that is not there (no valid moment is this far back).
_NO_MOMENT = -(2**63)

#: start, end (day ordinals, 0: open-ended), created by, created at, giver's signature (by,
#: at), taker's signature (by, at), stopped (by, at), transferred to, successor, pending
#: transfer to, predecessor. People and mandate ids are numbers in `Strings` (0: none),
#: parties numbers in `PartyNumbers` (0: none), moments microseconds since 1970 (UTC).
_RECORD = struct.Struct("<iiIqIqIqIqIIII")
RECORD_SIZE = _RECORD.size


class Strings:
    """The strings mandates share (who made or signed them, the ids they point to), each
    kept once and named by a number from 1 on."""

    __slots__ = ("_numbers", "values")

    def __init__(self) -> None:
        #: By number (0: none).
        self.values: list[str] = [""]
        self._numbers: dict[str, int] = {}

    def number(self, value: str | None) -> int:
        if value is None:
            return 0
        found = self._numbers.get(value)
        if found is None:
            found = self._numbers[value] = len(self.values)
            self.values.append(value)
        return found


class PartyNumbers:
    """One `Party` object per (kind, id), each with a number from 1 on."""

    __slots__ = ("_numbers", "values")

    def __init__(self) -> None:
        #: By number (0: none).
        self.values: list[Party | None] = [None]
        self._numbers: dict[tuple[str, str], int] = {}

    def number(self, kind: str | None, key: str | None) -> int:
        if kind is None or key is None:
            return 0
        found = self._numbers.get((kind, key))
        if found is None:
            found = self._numbers[kind, key] = len(self.values)
            self.values.append(Party(PartyKind(kind), key))
        return found

    def party(self, kind: str, key: str) -> Party:
        found = self.values[self.number(kind, key)]
        assert found is not None
        return found

    def known(self, kind: str, key: str) -> int:
        """The number of a party, 0 when no mandate names it. (`kind` as a plain string: an
        enum member hashes in Python.)"""
        return self._numbers.get((kind, key), 0)


class Tables:
    """The parties and strings of one index's packed mandates."""

    __slots__ = ("parties", "strings")

    def __init__(self) -> None:
        self.parties = PartyNumbers()
        self.strings = Strings()

    def pack(self, taker_kind: str, taker_id: str, start: str, end: str | None,
             created_by: str, created_at: str, giver_by: str | None, giver_at: str | None,
             taker_by: str | None, taker_at: str | None, stopped_by: str | None,
             stopped_at: str | None,
             transferred_kind: str | None, transferred_id: str | None,
             successor_id: str | None, pending_kind: str | None, pending_id: str | None,
             predecessor_id: str | None, *_: Any) -> tuple[int, bytes]:
        """The taker's number and the record of a mandate, from the values after its id that
        `statements.mandate_values` selects."""
        number, party = self.strings.number, self.parties.number
        return party(taker_kind, taker_id), _RECORD.pack(
            day(start).toordinal(), 0 if end is None else day(end).toordinal(),
            number(created_by), _micros(created_at), number(giver_by), _micros(giver_at),
            number(taker_by), _micros(taker_at), number(stopped_by), _micros(stopped_at),
            party(transferred_kind, transferred_id), number(successor_id),
            party(pending_kind, pending_id), number(predecessor_id))

    def mandate(self, giver: Party, mandate_id: str, taker: int, record: bytes,
                offset: int) -> Mandate:
        (start, end, created_by, created_at, giver_by, giver_at, taker_by, taker_at,
         stopped_by, stopped_at, transferred, successor, pending, predecessor) = \
            _RECORD.unpack_from(record, offset)
        strings, parties = self.strings.values, self.parties.values
        made = _PackedMandate()
        made.id, made.giver, made.taker = mandate_id, giver, parties[taker]  # type: ignore[assignment]
        made.period = Period(_day(start), _day(end) if end else None)
        made.created_by, made.created = strings[created_by], created_at
        made.giver_signature = _signature(strings[giver_by], giver_at) if giver_by else None
        made.taker_signature = _signature(strings[taker_by], taker_at) if taker_by else None
        made.stopped_by = strings[stopped_by] if stopped_by else None
        made.stopped_at = None if stopped_at == _NO_MOMENT else _moment(stopped_at)
        made.transferred_to, made.pending_transfer_to = parties[transferred], parties[pending]
        made.successor_id = strings[successor] if successor else None
        made.predecessor_id = strings[predecessor] if predecessor else None
        return made


class _PackedMandate(Mandate):
    """A mandate made from its record, its values in slots (read at C speed whether or not
    the ORM maps `Mandate`, as `records._record_class`'s), and when it was made turned into a
    `datetime` only when asked for (a decision never reads it)."""

    __slots__ = ("created", "created_by", "giver", "giver_signature", "id", "pending_transfer_to",
                 "period", "predecessor_id", "stopped_at", "stopped_by", "successor_id",
                 "taker", "taker_signature", "transferred_to", "type")

    created: int

    def __init__(self) -> None:  # the other fields are set by `Tables.mandate`
        self.type = "KIOSK"

    @property
    def created_at(self) -> datetime:
        return _moment(self.created)

    @created_at.setter
    def created_at(self, value: datetime) -> None:
        self.created = (value - _EPOCH) // _MICROSECOND


class _PackedSignature(Signature):
    """A signature whose moment is turned into a `datetime` only when asked for."""

    __slots__ = ("micros",)
    micros: int

    @property
    def at(self) -> datetime:
        return _moment(self.micros)


def _signature(by: str, micros: int) -> Signature:
    signature = object.__new__(_PackedSignature)
    object.__setattr__(signature, "by", by)
    object.__setattr__(signature, "micros", micros)
    return signature


def _micros(stored: str | None) -> int:
    """A stored moment (`records.moment`) in microseconds since 1970."""
    return _NO_MOMENT if stored is None else (moment(stored) - _EPOCH) // _MICROSECOND


def _moment(micros: int) -> datetime:
    # Exact: a float holds every microsecond count up to the year 2255 (2**53), and
    # `fromtimestamp` rounds to the nearest microsecond (tests/unit/test_access_packed.py).
    return datetime.fromtimestamp(micros / 1e6, UTC)


_day = date.fromordinal


class MandatesGiven:
    """The KIOSK mandates one applicant gave, in the order they were made: their ids, their
    takers' numbers and their records. Replaced, never changed."""

    __slots__ = ("giver", "ids", "records", "takers")

    def __init__(self, giver: Party | None, ids: tuple[str, ...], takers: array[int],
                 records: bytes) -> None:
        self.giver, self.ids, self.takers, self.records = giver, ids, takers, records

    @classmethod
    def of(cls, giver: Party, made: Sequence[tuple[str, int, bytes]]) -> MandatesGiven:
        """From (id, taker number, record) per mandate, in the order they were made."""
        return cls(giver, tuple(m[0] for m in made), array("i", (m[1] for m in made)),
                   b"".join(m[2] for m in made))

    def with_(self, giver: Party, mandate_id: str, taker: int,
              record: bytes) -> MandatesGiven:
        """A copy with this mandate in place of the one with its id, or added at the end."""
        takers = array("i", self.takers)
        try:
            position = self.ids.index(mandate_id)
        except ValueError:
            takers.append(taker)
            return MandatesGiven(giver, (*self.ids, mandate_id), takers, self.records + record)
        takers[position] = taker
        at = position * RECORD_SIZE
        return MandatesGiven(giver, self.ids, takers,
                             self.records[:at] + record + self.records[at + RECORD_SIZE:])

    def __len__(self) -> int:
        return len(self.ids)

    def to(self, tables: Tables, takers: Sequence[int]) -> tuple[Mandate, ...]:
        """The mandates to these takers (by number), each taker's in the order they were
        made, the takers in the order given."""
        if not takers or self.giver is None:
            return ()
        found = []
        mine = self.takers
        for taker in takers:
            if taker:
                at = -1
                for _ in range(mine.count(taker)):
                    at = mine.index(taker, at + 1)
                    found.append(tables.mandate(self.giver, self.ids[at], taker,
                                                self.records, at * RECORD_SIZE))
        return tuple(found)

    def all(self, tables: Tables) -> Sequence[Mandate]:
        """Every mandate, made when first read (a denial of someone without a provider reads
        them; most checks do not)."""
        return _Unpacked(self, tables)


NOTHING_GIVEN = MandatesGiven(None, (), array("i"), b"")


class _Unpacked(Sequence[Mandate]):
    """The mandates of a `MandatesGiven` as objects, made at the first read of any."""

    __slots__ = ("_given", "_made", "_tables")

    def __init__(self, given: MandatesGiven, tables: Tables) -> None:
        self._given, self._tables = given, tables
        self._made: tuple[Mandate, ...] | None = None

    def _mandates(self) -> tuple[Mandate, ...]:
        if self._made is None:
            given, tables, giver = self._given, self._tables, self._given.giver
            self._made = () if giver is None else tuple(
                tables.mandate(giver, mandate_id, taker, given.records, position * RECORD_SIZE)
                for position, (mandate_id, taker) in enumerate(
                    zip(given.ids, given.takers, strict=True)))
        return self._made

    @overload
    def __getitem__(self, index: int) -> Mandate: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Mandate]: ...

    def __getitem__(self, index: int | slice) -> Mandate | Sequence[Mandate]:
        return self._mandates()[index]

    def __len__(self) -> int:
        return len(self._given)

    def __iter__(self) -> Iterator[Mandate]:
        return iter(self._mandates())

    def __bool__(self) -> bool:
        return len(self._given) > 0


__all__ = ["NOTHING_GIVEN", "MandatesGiven", "PartyNumbers", "Strings", "Tables"]
