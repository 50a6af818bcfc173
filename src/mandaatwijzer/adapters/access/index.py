"""`may_manage` from memory: the facts every decision reads, kept current from the audit log.

`AccessIndex` holds persons, organisations, work relations with their rights, local
administrators and KIOSK mandates by giver, as the reader's objects, and hands the pure
`decide` the same `AccessFacts` as `AccessReader` (tests/integration/test_access_index.py).
Before each check it reads the newest audit event on the caller's connection and catches up
from the events since (a full load after an import or more than `MAX_EVENTS`; the reader
answers a caller behind the index); it sees no change made without an audit event until
`reload()`. Updates replace objects and the tuples holding them, never change them, so facts
handed out stay one state. Why, and the rules of catching up: docs/adr/0007-access-index.md.
"""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ...registry.access import AccessFacts, Decision, Employment, decide
from ...registry.errors import NotFoundError
from ...registry.model import (
    LocalAdmin,
    Organisation,
    Party,
    PartyKind,
    Person,
    Right,
    RightKind,
    WorkRelation,
)
from .packed import NOTHING_GIVEN, MandatesGiven, Tables
from .reader import AccessReader, rows
from .records import (
    build_local_admin,
    build_organisation,
    build_person,
    build_relation,
    build_right,
)
from .statements import Dialect, mandate_values

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import Engine

Connection = sqlite3.Connection | Any  # sqlite3 or psycopg (typed loosely: psycopg is optional)

#: More events than this since the last check: a full load is cheaper than one by one.
MAX_EVENTS = 2_000

#: Days whose administrators' names are kept at once (checks are mostly about today).
MAX_DAYS = 16

#: The newest event of an empty audit log.
NO_EVENT = (0, "")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


H = TypeVar("H", bound=_HasId)
K = TypeVar("K")
A = TypeVar("A")


def _replaced(items: tuple[H, ...], item: H) -> tuple[H, ...]:
    """`items` with `item` in place of the one with its id, or added at the end (a new tuple:
    facts handed out before keep the old one)."""
    for position, old in enumerate(items):
        if old.id == item.id:
            return (*items[:position], item, *items[position + 1:])
    return (*items, item)


def _put(index: dict[K, tuple[H, ...]], key: K, item: H) -> None:
    index[key] = _replaced(index.get(key, ()), item)


# --- statements -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Statements:
    head: str
    recent: str
    events: str
    persons: str
    organisations: str
    representatives: str
    relations: str
    rights: str
    admins: str
    mandates: str

    @classmethod
    def of(cls, postgresql: bool) -> _Statements:
        d = Dialect(postgresql)
        t = d.day_text
        return cls(*(d.parameters(text) for text in (
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            f"SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT {MAX_EVENTS}",
            "SELECT seq, hash, entity, entity_id FROM audit_events WHERE seq >= :seq "
            "ORDER BY seq",
            f"SELECT id, national_number, name, {d.flag('has_eid')} FROM persons",
            "SELECT id, name, entity_group, enterprise_number FROM organisations",
            "SELECT organisation_id, person_id FROM legal_representatives",
            f"SELECT id, person_id, organisation_id, {t('start_on')}, {t('end_on')}, user_type "
            "FROM work_relations",
            f"SELECT id, work_relation_id, kind, granted_by, {t('start_on')}, {t('end_on')}, "
            f"{t('withdrawn_on')}, withdrawn_by FROM rights",
            f"SELECT id, organisation_id, person_id, appointed_by, {t('start_on')}, "
            f"{t('end_on')}, {t('withdrawn_on')} FROM local_admins",
            "SELECT m.giver_kind, m.giver_id, " + ", ".join(mandate_values(d)) +
            " FROM mandates m WHERE m.type = 'KIOSK'")))


_SQLITE = _Statements.of(postgresql=False)
_POSTGRESQL = _Statements.of(postgresql=True)


def _where(statement: str, condition: str, postgresql: bool) -> str:
    joiner = " AND " if " WHERE " in statement else " WHERE "
    return Dialect(postgresql).parameters(statement + joiner + condition)


# --- the facts in memory --------------------------------------------------------------------


E = TypeVar("E", Person, Organisation)


