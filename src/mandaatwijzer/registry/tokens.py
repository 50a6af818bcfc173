"""API tokens for machines: the scopes, what is known of a token, and the store's port.

A token acts as the system within its scopes. Its secret is shown once, when it is created;
a store keeps only a hash of it. The stores live in `adapters/tokens.py`: one on the SQL
database, and the in-memory fake beside it. `create_token` and `revoke_token` are the use
cases every entry point calls, so that a name or scope is checked in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .errors import NotFoundError, ValidationError
from .phrases import N_

READ = "registry:read"
WRITE = "registry:write"
ADMIN = "registry:admin"
SCOPES = (READ, WRITE, ADMIN)


@dataclass(frozen=True, slots=True)
class Token:
    """What is known about a token: never its secret."""

    id: str
    name: str
    scopes: frozenset[str]
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class TokenStore(Protocol):
    def create(self, name: str, scopes: Iterable[str]) -> tuple[str, str]:
        """A new token: its id and its secret (shown once)."""
        ...

    def verify(self, secret: str) -> Token | None:
        """The live token with this secret, or None (unknown or revoked)."""
        ...

    def revoke(self, token_id: str) -> bool:
        """False when there is no such live token."""
        ...

    def list_tokens(self) -> Sequence[Token]:
        """Every token, oldest first, revoked ones too (they show who had access when)."""
        ...


def create_token(store: TokenStore, name: str, scopes: Iterable[str]) -> tuple[str, str]:
    """A new token with a name that says what it is for and known scopes: (id, secret)."""
    name, chosen = check_new_token(name, scopes)
    return store.create(name, chosen)


def check_new_token(name: str, scopes: Iterable[str]) -> tuple[str, list[str]]:
    """The name (trimmed) and scopes of a new token, once both are acceptable."""
    chosen = list(scopes)
    for scope in chosen:
        if scope not in SCOPES:
            raise ValidationError("scope", N_("{value} is not a scope", value=repr(scope)),
                                  N_("one of: {values}", values=", ".join(SCOPES)))
    if not chosen:
        raise ValidationError("scope", N_("is missing"),
                              N_("one or more of: {values}", values=", ".join(SCOPES)))
    if not name.strip():
        raise ValidationError("name", N_("is empty"),
                              N_("a name that says what the token is for"))
    return name.strip(), chosen


def revoke_token(store: TokenStore, token_id: str) -> None:
    if not store.revoke(token_id):
        raise NotFoundError("live token", token_id)


__all__ = ["ADMIN", "READ", "SCOPES", "WRITE", "Token", "TokenStore", "check_new_token",
           "create_token", "revoke_token"]
