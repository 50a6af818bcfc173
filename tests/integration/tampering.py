"""Deliberate tampering with the audit log, past the database's append-only guard.

Only tests do this: to prove that `audit.verify` notices what someone with direct access to
the database could do. The guard is lifted inside the tampering transaction only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text

from mandaatwijzer.adapters.audit import audit_events, event_hash

Row = dict[str, Any]


def lift_guard(connection: Connection, table: str = "audit_events") -> Callable[[], None]:
    """Disable the append-only triggers of `table`; returns what puts them back."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))

        def enable() -> None:
            connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))

        return enable
    triggers = connection.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name = :table"), {"table": table}).all()
    for name, _ in triggers:
        connection.execute(text(f"DROP TRIGGER {name}"))

    def restore() -> None:
        for _, sql in triggers:
            connection.execute(text(sql))

    return restore


def rewrite(engine: Engine, change: Callable[[list[Row]], list[Row]]) -> None:
    """Replace the whole log by `change(rows)`, in one transaction, the guard lifted."""
    with engine.begin() as connection:
        rows = [dict(r._mapping) for r in
                connection.execute(select(audit_events).order_by(audit_events.c.seq))]
        restore = lift_guard(connection)
        connection.execute(delete(audit_events))
        new = change(rows)
        if new:
            connection.execute(insert(audit_events), new)
        restore()


def renumber(rows: list[Row]) -> list[Row]:
    return [{**row, "seq": seq} for seq, row in enumerate(rows, start=1)]


def forged(after: Row, seq: int, link: str | None = None) -> Row:
    """A made-up event after `after`, hashed correctly, linked to `link` (default: after)."""
    row = {**after, "seq": seq, "action": "grant_right", "actor": "P-intruder",
           "prev_hash": link if link is not None else after["hash"]}
    row["hash"] = event_hash(row)
    return row
