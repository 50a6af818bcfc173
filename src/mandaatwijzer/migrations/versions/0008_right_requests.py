"""Requests for a right, waiting for a local administrator's decision.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

`right_requests`: a user asks the local administrators of their organisation for a right on
their work relation (the guide's outcome "vraag-recht"); the request stays open until one of
them grants it (`granted`, with the right it made) or declines it. A registry entity like the
others: each change is an audit event, and the audit check compares its rows with them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)
MOMENT = sa.DateTime(timezone=True)
TABLE = "right_requests"
RIGHT_KIND = sa.Enum("SSM Mandaatbeheerder", "SSM Mandaatuitvoerder", "KIOSK Aanvrager",
                     name="rightkind", native_enum=False, length=40)


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{TABLE}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("work_relation_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("kind", RIGHT_KIND, nullable=False),
        sa.Column("requested_at", MOMENT, nullable=False),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("decided_at", MOMENT, nullable=True),
        sa.Column("granted", sa.Boolean(), nullable=True),
        sa.Column("right_id", ID, nullable=True),
        _fk("organisation_id", "organisations"),
        _fk("work_relation_id", "work_relations"),
        _fk("person_id", "persons"),
        _fk("right_id", "rights"),
        sa.PrimaryKeyConstraint("seq", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("id", name=op.f(f"uq_{TABLE}_id")))
    op.create_index(op.f(f"ix_{TABLE}_organisation_id"), TABLE, ["organisation_id"])
    op.create_index(op.f(f"ix_{TABLE}_person_id"), TABLE, ["person_id"])


def downgrade() -> None:
    op.drop_table(TABLE)
