"""The composition root: the one place that chooses adapters and wires them to the core.

The web app, the JSON API and the command line each ask `build_context` for a
`RegistryContext`; none of them imports `adapters/`. The database URL of the settings
decides: `memory:` keeps everything in this process (tests, throwaway demos), any other URL
is a SQLAlchemy URL (a SQLite file, created and migrated on first use, or PostgreSQL).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from .config import Settings
from .registry.audit import AuditLog
from .registry.ports import Clock, UnitOfWork
from .registry.tokens import TokenStore

MEMORY_URL = "memory:"

UnitOfWorkFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class RegistryContext:
    """What every entry point of the registry works with."""

    settings: Settings
    units: UnitOfWorkFactory
    tokens: TokenStore
    clock: Clock = field(default_factory=Clock)
    #: Signs session cookies and CSRF tokens; None: no person can sign in (no key outside demo).
    secret: str | None = field(default=None, repr=False)
    #: The stored audit log's check; None where the registry keeps no log (`memory:`).
    audit: AuditLog | None = None
    #: Closes the database connections (the engine's pool): the end of a process or a test.
    close: Callable[[], None] = field(default=lambda: None, repr=False)

    @property
    def persistent(self) -> bool:
        """Whether the registry outlives this process (a database, not `memory:`)."""
        return self.settings.database_url != MEMORY_URL


def _secret(settings: Settings) -> str | None:
    if settings.secret_key:
        return settings.secret_key
    # A demo without a key gets one per process: its sessions end when it stops.
    return secrets.token_urlsafe(32) if settings.demo else None


def build_context(settings: Settings, *, access_index: bool = False,
                  units: UnitOfWorkFactory | None = None, tokens: TokenStore | None = None,
                  clock: Clock | None = None) -> RegistryContext:
    """The registry's context for these settings, on one database engine.

    With `access_index`, the units of work share an `AccessIndex` (access decisions from
    memory, loaded on the first one): for a long-running process such as the web app, not
    for one command. `units`, `tokens` and `clock` may be given (tests, demo loads).
    """
    clock = clock or Clock()
    if settings.database_url == MEMORY_URL:
        from .adapters.memory import MemoryUnitOfWork, serialised
        from .adapters.tokens import MemoryTokenStore

        shared = MemoryUnitOfWork()
        return RegistryContext(settings, units or serialised(shared),
                               tokens or MemoryTokenStore(), clock, _secret(settings))
    from .adapters import database, sql
    from .adapters.audit_tables import SqlAuditLog
    from .adapters.tokens import SqlTokenStore

    engine = database.create_engine_for(settings.database_url, write_wait=settings.write_wait)
    database.migrate(engine)
    sessions = database.session_factory(engine)
    readers = database.session_factory(database.reading(engine))
    if units is None:
        index = None
        if access_index:
            from .adapters.access import AccessIndex

            index = AccessIndex.for_engine(engine)
        units = lambda: sql.SqlUnitOfWork(sessions, index, readers)  # noqa: E731
    return RegistryContext(settings, units, tokens or SqlTokenStore(sessions, readers), clock,
                           _secret(settings), SqlAuditLog(readers), engine.dispose)


__all__ = ["MEMORY_URL", "RegistryContext", "UnitOfWorkFactory", "build_context"]
