"""A dedicated read path for `may_manage`: the access facts in a few indexed SQL statements.

`queries.gather_facts` gathers `AccessFacts` through the repository port: one ORM query per
lookup (the person, each organisation, each organisation's staff and rights, ...), some tens of
statements and tens of milliseconds on a large registry. `AccessReader` gathers the same facts
with fixed statements on the raw DBAPI connection, builds the domain objects from the rows
directly and hands them to the same pure `decide`. The decision is the same, explanations
included (tests/integration/test_access_sql.py compares the two on generated data). The SQL
repository's `access_facts` (what `queries.may_manage` uses) runs it on the unit of work's
connection (`borrowed=True`).

What every decision reads, for (person P, applicant A, day D):

1. P and A (a person, or an organisation), and the legal representatives of A and of P's
   employers;
2. P's work relations with their organisations and the rights on them;
3. the KIOSK mandates A gave to P or to an organisation P has a work relation with (seeks on
   `mandates (giver_id, giver_kind, taker_kind, taker_id)`).

`decide` finds every route in these. Only when none holds does it read what the explanation
of a denial needs, and only then does the reader load it (`_LazySequence`, `_LazyMapping`):

4. every KIOSK mandate A gave, with the taking organisations;
5. the legal representatives and the local administrators (active on D) of every organisation
   involved (the takers, P's employers, A); and the holders of an active
   `SSM Mandaatbeheerder` on an active work relation at a taker — on SQLite one organisation
   at a time, when an explanation names them; on PostgreSQL for every taker, with the rest.

On SQLite (sqlite3, whose statement cache keeps them prepared) the fifth takes the
organisations as a JSON array (`json_each`); everything runs in one deferred read
transaction, ended after `decide`. On PostgreSQL (psycopg 3, server-side prepared statements,
pipeline mode) the first three go in one round trip with BEGIN and COMMIT (`REPEATABLE READ,
READ ONLY`), so the decision rests on one state of the registry; a denial's statements go in a
second round trip and transaction, so its explanation may already show a change committed in
between (a round trip later). On a borrowed connection everything runs in the owner's
transaction.

What it does not do, on purpose:

- It does not validate stored national and enterprise numbers again (the ORM's column types
  do, tens of microseconds each): they were checked on the way in. It builds the value objects
  around the stored digits.
- It does not go through the ORM, and the objects it builds belong to no session: when the
  mappers are started (`orm.start_mappers`), it makes instances the way the ORM's loader does
  (the class manager's `new_instance`, then the attributes), because the instrumented
  constructors cost about seven times as much.
- It caches nothing between calls: every decision reads the current state.
- It reads nothing a decision does not use: an allowed decision never reads the mandates to
  other organisations, nor anyone's names.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.instrumentation import opt_manager_of_class

from ..registry.access import AccessFacts, Decision, Employment, decide
from ..registry.errors import NotFoundError
from ..registry.identifiers import EnterpriseNumber, NationalNumber
from ..registry.model import (
    EntityGroup,
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Period,
    Person,
    Right,
    RightKind,
    Signature,
    WorkRelation,
)

if TYPE_CHECKING:
    import psycopg

# --- the statements (named parameters :person, :applicant, :kind, :day) --------------------------

_PARTIES = """
SELECT 'P', id, national_number, name, has_eid, NULL FROM persons WHERE id = :person
UNION ALL
SELECT 'A', id, national_number, name, has_eid, NULL FROM persons
 WHERE id = :applicant AND :kind = 'person'
UNION ALL
SELECT 'O', id, enterprise_number, name, NULL, entity_group FROM organisations
 WHERE id = :applicant AND :kind = 'organisation'
UNION ALL
SELECT 'R', organisation_id, person_id, NULL, NULL, NULL FROM legal_representatives
 WHERE organisation_id IN (SELECT :applicant WHERE :kind = 'organisation'
                           UNION SELECT organisation_id FROM work_relations
                                  WHERE person_id = :person)
