"""The sign-in store on SQL (the port is `registry.sessions.SignInStore`).

Two tables beside the registry's: `sign_in_sessions`, one row per session (only the SHA-256
of its secret, never the secret), and `sign_in_subjects`, which person each provider subject
(`iss`, `sub`) signed in as. The store works inside the unit of work's session and
transaction and never commits: a sign-in that registers a person, opens a session and writes
its audit events does all of it or nothing.

Linking a subject is an upsert (PostgreSQL's and SQLite's `INSERT … ON CONFLICT DO UPDATE`):
two first sign-ins of one subject at the same moment both end linked, never with a unique
violation (under the writers' turn they cannot meet anyway; the upsert holds without it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from ..registry.sessions import SignInSession
from .columns import UtcDateTime
from .orm import ID, metadata

sign_in_sessions = Table(
    "sign_in_sessions", metadata,
    Column("id", String(32), primary_key=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("person_id", ID, ForeignKey("persons.id"), nullable=False, index=True),
    Column("acr", Text, nullable=True),
    Column("eid", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_seen_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

sign_in_subjects = Table(
    "sign_in_subjects", metadata,
    Column("issuer", Text, primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("person_id", ID, ForeignKey("persons.id"), nullable=False, index=True),
    Column("linked_at", UtcDateTime(), nullable=False),
)


def _session(row: RowMapping) -> SignInSession:
    return SignInSession(row["id"], row["secret_hash"], row["person_id"], row["acr"],
                         row["eid"], row["created_at"], row["last_seen_at"], row["revoked_at"])


class SqlSignInStore:
    """`SignInStore` in the caller's session and transaction; nothing is committed here.

    Rows are written with Core statements, which the session does not flush before: a
    person the unit of work added (a first sign-in) is flushed first, for the foreign keys.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_session(self, session: SignInSession) -> None:
        self._session.flush()
        self._session.execute(insert(sign_in_sessions).values(
            id=session.id, secret_hash=session.secret_hash, person_id=session.person_id,
            acr=session.acr, eid=session.eid, created_at=session.created_at,
            last_seen_at=session.last_seen_at, revoked_at=session.revoked_at))

    def session_by_hash(self, secret_hash: str) -> SignInSession | None:
        row = self._session.execute(
            select(sign_in_sessions).where(sign_in_sessions.c.secret_hash == secret_hash)
        ).first()
        return None if row is None else _session(row._mapping)

    def sessions_of(self, person_id: str) -> Sequence[SignInSession]:
        rows = self._session.execute(
            select(sign_in_sessions).where(sign_in_sessions.c.person_id == person_id)
            .order_by(sign_in_sessions.c.created_at, sign_in_sessions.c.id))
        return [_session(row._mapping) for row in rows]

    def touch(self, session_id: str, at: datetime) -> None:
        self._session.execute(update(sign_in_sessions)
                              .where(sign_in_sessions.c.id == session_id)
                              .values(last_seen_at=at))

    def revoke(self, session_ids: Sequence[str], at: datetime) -> None:
        if not session_ids:
            return
        self._session.execute(update(sign_in_sessions)
                              .where(sign_in_sessions.c.id.in_(list(session_ids)),
                                     sign_in_sessions.c.revoked_at.is_(None))
                              .values(revoked_at=at))

    def person_of_subject(self, issuer: str, subject: str) -> str | None:
        found: str | None = self._session.execute(
            select(sign_in_subjects.c.person_id)
            .where(sign_in_subjects.c.issuer == issuer, sign_in_subjects.c.subject == subject)
        ).scalar_one_or_none()
        return found

    def link_subject(self, issuer: str, subject: str, person_id: str, at: datetime) -> None:
        self._session.flush()
        values = {"issuer": issuer, "subject": subject, "person_id": person_id,
                  "linked_at": at}
        dialect = self._session.connection().dialect.name
        upsert: Any
        # The dialects' modules here, not at the top: every command opens the registry, and
        # PostgreSQL's costs about 20 ms to import (docs/performance.md, issue 15).
        if dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            upsert = postgresql.insert(sign_in_subjects).values(values)
        elif dialect == "sqlite":
            from sqlalchemy.dialects import sqlite

            upsert = sqlite.insert(sign_in_subjects).values(values)
        else:
            raise NotImplementedError(f"no upsert of a linked subject on {dialect}")
        self._session.execute(upsert.on_conflict_do_update(
            index_elements=[sign_in_subjects.c.issuer, sign_in_subjects.c.subject],
            set_={"person_id": upsert.excluded.person_id,
                  "linked_at": upsert.excluded.linked_at}))


__all__ = ["SqlSignInStore", "sign_in_sessions", "sign_in_subjects"]
