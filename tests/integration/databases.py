"""A database of its own for a test that runs the whole app (its own engines, a server):
a new SQLite file, or a new database in the session's PostgreSQL cluster, dropped after."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from mandaatwijzer.adapters.database import create_engine_for


@contextmanager
def own_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on `backend` ("sqlite" or "postgresql")."""
    if backend != "postgresql":
        yield f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        return
    admin_url: str = request.getfixturevalue("postgres_url")
    name = f"own_{uuid.uuid4().hex[:8]}"
    admin = create_engine_for(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
            connection.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()
