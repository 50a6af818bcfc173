"""Engines, sessions and migrations for SQLite (the default file) and PostgreSQL.

Writers take their turn, one at a time, at the start of their transaction (ADR 0010): every
change appends to one hash-chained audit log, so writes meet at one point anyway, and a
writer that decides from what it read must not have another decide from the same facts in
between. On SQLite a writer's transaction begins `BEGIN IMMEDIATE`; on PostgreSQL it runs READ
COMMITTED and its first statement takes the audit log's advisory lock (`write_lock`), so every
read after it sees the last writer's commit. A writer waits at most `write_wait` seconds for
its turn (SQLite's busy timeout, PostgreSQL's `lock_timeout`), then the unit of work says the
registry is busy.

Readers never wait for writers: `reading(engine)` gives the engine their sessions use, a
deferred `BEGIN` on SQLite (with the WAL journal a reader sees the last commit, however long
a writer such as an import holds the write lock) and a REPEATABLE READ, READ ONLY transaction
on PostgreSQL (one snapshot for the whole page).

SQLite also gets foreign keys switched on for every connection and, for a file, the WAL
journal, memory-mapped reads and a 64 MiB page cache. PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from . import audit, orm, sign_ins, tokens
from .access.tuning import tune_for_reads

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest migration (migrations/versions/): a database at it needs no schema work, and a
#: command that finds it there never imports Alembic (about 190 ms of a command's start).
#: tests/integration/test_migrations.py checks that it is Alembic's head.
HEAD = "0008"

#: Every table of the registry, for Alembic (the audit log, the tokens and the sign-ins add
#: theirs to it).
metadata = orm.metadata
assert {audit.audit_events.name, tokens.api_tokens.name, sign_ins.sign_in_sessions.name,
        sign_ins.sign_in_subjects.name} <= set(metadata.tables)


def _url(url: str | URL) -> URL:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_file(url: URL) -> bool:
    return url.database not in (None, "", ":memory:") and "mode=memory" not in str(url)


#: How long a writer waits for its turn by default, in seconds (`Settings.write_wait`).
WRITE_WAIT = 5.0
_READING = "mandaatwijzer_reading"


def create_engine_for(url: str | URL, *, write_wait: float = WRITE_WAIT,
                      **options: Any) -> Engine:
    """An engine for a database URL (`sqlite:///file.sqlite3`, `postgresql+psycopg://...`);
    its default transactions are writers' (see the module's docstring)."""
    parsed = _url(url)
    connect = dict(options.pop("connect_args", {}))
    if parsed.get_backend_name() != "sqlite":
        timeout = f"-c lock_timeout={max(1, round(write_wait * 1000))}"
        connect["options"] = f"{timeout} {connect.get('options', '')}".strip()
        options.setdefault("isolation_level", "READ COMMITTED")
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect, **options)
    connect.setdefault("timeout", write_wait)
    engine = create_engine(parsed, connect_args=connect, **options)
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
        reading = connection.get_execution_options().get(_READING, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def reading(engine: Engine) -> Engine:
    """The same engine (and pool) for readers' transactions: they never wait for a writer."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{_READING: True})
    return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def write_lock(session: Session) -> None:
    """Take the writers' turn in this transaction, before it reads anything (on SQLite the
    writer's `BEGIN IMMEDIATE` took it already)."""
    if session.connection().dialect.name == "postgresql":
        # The audit log's appenders' lock: held to the end of the transaction, re-entrant.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": audit.LOCK_KEY})


def alembic_config() -> Config:
    """Alembic's configuration, in code: the scripts are packaged with mandaatwijzer."""
    from alembic.config import Config

    config = Config()
    location = resources.files("mandaatwijzer") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is at `HEAD` already (one query, no Alembic)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return [tuple(row) for row in found] == [(HEAD,)]


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema up to `revision` (creating the SQLite file if need be);
    nothing to do, and Alembic not even imported, when it is at the head already."""
    if revision == "head" and at_head(engine):
        return
    from alembic import command

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


__all__ = ["HEAD", "alembic_config", "at_head", "create_engine_for", "metadata", "migrate",
           "session_factory"]
