"""Indexes on mandates.successor_id and mandates.predecessor_id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

A bulk import looks mandates up by the links between them, and the deferred foreign keys of
those links are checked at commit: without an index each check scans the table.
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
