"""The packaged Alembic migrations build exactly the schema the ORM describes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, text
from sqlalchemy.orm import Session

import mandaatwijzer
from mandaatwijzer.adapters import audit
from mandaatwijzer.adapters.database import (
    alembic_config,
    create_engine_for,
    metadata,
    migrate,
)
from mandaatwijzer.registry.ports import AuditEvent


@pytest.fixture
def empty_engine(backend: str, request: pytest.FixtureRequest,
                 tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database (PostgreSQL: a schema of its own) without any table."""
    if backend == "sqlite":
        engine = create_engine_for(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield engine
        engine.dispose()
        return
    url: str = request.getfixturevalue("postgres_url")
    schema = f"migration_{uuid.uuid4().hex[:8]}"
    admin = create_engine_for(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine_for(url, connect_args={"options": f"-c search_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_a_migration_from_empty_creates_the_schema_of_the_orm_metadata(
        empty_engine: Engine) -> None:
    assert _tables(empty_engine) == set()
    migrate(empty_engine)
    assert _tables(empty_engine) == {*metadata.tables, "alembic_version"}
    assert _differences(empty_engine) == []


def test_the_migration_can_be_undone_and_done_again(empty_engine: Engine) -> None:
    migrate(empty_engine)
    config = alembic_config()
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert _tables(empty_engine) == {"alembic_version"}
    migrate(empty_engine)
    assert _differences(empty_engine) == []


def _schema_sql(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return [(row[0], row[1]) for row in connection.execute(text(
            "SELECT name, sql FROM sqlite_master ORDER BY name"))]


def test_the_sqlite_file_is_created_and_migrated_on_first_start_and_again_unchanged(
        tmp_path: Path) -> None:
    path = tmp_path / "new" / "mandaatwijzer.sqlite3"
    path.parent.mkdir()
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    first = _schema_sql(engine)
    engine.dispose()
    assert path.exists()

    again = create_engine_for(f"sqlite:///{path}")
    migrate(again)
    with again.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        journal = connection.execute(text("PRAGMA journal_mode")).scalar_one()
        foreign_keys = connection.execute(text("PRAGMA foreign_keys")).scalar_one()
    assert _schema_sql(again) == first
    assert version == [("0008",)]
    assert (journal, foreign_keys) == ("wal", 1)
    assert _differences(again) == []
    again.dispose()


def test_the_migrations_are_found_inside_the_package() -> None:
    location = Path(alembic_config().get_main_option("script_location") or "")
    package = Path(mandaatwijzer.__file__).parent
    assert location == package / "migrations"
    assert (location / "env.py").is_file()
    assert (location / "script.py.mako").is_file()
    assert sorted(p.name for p in (location / "versions").glob("*.py")) == [
        "0001_initial.py", "0002_mandate_link_indexes.py", "0003_mandates_by_giver_and_taker.py",
        "0004_rules_the_database_keeps.py", "0005_audit_import_rows.py",
        "0006_sign_in_sessions.py", "0007_audit_checks.py", "0008_right_requests.py"]


def test_alembic_can_migrate_a_database_named_by_url(tmp_path: Path) -> None:
    path = tmp_path / "by-url.sqlite3"
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    command.upgrade(config, "head")
    engine = create_engine_for(f"sqlite:///{path}")
    assert _differences(engine) == []
    engine.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_alembic_writes_the_migration_as_a_sql_script(
        dialect: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", f"{dialect}://")
    command.upgrade(config, "head", sql=True)
    script = capsys.readouterr().out
    assert "CREATE TABLE persons" in script
    assert "CREATE TRIGGER audit_events_no" in script


def test_a_log_written_before_0006_still_verifies_after_it(empty_engine: Engine) -> None:
    """Migration 0006 adds `audit_events.via`: the events already chained keep their hashes,
    and new events, with an origin or without, chain onto them."""
    migrate(empty_engine, "0005")
    previous = audit.GENESIS
    with empty_engine.begin() as connection:
        for seq in (1, 2):
            row: dict[str, Any] = {
                "seq": seq, "at": datetime(2026, 1, seq, 9, tzinfo=UTC), "actor": "system",
                "action": "add_dossier", "entity": "dossier", "entity_id": f"D-{seq}",
                "before": None, "after": None, "prev_hash": previous}
            row["hash"] = previous = audit.event_hash(row)
            # The columns of revision 0005 only: no `via` in the statement.
            connection.execute(insert(audit.audit_events), [row])
    migrate(empty_engine)
    with Session(empty_engine) as session:
        assert audit.verify(session).ok
        audit.append(session, [
            AuditEvent("system", "add_dossier", "dossier", "D-3", datetime.now(UTC), None, None,
                       via="cli:operator"),
            AuditEvent("system", "add_dossier", "dossier", "D-4", datetime.now(UTC), None,
                       None)])
        session.commit()
        check = audit.verify(session)
    assert (check.ok, check.checked) == (True, 4)


def test_the_head_the_start_checks_is_alembics_head() -> None:
    """`database.HEAD` lets a command skip Alembic on a database at the head: it must be the
    newest migration, or a database behind it would never be migrated."""
    from alembic.script import ScriptDirectory

    from mandaatwijzer.adapters import database

    assert ScriptDirectory.from_config(database.alembic_config()).get_current_head() == \
        database.HEAD