@dataclass(frozen=True, slots=True)
class _PartyFacts(Generic[E]):
    """A person or an organisation with all a check reads about it, found with one lookup:
    a person's employments (work relations with their organisations and rights), and the
    KIOSK mandates it gave as an applicant. Replaced, never changed, when any of it changes.

    (Every object a check reads first is a random read of memory, which costs far more than
    the Python around it: one lookup instead of three is most of what this saves.)
    """

    entity: E
    employments: tuple[Employment, ...] = ()
    given: MandatesGiven = NOTHING_GIVEN


class _Organisations(Mapping[str, Organisation]):
    """The organisations of the index's entries, by id (the facts' `takers`)."""

    __slots__ = ("_entries",)

    def __init__(self, entries: dict[str, _PartyFacts[Organisation]]) -> None:
        self._entries = entries

    def __getitem__(self, org_id: str) -> Organisation:
        return self._entries[org_id].entity

    def __contains__(self, org_id: object) -> bool:
        return org_id in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)


class _AdministratorNames(Mapping[str, tuple[str, ...]]):
    """The names of an organisation's local administrators or mandate administrators on a
    day, worked out when first asked for (an explanation names a few organisations at most)
    and kept in `known` (the state's, shared by the facts handed out on it)."""

    __slots__ = ("_day", "_known", "_names", "_organisations", "_what")

    def __init__(self, organisations: Mapping[str, Organisation], what: str,
                 names: Callable[[date, str], tuple[str, ...]], day: date,
                 known: dict[tuple[str, str, date], tuple[str, ...]]) -> None:
        self._organisations, self._what, self._names = organisations, what, names
        self._day, self._known = day, known

    def __getitem__(self, org_id: str) -> tuple[str, ...]:
        key = (self._what, org_id, self._day)
        found = self._known.get(key)
        if found is None:
            if org_id not in self._organisations:
                raise KeyError(org_id)
            found = self._known[key] = self._names(self._day, org_id)
        return found

    def __len__(self) -> int:
        return len(self._organisations)

    def __iter__(self) -> Iterator[str]:
        return iter(self._organisations)


