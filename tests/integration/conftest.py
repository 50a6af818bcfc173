"""Every storage test runs on SQLite and on PostgreSQL, each test on a clean, migrated database.

SQLite: a new file per test. PostgreSQL: one database for the session (see `postgres.py`),
migrated once and emptied before every test. Without PostgreSQL the PostgreSQL half is
skipped, saying why, except in CI (CI set), where it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from mandaatwijzer.adapters import orm
from mandaatwijzer.adapters.database import create_engine_for, metadata, migrate, session_factory
from mandaatwijzer.adapters.sql import SqlUnitOfWork

from .postgres import ENV_URL, server_bin, throwaway_cluster

#: Select one with `-k sqlite` or `-k postgresql`.
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of an empty PostgreSQL database for this test session."""
    if url := os.environ.get(ENV_URL):
        yield url
        return
    bin_dir = server_bin()
    if bin_dir is None:
        reason = (f"PostgreSQL is not available: set {ENV_URL} or install the server "
                  "(apt-get install postgresql-15)")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with throwaway_cluster(bin_dir) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_engine_for(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    yield engine
    engine.dispose()


#: The append-only tables: the audit log and the imports' row digests beside it.
GUARDED = ("audit_events", "audit_import_rows")


def _empty(engine: Engine) -> None:
    """Empty every table and restart the keys; the audit log's guard is lifted meanwhile.

    DELETE rather than TRUNCATE: on tables this small it is several times faster.
    """
    with engine.begin() as connection:
        for table in GUARDED:
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
            if "seq" in table.c and table.c.seq.autoincrement is True:
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'seq'), 1, false)"))
        for table in GUARDED:
            connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies: quicker than migrating every time."""
    path = tmp_path_factory.mktemp("template") / "registry.sqlite3"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A clean database with the schema at head; the domain classes unmapped afterwards."""
    if backend == "postgresql":
        shared: Engine = request.getfixturevalue("postgres_engine")
        _empty(shared)
        yield shared
    else:
        path = tmp_path / "registry.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        sqlite = create_engine_for(f"sqlite:///{path}")
        yield sqlite
        sqlite.dispose()
    orm.stop_mappers()


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(session_factory(engine))