"""

_EMPLOYMENTS = """
SELECT w.id, w.organisation_id, w.start_on, w.end_on, w.user_type,
       o.name, o.entity_group, o.enterprise_number,
       r.id, r.kind, r.granted_by, r.start_on, r.end_on, r.withdrawn_on, r.withdrawn_by
  FROM work_relations w
  JOIN organisations o ON o.id = w.organisation_id
  LEFT JOIN rights r ON r.work_relation_id = w.id
 WHERE w.person_id = :person
 ORDER BY w.seq, r.seq
"""

_MANDATE_COLUMNS = """m.id, m.taker_kind, m.taker_id, m.start_on, m.end_on, m.created_by,
       m.created_at, m.giver_signed_by, m.giver_signed_at, m.taker_signed_by, m.taker_signed_at,
       m.stopped_by, m.stopped_at, m.transferred_to_kind, m.transferred_to_id, m.successor_id,
       m.pending_transfer_to_kind, m.pending_transfer_to_id, m.predecessor_id"""
#: The mandates come in the order they were made (`seq`, the last column).

#: The mandates that can open a route: to the person, or to an organisation the person has a
#: work relation with (index `mandates (giver_id, giver_kind, taker_kind, taker_id)`).
_ROUTE_MANDATES = f"""
SELECT {_MANDATE_COLUMNS}, NULL, NULL, NULL, m.seq
  FROM mandates m
 WHERE m.giver_id = :applicant AND m.giver_kind = :kind AND m.taker_kind = 'person'
   AND m.taker_id = :person AND m.type = 'KIOSK'
UNION ALL
SELECT {_MANDATE_COLUMNS}, NULL, NULL, NULL, m.seq
  FROM mandates m
 WHERE m.giver_id = :applicant AND m.giver_kind = :kind AND m.taker_kind = 'organisation'
   AND m.taker_id IN (SELECT organisation_id FROM work_relations WHERE person_id = :person)
   AND m.type = 'KIOSK'
 ORDER BY 23
"""

#: Every KIOSK mandate the applicant gave, with the taking organisations (for a denial).
_MANDATES = f"""
SELECT {_MANDATE_COLUMNS}, o.name, o.entity_group, o.enterprise_number, m.seq
  FROM mandates m
  LEFT JOIN organisations o ON m.taker_kind = 'organisation' AND o.id = m.taker_id
 WHERE m.giver_id = :applicant AND m.giver_kind = :kind AND m.type = 'KIOSK'
 ORDER BY m.seq
"""

_ACTIVE = ("{t}.start_on <= :day AND ({t}.end_on IS NULL OR :day <= {t}.end_on)"
           " AND ({t}.withdrawn_on IS NULL OR :day < {t}.withdrawn_on)")

#: A denial's people: legal representatives and local administrators active on the day of the
#: organisations involved. `{involved}` stands for their ids (SQLite: the ids the statements
#: before found, as a JSON array for `json_each`; PostgreSQL: a subquery, so that the server
#: needs nothing from the client between the statements).
_PEOPLE_OF_ORGANISATIONS = f"""
SELECT 'R', l.organisation_id, l.person_id
  FROM legal_representatives l
 WHERE l.organisation_id {{involved}}
UNION ALL
SELECT 'L', a.organisation_id, p.name
  FROM local_admins a JOIN persons p ON p.id = a.person_id
 WHERE a.organisation_id {{involved}} AND {_ACTIVE.format(t="a")}
"""

#: The holders of an active `SSM Mandaatbeheerder` on an active work relation at one
#: organisation: only for the explanations that name them (a mandate awaiting the provider's
#: signature, a provider without a mandate), one organisation at a time.
MANDATE_MANAGERS = f"""
SELECT p.name
  FROM work_relations w JOIN persons p ON p.id = w.person_id
 WHERE w.organisation_id = :organisation
   AND w.start_on <= :day AND (w.end_on IS NULL OR :day <= w.end_on)
   AND EXISTS (SELECT 1 FROM rights r
                WHERE r.work_relation_id = w.id AND r.kind = 'SSM Mandaatbeheerder'
                  AND {_ACTIVE.format(t="r")})
