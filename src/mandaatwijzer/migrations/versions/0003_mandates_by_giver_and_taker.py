"""Index mandates by giver and taker together.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

`may_manage` looks up the mandates an applicant gave to the person or to the person's
employers: with (giver_id, giver_kind, taker_kind, taker_id) that is a seek per taker instead of
a visit to every mandate the applicant gave. The index replaces (giver_id, giver_kind), which
is its prefix, so a mandate's row still updates the same number of indexes.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ("giver_id", "giver_kind")
NEW = ("giver_id", "giver_kind", "taker_kind", "taker_id")


def _name(columns: Sequence[str]) -> str:
    return f"ix_mandates_{'_'.join(columns)}"


def upgrade() -> None:
    op.create_index(op.f(_name(NEW)), "mandates", list(NEW))
    op.drop_index(op.f(_name(OLD)), table_name="mandates")


def downgrade() -> None:
    op.create_index(op.f(_name(OLD)), "mandates", list(OLD))
    op.drop_index(op.f(_name(NEW)), table_name="mandates")
