"""What the registry's entry points share: units of work, tokens, the clock, the session key.

Built on the first registry request, not when the app is created: the guide alone needs no
database, and its tests create the app with the default settings. In demo mode that first
request also loads the demo dataset into an empty registry.
"""

from __future__ import annotations

import importlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from starlette.datastructures import State
from starlette.requests import Request

from ...bootstrap import MEMORY_URL, UnitOfWorkFactory, unit_of_work_factory
from ...config import Settings
from ...registry import demo
from ...registry.ports import AuditEvent, Clock, Entity, Repository, UnitOfWork
from ._tokens import MemoryTokenStore, SessionTokenStore, TokenStore


@dataclass(frozen=True, slots=True)
class RegistryContext:
    settings: Settings
    units: UnitOfWorkFactory
    tokens: TokenStore
    clock: Clock = field(default_factory=Clock)
    #: Signs session cookies and CSRF tokens; None: no person can sign in (no key outside demo).
    secret: str | None = field(default=None, repr=False)


def _secret(settings: Settings) -> str | None:
    if settings.secret_key:
        return settings.secret_key
    # A demo without a key gets one per process: its sessions end when it stops.
    return secrets.token_urlsafe(32) if settings.demo else None


def _token_store(settings: Settings) -> TokenStore:
    if settings.database_url == MEMORY_URL:
        return MemoryTokenStore()
    database = importlib.import_module("mandaatwijzer.adapters.database")
    engine = database.create_engine_for(settings.database_url)
    return SessionTokenStore(importlib.import_module("mandaatwijzer.adapters.tokens"),
                             database.session_factory(engine))


class _Serial:
    """The shared in-memory unit of work, one thread at a time.

    Sync endpoints run in a thread pool; the in-memory fake is not made for concurrent use.
    """

    def __init__(self, inner: UnitOfWork, lock: threading.RLock) -> None:
        self._inner, self._lock = inner, lock

    @property
    def repo(self) -> Repository:
        return self._inner.repo

    @repo.setter
    def repo(self, value: Repository) -> None:
        self._inner.repo = value

    def __enter__(self) -> Self:
        self._lock.acquire()
        try:
            self._inner.__enter__()
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            self._inner.__exit__(kind, error, trace)
        finally:
            self._lock.release()

    def commit(self) -> None:
        self._inner.commit()

    def rollback(self) -> None:
        self._inner.rollback()

    def record(self, event: AuditEvent) -> None:
        self._inner.record(event)

    def changed(self, entity: Entity) -> None:
        self._inner.changed(entity)

    @contextmanager
    def all_or_nothing(self) -> Iterator[Self]:
        with self._lock, self._inner.all_or_nothing():
            yield self


def _units(settings: Settings) -> UnitOfWorkFactory:
    factory = unit_of_work_factory(settings, access_index=True)
    if settings.database_url != MEMORY_URL:
        return factory
    lock = threading.RLock()
    return lambda: _Serial(factory(), lock)


def build_context(settings: Settings, *, units: UnitOfWorkFactory | None = None,
                  tokens: TokenStore | None = None, clock: Clock | None = None) -> RegistryContext:
    """The context from the settings; `units` and `clock` may be given (tests, demo loads)."""
    return RegistryContext(settings, units or _units(settings),
                           tokens or _token_store(settings), clock or Clock(), _secret(settings))


_lock = threading.Lock()


def install(state: State, settings: Settings, ready: RegistryContext | None) -> None:
    """Keep the settings (and a ready context, for tests) on the app's state."""
    state.registry_settings = settings
    state.registry_context = ready


def context(request: Request) -> RegistryContext:
    state = request.app.state
    found: RegistryContext | None = getattr(state, "registry_context", None)
    if found is None:
        with _lock:
            found = getattr(state, "registry_context", None)
            if found is None:
                found = build_context(state.registry_settings)
                if found.settings.demo:
                    # Demo mode serves the demo dataset; a registry with data keeps its own.
                    demo.load_if_empty(found.units, found.clock)
                state.registry_context = found
    return found
