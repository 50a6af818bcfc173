"""Indexes on mandates.successor_id and mandates.predecessor_id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Finding the mandate that names a given one as its successor or predecessor, and checking the
deferred self-referencing foreign keys when a mandate's row is deleted or its id changes,
would otherwise scan the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("successor_id", "predecessor_id")


def upgrade() -> None:
    for column in COLUMNS:
        op.create_index(op.f(f"ix_mandates_{column}"), "mandates", [column])


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(op.f(f"ix_mandates_{column}"), table_name="mandates")