@dataclass(slots=True)
class _State:
    """One state of the registry's access facts, at audit event `seq` (`hash`)."""

    seq: int = 0
    hash: str = ""
    #: The hashes of the latest events of this state's history, by seq (at most twice
    #: MAX_EVENTS): a caller whose newest event is one of them sees an earlier state.
    recent: dict[int, str] = field(default_factory=dict)
    persons: dict[str, _PartyFacts[Person]] = field(default_factory=dict)
    organisations: dict[str, _PartyFacts[Organisation]] = field(default_factory=dict)
    relations: dict[str, WorkRelation] = field(default_factory=dict)
    #: Work relations by person and by organisation, in the order they were made.
    relations_of: dict[str, tuple[WorkRelation, ...]] = field(default_factory=dict)
    staff: dict[str, tuple[WorkRelation, ...]] = field(default_factory=dict)
    rights_on: dict[str, tuple[Right, ...]] = field(default_factory=dict)
    admins: dict[str, tuple[LocalAdmin, ...]] = field(default_factory=dict)
    #: The parties and strings the packed mandates name by number.
    tables: Tables = field(default_factory=Tables)
    #: Names of an organisation's administrators on a day, as worked out when first asked
    #: for: ("admins" or "managers", organisation id, day). Emptied by every change.
    names: dict[tuple[str, str, date], tuple[str, ...]] = field(default_factory=dict)
    #: The mappings of those names handed out with the facts, per day (emptied with them).
    namers: dict[date, tuple[_AdministratorNames, _AdministratorNames]] = field(
        default_factory=dict)
    takers: _Organisations = field(init=False)

    def __post_init__(self) -> None:
        self.takers = _Organisations(self.organisations)

    # Adding or replacing one entity, from the values of its statement's row.

    def person(self, key: str, number: str, name: str, has_eid: str) -> None:
        old = self.persons.get(key)
        self.persons[key] = _PartyFacts(build_person(key, number, name, has_eid),
                                        self._employments(key),
                                        NOTHING_GIVEN if old is None else old.given)

    def organisation(self, key: str, name: str, group: str, number: str | None,
                     representatives: set[str]) -> None:
        old = self.organisations.get(key)
        self.organisations[key] = _PartyFacts(
            build_organisation(key, name, group, number, representatives),
            given=NOTHING_GIVEN if old is None else old.given)
        self._employ(relation.person_id for relation in self.staff.get(key, ()))

    def relation(self, relation_id: str, person_id: str, org_id: str, start: str,
                 end: str | None, user_type: str) -> None:
        relation = build_relation(relation_id, person_id, org_id, start, end,
                                  user_type)
        self.relations[relation_id] = relation
        _put(self.relations_of, person_id, relation)
        _put(self.staff, org_id, relation)
        self._employ((person_id,))

    def right(self, right_id: str, relation_id: str, *values: Any) -> None:
        _put(self.rights_on, relation_id, build_right(right_id, relation_id, *values))
        self._employ((self.relations[relation_id].person_id,))

    def admin(self, admin_id: str, org_id: str, *values: Any) -> None:
        _put(self.admins, org_id, build_local_admin(admin_id, org_id, *values))

    def mandate(self, giver_kind: str, giver_id: str, mandate_id: str, *values: Any) -> None:
        giver = self.tables.parties.party(giver_kind, giver_id)
        taker, record = self.tables.pack(*values)
        self._give(giver_kind, giver_id,
                   lambda given: given.with_(giver, mandate_id, taker, record))

    def _give(self, giver_kind: str, giver_id: str,
              give: Callable[[MandatesGiven], MandatesGiven]) -> None:
        """Replace the mandates the giver gave by `give(those it gave)`. (A giver the registry
        does not hold is never asked about: checks on it are refused as unknown.)"""
        if giver_kind == PartyKind.PERSON:
            person = self.persons.get(giver_id)
            if person is not None:
                self.persons[giver_id] = _PartyFacts(person.entity, person.employments,
                                                     give(person.given))
        else:
            org = self.organisations.get(giver_id)
            if org is not None:
                self.organisations[giver_id] = _PartyFacts(org.entity, given=give(org.given))

    def _employments(self, person_id: str) -> tuple[Employment, ...]:
        organisations, rights_on = self.organisations, self.rights_on
        return tuple(Employment(relation, organisations[relation.organisation_id].entity,
                                rights_on.get(relation.id, ()))
                     for relation in self.relations_of.get(person_id, ()))

    def _employ(self, person_ids: Iterable[str]) -> None:
        """Work out the employments of these persons again (a person not loaded yet gets
        them when loaded)."""
        for person_id in person_ids:
            person = self.persons.get(person_id)
            if person is not None:
                self.persons[person_id] = _PartyFacts(
                    person.entity, self._employments(person_id), person.given)

    # Loading everything: the rows of each table in the order they were made, collected in
    # lists and made tuples once.

    def load(self, persons: Iterable[Any], organisations: Iterable[Any],
             representatives: Iterable[Any], relations: Iterable[Any], rights: Iterable[Any],
             admins: Iterable[Any], mandates: Iterable[Any]) -> None:
        representing: dict[str, set[str]] = {}
        for org_id, person_id in representatives:
            representing.setdefault(org_id, set()).add(person_id)
        for key, *values in persons:
            self.persons[key] = _PartyFacts(build_person(key, *values))
        for key, name, group, number in organisations:
            self.organisations[key] = _PartyFacts(build_organisation(
                key, name, group, number, representing.get(key, set())))
        of_person: dict[str, list[WorkRelation]] = {}
        at: dict[str, list[WorkRelation]] = {}
        for row in relations:
            relation = self.relations[row[0]] = build_relation(*row)
            of_person.setdefault(relation.person_id, []).append(relation)
            at.setdefault(relation.organisation_id, []).append(relation)
        self.relations_of = {key: tuple(found) for key, found in of_person.items()}
        self.staff = {key: tuple(found) for key, found in at.items()}
        on: dict[str, list[Right]] = {}
        for right_id, relation_id, *values in rights:
            on.setdefault(relation_id, []).append(build_right(right_id, relation_id,
                                                              *values))
        self.rights_on = {key: tuple(found) for key, found in on.items()}
        self._employ(self.relations_of)
        by_org: dict[str, list[LocalAdmin]] = {}
        for row in admins:
            by_org.setdefault(row[1], []).append(build_local_admin(*row))
        self.admins = {key: tuple(found) for key, found in by_org.items()}
        # The mandates come grouped by giver (ORDER BY giver, then the order they were made):
        # each giver's rows are its one group, and its entry has none yet.
        pack, party = self.tables.pack, self.tables.parties.party
        for (giver_kind, giver_id), given_rows in groupby(mandates, key=lambda row: row[:2]):
            given = MandatesGiven.of(party(giver_kind, giver_id),
                                     [(row[2], *pack(*row[3:])) for row in given_rows])

            def loaded(_: MandatesGiven, given: MandatesGiven = given) -> MandatesGiven:
                return given
            self._give(giver_kind, giver_id, loaded)

    # Reading.

    def facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        found = self.persons.get(person_id)
        if found is None:
            raise NotFoundError("person", person_id)
        entry: _PartyFacts[Person] | _PartyFacts[Organisation] | None = (
            self.persons.get(applicant.id) if applicant.kind is PartyKind.PERSON
            else self.organisations.get(applicant.id))
        if entry is None:
            raise NotFoundError(applicant.kind.value, applicant.id)
        employments, given, tables = found.employments, entry.given, self.tables
        known = tables.parties.known
        takers = [known("person", person_id)]
        for employment in employments:
            takers.append(known("organisation", employment.relation.organisation_id))
        route_mandates = given.to(tables, takers)
        names = self.namers.get(day)
        if names is None:
            if len(self.namers) >= MAX_DAYS:
                self.names, self.namers = {}, {}
            names = self.namers[day] = (
                _AdministratorNames(self.takers, "admins", self.admin_names, day, self.names),
                _AdministratorNames(self.takers, "managers", self.manager_names, day, self.names))
        # Every organisation as `takers`: a superset of the takers, looked up by id.
        return AccessFacts(found.entity, entry.entity, employments, given.all(tables),
                           self.takers,
                           names[0], names[1], route_mandates)

    def facts_many(self, person_id: str, applicants: Iterable[Party],
                   day: date) -> list[AccessFacts]:
        if person_id not in self.persons:
            raise NotFoundError("person", person_id)
        persons, organisations = self.persons, self.organisations
        return [self.facts(person_id, applicant, day) for applicant in dict.fromkeys(applicants)
                if applicant.id in (persons if applicant.kind is PartyKind.PERSON
                                    else organisations)]

    def facts_of_persons(self, persons: Iterable[str], applicant: Party,
                         day: date) -> list[AccessFacts]:
        if (applicant.id not in (self.persons if applicant.kind is PartyKind.PERSON
                                 else self.organisations)):
            raise NotFoundError(applicant.kind.value, applicant.id)
        known = self.persons
        return [self.facts(person_id, applicant, day) for person_id in dict.fromkeys(persons)
                if person_id in known]

    def admin_names(self, day: date, org_id: str) -> tuple[str, ...]:
        persons = self.persons
        return tuple(sorted(persons[a.person_id].entity.name
                            for a in self.admins.get(org_id, ()) if a.active(day)))

    def manager_names(self, day: date, org_id: str) -> tuple[str, ...]:
        persons, rights_on, manager = self.persons, self.rights_on, RightKind.MANDATE_MANAGER
        return tuple(sorted(
            persons[relation.person_id].entity.name for relation in self.staff.get(org_id, ())
            if relation.active(day) and any(r.kind is manager and r.active(day)
                                            for r in rights_on.get(relation.id, ()))))


