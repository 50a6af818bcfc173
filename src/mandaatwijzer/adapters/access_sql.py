"""A dedicated read path for `may_manage`: the access facts in four indexed SQL statements.

`queries.may_manage` gathers `AccessFacts` through the repository port: one ORM query per
lookup (the person, each organisation, each organisation's staff and rights, ...), some tens of
statements and tens of milliseconds on a large registry. `AccessReader` gathers the same facts
with four fixed statements on the raw DBAPI connection, builds the domain objects from the rows
directly and hands them to the same pure `decide`. The decision is the same, explanations
included (tests/integration/test_access_sql.py compares the two on generated data).

The statements, for (person P, applicant A, day D):

1. the person and the applicant (a person, or an organisation);
2. P's work relations with their organisations and the rights on them (two joins);
3. A's KIOSK mandates with their taking organisations;
4. for every organisation involved (the takers, P's employers, A): its legal representatives,
   its local administrators active on D, and, for the takers, the holders of an active
   `SSM Mandaatbeheerder` on an active work relation there (names, for the explanations).

On SQLite (sqlite3, whose statement cache keeps them prepared) the fourth takes the
organisations found by the second and third as a JSON array (`json_each`). On PostgreSQL
(psycopg 3, server-side prepared statements) the fourth finds them itself, so that BEGIN, the
four statements and COMMIT go to the server in one round trip (pipeline mode).

Each runs on the schema's indexes (`persons.id`, `organisations.id`, `work_relations.person_id`,
`work_relations.organisation_id`, `rights.work_relation_id`, `mandates (giver_id, giver_kind)`,
`legal_representatives` primary key, `local_admins.organisation_id`). The four run in one read
transaction, so they see one state of the registry (SQLite: a deferred `BEGIN`; PostgreSQL:
`REPEATABLE READ, READ ONLY`).

What it does not do, on purpose:

- It does not validate stored national and enterprise numbers again (the ORM's column types
  do, tens of microseconds each): they were checked on the way in. It builds the value objects
  around the stored digits.
- It does not go through the ORM, and the objects it builds belong to no session: when the
  mappers are started (`orm.start_mappers`), it makes instances the way the ORM's loader does
  (the class manager's `new_instance`, then the attributes), because the instrumented
  constructors cost about seven times as much.
- It caches nothing between calls: every decision reads the current state.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

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

_MANDATES = """
SELECT m.id, m.taker_kind, m.taker_id, m.start_on, m.end_on, m.created_by, m.created_at,
       m.giver_signed_by, m.giver_signed_at, m.taker_signed_by, m.taker_signed_at,
       m.stopped_by, m.stopped_at, m.transferred_to_kind, m.transferred_to_id, m.successor_id,
       m.pending_transfer_to_kind, m.pending_transfer_to_id, m.predecessor_id,
       o.name, o.entity_group, o.enterprise_number
  FROM mandates m
  LEFT JOIN organisations o ON m.taker_kind = 'organisation' AND o.id = m.taker_id
 WHERE m.giver_id = :applicant AND m.giver_kind = :kind AND m.type = 'KIOSK'
 ORDER BY m.seq
"""

_ACTIVE = ("{t}.start_on <= :day AND ({t}.end_on IS NULL OR :day <= {t}.end_on)"
           " AND ({t}.withdrawn_on IS NULL OR :day < {t}.withdrawn_on)")

#: The fourth statement: `{involved}` and `{takers}` stand for the sets of organisation ids
#: (SQLite: the ids the second and third found, as JSON arrays for `json_each`; PostgreSQL:
#: subqueries, so that the server needs nothing from the client between the statements).
_PEOPLE_OF_ORGANISATIONS = f"""
SELECT 'R', l.organisation_id, l.person_id
  FROM legal_representatives l
 WHERE l.organisation_id {{involved}}
UNION ALL
SELECT 'L', a.organisation_id, p.name
  FROM local_admins a JOIN persons p ON p.id = a.person_id
 WHERE a.organisation_id {{involved}} AND {_ACTIVE.format(t="a")}
UNION ALL
SELECT 'M', w.organisation_id, p.name
  FROM work_relations w JOIN persons p ON p.id = w.person_id
 WHERE w.organisation_id {{takers}}
   AND w.start_on <= :day AND (w.end_on IS NULL OR :day <= w.end_on)
   AND EXISTS (SELECT 1 FROM rights r
                WHERE r.work_relation_id = w.id AND r.kind = 'SSM Mandaatbeheerder'
                  AND {_ACTIVE.format(t="r")})