"""

#: What every decision reads; what only a denial reads.
ROUTE_STATEMENTS = (_PARTIES, _EMPLOYMENTS, _ROUTE_MANDATES)
PEOPLE_SQLITE = _PEOPLE_OF_ORGANISATIONS.format(
    involved="IN (SELECT value FROM json_each(:involved))")

#: PostgreSQL: the same, with the organisations found by the server.
_INVOLVED = """SELECT taker_id FROM mandates
 WHERE giver_id = :applicant AND giver_kind = :kind AND type = 'KIOSK'
   AND taker_kind = 'organisation'
 UNION SELECT organisation_id FROM work_relations WHERE person_id = :person
 UNION SELECT id FROM organisations WHERE id = :applicant AND :kind = 'organisation'"""
_TAKERS = """SELECT taker_id FROM mandates
 WHERE giver_id = :applicant AND giver_kind = :kind AND type = 'KIOSK'
   AND taker_kind = 'organisation'"""
#: On PostgreSQL a round trip costs more than the statement: the mandate administrators of
#: every taker come with the denial's other people, in the same round trip.
PEOPLE_POSTGRESQL = _PEOPLE_OF_ORGANISATIONS.format(involved=f"IN ({_INVOLVED})") + \
    "UNION ALL\n" + MANDATE_MANAGERS.replace(
        "SELECT p.name", "SELECT 'M', w.organisation_id, p.name").replace(
        "= :organisation", f"IN ({_TAKERS})")

#: SQLite connections opened by `AccessReader.connect`: address space mapped for reading
#: (memory is the operating system's page cache, shared), and the page cache, per connection.
MMAP_BYTES = 1 << 30
CACHE_KIB = 64 * 1024

_RIGHT_KINDS = {kind.value: kind for kind in RightKind}
_GROUPS = {group.value: group for group in EntityGroup}
_PARTY_KINDS = {kind.value: kind for kind in PartyKind}

# --- building the domain objects ------------------------------------------------------------------


def _national_number(digits: str) -> NationalNumber:
    """A stored (already checked) number, without running the checks again."""
    number = object.__new__(NationalNumber)
    object.__setattr__(number, "value", digits)
    object.__setattr__(number, "kind", "bis" if int(digits[2:4]) >= 20 else "nn")
    return number


def _enterprise_number(digits: str | None) -> EnterpriseNumber | None:
    if digits is None:
        return None
    number = object.__new__(EnterpriseNumber)
    object.__setattr__(number, "value", digits)
    return number


Factory = Callable[[], Any]


def _factory(cls: type) -> Factory:
    """Makes empty instances of a domain class, mapped or not."""
    manager: Any = opt_manager_of_class(cls)
    if manager is not None:
        new_instance: Factory = manager.new_instance
        return new_instance

    def new() -> Any:
        return object.__new__(cls)
    return new


class _Factories:
    __slots__ = ("manager", "mandate", "organisation", "person", "relation", "right")

    def __init__(self) -> None:
        self.manager: Any = opt_manager_of_class(Person)
        if self.manager is not None:
            # The attributes of mapped classes work once the mappers are configured (the ORM
            # does so before its first query).
            configure_mappers()
        self.person = _factory(Person)
        self.organisation = _factory(Organisation)
        self.relation = _factory(WorkRelation)
        self.right = _factory(Right)
        self.mandate = _factory(Mandate)


_factories = _Factories()


def _current_factories() -> _Factories:
    """The factories for the current mapping state (mappers may start or stop at any time)."""
    global _factories
    if opt_manager_of_class(Person) is not _factories.manager:
        _factories = _Factories()
    return _factories


def _date_from_text(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _moment_from_text(value: str | None) -> datetime | None:
    # SQLAlchemy stores moments on SQLite as naive UTC text (parsing with the offset appended
    # is six times faster than `.replace(tzinfo=UTC)` afterwards).
    return None if value is None else datetime.fromisoformat(value + "+00:00")


def _same(value: Any) -> Any:
    return value


def _in_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


@cache
def _postgresql_statements() -> tuple[tuple[str, ...], tuple[str, str]]:
    return (tuple(_postgresql(s) for s in ROUTE_STATEMENTS),
            (_postgresql(_MANDATES), _postgresql(PEOPLE_POSTGRESQL)))


_BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


def _postgresql(statement: str) -> str:
    """`:name` parameters in psycopg's style."""
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", statement)


