"""Rules the database keeps itself, beside the writers' turn.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

- A mandate has at most one successor, and a successor one predecessor: the indexes on
  `mandates.predecessor_id` and `successor_id` become unique (both databases; NULLs differ).
- PostgreSQL: no two rights of one kind on one work relation hold on the same day
  (an exclusion constraint over the days a right holds: from its start to its end or the eve
  of its withdrawal, as `services.grant_right` reads them), with `btree_gist`.

See docs/adr/0010-writers-take-turns.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = ("predecessor_id", "successor_id")
RIGHTS_HOLD_ONCE = "ex_rights_one_of_a_kind_a_day"


def _index(column: str) -> str:
    return f"ix_mandates_{column}"


def upgrade() -> None:
    for column in LINKS:
        op.drop_index(op.f(_index(column)), table_name="mandates")
        op.create_index(op.f(_index(column)), "mandates", [column], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            f"ALTER TABLE rights ADD CONSTRAINT {RIGHTS_HOLD_ONCE} EXCLUDE USING gist ("
            "work_relation_id WITH =, kind WITH =, "
            "daterange(start_on, LEAST(end_on, withdrawn_on - 1), '[]') WITH &&) "
            "WHERE (withdrawn_on IS NULL OR withdrawn_on > start_on)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE rights DROP CONSTRAINT {RIGHTS_HOLD_ONCE}")
    for column in LINKS:
        op.drop_index(op.f(_index(column)), table_name="mandates")
        op.create_index(op.f(_index(column)), "mandates", [column])
