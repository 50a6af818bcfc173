"""The outcome of each check of the audit log, kept for the pages.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

`audit_checks`: one row per full check (`registry audit verify`): when, how many events the
chain held, and whether the chain and the tables were intact. Walking a large log takes
minutes (a million events, about 100 s), so the pages of administrators show the last check
and its age instead of checking at every view. Not part of the chain, and not append-only:
it vouches for nothing, it only says when the log was last found intact.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "audit_checks"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("chain_ok", sa.Boolean(), nullable=False),
        sa.Column("tables_ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f(f"pk_{TABLE}")))


def downgrade() -> None:
    op.drop_table(TABLE)
