"""The access index decides exactly as the reader does, and keeps up with every change.

On SQLite and PostgreSQL (the `engine` fixture): the same decisions as `AccessReader` on a
generated registry; after every commit of the scenario (each kind of change the services make);
after a bulk import; a unit of work's own uncommitted changes; rows written without an event.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from mandaatwijzer.adapters import orm
from mandaatwijzer.adapters.access import AccessIndex, AccessReader
from mandaatwijzer.adapters.database import session_factory
from mandaatwijzer.adapters.memory import MemoryUnitOfWork
from mandaatwijzer.adapters.sql import SqlUnitOfWork
from mandaatwijzer.registry import bulk, demo, queries, services
from mandaatwijzer.registry.access import Decision
from mandaatwijzer.registry.bulk import csv_formats
from mandaatwijzer.registry.errors import NotFoundError
from mandaatwijzer.registry.model import Party, PartyKind, Person
from mandaatwijzer.registry.ports import Clock

from . import generated, scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "registry"))

import dataset
import sample

DAYS = (dataset.DAY, dataset.DAY - timedelta(days=400), dataset.DAY + timedelta(days=400))


@pytest.fixture
def reader(engine: Engine) -> Iterator[AccessReader]:
    opened = AccessReader.connect(generated.url(engine))
    yield opened
    opened.close()


def test_decides_as_the_reader_on_a_generated_registry(engine: Engine,
                                                       reader: AccessReader) -> None:
    generated.fill(engine, seed=5)
    index = AccessIndex.for_engine(engine)
    pairs = sample.pairs(reader.connection, 250, seed=4)
    uow = SqlUnitOfWork(session_factory(engine), index)
    allowed = 0
    for day, count in zip(DAYS, (len(pairs), 80, 80), strict=True):
        for person_id, applicant in pairs[:count]:
            expected = reader.may_manage(person_id, applicant, day)
            assert index.may_manage(reader.connection, person_id, applicant, day) == expected
            with uow:  # what the application runs: the index through the repository port
                assert queries.may_manage(uow.repo, person_id, applicant, day) == expected
            allowed += expected.allowed
    assert 0 < allowed < len(pairs) + 160  # both outcomes occur


def _mandate_fields(mandates: Any) -> list[tuple[Any, ...]]:
    def signature(found: Any) -> Any:
        return None if found is None else (found.by, found.at)
    return [(m.id, m.giver, m.taker, m.period, m.created_by, m.created_at, m.type,
             signature(m.giver_signature), signature(m.taker_signature), m.stopped_by,
             m.stopped_at, m.transferred_to, m.successor_id, m.pending_transfer_to,
             m.predecessor_id) for m in mandates]


def test_holds_every_field_of_every_mandate_the_reader_reads(engine: Engine,
                                                             reader: AccessReader) -> None:
    """The mandates are packed in memory (adapters/access/packed.py); the facts handed out
    hold the same mandates, field by field, as the reader's."""
    generated.fill(engine, seed=5)
    index = AccessIndex.for_engine(engine)
    compared = 0
    for person_id, applicant in sample.pairs(reader.connection, 120, seed=9):
        found = index.facts(reader.connection, person_id, applicant, dataset.DAY)
        expected = reader.facts(person_id, applicant, dataset.DAY)
        assert _mandate_fields(found.mandates) == _mandate_fields(expected.mandates)
        routes = (expected.mandates if expected.route_mandates is None
                  else expected.route_mandates)
        assert sorted(_mandate_fields(found.route_mandates), key=repr) == \
            sorted(_mandate_fields(routes), key=repr)
        compared += len(found.mandates)
    assert compared > 500


def test_unknown_person_or_applicant(engine: Engine, reader: AccessReader) -> None:
    generated.fill(engine, seed=5)
    index = AccessIndex.for_engine(engine)
    for person_id, applicant in [("P-9999999", Party(PartyKind.PERSON, "P-0000001")),
                                 ("P-0000001", Party(PartyKind.ORGANISATION, "P-0000002"))]:
        with pytest.raises(NotFoundError) as expected:
            reader.may_manage(person_id, applicant, dataset.DAY)
        with pytest.raises(NotFoundError) as found:
            index.may_manage(reader.connection, person_id, applicant, dataset.DAY)
        assert str(found.value) == str(expected.value)


