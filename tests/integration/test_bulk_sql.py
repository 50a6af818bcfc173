"""The SQL bulk store (`SqlUnitOfWork.bulk()`), on SQLite and PostgreSQL.

The data are the demo registry's, exported as CSV from memory. The bulk store must store
exactly what the ORM stores for the same CSV (compared column by column, as the driver returns
them), export what the in-memory fallback exports, and write nothing when any row is wrong.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, Engine, func, select

from mandaatwijzer.adapters import bulk_sql
from mandaatwijzer.adapters.audit import audit_events
from mandaatwijzer.adapters.bulk_sql import SqlBulkStore
from mandaatwijzer.adapters.memory import MemoryUnitOfWork
from mandaatwijzer.adapters.orm import (
    legal_representatives,
    mandates,
    organisations,
    persons,
    rights,
    work_relations,
)
from mandaatwijzer.adapters.sql import SqlUnitOfWork
from mandaatwijzer.registry import bulk, demo
from mandaatwijzer.registry.bulk import (
    ImportRefusedError,
    MandateRecord,
    OrganisationRecord,
    PersonRecord,
    RepositoryStore,
    csv_formats,
    importing,
    store,
)
from mandaatwijzer.registry.ports import Clock, UnitOfWork

TABLES = (persons, organisations, legal_representatives, work_relations, rights, mandates)


@pytest.fixture(scope="module")
def demo_csv() -> dict[str, str]:
    """The demo registry as one CSV text per kind (exported from memory)."""
    source = MemoryUnitOfWork()
    demo.load(source, Clock())
    return {name: _export(source, fmt) for name, fmt in csv_formats.FORMATS.items()}


def _export(uow: UnitOfWork, fmt: csv_formats.Format[Any]) -> str:
    out = io.StringIO()
    csv_formats.write(fmt, bulk.export_records(uow, fmt.kind), out)
    return out.getvalue()


def _import(uow: UnitOfWork, name: str, text: str, **options: Any) -> bulk.ImportReport:
    fmt = csv_formats.FORMATS[name]
    return bulk.import_records(uow, Clock(), fmt.kind, csv_formats.read(fmt, io.StringIO(text)),
                               **options)


def _import_all(uow: UnitOfWork, csv: dict[str, str]) -> None:
    for name, text in csv.items():  # in the order of the kinds: references point back
        assert _import(uow, name, text).imported == text.count("\n") - 1


def _stored(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the registry's tables but `seq`, as the driver returns it, sorted."""
    stored = {}
    for table in TABLES:
        names = [c.name for c in table.c if c.name != "seq"]
        rows = connection.exec_driver_sql(f"SELECT {', '.join(names)} FROM {table.name}")
        stored[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return stored


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


def test_the_sql_unit_of_work_offers_the_bulk_store(uow: SqlUnitOfWork) -> None:
    with uow:
        assert isinstance(store.store_of(uow), SqlBulkStore)


def test_the_bulk_store_stores_what_the_orm_stores(
        uow: SqlUnitOfWork, engine: Engine, demo_csv: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(importing, "store_of", lambda u: RepositoryStore(u.repo))
        _import_all(uow, demo_csv)
    with engine.connect() as connection:
        by_orm = _stored(connection)
    with engine.begin() as connection:
        for table in reversed(TABLES):
            connection.execute(table.delete())

    _import_all(uow, demo_csv)
    with engine.connect() as connection:
        by_bulk = _stored(connection)

    assert by_bulk == by_orm
    assert all(len(by_bulk[table.name]) > 0 for table in TABLES)
    assert any(row[-1] is not None for row in by_bulk["mandates"])  # transfers are in it


def test_a_bulk_import_exports_as_it_came_and_as_the_memory_fallback_exports(
        uow: SqlUnitOfWork, demo_csv: dict[str, str]) -> None:
    _import_all(uow, demo_csv)
    memory = MemoryUnitOfWork()
    _import_all(memory, demo_csv)  # through the repository, one entity at a time
    for name, fmt in csv_formats.FORMATS.items():
        exported = _export(uow, fmt)
        # Streamed in the order the rows were written.
        assert exported == demo_csv[name], name
        assert sorted(exported.splitlines()) == sorted(_export(memory, fmt).splitlines()), name


def test_the_orm_reads_what_the_bulk_store_wrote(
        uow: SqlUnitOfWork, demo_csv: dict[str, str]) -> None:
    _import_all(uow, demo_csv)
    with uow:
        fast, slow = uow.bulk(), RepositoryStore(uow.repo)
        kinds: tuple[Any, ...] = bulk.KINDS
        for kind in kinds:
            by_bulk = sorted(fast.scan(kind), key=repr)
            assert by_bulk == sorted(slow.scan(kind), key=repr), kind.__name__
            ids = {record.id for record in by_bulk}
            assert dict(fast.find(kind, ids | {"nobody"})) == {r.id: r for r in by_bulk}
        numbers = {r.national_number for r in fast.scan(PersonRecord)}
        assert set(fast.taken_numbers(PersonRecord, numbers | {"00000000097"})) == numbers
        names = uow.session.connection().execute(select(persons.c.name, persons.c.sort_name))
        assert all(sort_name == name.lower() for name, sort_name in names)


def test_lookups_on_the_driver_go_in_chunks_and_find_what_the_orm_finds(
        uow: SqlUnitOfWork, demo_csv: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _import_all(uow, demo_csv)
    monkeypatch.setattr(bulk_sql, "CHUNK", 3)  # several chunks, the last one padded
    monkeypatch.setattr(bulk_sql, "ARRAY_CHUNK", 3)
    with uow:
        fast, slow = uow.bulk(), RepositoryStore(uow.repo)
        for kind in (PersonRecord, OrganisationRecord, MandateRecord):
            stored = sorted(record.id for record in slow.scan(kind))
            # A key holding a comma is no id of its own (PostgreSQL gets the keys of a chunk
            # as one text split at its commas, or as an array when a key holds one).
            absent = {"nobody", "P-x", "O-x", f"{stored[0]},{stored[1]}", ","}
            ids = set(stored) | absent
            assert dict(fast.find(kind, ids)) == dict(slow.find(kind, ids))
            assert set(fast.stored_ids(kind, ids)) == set(slow.stored_ids(kind, ids))
            assert set(fast.stored_ids(kind, ids)) == ids - absent
            assert set(fast.stored_ids(kind, {f"{stored[0]},{stored[1]}"})) == set()
            assert fast.find(kind, []) == {}
        orgs = {record.id for record in slow.scan(OrganisationRecord)}
        assert any(org.legal_representatives
                   for org in fast.find(OrganisationRecord, orgs).values())


def test_moments_and_days_are_written_in_sqlalchemys_sqlite_text() -> None:
    texts = bulk_sql._SqliteTexts()
    texts.DAYS = 3  # days are forgotten on the way
    for moment in (datetime(2023, 6, 20, 14, 13, 46, tzinfo=UTC),
                   datetime(2023, 6, 20, 23, 59, 59, 999999, tzinfo=UTC),
                   datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
                   datetime(2024, 2, 29, 0, 0, tzinfo=UTC),
                   datetime(2025, 3, 3, 0, 30, tzinfo=timezone(timedelta(hours=1))),
                   datetime(2025, 12, 31, 23, 30, 0, 5, tzinfo=timezone(timedelta(hours=-2)))):
        expected = moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        assert texts.moment(moment) == bulk_sql._sqlite_moment(moment) == expected
        assert texts.day(moment.date()) == moment.date().isoformat()
    assert texts.moment(None) is None
    assert texts.day(None) is None
    with pytest.raises(ValueError, match="timezone-aware"):
        texts.moment(datetime(2025, 3, 3))


def test_the_page_cache_is_larger_while_writing_only(uow: SqlUnitOfWork) -> None:
    with uow:
        store = uow.bulk()
        connection = uow.session.connection()

        def cache_size() -> Any:
            return connection.exec_driver_sql("PRAGMA cache_size").scalar()

        before = cache_size() if store.sqlite else None
        with store.writing():
            if store.sqlite:
                assert cache_size() == -bulk_sql.IMPORT_CACHE_KIB
        if store.sqlite:
            assert cache_size() == before


def test_an_error_in_the_last_row_leaves_nothing_written(
        uow: SqlUnitOfWork, engine: Engine, demo_csv: dict[str, str]) -> None:
    lines = demo_csv["persons"].splitlines()
    broken = "\n".join([*lines, lines[1]]) + "\n"  # the first person again, at the end
    with pytest.raises(ImportRefusedError) as refused:
        _import(uow, "persons", broken, batch_size=2)
    assert [(error.row, error.column) for error in refused.value.report.errors] == [
        (len(lines) + 1, "id"), (len(lines) + 1, "national_number")]
    assert (_count(engine, persons), _count(engine, audit_events)) == (0, 0)


def test_a_mandate_import_with_a_bad_last_row_leaves_no_mandate_and_no_audit_event(
        uow: SqlUnitOfWork, engine: Engine, demo_csv: dict[str, str]) -> None:
    for name in ("persons", "organisations", "work-relations", "rights"):
        _import(uow, name, demo_csv[name])
    events = _count(engine, audit_events)
    lines = demo_csv["mandates"].splitlines()
    header = lines[0].split(",")
    last = lines[1].split(",")
    last[header.index("id")] = "M-last"
    last[header.index("giver_id")] = "nobody"
    broken = "\n".join([*lines, ",".join(last)]) + "\n"
    with pytest.raises(ImportRefusedError) as refused:
        _import(uow, "mandates", broken, batch_size=3)
    assert refused.value.report.errors[-1].row == len(lines) + 1
    assert _count(engine, mandates) == 0
    assert _count(engine, audit_events) == events
    with uow:
        assert list(uow.bulk().scan(MandateRecord)) == []


def test_rows_the_database_refuses_fail_the_import_and_leave_nothing_written(
        uow: SqlUnitOfWork, engine: Engine, demo_csv: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A row only the database refuses (a mandate id twice, with the import's own check of
    ids switched off): on PostgreSQL its COPY's end is confirmed before the next statement
    (adapters/copy_ends.py), so the refusal fails the import there, in any batch, and the
    registry stays as it was and usable."""
    for name in ("persons", "organisations", "work-relations", "rights"):
        _import(uow, name, demo_csv[name])
    events = _count(engine, audit_events)
    lines = demo_csv["mandates"].splitlines()
    # The first mandate again as the third row: in the second batch of two rows, whose
    # refusal comes with the next batch's first lookup; in the one batch of all rows, at the
    # end of the writing.
    doubled = "\n".join([*lines[:3], lines[1], *lines[3:]]) + "\n"
    monkeypatch.setattr(importing.Mandates, "_unique", lambda self, kind, batch: [])
    for batch_size in (2, len(lines) + 1):
        with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
            _import(uow, "mandates", doubled, batch_size=batch_size)
        assert (_count(engine, mandates), _count(engine, audit_events)) == (0, events)
    monkeypatch.undo()
    assert _import(uow, "mandates", demo_csv["mandates"]).imported == len(lines) - 1
    assert _count(engine, mandates) == len(lines) - 1


def test_a_file_that_fails_while_a_batch_is_being_written_leaves_nothing_written(
        uow: SqlUnitOfWork, engine: Engine, demo_csv: dict[str, str]) -> None:
    """The file cannot be read further while the server still writes the batch before (on
    PostgreSQL its COPY's end not yet confirmed): the read's error is the import's, and the
    transaction is rolled back."""
    for name in ("persons", "organisations", "work-relations", "rights"):
        _import(uow, name, demo_csv[name])
    fmt = csv_formats.FORMATS["mandates"]

    def rows() -> Any:
        for number, parsed in enumerate(csv_formats.read(fmt, io.StringIO(demo_csv["mandates"]))):
            if number == 5:  # after two batches of two: the second one is being written
                raise OSError("the disk went away")
            yield parsed

    with pytest.raises(OSError, match="the disk went away"):
        bulk.import_records(uow, Clock(), MandateRecord, rows(), batch_size=2)
    assert _count(engine, mandates) == 0
    assert _import(uow, "mandates", demo_csv["mandates"]).imported == \
        demo_csv["mandates"].count("\n") - 1


def test_a_row_that_cannot_be_sent_ends_its_copy_and_leaves_nothing_written(
        uow: SqlUnitOfWork, engine: Engine, demo_csv: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A value the driver cannot send ends the COPY with that error (psycopg's way, waiting for
    the server), and the import fails with it; nothing is written."""
    for name in ("persons", "organisations", "work-relations", "rights"):
        _import(uow, name, demo_csv[name])
    rows_of = SqlBulkStore._mandate_rows
    monkeypatch.setattr(SqlBulkStore, "_mandate_rows",
                        lambda self, records: [*rows_of(self, records)[:-1],
                                               (object(),) * len(bulk_sql._MANDATE_COLUMNS)])
    with pytest.raises(Exception, match="object") as failed:
        _import(uow, "mandates", demo_csv["mandates"], batch_size=3)
    assert not isinstance(failed.value, ImportRefusedError)
    monkeypatch.undo()
    assert _count(engine, mandates) == 0
    assert _import(uow, "mandates", demo_csv["mandates"]).imported == \
        demo_csv["mandates"].count("\n") - 1
