"""Engines, sessions and migrations for SQLite (the default file) and PostgreSQL.

SQLite gets foreign keys switched on for every connection; for a file, the WAL journal,
memory-mapped reads and a 64 MiB page cache; and transactions that take the write lock at their
start (`BEGIN IMMEDIATE`). Python's sqlite3 module would otherwise begin a transaction only at
the first write, so the reads of a unit of work could see another writer's commit halfway
through; and a plain deferred BEGIN would make the second of two concurrent writers fail
("database is locked") when it tries to write on a stale snapshot, instead of waiting its turn.
PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from . import audit, orm, tokens
from .access import tune_for_reads

#: Every table of the registry, for Alembic (the audit log and the tokens add theirs to it).
metadata = orm.metadata
assert {audit.audit_events.name, tokens.api_tokens.name} <= set(metadata.tables)


def _url(url: str | URL) -> URL:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_file(url: URL) -> bool:
    return url.database not in (None, "", ":memory:") and "mode=memory" not in str(url)


def create_engine_for(url: str | URL, **options: Any) -> Engine:
    """An engine for a database URL (`sqlite:///file.sqlite3`, `postgresql+psycopg://...`)."""
    parsed = _url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, **options)
    engine = create_engine(parsed, **options)
    wal = _is_file(parsed)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy says BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
            tune_for_reads(cursor.execute)  # as the access reader's connections
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config() -> Config:
    """Alembic's configuration, in code: the scripts are packaged with mandaatwijzer."""
    config = Config()
    location = resources.files("mandaatwijzer") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema up to `revision` (creating the SQLite file if need be)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for units of work; maps the domain classes on first use.

    Objects stay readable after commit (`expire_on_commit=False`): the use cases return the
    entities they changed after their transaction has ended.
    """
    orm.start_mappers()
    return sessionmaker(bind=engine, expire_on_commit=False)


__all__ = ["alembic_config", "create_engine_for", "metadata", "migrate", "session_factory"]