"""

PHASE_1 = (_PARTIES, _EMPLOYMENTS, _MANDATES)
PHASE_2_SQLITE = _PEOPLE_OF_ORGANISATIONS.format(
    involved="IN (SELECT value FROM json_each(:involved))",
    takers="IN (SELECT value FROM json_each(:takers))")

#: PostgreSQL: the same, with the sets computed by the server, so that all four statements go
#: in one round trip.
_TAKERS = """SELECT taker_id FROM mandates
 WHERE giver_id = :applicant AND giver_kind = :kind AND type = 'KIOSK'
   AND taker_kind = 'organisation'"""
_INVOLVED = f"""{_TAKERS}
 UNION SELECT organisation_id FROM work_relations WHERE person_id = :person
 UNION SELECT id FROM organisations WHERE id = :applicant AND :kind = 'organisation'"""
PEOPLE_POSTGRESQL = _PEOPLE_OF_ORGANISATIONS.format(involved=f"IN ({_INVOLVED})",
                                                    takers=f"IN ({_TAKERS})")

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
    # SQLAlchemy stores moments on SQLite as naive UTC text.
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _same(value: Any) -> Any:
    return value


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

    def __init__(self, connection: sqlite3.Connection | psycopg.Connection[Any]) -> None:
        self.connection = connection
        self._sqlite = isinstance(connection, sqlite3.Connection)
        if isinstance(connection, sqlite3.Connection):
            connection.isolation_level = None
            self._date: Callable[[Any], Any] = _date_from_text
            self._moment: Callable[[Any], Any] = _moment_from_text
            self._day: Callable[[date], Any] = date.isoformat
        else:
            # Autocommit, so that psycopg sends no BEGIN of its own: each decision sends BEGIN,
            # the statements and COMMIT in one pipeline, synchronised once (one round trip).
            connection.autocommit = True
            connection.prepare_threshold = 0
            # Moments come back in UTC, as the ORM's column type returns them.
            connection.execute("SET TIME ZONE 'UTC'")
            self._statements = tuple(_postgresql(s) for s in (*PHASE_1, PEOPLE_POSTGRESQL))
            self._date = self._moment = _same
            self._day = _same

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

    # --- reading --------------------------------------------------------------------------

    def facts(self, person_id: str, applicant: Party, day: date) -> AccessFacts:
        """The same facts `queries.gather_facts` gathers through the repository, read in one
        transaction."""
        params: dict[str, Any] = {"person": person_id, "applicant": applicant.id,
                                  "kind": applicant.kind.value, "day": self._day(day)}
        if self._sqlite:
            return self._facts_sqlite(params, person_id, applicant)
        return self._facts_postgresql(params, person_id, applicant)

    def _facts_sqlite(self, params: dict[str, Any], person_id: str,
                      applicant: Party) -> AccessFacts:
        connection = self.connection
        assert isinstance(connection, sqlite3.Connection)
        execute = connection.execute
        execute("BEGIN")
        try:
            parties, employment_rows, mandate_rows = [
                execute(statement, params).fetchall() for statement in PHASE_1]
            involved, takers = _organisations(employment_rows, mandate_rows, applicant)
            people_rows: list[Any] = []
            if involved:
                params["involved"] = json.dumps(involved)
                params["takers"] = json.dumps(takers)
                people_rows = execute(PHASE_2_SQLITE, params).fetchall()
        finally:
            execute("COMMIT")
        return self._build(person_id, applicant, parties, employment_rows, mandate_rows,
                           people_rows)

    def _facts_postgresql(self, params: dict[str, Any], person_id: str,
                          applicant: Party) -> AccessFacts:
        connection = self.connection
        assert not isinstance(connection, sqlite3.Connection)
        try:
            with connection.pipeline():
                connection.execute(_BEGIN)
                cursors = [connection.execute(statement, params, prepare=True)
                           for statement in self._statements]
                connection.execute("COMMIT")
        except BaseException:
            from psycopg.pq import TransactionStatus

            if not connection.closed and \
                    connection.info.transaction_status is not TransactionStatus.IDLE:
                connection.execute("ROLLBACK")
            raise
        parties, employment_rows, mandate_rows, people_rows = [c.fetchall() for c in cursors]
        return self._build(person_id, applicant, parties, employment_rows, mandate_rows,
                           people_rows)

    def _build(self, person_id: str, applicant: Party, parties: list[Any],
               employment_rows: list[Any], mandate_rows: list[Any],
               people_rows: list[Any]) -> AccessFacts:
        make = _current_factories()
        as_date, as_moment = self._date, self._moment
        groups, party_kinds = _GROUPS, _PARTY_KINDS

        representatives: dict[str, set[str]] = {}
        admins: dict[str, list[str]] = {}
        managers: dict[str, list[str]] = {}
        for what, org_id, value in people_rows:
            if what == "R":
                representatives.setdefault(org_id, set()).add(value)
            elif what == "L":
                admins.setdefault(org_id, []).append(value)
            else:
                managers.setdefault(org_id, []).append(value)

        organisations: dict[str, Organisation] = {}

        def organisation(org_id: str, name: str, group: str, number: str | None) -> Organisation:
            found = organisations.get(org_id)
            if found is None:
                found = make.organisation()
                found.__dict__.update(
                    id=org_id, name=name, entity_group=groups[group],
                    enterprise_number=_enterprise_number(number),
                    legal_representatives=representatives.get(org_id, set()))
                organisations[org_id] = found
            return found

        person: Person | None = None
        applicant_entity: Person | Organisation | None = None
        for what, key, number, name, has_eid, group in parties:
            if what == "O":
                applicant_entity = organisation(key, name, group, number)
                continue
            entity = make.person()
            entity.__dict__.update(id=key, national_number=_national_number(number), name=name,
                                   has_eid=bool(has_eid))
            if what == "P":
                person = entity
            else:
                applicant_entity = entity
        if person is None:
            raise NotFoundError("person", person_id)
        if applicant_entity is None:
            raise NotFoundError(applicant.kind.value, applicant.id)
        if isinstance(applicant_entity, Person) and applicant_entity.id == person.id:
            applicant_entity = person

        employments: list[Employment] = []
        relation: WorkRelation | None = None
        employer: Organisation | None = None
        rights: list[Right] = []
        for (relation_id, org_id, start, end, user_type, org_name, group, number, right_id,
             kind, granted_by, right_start, right_end, withdrawn_on,
             withdrawn_by) in employment_rows:
            if relation is None or relation.id != relation_id:
                if relation is not None and employer is not None:
                    employments.append(Employment(relation, employer, tuple(rights)))
                relation = make.relation()
                relation.__dict__.update(id=relation_id, person_id=person.id,
                                         organisation_id=org_id,
                                         period=Period(as_date(start), as_date(end)),
                                         user_type=user_type)
                employer = organisation(org_id, org_name, group, number)
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

        giver = Party(applicant.kind, applicant.id)
        parties_by_id: dict[tuple[str, str], Party] = {}

        def party(kind: str | None, key: str | None) -> Party | None:
            if kind is None or key is None:
                return None
            found = parties_by_id.get((kind, key))
            if found is None:
                found = parties_by_id[kind, key] = Party(party_kinds[kind], key)
            return found

        mandates: list[Mandate] = []
        takers: dict[str, Organisation] = {}
        for (mandate_id, taker_kind, taker_id, start, end, created_by, created_at,
             giver_by, giver_at, taker_by, taker_at, stopped_by, stopped_at,
             transferred_kind, transferred_id, successor_id, pending_kind, pending_id,
             predecessor_id, org_name, group, number) in mandate_rows:
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
                takers[taker_id] = organisation(taker_id, org_name, group, number)

        involved = {*takers, *(e.organisation.id for e in employments)}
        if isinstance(applicant_entity, Organisation):
            involved.add(applicant_entity.id)
        return AccessFacts(
            person=person,
            applicant=applicant_entity,
            employments=tuple(employments),
            mandates=tuple(mandates),
            takers=takers,
            local_admins={o: tuple(sorted(admins.get(o, ()))) for o in sorted(involved)},
            mandate_managers={o: tuple(sorted(managers.get(o, ()))) for o in takers},
        )

    def may_manage(self, person_id: str, applicant: Party, day: date) -> Decision:
        """`queries.may_manage`, with the same decision and explanation."""
        return decide(self.facts(person_id, applicant, day), day)


def _organisations(employment_rows: list[Any], mandate_rows: list[Any],
                   applicant: Party) -> tuple[list[str], list[str]]:
    """The organisations whose people the explanations name: every organisation involved
    (takers, employers, the applicant), and the takers among them."""
    takers = list(dict.fromkeys(row[2] for row in mandate_rows if row[19] is not None))
    involved = dict.fromkeys(takers)
    involved.update(dict.fromkeys(row[1] for row in employment_rows))
    if applicant.kind is PartyKind.ORGANISATION:
        involved[applicant.id] = None
    return list(involved), takers


__all__ = ["PEOPLE_POSTGRESQL", "PHASE_1", "PHASE_2_SQLITE", "AccessReader"]
