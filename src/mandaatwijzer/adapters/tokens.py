"""The token stores (the port is `registry.tokens.TokenStore`): SQL, and the in-memory fake.

A secret reads `mw_<id>_<random>`: the id finds the row without scanning, the 32 random bytes
make it unguessable. Only `sha256(secret)` is stored, so a copy of the database gives nobody
a working token. The functions work inside the caller's transaction and do not commit;
`SqlTokenStore` runs each in a committed transaction of its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Column, String, Table, Text, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..registry.errors import BusyError
from ..registry.tokens import Token
from ._refusals import refusal_for
from .columns import UtcDateTime
from .orm import metadata

PREFIX = "mw"

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("scopes", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Column("last_used_at", UtcDateTime(), nullable=True),
)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _token(row: RowMapping) -> Token:
    return Token(row["id"], row["name"], frozenset(row["scopes"].split()), row["created_at"],
                 row["revoked_at"], row["last_used_at"])


def _scopes(scopes: Iterable[str]) -> str:
    words = sorted(set(scopes))
    for scope in words:
        if not scope or scope != scope.strip() or len(scope.split()) != 1:
            raise ValueError(f"scope {scope!r} is not one word")
    return " ".join(words)


def create(session: Session, name: str, scopes: Iterable[str],
           now: datetime | None = None) -> tuple[str, str]:
    """Create a token; returns its id and its secret, which is never shown again."""
    if not name.strip():
        raise ValueError("a token needs a name")
    token_id = secrets.token_hex(8)
    secret = f"{PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
    session.execute(insert(api_tokens).values(
        id=token_id, name=name.strip(), scopes=_scopes(scopes), token_hash=_hash(secret),
        created_at=_now(now)))
    return token_id, secret


def _token_id(secret: str) -> str | None:
    """The id inside a well-formed secret, or None."""
    prefix, _, rest = secret.partition("_")
    token_id, _, random_part = rest.partition("_")
    return token_id if prefix == PREFIX and token_id and random_part else None


def verify(session: Session, secret: str, now: datetime | None = None, *,
           note_use: bool = True) -> Token | None:
    """The token behind `secret` if it is valid and not revoked; notes when it was used
    (unless `note_use` is False)."""
    token_id = _token_id(secret)
    if token_id is None:
        return None
    row = session.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
    if row is None:
        return None
    stored = row._mapping
    if not hmac.compare_digest(_hash(secret), stored["token_hash"]):
        return None
    if stored["revoked_at"] is not None:
        return None
    if not note_use:
        return _token(stored)
    used = _now(now)
    session.execute(update(api_tokens).where(api_tokens.c.id == token_id)
                    .values(last_used_at=used))
    return _token({**stored, "last_used_at": used})  # type: ignore[arg-type]


def revoke(session: Session, token_id: str, now: datetime | None = None) -> bool:
    """Revoke a token; False when there is no such token or it was already revoked."""
    result = session.execute(update(api_tokens)
                             .where(api_tokens.c.id == token_id,
                                    api_tokens.c.revoked_at.is_(None))
                             .values(revoked_at=_now(now)))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_tokens(session: Session) -> list[Token]:
    """Every token, oldest first (revoked ones too: they show who had access when)."""
    rows = session.execute(select(api_tokens)
                           .order_by(api_tokens.c.created_at, api_tokens.c.id))
    return [_token(row._mapping) for row in rows]


T = TypeVar("T")


class SqlTokenStore:
    """The port over the functions above, one committed transaction per call.

    Checking a token never waits for a writer (a long import holds SQLite's write lock): when
    noting its last use cannot be written at once, the token is checked by a reader and the
    note is left out.
    """

    def __init__(self, sessions: Callable[[], Session],
                 readers: Callable[[], Session] | None = None) -> None:
        self._sessions, self._readers = sessions, readers or sessions

    def _call(self, work: Callable[[Session], T], sessions: Callable[[], Session] | None = None
              ) -> T:
        try:
            with (sessions or self._sessions)() as session:
                result = work(session)
                session.commit()
                return result
        except DBAPIError as error:
            refusal = refusal_for(error)
            if refusal is None:
                raise
            raise refusal from error

    def create(self, name: str, scopes: Iterable[str]) -> tuple[str, str]:
        return self._call(lambda session: create(session, name, scopes))

    def verify(self, secret: str) -> Token | None:
        try:
            return self._call(lambda session: verify(session, secret))
        except BusyError:
            return self._call(lambda session: verify(session, secret, note_use=False),
                              self._readers)

    def revoke(self, token_id: str) -> bool:
        return self._call(lambda session: revoke(session, token_id))

    def list_tokens(self) -> Sequence[Token]:
        return self._call(list_tokens, self._readers)


class MemoryTokenStore:
    """The fake beside the SQL store: tokens live as long as the process."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, Token]] = {}  # by id: (hash of the secret, token)
        self._lock = threading.Lock()

    def create(self, name: str, scopes: Iterable[str]) -> tuple[str, str]:
        if not name.strip():
            raise ValueError("a token needs a name")
        token_id = secrets.token_hex(8)
        secret = f"{PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
        token = Token(token_id, name.strip(), frozenset(_scopes(scopes).split()), _now(None))
        with self._lock:
            self._tokens[token_id] = (_hash(secret), token)
        return token_id, secret

    def verify(self, secret: str) -> Token | None:
        token_id = _token_id(secret)
        with self._lock:
            found = self._tokens.get(token_id) if token_id is not None else None
            if found is None or not hmac.compare_digest(_hash(secret), found[0]) or \
                    found[1].revoked:
                return None
            token = dataclasses.replace(found[1], last_used_at=_now(None))
            self._tokens[token.id] = (found[0], token)
            return token

    def revoke(self, token_id: str) -> bool:
        with self._lock:
            found = self._tokens.get(token_id)
            if found is None or found[1].revoked:
                return False
            self._tokens[token_id] = (found[0], dataclasses.replace(found[1],
                                                                    revoked_at=_now(None)))
            return True

    def list_tokens(self) -> Sequence[Token]:
        with self._lock:
            tokens = [token for _, token in self._tokens.values()]
        return sorted(tokens, key=lambda t: (t.created_at or _now(None), t.id))


__all__ = ["MemoryTokenStore", "SqlTokenStore", "Token", "api_tokens", "create",
           "list_tokens", "revoke", "verify"]
