"""Sign-in sessions kept on the server, and the store they live in (a port).

A session is a row, not a signed cookie: the browser holds a random secret, the store only
its SHA-256 (a copy of the database opens no session). A session ends when it is idle too
long, when it is older than its lifetime, or when it is revoked: at sign-out, at "sign out
everywhere", and when the person's record changes. The store works inside the unit of work's
transaction (`UnitOfWork.sign_ins()`), so a sign-in that registers a person, opens a session
and writes its audit events does all of it or nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

#: A session's last use is written at most this often (a page view is otherwise a write).
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionRules:
    """How long a session lives: `idle` since its last use, `lifetime` since sign-in."""

    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=8)


@dataclass(slots=True)
class SignInSession:
    """One person signed in on one browser (or one program with that cookie)."""

    #: The public id, for audit events and the list of one's sessions; never the secret.
    id: str
    secret_hash: str
    person_id: str
    #: The means of authentication the provider reported (`acr`), None if it said none.
    acr: str | None
    #: Whether that means counts as a Belgian eID (the setting's list, at sign-in).
    eid: bool
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None = None

    def ends_at(self, rules: SessionRules) -> datetime:
        return min(self.last_seen_at + rules.idle, self.created_at + rules.lifetime)

    def live(self, now: datetime, rules: SessionRules) -> bool:
        return self.revoked_at is None and now < self.ends_at(rules)


def new_secret() -> str:
    """The browser's half of a session: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_session_id() -> str:
    return "S-" + secrets.token_hex(8)


class SignInStore(Protocol):
    """Sessions and the provider subjects linked to persons, in the caller's transaction."""

    def add_session(self, session: SignInSession) -> None: ...

    def session_by_hash(self, secret_hash: str) -> SignInSession | None: ...

    def sessions_of(self, person_id: str) -> Sequence[SignInSession]:
        """Every session of the person, live or not, oldest first."""
        ...

    def touch(self, session_id: str, at: datetime) -> None: ...

    def revoke(self, session_ids: Sequence[str], at: datetime) -> None: ...

    def person_of_subject(self, issuer: str, subject: str) -> str | None:
        """The person a provider's subject (`iss`, `sub`) signed in as before, if any."""
        ...

    def link_subject(self, issuer: str, subject: str, person_id: str, at: datetime) -> None:
        """Remember (or move) the provider's subject to this person, at `at`."""
        ...