# --- reading the database -------------------------------------------------------------------


class _Source:
    """The statements on one connection, in its driver's parameter style."""

    def __init__(self, connection: Connection) -> None:
        self.connection: Any = connection
        self.postgresql = not isinstance(connection, sqlite3.Connection)
        self.statements = _POSTGRESQL if self.postgresql else _SQLITE

    def head(self) -> tuple[int, str]:
        """The newest audit event: (seq, hash)."""
        found = rows(self.connection, self.statements.head, {})
        return (found[0][0], found[0][1]) if found else NO_EVENT

    def rows(self, statement: str, params: dict[str, Any]) -> list[Any]:
        return rows(self.connection, statement, params)

    def one(self, statement: str, key: str, column: str = "id") -> list[Any]:
        """The rows of `statement` whose `column` is `key`."""
        return rows(self.connection, _where(statement, f"{column} = :id", self.postgresql),
                    {"id": key})

    def stream(self, statement: str) -> Iterator[Any]:
        """Every row, without holding them all at once (a server-side cursor on PostgreSQL,
        inside the snapshot's transaction)."""
        if not self.postgresql:
            yield from self.connection.execute(statement)
            return
        with self.connection.cursor(name="mandaatwijzer_access_index") as cursor:
            cursor.itersize = 10_000
            cursor.execute(statement)
            yield from cursor

    def load(self) -> _State:
        """Everything, in the snapshot of the caller's transaction."""
        s, stream = self.statements, self.stream
        state = _State()
        recent = self.rows(s.recent, {})  # newest first: the head, then its predecessors
        state.seq, state.hash = (recent[0][0], recent[0][1]) if recent else NO_EVENT
        state.recent = dict(reversed(recent))
        # Mandates by giver: one applicant's lie together in memory, as a denial reads them.
        state.load(stream(s.persons), stream(s.organisations), stream(s.representatives),
                    stream(s.relations + " ORDER BY seq"), stream(s.rights + " ORDER BY seq"),
                    stream(s.admins + " ORDER BY seq"),
                    stream(s.mandates + " ORDER BY m.giver_kind, m.giver_id, m.seq"))
        return state

    def reload(self, state: _State, entity: str, key: str) -> None:
        """Read one entity named by an audit event again (nothing for entities the index does
        not hold, such as dossiers)."""
        s = self.statements
        if entity == "person":
            for row in self.one(s.persons, key):
                state.person(*row)
        elif entity == "organisation":
            representatives = {person for _, person in self.one(
                s.representatives, key, "organisation_id")}
            for found, name, group, number in self.one(s.organisations, key):
                state.organisation(found, name, group, number, representatives)
        elif entity == "work_relation":
            for row in self.one(s.relations, key):
                state.relation(*row)
        elif entity == "right":
            for row in self.one(s.rights, key):
                state.right(*row)
        elif entity == "local_admin":
            for row in self.one(s.admins, key):
                state.admin(*row)
        elif entity == "mandate":
            for row in self.one(s.mandates, key, "m.id"):
                state.mandate(*row)


