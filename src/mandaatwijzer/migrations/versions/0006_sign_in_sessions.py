"""Sign-in sessions kept on the server, the provider subjects linked to persons, and where an
audited change came from.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

- `sign_in_sessions`: one row per session opened at a sign-in through the user management:
  the SHA-256 of the browser's secret (never the secret), the person, the means (`acr`) and
  whether it counts as an eID, when it was opened, last used and revoked.
- `sign_in_subjects`: which person a provider's subject (`iss`, `sub`) signed in as.
- `audit_events.via`: where a change came from when its actor does not say it
  (`cli:<operating-system user>` for the command line's `--as`). NULL for every event written
  before, and the hash covers it only when it is set, so the existing chain still verifies.
  Adding a nullable column writes no row, so the log's append-only triggers are not touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)
MOMENT = sa.DateTime(timezone=True)
SESSIONS, SUBJECTS = "sign_in_sessions", "sign_in_subjects"


def _person(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                   name=op.f(f"fk_{table}_person_id_persons"))


def upgrade() -> None:
    op.create_table(
        SESSIONS,
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("acr", sa.Text(), nullable=True),
        sa.Column("eid", sa.Boolean(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("last_seen_at", MOMENT, nullable=False),
        sa.Column("revoked_at", MOMENT, nullable=True),
        _person(SESSIONS),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{SESSIONS}")),
        sa.UniqueConstraint("secret_hash", name=op.f(f"uq_{SESSIONS}_secret_hash")))
    op.create_index(op.f(f"ix_{SESSIONS}_person_id"), SESSIONS, ["person_id"])
    op.create_table(
        SUBJECTS,
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("linked_at", MOMENT, nullable=False),
        _person(SUBJECTS),
        sa.PrimaryKeyConstraint("issuer", "subject", name=op.f(f"pk_{SUBJECTS}")))
    op.create_index(op.f(f"ix_{SUBJECTS}_person_id"), SUBJECTS, ["person_id"])
    op.add_column("audit_events", sa.Column("via", sa.String(64), nullable=True))


def downgrade() -> None:
    # An event's hash covers its `via`: without the column those events no longer verify.
    if not op.get_context().as_sql:
        recorded = op.get_bind().execute(
            sa.text("SELECT count(*) FROM audit_events WHERE via IS NOT NULL")).scalar_one()
        if recorded:
            raise RuntimeError(f"{recorded} audit events record where they came from (via): "
                               "dropping the column would break their hashes")
    op.drop_column("audit_events", "via")
    op.drop_index(op.f(f"ix_{SUBJECTS}_person_id"), table_name=SUBJECTS)
    op.drop_table(SUBJECTS)
    op.drop_index(op.f(f"ix_{SESSIONS}_person_id"), table_name=SESSIONS)
    op.drop_table(SESSIONS)
