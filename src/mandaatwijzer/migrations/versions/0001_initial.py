"""Initial schema: the registry, the append-only audit log, API tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Frozen: it spells out every column instead of importing the application's tables, so that
later changes to `adapters/orm.py` need a new revision and cannot rewrite this one.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)
MOMENT = sa.DateTime(timezone=True)
SORT_NAME = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
PARTY_KIND = sa.Enum("person", "organisation", name="partykind", native_enum=False, length=20)
ENTITY_GROUP = sa.Enum("economic_actor", "local_government", "organising_authority",
                       "de_facto_association", "foreign_organisation", name="entitygroup",
                       native_enum=False, length=40)
RIGHT_KIND = sa.Enum("SSM Mandaatbeheerder", "SSM Mandaatuitvoerder", "KIOSK Aanvrager",
                     name="rightkind", native_enum=False, length=40)

APPEND_ONLY = "audit_events is append-only"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]


def _seq() -> sa.Column[int]:
    return sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False)


def _entity(name: str, *columns: sa.Column[object] | sa.Constraint) -> None:
    """A registry table: surrogate `seq` key in insertion order, unique domain `id`."""
    op.create_table(name, _seq(), sa.Column("id", ID, nullable=False), *columns,
                    sa.PrimaryKeyConstraint("seq", name=op.f(f"pk_{name}")),
                    sa.UniqueConstraint("id", name=op.f(f"uq_{name}_id")))


def _fk(table: str, column: str, target: str, ondelete: str | None = None,
        deferred: bool = False) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete,
                                   deferrable=deferred or None,
                                   initially="DEFERRED" if deferred else None)


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def _party(prefix: str, nullable: bool) -> list[sa.Column[object]]:
    return [sa.Column(f"{prefix}_kind", PARTY_KIND, nullable=nullable),
            sa.Column(f"{prefix}_id", ID, nullable=nullable)]


def upgrade() -> None:
    _entity("persons",
            sa.Column("national_number", sa.String(11), nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("sort_name", SORT_NAME, nullable=False),
            sa.Column("has_eid", sa.Boolean(), nullable=False),
            sa.UniqueConstraint("national_number", name=op.f("uq_persons_national_number")))
    _index("persons", "sort_name", "seq")

    _entity("organisations",
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("sort_name", SORT_NAME, nullable=False),
            sa.Column("entity_group", ENTITY_GROUP, nullable=False),
            sa.Column("enterprise_number", sa.String(10), nullable=True),
            sa.UniqueConstraint("enterprise_number",
                                name=op.f("uq_organisations_enterprise_number")))
    _index("organisations", "sort_name", "seq")

    op.create_table(
        "legal_representatives",
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        _fk("legal_representatives", "organisation_id", "organisations", ondelete="CASCADE"),
        _fk("legal_representatives", "person_id", "persons"),
        sa.PrimaryKeyConstraint("organisation_id", "person_id",
                                name=op.f("pk_legal_representatives")))
    _index("legal_representatives", "person_id")

    _entity("work_relations",
            sa.Column("person_id", ID, nullable=False),
            sa.Column("organisation_id", ID, nullable=False),
            sa.Column("start_on", sa.Date(), nullable=False),
            sa.Column("end_on", sa.Date(), nullable=True),
            sa.Column("user_type", sa.Text(), nullable=False),
            _fk("work_relations", "person_id", "persons"),
            _fk("work_relations", "organisation_id", "organisations"))
    _index("work_relations", "person_id")
    _index("work_relations", "organisation_id")

    _entity("rights",
            sa.Column("work_relation_id", ID, nullable=False),
            sa.Column("kind", RIGHT_KIND, nullable=False),
            sa.Column("granted_by", ID, nullable=False),
            sa.Column("start_on", sa.Date(), nullable=False),
            sa.Column("end_on", sa.Date(), nullable=True),
            sa.Column("withdrawn_on", sa.Date(), nullable=True),
            sa.Column("withdrawn_by", ID, nullable=True),
            _fk("rights", "work_relation_id", "work_relations"))
    _index("rights", "work_relation_id")

    _entity("local_admins",
            sa.Column("organisation_id", ID, nullable=False),
            sa.Column("person_id", ID, nullable=False),
            sa.Column("appointed_by", ID, nullable=False),
            sa.Column("start_on", sa.Date(), nullable=False),
            sa.Column("end_on", sa.Date(), nullable=True),
            sa.Column("withdrawn_on", sa.Date(), nullable=True),
            _fk("local_admins", "organisation_id", "organisations"),
            _fk("local_admins", "person_id", "persons"))
    _index("local_admins", "organisation_id")
    _index("local_admins", "person_id")

    _entity("mandates",
            *_party("giver", nullable=False),
            *_party("taker", nullable=False),
            sa.Column("start_on", sa.Date(), nullable=False),
            sa.Column("end_on", sa.Date(), nullable=True),
            sa.Column("created_by", ID, nullable=False),
            sa.Column("created_at", MOMENT, nullable=False),
            sa.Column("type", sa.String(20), nullable=False),
            sa.Column("giver_signed_by", ID, nullable=True),
            sa.Column("giver_signed_at", MOMENT, nullable=True),
            sa.Column("taker_signed_by", ID, nullable=True),
            sa.Column("taker_signed_at", MOMENT, nullable=True),
            sa.Column("stopped_by", ID, nullable=True),
            sa.Column("stopped_at", MOMENT, nullable=True),
            *_party("transferred_to", nullable=True),
            sa.Column("successor_id", ID, nullable=True),
            *_party("pending_transfer_to", nullable=True),
            sa.Column("predecessor_id", ID, nullable=True),
            _fk("mandates", "successor_id", "mandates", deferred=True),
            _fk("mandates", "predecessor_id", "mandates", deferred=True))
    _index("mandates", "giver_id", "giver_kind")
    _index("mandates", "taker_id", "taker_kind")
    _index("mandates", "pending_transfer_to_id", "pending_transfer_to_kind")

    _entity("dossiers",
            *_party("applicant", nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("status", sa.String(40), nullable=False))
    _index("dossiers", "applicant_id", "applicant_kind")

    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_events_hash")))
    _index("audit_events", "entity", "entity_id")
    dialect = op.get_context().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(
            dialect, []):
        op.execute(statement)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("revoked_at", MOMENT, nullable=True),
        sa.Column("last_used_at", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")))


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("audit_events")  # drops its triggers with it
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_events_append_only()")
    for table in ("dossiers", "mandates", "local_admins", "rights", "work_relations",
                  "legal_representatives", "organisations", "persons"):
        op.drop_table(table)
