"""Typed settings, read once from the environment (MANDAATWIJZER_*), then frozen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_DATABASE_URL = "sqlite:///mandaatwijzer.sqlite3"
#: 1 MiB: the largest JSON body or form the app reads (no route takes a file upload).
DEFAULT_MAX_BODY_BYTES = 1 << 20


def _flag(value: str) -> bool:
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    #: Log one line per request (method, path without query, status, time). Never the answers.
    access_log: bool = True
    #: SQLAlchemy URL: a SQLite file by default, or postgresql+psycopg://user@host/db.
    database_url: str = DEFAULT_DATABASE_URL
    #: Demo mode: load the demo dataset into an empty database and offer a sign-in page that
    #: lets a visitor act as any demo person. Never for real data.
    demo: bool = False
    #: Key that signs session cookies and CSRF tokens; required outside demo mode.
    secret_key: str = field(default="", repr=False)
    #: The largest request body read, in bytes: a larger one is refused with 413 while it is
    #: read (or at once, by its Content-Length), so a request never holds more in memory.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: How long a change waits for its turn, in seconds, while another holds the registry
    #: (an import, for example); then it is refused as busy (503 with Retry-After).
    write_wait: float = 5.0

    def __repr__(self) -> str:
        secret = "'***'" if self.secret_key else "''"
        return (f"Settings(host={self.host!r}, port={self.port}, access_log={self.access_log}, "
                f"database_url={_mask_url(self.database_url)!r}, demo={self.demo}, "
                f"secret_key={secret}, max_body_bytes={self.max_body_bytes}, "
                f"write_wait={self.write_wait})")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        port = env.get("MANDAATWIJZER_PORT", str(defaults.port))
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"MANDAATWIJZER_PORT is {port!r}; expected a port number 1-65535")
        body = env.get("MANDAATWIJZER_MAX_BODY_BYTES", str(defaults.max_body_bytes))
        if not body.isdecimal() or int(body) < 1:
            raise ValueError(f"MANDAATWIJZER_MAX_BODY_BYTES is {body!r}; expected a positive "
                             "number of bytes, e.g. 1048576 for 1 MiB")
        wait = env.get("MANDAATWIJZER_WRITE_WAIT", str(defaults.write_wait))
        try:
            write_wait = float(wait)
        except ValueError:
            write_wait = -1.0
        if not 0 < write_wait <= 600:
            raise ValueError(f"MANDAATWIJZER_WRITE_WAIT is {wait!r}; expected seconds from more "
                             "than 0 to 600, e.g. 5")
        return cls(
            host=env.get("MANDAATWIJZER_HOST", defaults.host),
            port=int(port),
            access_log=_flag(env.get("MANDAATWIJZER_ACCESS_LOG", "1")),
            database_url=env.get("MANDAATWIJZER_DATABASE_URL", defaults.database_url),
            demo=_flag(env.get("MANDAATWIJZER_DEMO", "0")),
            secret_key=env.get("MANDAATWIJZER_SECRET_KEY", ""),
            max_body_bytes=int(body),
            write_wait=write_wait,
        )


def _mask_url(url: str) -> str:
    """A database URL with its password hidden."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"
