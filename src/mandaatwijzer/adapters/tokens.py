"""API tokens for machines: shown once at creation, stored only as a SHA-256 hash.

A secret reads `mw_<id>_<random>`: the id finds the row without scanning, the 32 random bytes
make it unguessable. Only `sha256(secret)` is stored, so a copy of the database gives nobody
a working token. The functions work inside the caller's transaction and do not commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, String, Table, Text, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

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


@dataclass(frozen=True, slots=True)
class Token:
    """What is known about a token: never its secret."""

    id: str
    name: str
    scopes: frozenset[str]
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


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


def verify(session: Session, secret: str, now: datetime | None = None) -> Token | None:
    """The token behind `secret` if it is valid and not revoked; notes when it was used."""
    prefix, _, rest = secret.partition("_")
    token_id, _, random_part = rest.partition("_")
    if prefix != PREFIX or not token_id or not random_part:
        return None
    row = session.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
    if row is None:
        return None
    stored = row._mapping
    if not hmac.compare_digest(_hash(secret), stored["token_hash"]):
        return None
    if stored["revoked_at"] is not None:
        return None
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


__all__ = ["Token", "api_tokens", "create", "list_tokens", "revoke", "verify"]
