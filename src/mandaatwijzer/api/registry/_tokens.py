"""API tokens for machines: the port the API needs, and an in-memory store for `memory:`.

A token is shown once, when it is created; the store keeps only a hash of its secret. The
SQL-backed store (`mandaatwijzer.adapters.tokens`: functions inside the caller's transaction)
is adapted to the same port by `SessionTokenStore`, one committed transaction per call.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

READ = "registry:read"
WRITE = "registry:write"
ADMIN = "registry:admin"
SCOPES = (READ, WRITE, ADMIN)


@dataclass(frozen=True, slots=True)
class Token:
    id: str
    name: str
    scopes: frozenset[str]
    revoked: bool = False


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
        """Every token, revoked ones too (they show who had access when)."""
        ...


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class MemoryTokenStore:
    """The fake beside the SQL store: tokens live as long as the process."""

    def __init__(self) -> None:
        self._by_digest: dict[str, Token] = {}
        self._revoked: dict[str, Token] = {}
        self._lock = threading.Lock()

    def create(self, name: str, scopes: Iterable[str]) -> tuple[str, str]:
        token = Token("T-" + secrets.token_hex(6), name, frozenset(scopes))
        secret = "mw_" + secrets.token_urlsafe(32)
        with self._lock:
            self._by_digest[_digest(secret)] = token
        return token.id, secret

    def verify(self, secret: str) -> Token | None:
        return self._by_digest.get(_digest(secret))

    def revoke(self, token_id: str) -> bool:
        with self._lock:
            for digest, token in list(self._by_digest.items()):
                if token.id == token_id:
                    del self._by_digest[digest]
                    self._revoked[token.id] = Token(token.id, token.name, token.scopes, True)
                    return True
        return False

    def list_tokens(self) -> Sequence[Token]:
        return sorted([*self._by_digest.values(), *self._revoked.values()], key=lambda t: t.id)


class SessionTokenStore:
    """The port over the functions of `adapters.tokens`, one database session per call."""

    def __init__(self, module: Any, sessions: Callable[[], Any]) -> None:
        self._module, self._sessions = module, sessions

    def _call(self, name: str, *args: Any) -> Any:
        with self._sessions() as session:
            result = getattr(self._module, name)(session, *args)
            session.commit()
            return result

    def create(self, name: str, scopes: Iterable[str]) -> tuple[str, str]:
        token_id, secret = self._call("create", name, sorted(scopes))
        return str(token_id), str(secret)

    def verify(self, secret: str) -> Token | None:
        found = self._call("verify", secret)
        return None if found is None else _plain(found)

    def revoke(self, token_id: str) -> bool:
        return bool(self._call("revoke", token_id))

    def list_tokens(self) -> Sequence[Token]:
        return [_plain(t) for t in self._call("list_tokens")]


def _plain(token: Any) -> Token:
    return Token(str(token.id), str(token.name), frozenset(token.scopes),
                 bool(getattr(token, "revoked", False)))
