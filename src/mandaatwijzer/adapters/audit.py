"""The append-only audit log: one row per change, chained by SHA-256 hashes.

Each event's `hash` is the SHA-256 of a canonical JSON text of its fields, the previous
event's hash (`prev_hash`) included, so that editing, inserting or deleting an event breaks
the chain from that point on and `verify` can name the first event that is wrong.

Writers append inside the transaction of the change they describe. On PostgreSQL a
transaction-level advisory lock serialises appenders, so two transactions never chain onto
the same last event; SQLite has one writer at a time anyway, and the primary key on `seq`
refuses a second event with the same number. The database refuses UPDATE and DELETE on the
table (triggers, created by the migration).

A hash chain proves the log is intact from its first event to its last; it cannot show that
the newest events were cut off, nor a complete rewrite by someone who recomputes every hash.

Beside the chain, `audit_import_rows` keeps the digest of every row an import wrote (its
event records the SHA-256 over them), and `SqlAuditLog.verify` also compares the registry's
tables with the log (`audit_tables.py`, with the `AuditLog` port on the database: ADR 0009).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    and_,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from ..registry.audit import AuditCheck
from ..registry.ports import AuditEvent
from .columns import UtcDateTime
from .orm import metadata

GENESIS = "0" * 64
#: Key of the PostgreSQL advisory lock that serialises appenders ("mw-audit" in ASCII).
LOCK_KEY = 0x6D772D6175646974
#: How many recent hashes `verify` remembers to recognise a block of inserted events.
LOOKBACK = 10_000

audit_events = Table(
    "audit_events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("before", JSON(none_as_null=True), nullable=True),
    Column("after", JSON(none_as_null=True), nullable=True),
    #: Where the change came from when the actor alone does not say it: "cli:<user>" for the
    #: command line's `--as` (`AuditEvent.via`); NULL otherwise (migration 0006).
    Column("via", String(64), nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index(None, "entity", "entity_id"),
)

#: The digest of each row an import wrote (`registry.bulk.digests`), numbered from 0 in the
#: order written; append-only like the log (migration 0005).
audit_import_rows = Table(
    "audit_import_rows", metadata,
    Column("import_id", String(64), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("digest", LargeBinary(32), nullable=False),
    sqlite_with_rowid=False,  # one B-tree to write per row instead of two
)

#: The outcome of each full check (`registry audit verify`), kept so that a page can show the
#: last one without walking the chain again (migration 0007). Not part of the chain: it says
#: when the chain was last found intact, which the chain itself cannot.
audit_checks = Table(
    "audit_checks", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("events", Integer, nullable=False),
    Column("chain_ok", Boolean, nullable=False),
    Column("tables_ok", Boolean, nullable=False),
)

#: The name this module gave the outcome of `verify` before the port had it.
VerifyResult = AuditCheck


def _canonical(row: Mapping[Any, Any]) -> bytes:
    fields = {
        "seq": row["seq"],
        "at": row["at"].astimezone(UTC).isoformat(),
        "actor": row["actor"],
        "action": row["action"],
        "entity": row["entity"],
        "entity_id": row["entity_id"],
        "before": row["before"],
        "after": row["after"],
        "prev_hash": row["prev_hash"],
    }
    # Hashed only when set: the events written before the column existed (and every event
    # without an origin) keep the text, and so the hash, they were chained with.
    via = row.get("via")
    if via is not None:
        fields["via"] = via
    return _CANONICAL(fields).encode()


#: `json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)`, the encoder
#: made once (a walk of the chain hashes every event).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              check_circular=False).encode


def event_hash(row: Mapping[Any, Any]) -> str:
    """The hash an event must have: over its fields and the previous event's hash."""
    return hashlib.sha256(_canonical(row)).hexdigest()


