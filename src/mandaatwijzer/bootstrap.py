"""The composition root: the one place that chooses adapters and wires them to the core.

The web app, the JSON API and the command line each ask `build_context` for a
`RegistryContext`; none of them imports `adapters/`. The database URL of the settings
decides: `memory:` keeps everything in this process (tests, throwaway demos), any other URL
is a SQLAlchemy URL (a SQLite file, created and migrated on first use, or PostgreSQL).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .config import Settings, SignInSettings
from .registry.audit import AuditLog
from .registry.ports import Clock, UnitOfWork
from .registry.signin import AccessTokens
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
    #: Checks a person's bearer access token with the sign-in provider; None without sign-in.
    access_tokens: AccessTokens | None = None
    #: Starts what a long-running process loads before it answers from memory (the access
    #: index, in a thread of its own), calling back with the seconds it took; and whether it
    #: is done. Without an index: nothing to load, always ready.
    warm_up: Callable[[Callable[[float], None]], None] = field(
        default=lambda done: done(0.0), repr=False)
    ready: Callable[[], bool] = field(default=lambda: True, repr=False)

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
    access_tokens = _access_tokens(settings.sign_in)
    if settings.database_url == MEMORY_URL:
        from .adapters.memory import MemoryUnitOfWork, serialised
        from .adapters.tokens import MemoryTokenStore

        shared = MemoryUnitOfWork()
        return RegistryContext(settings, units or serialised(shared),
                               tokens or MemoryTokenStore(), clock, _secret(settings),
                               access_tokens=access_tokens)
    from .adapters import database, sql
    from .adapters.audit_tables import SqlAuditLog
    from .adapters.tokens import SqlTokenStore

    engine = database.create_engine_for(settings.database_url, write_wait=settings.write_wait)
    database.migrate(engine)
    sessions = database.session_factory(engine)
    readers = database.session_factory(database.reading(engine))
    index = None
    if units is None:
        if access_index:
            from .adapters.access import AccessIndex

            index = AccessIndex.for_engine(engine)
        units = lambda: sql.SqlUnitOfWork(sessions, index, readers)  # noqa: E731
    context = RegistryContext(settings, units, tokens or SqlTokenStore(sessions, readers),
                              clock, _secret(settings), SqlAuditLog(readers, sessions),
                              engine.dispose, access_tokens)
    if index is None:
        return context
    loading = index

    def warm_up(done: Callable[[float], None]) -> None:
        if loading.ready:
            done(0.0)
        else:
            loading.start_loading(done)

    return replace(context, warm_up=warm_up, ready=lambda: loading.ready)


def _access_tokens(sign_in: SignInSettings | None) -> AccessTokens | None:
    if sign_in is None:
        return None
    from .adapters.oidc import ProviderAccessTokens

    return ProviderAccessTokens(sign_in)


def check_sign_in(settings: Settings) -> None:
    """At start: the provider's discovery document can be read and names the configured
    issuer (and an introspection endpoint when the API needs one). A `ValueError` that says
    what is wrong, before the first person tries to sign in."""
    sign_in = settings.sign_in
    if sign_in is None:
        return
    import httpx

    from .adapters.oidc import TIMEOUT, ProviderUnreachableError, discover

    try:
        with httpx.Client(timeout=TIMEOUT) as http:
            document = discover(sign_in.issuer, http)
    except ProviderUnreachableError as error:
        raise ValueError(f"MANDAATWIJZER_OIDC_ISSUER: {error}") from None
    if sign_in.bearer == "introspection" and not document.get("introspection_endpoint"):
        raise ValueError("MANDAATWIJZER_OIDC_BEARER is 'introspection', but the provider "
                         "offers no introspection_endpoint; use 'jwt'")


#: The demo's client at its local provider (which accepts any client and redirect URI).
DEMO_CLIENT_ID = "mandaatwijzer-demo"


def with_demo_sign_in(settings: Settings) -> tuple[Settings, Callable[[], None]]:
    """In demo mode without a provider of its own: a local OpenID Connect provider on a free
    loopback port that knows the demo persons, and the settings that sign in through it;
    and what stops it. Any other settings are returned as they are."""
    if not settings.demo or settings.sign_in is not None:
        return settings, lambda: None
    from .adapters import demo_provider

    provider = demo_provider.start(demo_provider.demo_accounts(), audience=DEMO_CLIENT_ID)
    sign_in = SignInSettings(issuer=provider.issuer, client_id=DEMO_CLIENT_ID,
                             client_secret=secrets.token_urlsafe(16))
    return dataclasses.replace(settings, sign_in=sign_in), provider.stop


__all__ = ["DEMO_CLIENT_ID", "MEMORY_URL", "RegistryContext", "UnitOfWorkFactory",
           "build_context", "check_sign_in", "with_demo_sign_in"]