class AccessReader:
    """`may_manage` on one DBAPI connection of its own, for SQLite or PostgreSQL.

    Use `AccessReader.connect(url)` (the URL of the registry's database, as for
    `create_engine_for`), or hand it an open connection that it may use alone: a
    `sqlite3.Connection` (it switches the module's own transaction handling off) or a
    `psycopg.Connection` (it switches autocommit on, sets UTC, and reads in explicit
    `REPEATABLE READ, READ ONLY` transactions). Not
    thread-safe: one reader per thread, like a DBAPI connection.
    """

    def __init__(self, connection: sqlite3.Connection | psycopg.Connection[Any],
                 borrowed: bool = False) -> None:
        self.connection = connection
        #: A borrowed connection is in its owner's transaction (a unit of work's): the reader
        #: changes none of its settings, opens and ends no transaction, and may load a
        #: denial's facts after `facts` returns, while that transaction lasts.
        self.borrowed = borrowed
        self._sqlite = isinstance(connection, sqlite3.Connection)
        if isinstance(connection, sqlite3.Connection):
            if not borrowed:
                connection.isolation_level = None
            self._date: Callable[[Any], Any] = _date_from_text
            self._moment: Callable[[Any], Any] = _moment_from_text
            self._day: Callable[[date], Any] = date.isoformat
        else:
            if not borrowed:
                # Autocommit, so that psycopg sends no BEGIN of its own: each decision sends
                # BEGIN and the statements in one pipeline, synchronised once (one round trip).
                connection.autocommit = True
                connection.prepare_threshold = 0
                # Moments come back in UTC, as the ORM's column type returns them.
                connection.execute("SET TIME ZONE 'UTC'")
            self._route_statements, self._denial_statements = _postgresql_statements()
            self._date = self._day = _same
            self._moment = _same if not borrowed else _in_utc

    @classmethod
    def connect(cls, url: str) -> AccessReader:
        """A reader on a new connection to the database at `url`."""
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            connection = sqlite3.connect(parsed.database or ":memory:", isolation_level=None,
                                         check_same_thread=False)
            # Reads through memory-mapped I/O and a larger page cache: a decision touches a
            # few dozen pages scattered over the mandates table (about a third less time).
            connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            return cls(connection)
        import psycopg

        parsed = parsed.set(drivername="postgresql")
        return cls(psycopg.connect(parsed.render_as_string(hide_password=False)))

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------

    def may_manage(self, person_id: str, applicant: Party, day: date) -> Decision:
        """`queries.may_manage`, with the same decision and explanation, read in one
        transaction: what every decision needs first, and what only a denial's explanation
        needs when `decide` asks for it."""
        try:
            decision = decide(self._facts(person_id, applicant, day), day)
        except BaseException:
            self._end("ROLLBACK")
            raise
        self._end("COMMIT")
        return decision

    def facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        """The facts of one decision, read in one transaction: the denial's part included, or,
        on a borrowed connection, loaded on first use."""
        if self.borrowed:
            return self._facts(person_id, applicant, day)
        try:
            facts = self._facts(person_id, applicant, day)
            len(facts.mandates)  # loads the part only a denial reads
        except BaseException:
            self._end("ROLLBACK")
            raise
        self._end("COMMIT")
        return facts

    def _end(self, how: str) -> None:
        connection = self.connection
        if self.borrowed:
            return
        if isinstance(connection, sqlite3.Connection):
            if connection.in_transaction:
                connection.execute(how)
            return
        from psycopg.pq import TransactionStatus

        if not connection.closed and \
                connection.info.transaction_status is not TransactionStatus.IDLE:
            connection.execute(how)

    def _facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        params: dict[str, Any] = {"person": person_id, "applicant": applicant.id,
                                  "kind": applicant.kind.value, "day": self._day(day)}
        connection = self.connection
        if isinstance(connection, sqlite3.Connection):
            execute = connection.execute
            if not self.borrowed:
                execute("BEGIN")
            parties, employment_rows, mandate_rows = [
                execute(statement, params).fetchall() for statement in ROUTE_STATEMENTS]
        else:
            # BEGIN and the statements in one round trip; the transaction stays open until
            # the decision is made, for the denial's statements.
            with connection.pipeline():
                if not self.borrowed:
                    connection.execute(_BEGIN)
                cursors = [connection.execute(statement, params, prepare=True)
                           for statement in self._route_statements]
                if not self.borrowed:
                    connection.execute("COMMIT")
            parties, employment_rows, mandate_rows = [c.fetchall() for c in cursors]
        build = _Builder(self._date, self._moment, applicant)
        person, applicant_entity = build.parties(person_id, parties)
        employments = build.employments(person, employment_rows)
        denial = _Later(lambda: self._denial(build, params, employment_rows))
        return AccessFacts(
            person=person, applicant=applicant_entity, employments=employments,
            mandates=_LazySequence(lambda: denial.get().mandates),
            takers=_LazyMapping(lambda: denial.get().takers),
            local_admins=_LazyMapping(lambda: denial.get().local_admins),
            mandate_managers=_LazyMapping(lambda: denial.get().mandate_managers),
            route_mandates=build.mandates(mandate_rows))

    def _denial(self, build: _Builder, params: dict[str, Any],
                employment_rows: list[Any]) -> _Denial:
        """Every mandate the applicant gave, the takers, and the people the explanation names."""
        connection = self.connection
        if isinstance(connection, sqlite3.Connection):
            mandate_rows = connection.execute(_MANDATES, params).fetchall()
            involved = _organisations(employment_rows, mandate_rows, build.applicant)
            people_rows: list[Any] = []
            if involved:
                people_rows = connection.execute(PEOPLE_SQLITE, {
                    **params, "involved": json.dumps(involved)}).fetchall()
            return build.denial(mandate_rows, people_rows, partial(self._managers, params))
        with connection.pipeline():
            if not self.borrowed:
                connection.execute(_BEGIN)
            cursors = [connection.execute(statement, params, prepare=True)
                       for statement in self._denial_statements]
            if not self.borrowed:
                connection.execute("COMMIT")
        mandate_rows, people_rows = [c.fetchall() for c in cursors]
        return build.denial(mandate_rows, people_rows, None)

    def _managers(self, params: dict[str, Any], organisation_id: str) -> tuple[str, ...]:
        assert isinstance(self.connection, sqlite3.Connection)
        rows = self.connection.execute(MANDATE_MANAGERS, {
            "organisation": organisation_id, "day": params["day"]}).fetchall()
        return tuple(sorted(name for (name,) in rows))