@contextmanager
def _snapshot(connection: Connection) -> Iterator[Connection]:
    """One read-only transaction on a connection of the index's own, rolled back at the end."""
    if isinstance(connection, sqlite3.Connection):
        began = not connection.in_transaction
        if began:
            connection.execute("BEGIN")
        try:
            yield connection
        finally:
            if began:
                connection.execute("ROLLBACK")
        return
    if connection.autocommit:
        connection.execute("BEGIN")
    connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    try:
        yield connection
    finally:
        connection.rollback() if not connection.autocommit else connection.execute("ROLLBACK")


Connect = Callable[[], AbstractContextManager[Connection]]


class AccessIndex:
    """The access facts in memory for one database, loaded on first use (or `reload()`).

    `connect` opens a connection of the index's own for full loads (a context manager giving
    a sqlite3 or psycopg connection): `AccessIndex.for_url`, `AccessIndex.for_engine`.
    Checks run on the caller's connection, which reads the newest audit event (and, when the
    registry changed, the events and rows since). Safe to share between threads.
    """

    def __init__(self, connect: Connect) -> None:
        self._connect = connect
        self._lock = threading.Lock()
        self._state: _State | None = None
        #: A first load runs in the background (`start_loading`): checks meanwhile are
        #: answered by the reader instead of waiting for it.
        self._loading = False

    @property
    def ready(self) -> bool:
        """Loaded: checks are answered from memory."""
        return self._state is not None

    def start_loading(self, done: Callable[[float], None] | None = None) -> threading.Thread:
        """Load in a thread of its own (at a process's start), then call `done` with the
        seconds it took; until then every check is answered by the reader, never held up."""
        self._loading = True

        def load() -> None:
            started = time.monotonic()
            try:
                with self._lock:
                    if self._state is None:
                        self._load()
            finally:
                self._loading = False
            if done is not None:
                done(time.monotonic() - started)

        thread = threading.Thread(target=load, name="mandaatwijzer-access-index", daemon=True)
        thread.start()
        return thread

    @classmethod
    def for_url(cls, url: str) -> AccessIndex:
        """Full loads on a new connection to the database at `url`, closed afterwards."""
        @contextmanager
        def connect() -> Iterator[Connection]:
            with AccessReader.connect(url) as reader:
                yield reader.connection
        return cls(connect)

    @classmethod
    def for_engine(cls, engine: Engine) -> AccessIndex:
        """Full loads on a connection from the engine's pool."""
        @contextmanager
        def connect() -> Iterator[Connection]:
            pooled = engine.raw_connection()
            try:
                yield pooled.driver_connection
            finally:
                pooled.close()
        return cls(connect)

    def may_manage(self, connection: sqlite3.Connection | psycopg.Connection[Any],
                   person_id: str, applicant: Party, day: date) -> Decision:
        """`queries.may_manage`, with the same decision and explanation, on the state of the
        registry the caller's connection sees."""
        return decide(self.facts(connection, person_id, applicant, day), day)

    def head(self, connection: sqlite3.Connection | psycopg.Connection[Any]) -> tuple[int, str]:
        """The newest audit event the connection sees: (seq, hash)."""
        return _Source(connection).head()

    def facts(self, connection: sqlite3.Connection | psycopg.Connection[Any],
              person_id: str, applicant: Party, day: date,
              head: tuple[int, str] | None = None) -> AccessFacts:
        """The facts on the state the connection sees, or at `head` (`head()` read before in
        the caller's transaction: a page that checks a thousand applicants reads it once)."""
        return self._answer(connection, head,
                            lambda state: state.facts(person_id, applicant, day),
                            lambda reader: reader.facts(person_id, applicant, day))

    def facts_many(self, connection: sqlite3.Connection | psycopg.Connection[Any],
                   person_id: str, applicants: Iterable[Party], day: date,
                   head: tuple[int, str] | None = None) -> list[AccessFacts]:
        """`facts` for each of `applicants` that exists, in their order, each once."""
        listed = list(applicants)
        return self._answer(connection, head,
                            lambda state: state.facts_many(person_id, listed, day),
                            lambda reader: reader.facts_many(person_id, listed, day))

    def facts_of_persons(self, connection: sqlite3.Connection | psycopg.Connection[Any],
                         persons: Iterable[str], applicant: Party, day: date,
                         head: tuple[int, str] | None = None) -> list[AccessFacts]:
        """`facts` for each of `persons` that exists, in their order, each once."""
        listed = list(persons)
        return self._answer(connection, head,
                            lambda state: state.facts_of_persons(listed, applicant, day),
                            lambda reader: reader.facts_of_persons(listed, applicant, day))

    def _answer(self, connection: sqlite3.Connection | psycopg.Connection[Any],
                head: tuple[int, str] | None, on_state: Callable[[_State], A],
                on_reader: Callable[[AccessReader], A]) -> A:
        if self._loading and self._state is None:
            # Still loading at start: the reader answers, in a few statements.
            return on_reader(AccessReader(connection, borrowed=True))
        source = _Source(connection)
        if head is None:
            head = source.head()
        with self._lock:
            state = self._current(source, head)
            if state is not None:
                return on_state(state)
        # The caller's transaction began before changes the index holds: its own view.
        return on_reader(AccessReader(connection, borrowed=True))

    def reload(self) -> None:
        """Load everything again (after changes written without audit events)."""
        with self._lock:
            self._load()

    def _current(self, source: _Source, head: tuple[int, str]) -> _State | None:
        """The state to answer on, caught up to `head`; None when the caller is behind it."""
        state = self._state
        if state is None:
            return self._load()
        if head == (state.seq, state.hash):
            return state
        if head[0] < state.seq and state.recent.get(head[0]) == head[1]:
            return None
        if head[0] > state.seq:
            events = source.rows(source.statements.events, {"seq": state.seq})
            known = events[0] if events and state.seq else None
            if (state.seq == 0 or (known is not None and known[1] == state.hash)) and \
                    len(events) <= MAX_EVENTS:
                for seq, digest, entity, key in events[1 if state.seq else 0:]:
                    if entity == "import":
                        return self._load()
                    source.reload(state, entity, key)
                    state.names, state.namers = {}, {}  # worked out before the change
                    state.seq, state.hash = seq, digest
                    state.recent[seq] = digest
                if len(state.recent) > 2 * MAX_EVENTS:
                    state.recent = dict(list(state.recent.items())[-MAX_EVENTS:])
                return state
        return self._load()

    def _load(self) -> _State:
        with self._connect() as connection, _snapshot(connection), _no_collection():
            self._state = _Source(connection).load()
        return self._state


@contextmanager
def _no_collection() -> Iterator[None]:
    """No garbage collection while loading, and the loaded objects out of its reach afterwards.

    The load makes millions of objects and no reference cycles; every full collection would
    walk all of them again (most of the load time, and pauses of about a second in later
    checks). `gc.freeze` moves everything alive to a generation the collector never walks:
    objects left there are still freed by their reference counts, as every object of an
    index is when the index replaces it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


__all__ = ["AccessIndex"]