def _head(session: Session) -> tuple[int, str]:
    last = session.execute(select(audit_events.c.seq, audit_events.c.hash)
                           .order_by(audit_events.c.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last is not None else (0, GENESIS)


def append(session: Session, events: Sequence[AuditEvent]) -> list[int]:
    """Chain `events` onto the log inside the session's transaction; returns their seqs."""
    if not events:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    seq, prev = _head(session)
    rows = []
    for event in events:
        seq += 1
        row: dict[str, Any] = {
            "seq": seq, "at": event.at.astimezone(UTC), "actor": event.actor,
            "action": event.action, "entity": event.entity, "entity_id": event.entity_id,
            "before": _json(event.before), "after": _json(event.after), "via": event.via,
            "prev_hash": prev,
        }
        row["hash"] = prev = event_hash(row)
        rows.append(row)
    session.execute(insert(audit_events), rows)
    return [row["seq"] for row in rows]


def _json(value: dict[str, Any] | None) -> Any:
    """The value as it will read back from a JSON column (tuples become lists, and so on)."""
    return None if value is None else json.loads(json.dumps(value))


def events_about(session: Session, entities: Sequence[tuple[str, str]],
                 limit: int) -> list[AuditEvent]:
    """The newest `limit` events about these (entity, entity_id) pairs, oldest first: one
    statement, each kind's ids looked up on the (entity, entity_id) index."""
    by_kind: dict[str, set[str]] = {}
    for entity, entity_id in entities:
        by_kind.setdefault(entity, set()).add(entity_id)
    if not by_kind or limit <= 0:
        return []
    which = or_(*(and_(audit_events.c.entity == entity,
                       audit_events.c.entity_id.in_(sorted(ids)))
                  for entity, ids in by_kind.items()))
    rows = session.execute(select(audit_events).where(which)
                           .order_by(audit_events.c.seq.desc()).limit(limit)).mappings().all()
    return [AuditEvent(row["actor"], row["action"], row["entity"], row["entity_id"], row["at"],
                       row["before"], row["after"], row["via"]) for row in reversed(rows)]


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the first event and report the first one that is wrong."""
    with session.execute(select(audit_events).order_by(audit_events.c.seq),
                         execution_options={"yield_per": 500}) as result:
        return _walk(row._mapping for row in result)


def _walk(rows: Iterator[RowMapping]) -> VerifyResult:
    expected_seq, expected_prev = 1, GENESIS
    seen: dict[str, int] = {GENESIS: 0}
    checked = 0
    row = next(rows, None)
    while row is not None:
        after = next(rows, None)
        seq = row["seq"]
        if seq != expected_seq:
            missing = (f"seq {expected_seq}" if seq == expected_seq + 1
                       else f"seq {expected_seq} to {seq - 1}")
            return VerifyResult(checked, expected_seq, "deleted",
                                f"{missing} missing: the log jumps from {expected_seq - 1} "
                                f"to {seq}")
        if row["prev_hash"] != expected_prev:
            return _broken_link(checked, row, after, expected_prev, seen)
        if event_hash(row) != row["hash"]:
            return VerifyResult(checked, seq, "edited",
                                f"event {seq} ({row['action']} {row['entity']} "
                                f"{row['entity_id']}) does not match its hash: it was changed "
                                "after it was written")
        checked += 1
        seen[row["hash"]] = seq
        if len(seen) > LOOKBACK:
            del seen[next(iter(seen))]
        expected_seq, expected_prev = seq + 1, row["hash"]
        row = after
    return VerifyResult(checked)


def _broken_link(checked: int, row: RowMapping, after: RowMapping | None,
                 expected_prev: str, seen: Mapping[str, int]) -> VerifyResult:
    """Name what broke the link into `row`: an inserted event, or a deleted one."""
    seq = row["seq"]
    earlier = seen.get(row["prev_hash"])
    if earlier is not None:
        # It chains onto an older event: the events between it and that one were slipped in.
        first = earlier + 1
        return VerifyResult(checked, first, "inserted",
                            f"event {seq} chains onto event {earlier}, so event "
                            f"{first}{'' if first == seq - 1 else f' to {seq - 1}'} "
                            "was inserted afterwards")
    if after is not None and after["prev_hash"] == expected_prev:
        # The next event chains onto the one before this: this one was slipped in.
        return VerifyResult(checked, seq, "inserted",
                            f"event {seq} does not chain onto event {seq - 1}, and event "
                            f"{after['seq']} does: event {seq} was inserted afterwards")
    return VerifyResult(checked, seq, "deleted",
                        f"event {seq} chains onto an event that is not in the log: an event "
                        f"before it was deleted (or event {seq - 1} was rewritten)")


__all__ = ["GENESIS", "VerifyResult", "append", "audit_checks", "audit_events",
           "audit_import_rows", "event_hash", "events_about", "verify"]
