"""Wiring: the unit of work the entry points use, chosen by the settings' database URL."""

from __future__ import annotations

from collections.abc import Callable

from .config import Settings
from .registry.ports import UnitOfWork

MEMORY_URL = "memory:"

UnitOfWorkFactory = Callable[[], UnitOfWork]


def unit_of_work_factory(settings: Settings) -> UnitOfWorkFactory:
    """A factory of units of work on the configured database, migrated to the latest schema.

    `memory:` keeps everything in this process (tests, throwaway demos); any other URL is a
    SQLAlchemy URL: a SQLite file (created on first start) or PostgreSQL.
    """
    if settings.database_url == MEMORY_URL:
        from .adapters.memory import MemoryUnitOfWork

        shared = MemoryUnitOfWork()
        return lambda: shared
    from .adapters import database, sql

    engine = database.create_engine_for(settings.database_url)
    database.migrate(engine)
    sessions = database.session_factory(engine)
    return lambda: sql.SqlUnitOfWork(sessions)
