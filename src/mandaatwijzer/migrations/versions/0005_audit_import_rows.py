"""The digests of the rows each import wrote, beside the audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

An import is one audit event; `audit_import_rows` keeps one digest per row it wrote, numbered
in the order written, so that `registry audit verify` can name an imported row changed
afterwards. The import's event records the SHA-256 over these digests, so the table is
checked against the chain; like the log, it is append-only (triggers). No index but the key:
an import appends, and only the check reads it, whole. See docs/adr/0009.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "audit_import_rows"
APPEND_ONLY = f"{TABLE} is append-only"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()""",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("import_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("digest", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "position", name=op.f(f"pk_{TABLE}")),
        sqlite_with_rowid=False)  # one B-tree to write per row instead of two
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(
            op.get_context().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table(TABLE)  # drops its triggers with it
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION {TABLE}_append_only()")