@dataclass(frozen=True, slots=True)
class _Denial:
    mandates: tuple[Mandate, ...]
    takers: Mapping[str, Organisation]
    local_admins: Mapping[str, tuple[str, ...]]
    mandate_managers: Mapping[str, tuple[str, ...]]


T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class _Later(Generic[T]):
    """A value computed on first use."""

    __slots__ = ("_load", "_value")

    def __init__(self, load: Callable[[], T]) -> None:
        self._load: Callable[[], T] | None = load
        self._value: T | None = None

    def get(self) -> T:
        if self._load is not None:
            self._value, self._load = self._load(), None
        return self._value  # type: ignore[return-value]


class _LazySequence(Sequence[T]):
    """A sequence loaded on first use."""

    __slots__ = ("_items", "_load")

    def __init__(self, load: Callable[[], Sequence[T]]) -> None:
        self._load = load
        self._items: Sequence[T] | None = None

    def _loaded(self) -> Sequence[T]:
        if self._items is None:
            self._items = self._load()
        return self._items

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())

    def __iter__(self) -> Iterator[T]:
        return iter(self._loaded())


class _LazyMapping(Mapping[K, V]):
    """A mapping loaded on first use."""

    __slots__ = ("_items", "_load")

    def __init__(self, load: Callable[[], Mapping[K, V]]) -> None:
        self._load = load
        self._items: Mapping[K, V] | None = None

    def _loaded(self) -> Mapping[K, V]:
        if self._items is None:
            self._items = self._load()
        return self._items

    def __getitem__(self, key: K) -> V:
        return self._loaded()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._loaded()

    def get(self, key: K, default: Any = None) -> Any:
        return self._loaded().get(key, default)

    def __len__(self) -> int:
        return len(self._loaded())

    def __iter__(self) -> Iterator[K]:
        return iter(self._loaded())


