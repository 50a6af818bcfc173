"""Database errors that concurrency causes, as the registry's refusals (ADR 0010)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from ..registry.errors import BUSY, BusyError, ConcurrentChangeError

#: SQLSTATEs of PostgreSQL that mean another transaction got in the way: serialization
#: failure, deadlock, and the unique and exclusion constraints that back the rules.
_CONCURRENT = frozenset({"40001", "40P01", "23505", "23P01"})
#: lock_not_available: the writers' turn did not come within `lock_timeout`.
_LOCK_TIMEOUT = "55P03"


def refusal_for(error: BaseException) -> BusyError | None:
    """The registry's refusal for a database error that concurrency caused, or None."""
    if not isinstance(error, DBAPIError):
        return None
    state = getattr(error.orig, "sqlstate", None)
    if state == _LOCK_TIMEOUT:
        return BusyError(BUSY)
    if state in _CONCURRENT:
        return ConcurrentChangeError()
    if "database is locked" in str(error.orig) or "database is busy" in str(error.orig):
        return BusyError(BUSY)  # SQLite: the busy timeout ran out
    return None


__all__ = ["BUSY", "refusal_for"]
