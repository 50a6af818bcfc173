"""`may_manage` from the database: the facts of one decision read with fixed SQL statements.

`AccessReader` reads, on a raw sqlite3 or psycopg connection (its own, or a unit of work's with
`borrowed=True`), what every decision needs in one statement (`statements`) and what only a
denial's explanation needs in a second, when `decide` first asks for it (`facts_many`: the
decisions of one person on many applicants, in one statement); it builds the domain objects
from the rows (`records`: slotted subclasses the ORM does not map) and hands them to the pure
`decide`: the same decision, explanations included, as `queries.gather_facts`
through the port (tests/integration/test_access_sql.py). It caches nothing between calls and
does not validate stored numbers again. Why: docs/adr/0007-access-index.md; the statements,
transactions and costs: docs/performance.md, "The read path".
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from operator import itemgetter
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from ...registry.access import AccessFacts, Decision, Employment, decide
from ...registry.errors import NotFoundError
from ...registry.model import (
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Person,
    Right,
    WorkRelation,
)
from .records import (
    Parties,
    build_mandate,
    build_organisation,
    build_person,
    build_relation,
    build_right,
)
from .statements import statements
from .tuning import tune_for_reads

if TYPE_CHECKING:
    import psycopg


def rows(connection: sqlite3.Connection | psycopg.Connection[Any], statement: str,
         params: dict[str, Any]) -> list[Any]:
    """The rows of a statement (kept prepared: sqlite3's statement cache, or psycopg's
    server-side prepared statements)."""
    if isinstance(connection, sqlite3.Connection):
        return connection.execute(statement, params).fetchall()
    return connection.execute(statement, params, prepare=True).fetchall()


class AccessReader:
    """`may_manage` on one DBAPI connection, for SQLite or PostgreSQL.

    Use `AccessReader.connect(url)` (the URL of the registry's database, as for
    `create_engine_for`), or hand it an open connection: one it may use alone, a
    `sqlite3.Connection` (it switches the module's own transaction handling off) or a
    `psycopg.Connection` (it switches autocommit on); or, with `borrowed=True`, a connection in
    its owner's transaction. Not thread-safe: one reader per thread, like a DBAPI connection.
    """

    def __init__(self, connection: sqlite3.Connection | psycopg.Connection[Any],
                 borrowed: bool = False) -> None:
        self.connection = connection
        #: A borrowed connection is in its owner's transaction (a unit of work's): the reader
        #: changes none of its settings, opens and ends no transaction, and may load a
        #: denial's facts after `facts` returns, while that transaction lasts.
        self.borrowed = borrowed
        self._sqlite = isinstance(connection, sqlite3.Connection)
        self._statements = statements(postgresql=not self._sqlite)
        if borrowed:
            return
        if isinstance(connection, sqlite3.Connection):
            connection.isolation_level = None
        else:
            # Every statement on its own is one state of the registry: no BEGIN, no COMMIT.
            connection.autocommit = True
            connection.prepare_threshold = 0

    @classmethod
    def connect(cls, url: str) -> AccessReader:
        """A reader on a new connection to the database at `url`."""
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            connection = sqlite3.connect(parsed.database or ":memory:", isolation_level=None,
                                         check_same_thread=False)
            tune_for_reads(connection.execute)
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
        """`queries.may_manage`, with the same decision and explanation: what every decision
        needs first, and what only a denial's explanation needs when `decide` asks for it."""
        try:
            return decide(self._facts(person_id, applicant, day), day)
        finally:
            self._end()

    def facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        """The facts of one decision: the denial's part included, or, on a borrowed
        connection, loaded on first use."""
        if self.borrowed:
            return self._facts(person_id, applicant, day)
        try:
            facts = self._facts(person_id, applicant, day)
            len(facts.mandates)  # loads the part only a denial reads
            return facts
        finally:
            self._end()

    def _end(self) -> None:
        connection = self.connection
        if isinstance(connection, sqlite3.Connection) and not self.borrowed and \
                connection.in_transaction:
            connection.execute("COMMIT")  # a read transaction: nothing to keep or undo

    def _rows(self, statement: str, params: dict[str, Any]) -> list[Any]:
        return rows(self.connection, statement, params)

    def facts_many(self, person_id: str, applicants: Iterable[Party],
                   day: date) -> list[AccessFacts]:
        """The facts of `facts` for each of `applicants` that exists, in their order, each
        once: what the person's side of a decision needs read once for them all, in one
        statement, and a denial's part per applicant as `facts` reads it."""
        return self._loaded(partial(self._many, person_id, applicants, day))

    def facts_of_persons(self, persons: Iterable[str], applicant: Party,
                         day: date) -> list[AccessFacts]:
        """The facts of `facts` for each of `persons` that exists, in their order, each once,
        on one applicant: read in one statement for them all (the applicant's mandates once),
        and a denial's part per person as `facts` reads it."""
        return self._loaded(partial(self._of_persons, persons, applicant, day))

    def _loaded(self, read: Callable[[], list[AccessFacts]]) -> list[AccessFacts]:
        """What `read` reads; on a connection of the reader's own, each denial's part too,
        before the read transaction ends."""
        if self.borrowed:
            return read()
        try:
            found = read()
            for facts in found:
                len(facts.mandates)
            return found
        finally:
            self._end()

    def _facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        params: dict[str, Any] = {"person": person_id, "applicant": applicant.id,
                                  "kind": applicant.kind.value, "day": day.isoformat()}
        if self._sqlite and not self.borrowed:
            self.connection.execute("BEGIN")
        build = _FactsBuilder(applicant)
        person, applicant_entity, employments, route_mandates = build.route_facts(
            person_id, self._rows(self._statements.route_facts, params))
        return self._assemble(build, params, person, applicant_entity, employments,
                              route_mandates)

    def _many(self, person_id: str, applicants: Iterable[Party],
              day: date) -> list[AccessFacts]:
        listed = list(dict.fromkeys(applicants))
        params: dict[str, Any] = {
            "person": person_id, "day": day.isoformat(),
            "persons": json.dumps([a.id for a in listed if a.kind is PartyKind.PERSON]),
            "organisations": json.dumps([a.id for a in listed
                                         if a.kind is PartyKind.ORGANISATION])}
        if self._sqlite and not self.borrowed:
            self.connection.execute("BEGIN")
        side = _PersonSide()
        person, entities, employments, given = side.read(
            person_id, self._rows(self._statements.many_facts, params))
        found: list[AccessFacts] = []
        for applicant in listed:
            entity = entities.get(applicant)
            if entity is None:
                continue
            route = tuple(given.get(applicant, ()))
            found.append(self._assemble(
                _FactsBuilder(applicant, side, route),
                {**params, "applicant": applicant.id, "kind": applicant.kind.value},
                person, entity, employments, route))
        return found

    def _of_persons(self, persons: Iterable[str], applicant: Party,
                    day: date) -> list[AccessFacts]:
        listed = list(dict.fromkeys(persons))
        params: dict[str, Any] = {"applicant": applicant.id, "kind": applicant.kind.value,
                                  "day": day.isoformat(), "persons": json.dumps(listed)}
        if self._sqlite and not self.borrowed:
            self.connection.execute("BEGIN")
        shared = _PersonSide()
        tagged = _by_tag(self._rows(self._statements.persons_facts, params))
        shared.add_representatives(tagged.get("R", ()))
        applicant_side = _FactsBuilder(applicant, shared)
        entity = applicant_side.applicant_entity(tagged)
        given = applicant_side.mandates(tagged.get("M", []))
        relations: dict[str, list[Any]] = {}
        for row in tagged.get("E", ()):
            relations.setdefault(row[15], []).append(row)
        rows_of = {row[0]: row for row in tagged.get("P", ())}
        found: list[AccessFacts] = []
        for person_id in listed:
            row = rows_of.get(person_id)
            if row is None:
                continue
            key, number, name, has_eid, *_ = row
            person = build_person(key, number, name, has_eid)
            side = _PersonSide(shared)
            employments = side.employments(person_id, relations.get(person_id, []))
            # The mandates that can open a route: to the person, or to an employer.
            takers = {Party(PartyKind.PERSON, person_id),
                      *(Party(PartyKind.ORGANISATION, org) for org in side.employers)}
            route = tuple(m for m in given if m.taker in takers)
            found.append(self._assemble(
                _FactsBuilder(applicant, side, route), {**params, "person": person_id}, person,
                person if isinstance(entity, Person) and entity.id == person_id else entity,
                employments, route))
        return found

    def _assemble(self, build: _FactsBuilder, params: dict[str, Any], person: Person,
                  applicant: Person | Organisation, employments: tuple[Employment, ...],
                  route_mandates: tuple[Mandate, ...]) -> AccessFacts:
        """The facts, with the part only a denial reads loaded on first use."""
        denial = _LazyValue(lambda: build.denial(
            self._rows(self._statements.denial_facts, params), partial(self._managers, params)))
        return AccessFacts(
            person=person, applicant=applicant, employments=employments,
            mandates=_LazySequence(lambda: denial.get().mandates),
            takers=_LazyMapping(lambda: denial.get().takers),
            local_admins=_LazyMapping(lambda: denial.get().local_admins),
            mandate_managers=_LazyMapping(lambda: denial.get().mandate_managers),
            route_mandates=route_mandates)

    def _managers(self, params: dict[str, Any], organisation_id: str) -> tuple[str, ...]:
        rows = self._rows(self._statements.mandate_managers,
                          {"organisation": organisation_id, "day": params["day"]})
        return tuple(sorted(row[4] for row in rows))


@dataclass(frozen=True, slots=True)
class _DenialFacts:
    mandates: tuple[Mandate, ...]
    takers: Mapping[str, Organisation]
    local_admins: Mapping[str, tuple[str, ...]]
    mandate_managers: Mapping[str, tuple[str, ...]]


T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class _LazyValue(Generic[T]):
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


class _LazyNames(Mapping[str, tuple[str, ...]]):
    """Names per organisation, each looked up on first use (`keys`: the organisations)."""

    __slots__ = ("_found", "_keys", "_look_up")

    def __init__(self, keys: tuple[str, ...], look_up: Callable[[str], tuple[str, ...]],
                 found: dict[str, tuple[str, ...]]) -> None:
        self._keys, self._look_up, self._found = keys, look_up, found

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


def _by_tag(rows: list[Any]) -> dict[str, list[Any]]:
    """The rows of each arm of a statement, in the order of their sort keys, without the tag
    and the keys."""
    tagged: dict[str, list[Any]] = {}
    for row in rows:
        tagged.setdefault(row[0], []).append(row)
    return {tag: [row[3:] for row in (sorted(arm, key=_KEYS) if len(arm) > 1 else arm)]
            for tag, arm in tagged.items()}


_KEYS = itemgetter(1, 2)


def _names_by_organisation(rows: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """Rows (organisation id, name, ...) as the sorted names per organisation."""
    names: dict[str, list[str]] = {}
    for org_id, name, *_ in rows:
        names.setdefault(org_id, []).append(name)
    return {org_id: tuple(sorted(found)) for org_id, found in names.items()}


class _PersonSide:
    """What the decisions of one person share: the organisations built so far (with their
    legal representatives, filled as rows name them), the person's employers, the parties."""

    def __init__(self, shared: _PersonSide | None = None) -> None:
        """`shared`: another person's side whose organisations and parties this one shares
        (the decisions of many persons on one applicant)."""
        self.organisations: dict[str, Organisation] = {}
        self.representatives: dict[str, set[str]] = {}
        self.parties = Parties()
        if shared is not None:
            self.organisations, self.representatives = shared.organisations, shared.representatives
            self.parties = shared.parties
        self.employers: list[str] = []

    def organisation(self, org_id: str, name: str, group: str,
                     number: str | None) -> Organisation:
        found = self.organisations.get(org_id)
        if found is None:
            found = self.organisations[org_id] = build_organisation(
                org_id, name, group, number,
                self.representatives.setdefault(org_id, set()))
        return found

    def add_representatives(self, rows: Iterable[Any]) -> None:
        for org_id, representative, *_ in rows:
            self.representatives.setdefault(org_id, set()).add(representative)

    def person(self, rows: list[Any] | None) -> Person | None:
        if not rows:
            return None
        key, number, name, has_eid, *_ = rows[0]
        return build_person(key, number, name, has_eid)

    def employments(self, person_id: str, rows: list[Any]) -> tuple[Employment, ...]:
        employments: list[Employment] = []
        relation: WorkRelation | None = None
        employer: Organisation | None = None
        rights: list[Right] = []
        for (relation_id, org_id, start, end, user_type, org_name, group, number, right_id,
             kind, granted_by, right_start, right_end, withdrawn_on, withdrawn_by,
             *_) in rows:
            if relation is None or relation.id != relation_id:
                if relation is not None and employer is not None:
                    employments.append(Employment(relation, employer, tuple(rights)))
                relation = build_relation(relation_id, person_id, org_id, start, end,
                                          user_type)
                employer = self.organisation(org_id, org_name, group, number)
                rights = []
            if right_id is not None:
                rights.append(build_right(right_id, relation_id, kind, granted_by,
                                          right_start, right_end, withdrawn_on, withdrawn_by))
        if relation is not None and employer is not None:
            employments.append(Employment(relation, employer, tuple(rights)))
        self.employers = [e.organisation.id for e in employments]
        return tuple(employments)

    def read(self, person_id: str, rows: list[Any]) -> tuple[
            Person, dict[Party, Person | Organisation], tuple[Employment, ...],
            dict[Party, list[Mandate]]]:
        """The rows of `statements.many_facts`: the person, the applicants that exist, the
        person's employments, and the mandates that can open a route by giver."""
        tagged = _by_tag(rows)
        self.add_representatives(tagged.get("R", ()))
        person = self.person(tagged.get("P"))
        if person is None:
            raise NotFoundError("person", person_id)
        party = self.parties
        entities: dict[Party, Person | Organisation] = {}
        for row in tagged.get("A", ()):
            key, number, name, has_eid, *_ = row
            entities[Party(PartyKind.PERSON, key)] = (
                person if key == person.id else build_person(key, number, name, has_eid))
        for key, number, name, _, group, *_ in tagged.get("O", ()):
            entities[Party(PartyKind.ORGANISATION, key)] = self.organisation(
                key, name, group, number)
        employments = self.employments(person_id, tagged.get("E", []))
        given: dict[Party, list[Mandate]] = {}
        for row in tagged.get("M", ()):
            giver = party(row[19], row[20])
            assert giver is not None
            given.setdefault(giver, []).append(build_mandate(giver, party, *row))
        return person, entities, employments, given


class _FactsBuilder:
    """Domain objects from the rows of one decision's statements (the person's side shared
    with other decisions of the same person, when given)."""

    def __init__(self, applicant: Party, side: _PersonSide | None = None,
                 built: Iterable[Mandate] = ()) -> None:
        self.applicant = applicant
        self.side = _PersonSide() if side is None else side
        #: Mandates built from the first statement's rows, found again in the denial's.
        self.built: dict[str, Mandate] = {mandate.id: mandate for mandate in built}

    def route_facts(self, person_id: str, rows: list[Any]) -> tuple[
            Person, Person | Organisation, tuple[Employment, ...], tuple[Mandate, ...]]:
        side = self.side
        tagged = _by_tag(rows)
        side.add_representatives(tagged.get("R", ()))
        person = side.person(tagged.get("P"))
        if person is None:
            raise NotFoundError("person", person_id)
        applicant = self.applicant_entity(tagged)
        if isinstance(applicant, Person) and applicant.id == person.id:
            applicant = person
        return (person, applicant, side.employments(person_id, tagged.get("E", [])),
                self.mandates(tagged.get("M", [])))

    def applicant_entity(self, tagged: dict[str, list[Any]]) -> Person | Organisation:
        """The applicant, from its row (tag O or A), or `NotFoundError`."""
        side = self.side
        applicant: Person | Organisation | None
        if "O" in tagged:
            key, number, name, _, group, *_ = tagged["O"][0]
            applicant = side.organisation(key, name, group, number)
        else:
            applicant = side.person(tagged.get("A"))
        if applicant is None:
            raise NotFoundError(self.applicant.kind.value, self.applicant.id)
        return applicant

    def mandates(self, rows: list[Any]) -> tuple[Mandate, ...]:
        parties, built = self.side.parties, self.built
        giver = Party(self.applicant.kind, self.applicant.id)
        mandates: list[Mandate] = []
        for row in rows:
            mandate = built.get(row[0])
            if mandate is None:
                mandate = built[row[0]] = build_mandate(giver, parties, *row)
            mandates.append(mandate)
        return tuple(mandates)

    def denial(self, rows: list[Any], managers: Callable[[str], tuple[str, ...]]) -> _DenialFacts:
        """Every mandate, the takers, the names; `managers` looks up the mandate
        administrators of a taker."""
        side = self.side
        tagged = _by_tag(rows)
        side.add_representatives(tagged.get("R", ()))
        admins = _names_by_organisation(tagged.get("L", ()))
        for org_id, name, group, number, *_ in tagged.get("T", ()):
            side.organisation(org_id, name, group, number)
        mandate_rows = tagged.get("M", [])
        mandates = self.mandates(mandate_rows)
        organisations = side.organisations
        takers = {row[2]: organisations[row[2]] for row in mandate_rows
                  if row[1] == "organisation" and row[2] in organisations}
        involved = {*takers, *side.employers}
        if self.applicant.kind is PartyKind.ORGANISATION:
            involved.add(self.applicant.id)
        return _DenialFacts(
            mandates, takers,
            local_admins={o: admins.get(o, ()) for o in sorted(involved)},
            mandate_managers=_LazyNames(tuple(dict.fromkeys((*takers, *side.employers))),
                                        managers, _names_by_organisation(tagged.get("G", ()))))


__all__ = ["AccessReader", "rows"]