class _PerKey(Mapping[str, tuple[str, ...]]):
    """Names per organisation, each looked up on first use (`keys`: the organisations)."""

    __slots__ = ("_found", "_keys", "_look_up")

    def __init__(self, keys: tuple[str, ...],
                 look_up: Callable[[str], tuple[str, ...]]) -> None:
        self._keys, self._look_up = keys, look_up
        self._found: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, key: str) -> tuple[str, ...]:
        if key not in self._keys:
            raise KeyError(key)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._look_up(key)
        return found

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)


class _Builder:
    """Domain objects from the rows of one decision's statements."""

    def __init__(self, as_date: Callable[[Any], Any], as_moment: Callable[[Any], Any],
                 applicant: Party) -> None:
        self.make = _current_factories()
        self.as_date, self.as_moment = as_date, as_moment
        self.applicant = applicant
        self.organisations: dict[str, Organisation] = {}
        self.representatives: dict[str, set[str]] = {}
        self.employers: list[str] = []

    def organisation(self, org_id: str, name: str, group: str,
                     number: str | None) -> Organisation:
        found = self.organisations.get(org_id)
        if found is None:
            found = self.make.organisation()
            found.__dict__.update(
                id=org_id, name=name, entity_group=_GROUPS[group],
                enterprise_number=_enterprise_number(number),
                legal_representatives=self.representatives.setdefault(org_id, set()))
            self.organisations[org_id] = found
        return found

    def parties(self, person_id: str, rows: list[Any]) -> tuple[Person, Person | Organisation]:
        person: Person | None = None
        applicant: Person | Organisation | None = None
        for what, key, number, *_ in rows:
            if what == "R":
                self.representatives.setdefault(key, set()).add(number)
        for what, key, number, name, has_eid, group in rows:
            if what == "O":
                applicant = self.organisation(key, name, group, number)
            elif what != "R":
                entity = self.make.person()
                entity.__dict__.update(id=key, national_number=_national_number(number),
                                       name=name, has_eid=bool(has_eid))
                if what == "P":
                    person = entity
                else:
                    applicant = entity
        if person is None:
            raise NotFoundError("person", person_id)
        if applicant is None:
            raise NotFoundError(self.applicant.kind.value, self.applicant.id)
        if isinstance(applicant, Person) and applicant.id == person.id:
            applicant = person
        return person, applicant

    def employments(self, person: Person, rows: list[Any]) -> tuple[Employment, ...]:
        make, as_date = self.make, self.as_date
        employments: list[Employment] = []
        relation: WorkRelation | None = None
        employer: Organisation | None = None
        rights: list[Right] = []
        for (relation_id, org_id, start, end, user_type, org_name, group, number, right_id,
             kind, granted_by, right_start, right_end, withdrawn_on, withdrawn_by) in rows:
            if relation is None or relation.id != relation_id:
                if relation is not None and employer is not None:
                    employments.append(Employment(relation, employer, tuple(rights)))
                relation = make.relation()
                relation.__dict__.update(id=relation_id, person_id=person.id,
                                         organisation_id=org_id,
                                         period=Period(as_date(start), as_date(end)),
                                         user_type=user_type)
                employer = self.organisation(org_id, org_name, group, number)
                rights = []
            if right_id is not None:
                right = make.right()
                right.__dict__.update(
                    id=right_id, work_relation_id=relation_id, kind=_RIGHT_KINDS[kind],
                    granted_by=granted_by, period=Period(as_date(right_start),
                                                         as_date(right_end)),
                    withdrawn_on=as_date(withdrawn_on), withdrawn_by=withdrawn_by)
                rights.append(right)
        if relation is not None and employer is not None:
            employments.append(Employment(relation, employer, tuple(rights)))
        self.employers = [e.organisation.id for e in employments]
        return tuple(employments)

    def mandates(self, rows: list[Any]) -> tuple[Mandate, ...]:
        make, as_date, as_moment = self.make, self.as_date, self.as_moment
        giver = Party(self.applicant.kind, self.applicant.id)
        parties: dict[tuple[str, str], Party] = {}

        def party(kind: str | None, key: str | None) -> Party | None:
            if kind is None or key is None:
                return None
            found = parties.get((kind, key))
            if found is None:
                found = parties[kind, key] = Party(_PARTY_KINDS[kind], key)
            return found

        mandates: list[Mandate] = []
        for (mandate_id, taker_kind, taker_id, start, end, created_by, created_at,
             giver_by, giver_at, taker_by, taker_at, stopped_by, stopped_at,
             transferred_kind, transferred_id, successor_id, pending_kind, pending_id,
             predecessor_id, org_name, group, number, _seq) in rows:
            mandate = make.mandate()
            mandate.__dict__.update(
                id=mandate_id, giver=giver, taker=party(taker_kind, taker_id),
                period=Period(as_date(start), as_date(end)), created_by=created_by,
                created_at=as_moment(created_at), type="KIOSK",
                giver_signature=None if giver_by is None else Signature(giver_by,
                                                                        as_moment(giver_at)),
                taker_signature=None if taker_by is None else Signature(taker_by,
                                                                        as_moment(taker_at)),
                stopped_by=stopped_by, stopped_at=as_moment(stopped_at),
                transferred_to=party(transferred_kind, transferred_id),
                successor_id=successor_id,
                pending_transfer_to=party(pending_kind, pending_id),
                predecessor_id=predecessor_id)
            mandates.append(mandate)
            if org_name is not None:
                self.organisation(taker_id, org_name, group, number)
        return tuple(mandates)

    def denial(self, mandate_rows: list[Any], people_rows: list[Any],
               managers: Callable[[str], tuple[str, ...]] | None) -> _Denial:
        """`managers` looks up an organisation's mandate administrators; without it, they
        are among `people_rows`."""
        admins: dict[str, list[str]] = {}
        holders: dict[str, list[str]] = {}
        for what, org_id, value in people_rows:
            if what == "R":
                self.representatives.setdefault(org_id, set()).add(value)
            elif what == "L":
                admins.setdefault(org_id, []).append(value)
            else:
                holders.setdefault(org_id, []).append(value)
        mandates = self.mandates(mandate_rows)
        takers = {row[2]: self.organisations[row[2]] for row in mandate_rows
                  if row[19] is not None}
        involved = {*takers, *self.employers}
        if self.applicant.kind is PartyKind.ORGANISATION:
            involved.add(self.applicant.id)
        return _Denial(
            mandates, takers,
            local_admins={o: tuple(sorted(admins.get(o, ()))) for o in sorted(involved)},
            mandate_managers=_PerKey(tuple(takers), managers) if managers is not None else
            {o: tuple(sorted(holders.get(o, ()))) for o in takers})


def _organisations(employment_rows: list[Any], mandate_rows: list[Any],
                   applicant: Party) -> list[str]:
    """The organisations whose people a denial's explanation names: the takers, the
    employers and the applicant."""
    involved = dict.fromkeys(row[2] for row in mandate_rows if row[19] is not None)
    involved.update(dict.fromkeys(row[1] for row in employment_rows))
    if applicant.kind is PartyKind.ORGANISATION:
        involved[applicant.id] = None
    return list(involved)


__all__ = ["PEOPLE_POSTGRESQL", "PEOPLE_SQLITE", "ROUTE_STATEMENTS", "AccessReader"]