def test_holds_domain_objects_that_read_the_same_mapped_or_not(engine: Engine,
                                                             reader: AccessReader) -> None:
    """Loaded while the ORM maps no class, the index answers the same after the mappers start
    (and the other way round): its objects are the domain's, read without the ORM."""
    generated.fill(engine, seed=5)
    pairs = sample.pairs(reader.connection, 60, seed=4)
    orm.stop_mappers()
    loaded_plain = AccessIndex.for_url(generated.url(engine))
    plain = [loaded_plain.may_manage(reader.connection, p, a, dataset.DAY) for p, a in pairs]
    session_factory(engine)  # starts the mappers
    loaded_mapped = AccessIndex.for_engine(engine)
    for index in (loaded_plain, loaded_mapped):
        assert [index.may_manage(reader.connection, p, a, dataset.DAY)
                for p, a in pairs] == plain
    assert plain == [reader.may_manage(p, a, dataset.DAY) for p, a in pairs]
    facts = loaded_plain.facts(reader.connection, *pairs[0], dataset.DAY)
    assert isinstance(facts.person, Person)
    assert facts.person.id == pairs[0][0]
    assert inspect(facts.person, raiseerr=False) is None  # in no session, unknown to the ORM
    orm.stop_mappers()
    assert [loaded_mapped.may_manage(reader.connection, p, a, dataset.DAY)
            for p, a in pairs] == plain


def _all_decisions(connection: Any, decide: Any, parties: list[Party], persons: list[str],
                   day: date) -> list[Decision]:
    return [decide(connection, person, applicant, day) for person in persons
            for applicant in parties]


class _CheckedAfterEveryCommit(SqlUnitOfWork):
    """Compares the index with the reader after each commit of a use case."""

    def __init__(self, engine: Engine, index: AccessIndex, reader: AccessReader) -> None:
        super().__init__(session_factory(engine))
        self.index, self.reader = index, reader
        self.persons: list[str] = []
        self.parties: list[Party] = []
        self.sizes: list[tuple[list[str], list[Party]]] = []
        self.checks = self.commits = 0

    def commit(self) -> None:
        super().commit()
        self.commits += 1
        self.check()

    def check(self) -> None:
        rows = self.reader.connection.execute(
            "SELECT id, 'person' FROM persons UNION ALL SELECT id, 'organisation' "
            "FROM organisations").fetchall()
        self.persons = [key for key, kind in rows if kind == "person"]
        self.parties = [Party(PartyKind(kind), key) for key, kind in rows]
        self.sizes.append((self.persons, self.parties))
        for day in (date(2025, 6, 1),):
            expected = _all_decisions(self.reader, _reader_decision, self.parties,
                                      self.persons, day)
            found = _all_decisions(self.reader.connection, self.index.may_manage,
                                   self.parties, self.persons, day)
            assert found == expected
            self.checks += len(found)


def _reader_decision(reader: AccessReader, person: str, applicant: Party,
                     day: date) -> Decision:
    return reader.may_manage(person, applicant, day)


