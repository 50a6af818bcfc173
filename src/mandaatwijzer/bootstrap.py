"""Wiring: the unit of work the entry points use, chosen by the settings' database URL."""

from __future__ import annotations

from collections.abc import Callable

from .config import Settings
from .registry.ports import UnitOfWork

MEMORY_URL = "memory:"

UnitOfWorkFactory = Callable[[], UnitOfWork]


def unit_of_work_factory(settings: Settings, access_index: bool = False) -> UnitOfWorkFactory:
    """A factory of units of work on the configured database, migrated to the latest schema.

    `memory:` keeps everything in this process (tests, throwaway demos); any other URL is a
    SQLAlchemy URL: a SQLite file (created on first start) or PostgreSQL. With
    `access_index`, the units of work share an `AccessIndex` (access decisions from memory,
    loaded on the first one): for a long-running process such as the web app, not for one
    command.
    """
    if settings.database_url == MEMORY_URL:
        from .adapters.memory import MemoryUnitOfWork

        shared = MemoryUnitOfWork()
        return lambda: shared
    from .adapters import database, sql

    engine = database.create_engine_for(settings.database_url)
    database.migrate(engine)
    sessions = database.session_factory(engine)
    if not access_index:
        return lambda: sql.SqlUnitOfWork(sessions)
    from .adapters.access import AccessIndex

    index = AccessIndex.for_engine(engine)
    return lambda: sql.SqlUnitOfWork(sessions, index)