def test_keeps_up_with_every_change_of_the_services(engine: Engine, reader: AccessReader,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    index = AccessIndex.for_engine(engine)
    checked = _CheckedAfterEveryCommit(engine, index, reader)
    with scenario.predictable_ids(monkeypatch):
        scenario.build(checked)
    # Every kind of change: registrations, appointments, work relations, rights granted and
    # withdrawn, mandates made, signed, refused, transferred and stopped, dossiers.
    assert checked.commits >= 40
    assert checked.checks == sum(len(p) * len(q) for p, q in checked.sizes)
    assert any(index.may_manage(reader.connection, p, a, date(2025, 6, 1)).allowed
               for p in checked.persons for a in checked.parties if a.id != p)


def _mandate_to_emile(uow: SqlUnitOfWork, s: scenario.Scenario) -> None:
    """Zoë gives Émile a mandate, which he signs."""
    made = services.create_mandate(uow, Clock(), s.persons["zoe"], s.person("zoe"),
                                   s.person("emile"))
    services.sign_mandate(uow, Clock(), s.persons["emile"], made.id)


class _RolledBackError(Exception):
    pass


def test_a_unit_of_work_sees_its_own_changes_and_the_index_only_committed_ones(
        engine: Engine, reader: AccessReader, monkeypatch: pytest.MonkeyPatch) -> None:
    index = AccessIndex.for_engine(engine)
    uow = SqlUnitOfWork(session_factory(engine), index)
    with scenario.predictable_ids(monkeypatch):
        s = scenario.build(uow)
    emile, zoe, day = s.persons["emile"], s.person("zoe"), Clock().now().date()
    before = index.may_manage(reader.connection, emile, zoe, day)
    assert not before.allowed  # her earlier mandate to him expired

    seen: list[Decision] = []

    def change_and_look() -> None:
        with uow.all_or_nothing():
            _mandate_to_emile(uow, s)
            seen.append(queries.may_manage(uow.repo, emile, zoe, day))  # uncommitted
            raise _RolledBackError

    with pytest.raises(_RolledBackError):
        change_and_look()
    inside = seen[0]
    assert inside.allowed
    assert index.may_manage(reader.connection, emile, zoe, day) == before
    with uow:
        assert queries.may_manage(uow.repo, emile, zoe, day) == before
    _mandate_to_emile(uow, s)
    assert index.may_manage(reader.connection, emile, zoe, day).allowed
    with uow:
        assert queries.may_manage(uow.repo, emile, zoe, day) == \
            reader.may_manage(emile, zoe, day)


def test_a_unit_of_work_reads_the_newest_event_once_per_transaction(
        engine: Engine, reader: AccessReader, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that checks many applicants (a provider's clients) reads the audit log's newest
    event once, not once per check (on PostgreSQL a round trip each); a new transaction, after
    a commit, reads it again and sees the change."""
    index = AccessIndex.for_engine(engine)
    uow = SqlUnitOfWork(session_factory(engine), index)
    with scenario.predictable_ids(monkeypatch):
        s = scenario.build(uow)
    emile, zoe, day = s.persons["emile"], s.person("zoe"), Clock().now().date()
    heads: list[tuple[int, str]] = []
    read_head = index.head
    monkeypatch.setattr(index, "head", lambda connection: heads.append(read_head(connection))
                        or heads[-1])
    parties = [zoe, *(Party(PartyKind.PERSON, key) for key in s.persons.values())]
    with uow:
        before = [queries.may_manage(uow.repo, emile, party, day) for party in parties]
    assert len(heads) == 1
    assert before == [reader.may_manage(emile, party, day) for party in parties]
    assert not before[0].allowed
    _mandate_to_emile(uow, s)
    with uow:
        assert queries.may_manage(uow.repo, emile, zoe, day).allowed
        assert queries.may_manage(uow.repo, emile, zoe, day).allowed
    assert len(heads) == 2
    assert heads[1][0] > heads[0][0]


def test_a_caller_behind_the_index_gets_its_own_view_without_a_reload(
        engine: Engine, reader: AccessReader, monkeypatch: pytest.MonkeyPatch) -> None:
    """With concurrent requests the index may already hold a change that a caller's
    transaction, begun earlier, does not see: that caller is answered as it sees the registry,
    and the index is not loaded again (a full load of a large registry takes seconds)."""
    loads: list[int] = []

    @contextmanager
    def connect() -> Iterator[Any]:
        loads.append(1)
        pooled = engine.raw_connection()
        try:
            yield pooled.driver_connection
        finally:
            pooled.close()

    index = AccessIndex(connect)
    uow = SqlUnitOfWork(session_factory(engine), index)
    with scenario.predictable_ids(monkeypatch):
        s = scenario.build(uow)
    emile, zoe, day = s.persons["emile"], s.person("zoe"), Clock().now().date()
    assert not index.may_manage(reader.connection, emile, zoe, day).allowed
    with AccessReader.connect(generated.url(engine)) as earlier:
        sqlite = engine.dialect.name == "sqlite"
        earlier.connection.execute("BEGIN" if sqlite else
                                   "BEGIN ISOLATION LEVEL REPEATABLE READ")
        earlier.connection.execute("SELECT count(*) FROM audit_events")  # its snapshot
        _mandate_to_emile(uow, s)
        assert index.may_manage(reader.connection, emile, zoe, day).allowed  # caught up
        behind = index.may_manage(earlier.connection, emile, zoe, day)
        assert not behind.allowed
        assert behind == AccessReader(earlier.connection, borrowed=True).may_manage(
            emile, zoe, day)
        earlier.connection.execute("ROLLBACK")
        assert index.may_manage(earlier.connection, emile, zoe, day).allowed
    assert len(loads) == 1


def test_a_bulk_import_is_taken_in_whole(engine: Engine, reader: AccessReader) -> None:
    index = AccessIndex.for_engine(engine)
    person = Party(PartyKind.PERSON, "x")
    with pytest.raises(NotFoundError):  # an empty registry
        index.may_manage(reader.connection, "x", person, dataset.DAY)
    source = MemoryUnitOfWork()  # exported before the mappers start (with the SQL one)
    demo.load(source, Clock())
    texts = []
    for fmt in csv_formats.FORMATS.values():
        out = io.StringIO()
        csv_formats.write(fmt, bulk.export_records(source, fmt.kind), out)
        texts.append((fmt, out.getvalue()))
    uow = SqlUnitOfWork(session_factory(engine), index)
    for fmt, csv in texts:
        bulk.import_records(uow, Clock(), fmt.kind, csv_formats.read(fmt, io.StringIO(csv)))
    persons = [key for (key,) in reader.connection.execute("SELECT id FROM persons")]
    assert len(persons) > 20
    parties = [Party(PartyKind.PERSON, key) for key in persons]
    for person in persons[:10]:
        for applicant in parties:
            assert index.may_manage(reader.connection, person, applicant, dataset.DAY) == \
                reader.may_manage(person, applicant, dataset.DAY)


def test_rows_written_without_an_event_are_read_by_reload(engine: Engine,
                                                          reader: AccessReader) -> None:
    generated.fill(engine, seed=5)
    index = AccessIndex.for_engine(engine)
    person, applicant = "P-0000001", Party(PartyKind.PERSON, "P-0000001")
    assert index.may_manage(reader.connection, person, applicant, dataset.DAY).allowed
    with engine.begin() as connection:
        connection.execute(text("UPDATE persons SET name = 'Nieuwe Naam' WHERE id = :id"),
                           {"id": person})
    stale = index.may_manage(reader.connection, person, applicant, dataset.DAY)
    assert "Nieuwe Naam" not in stale.routes[0].links[0].text
    index.reload()
    fresh = index.may_manage(reader.connection, person, applicant, dataset.DAY)
    assert fresh == reader.may_manage(person, applicant, dataset.DAY)
    assert "Nieuwe Naam" in fresh.routes[0].links[0].text


def test_a_mandate_of_a_giver_the_registry_does_not_hold_is_left_out(
        engine: Engine, reader: AccessReader) -> None:
    """A mandate's giver has no foreign key (a person or an organisation): a row written by
    hand may name nobody. The index loads without it, as the reader never reads it."""
    generated.fill(engine, seed=5)
    pairs = sample.pairs(reader.connection, 40, seed=4)
    with engine.begin() as connection:
        row = dict(connection.execute(text("SELECT * FROM mandates LIMIT 1")).mappings().one())
        row.update(id="M-NOBODY", giver_id="P-NOBODY", successor_id=None, predecessor_id=None)
        del row["seq"]
        connection.execute(text(f"INSERT INTO mandates ({', '.join(row)}) "
                                f"VALUES ({', '.join(':' + key for key in row)})"), row)
    index = AccessIndex.for_engine(engine)
    assert [index.may_manage(reader.connection, p, a, dataset.DAY) for p, a in pairs] == \
        [reader.may_manage(p, a, dataset.DAY) for p, a in pairs]
    with pytest.raises(NotFoundError, match="P-NOBODY"):
        index.may_manage(reader.connection, pairs[0][0], Party(PartyKind.PERSON, "P-NOBODY"),
                         dataset.DAY)


def test_threads_share_one_index(engine: Engine) -> None:
    generated.fill(engine, seed=5)
    index = AccessIndex.for_engine(engine)
    with AccessReader.connect(generated.url(engine)) as judge:
        pairs = sample.pairs(judge.connection, 60, seed=9)
        expected = [judge.may_manage(p, a, dataset.DAY) for p, a in pairs]
    found: dict[int, list[Decision]] = {}

    def work(number: int) -> None:
        with AccessReader.connect(generated.url(engine)) as own:
            found[number] = [index.may_manage(own.connection, p, a, dataset.DAY)
                             for p, a in pairs]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [found[n] for n in range(4)] == [expected] * 4


def test_a_check_during_the_first_load_is_answered_by_the_reader_without_waiting(
        engine: Engine, reader: AccessReader, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading at a process's start (`start_loading`): a check meanwhile gets the reader's
    answer at once; afterwards the index is ready and answers the same."""
    generated.fill(engine, seed=6)
    index = AccessIndex.for_engine(engine)
    pairs = sample.pairs(reader.connection, 20, seed=2)
    release, entered = threading.Event(), threading.Event()
    load = AccessIndex._load

    def slow_load(self: AccessIndex) -> Any:
        entered.set()
        assert release.wait(30)
        return load(self)

    monkeypatch.setattr(AccessIndex, "_load", slow_load)
    took: list[float] = []
    thread = index.start_loading(took.append)
    assert entered.wait(30)
    assert not index.ready
    for person_id, applicant in pairs:
        # Answered while the load is held: it would never return if it waited for it.
        assert index.may_manage(reader.connection, person_id, applicant, dataset.DAY) == \
            reader.may_manage(person_id, applicant, dataset.DAY)
    release.set()
    thread.join(60)
    assert index.ready
    assert len(took) == 1
    for person_id, applicant in pairs:
        assert index.may_manage(reader.connection, person_id, applicant, dataset.DAY) == \
            reader.may_manage(person_id, applicant, dataset.DAY)
