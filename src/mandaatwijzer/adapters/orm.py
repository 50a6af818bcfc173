"""The registry's tables, and the mapping of the plain domain classes onto them from outside.

Decisions (see also docs/adr/0006-sql-adapter.md):

- Every entity table has a surrogate integer primary key `seq` that the database assigns in
  insertion order; the domain's string `id` is a unique column and the *mapper's* primary key.
  Listings order by `seq`, so the SQL repository returns rows in the order the in-memory fake
  does (the order they were added), which keeps explanations that pick "the first" identical.
- Persons and organisations carry `sort_name` (Python's `str.lower()` of the name, set on
  every insert and update) so that paging by name sorts exactly like the fake, accents
  included; it is compared bytewise (`COLLATE "C"` on PostgreSQL, SQLite's default BINARY).
- `Period`, `Party` and `Signature` are composites over two columns each; the optional ones
  read back as None when both columns are NULL.
- Enums are stored as their values in plain strings (no native enum types to migrate).
- National and enterprise numbers are stored as normalised digits (`columns.py`).
- `Organisation.legal_representatives` is an association table mapped onto a set of person
  ids (`representatives.py`).
- Self-references between mandates (successor, predecessor) are deferred foreign keys: a
  transfer inserts the successor and updates its predecessor in one flush.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    inspect,
)
from sqlalchemy.orm import Mapper, clear_mappers, composite, registry, relationship
from sqlalchemy.orm.attributes import Event

from ..registry.model import (
    Dossier,
    EntityGroup,
    LocalAdmin,
    Mandate,
    Organisation,
    Party,
    PartyKind,
    Period,
    Person,
    Right,
    RightKind,
    RightRequest,
    Signature,
    WorkRelation,
)
from .columns import EnterpriseNumberType, NationalNumberType, UtcDateTime
from .representatives import PersonIds, Representation

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

ID = String(64)


def _enum(kind: type[enum.Enum], length: int) -> Enum:
    return Enum(kind, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda members: [m.value for m in members])


def _seq() -> Column[int]:
    return Column("seq", Integer, primary_key=True, autoincrement=True)


def _sort_name() -> Column[str]:
    return Column("sort_name", Text().with_variant(Text(collation="C"), "postgresql"),
                  nullable=False)


persons = Table(
    "persons", metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    Column("national_number", NationalNumberType(), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    _sort_name(),
    Column("has_eid", Boolean, nullable=False),
    Index(None, "sort_name", "seq"),
)

organisations = Table(
    "organisations", metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    _sort_name(),
    Column("entity_group", _enum(EntityGroup, 40), nullable=False),
    Column("enterprise_number", EnterpriseNumberType(), nullable=True, unique=True),
    Index(None, "sort_name", "seq"),
)

legal_representatives = Table(
    "legal_representatives", metadata,
    Column("organisation_id", ID, ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("person_id", ID, ForeignKey("persons.id"), primary_key=True),
    Index(None, "person_id"),
)

work_relations = Table(
    "work_relations", metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    Column("person_id", ID, ForeignKey("persons.id"), nullable=False, index=True),
    Column("organisation_id", ID, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=True),
    Column("user_type", Text, nullable=False),
)

rights = Table(
    "rights", metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    Column("work_relation_id", ID, ForeignKey("work_relations.id"), nullable=False,
           index=True),
    Column("kind", _enum(RightKind, 40), nullable=False),
    Column("granted_by", ID, nullable=False),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=True),
    Column("withdrawn_on", Date, nullable=True),
    Column("withdrawn_by", ID, nullable=True),
)

local_admins = Table(
    "local_admins", metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    Column("organisation_id", ID, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("person_id", ID, ForeignKey("persons.id"), nullable=False, index=True),
    Column("appointed_by", ID, nullable=False),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=True),
    Column("withdrawn_on", Date, nullable=True),
)


def _party(prefix: str, nullable: bool) -> tuple[Column[Any], Column[Any]]:
    return (Column(f"{prefix}_kind", _enum(PartyKind, 20), nullable=nullable),
            Column(f"{prefix}_id", ID, nullable=nullable))


def _deferred_mandate_fk() -> ForeignKey:
    return ForeignKey("mandates.id", deferrable=True, initially="DEFERRED")


mandates = Table(
    "mandates", metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    *_party("giver", nullable=False),
    *_party("taker", nullable=False),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=True),
    Column("created_by", ID, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("type", String(20), nullable=False),
    Column("giver_signed_by", ID, nullable=True),
    Column("giver_signed_at", UtcDateTime(), nullable=True),
    Column("taker_signed_by", ID, nullable=True),
    Column("taker_signed_at", UtcDateTime(), nullable=True),
    Column("stopped_by", ID, nullable=True),
    Column("stopped_at", UtcDateTime(), nullable=True),
    *_party("transferred_to", nullable=True),
    Column("successor_id", ID, _deferred_mandate_fk(), nullable=True),
    *_party("pending_transfer_to", nullable=True),
    Column("predecessor_id", ID, _deferred_mandate_fk(), nullable=True),
    Index(None, "giver_id", "giver_kind", "taker_kind", "taker_id"),
    Index(None, "taker_id", "taker_kind"),
    Index(None, "pending_transfer_to_id", "pending_transfer_to_kind"),
    # One successor per mandate, one predecessor per successor (migration 0004).
    Index(None, "successor_id", unique=True),
    Index(None, "predecessor_id", unique=True),
)

right_requests = Table(
    "right_requests", metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    Column("organisation_id", ID, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("work_relation_id", ID, ForeignKey("work_relations.id"), nullable=False),
    Column("person_id", ID, ForeignKey("persons.id"), nullable=False, index=True),
    Column("kind", _enum(RightKind, 40), nullable=False),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("decided_by", ID, nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("granted", Boolean, nullable=True),
    Column("right_id", ID, ForeignKey("rights.id"), nullable=True),
)

dossiers = Table(
    "dossiers", metadata,
    _seq(),
    Column("id", ID, nullable=False, unique=True),
    *_party("applicant", nullable=False),
    Column("title", Text, nullable=False),
    Column("status", String(40), nullable=False),
    Index(None, "applicant_id", "applicant_kind"),
)


def _all_none(*values: Any) -> bool:
    return all(value is None for value in values)


def _period(table: Table) -> Any:
    return composite(Period, table.c.start_on, table.c.end_on)


def _party_of(table: Table, prefix: str, nullable: bool = False) -> Any:
    columns = (table.c[f"{prefix}_kind"], table.c[f"{prefix}_id"])
    if nullable:
        return composite(Party, *columns, return_none_on=_all_none)
    return composite(Party, *columns)


def _signature(table: Table, side: str) -> Any:
    return composite(Signature, table.c[f"{side}_signed_by"], table.c[f"{side}_signed_at"],
                     return_none_on=_all_none)


mapper_registry = registry(metadata=metadata)


def _map(cls: type, table: Table, **properties: Any) -> Mapper[Any]:
    """Map with the domain id as the identity; `seq` stays in the database."""
    return mapper_registry.map_imperatively(
        cls, table, primary_key=[table.c.id], exclude_properties=["seq"],
        properties=properties)


def _keep_sort_name(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    target._sort_name = target.name.lower()


def _ids_to_rows(target: Organisation, values: list[Any], initiator: Event,
                 **kwargs: Any) -> None:
    """Assigning a set of ids (`org.legal_representatives = {...}`): reuse or make rows."""
    current = target.__dict__.get("legal_representatives")
    existing = current if isinstance(current, PersonIds) else PersonIds()
    values[:] = [value if isinstance(value, Representation)
                 else existing.row(value) or Representation(value) for value in values]


def is_mapped() -> bool:
    return inspect(Person, raiseerr=False) is not None


def start_mappers() -> None:
    """Map the domain classes onto the tables (once per process; safe to call again)."""
    if is_mapped():
        return
    mapper_registry.map_imperatively(Representation, legal_representatives)
    representatives = relationship(
        Representation, collection_class=PersonIds, cascade="all, delete-orphan",
        lazy="selectin", passive_deletes=True)
    for mapper in (_map(Person, persons, _sort_name=persons.c.sort_name),
                   _map(Organisation, organisations, _sort_name=organisations.c.sort_name,
                        legal_representatives=representatives)):
        event.listen(mapper, "before_insert", _keep_sort_name)
        event.listen(mapper, "before_update", _keep_sort_name)
    event.listen(Organisation.legal_representatives, "bulk_replace", _ids_to_rows)
    _map(WorkRelation, work_relations, period=_period(work_relations))
    _map(Right, rights, period=_period(rights))
    _map(LocalAdmin, local_admins, period=_period(local_admins))
    _map(Mandate, mandates,
         giver=_party_of(mandates, "giver"),
         taker=_party_of(mandates, "taker"),
         period=_period(mandates),
         giver_signature=_signature(mandates, "giver"),
         taker_signature=_signature(mandates, "taker"),
         transferred_to=_party_of(mandates, "transferred_to", nullable=True),
         pending_transfer_to=_party_of(mandates, "pending_transfer_to", nullable=True))
    _map(Dossier, dossiers, applicant=_party_of(dossiers, "applicant"))
    _map(RightRequest, right_requests)


def stop_mappers() -> None:
    """Undo `start_mappers`: the domain classes become plain classes again (tests)."""
    clear_mappers()
    # Unmapping removes the instrumented attributes, and with them the dataclass defaults
    # that they had replaced on the class: put those back.
    for cls in (Person, Organisation, WorkRelation, Right, LocalAdmin, Mandate, Dossier,
                RightRequest):
        for field in dataclasses.fields(cls):
            if field.default is not dataclasses.MISSING and field.name not in vars(cls):
                setattr(cls, field.name, field.default)


__all__ = [
    "dossiers",
    "is_mapped",
    "legal_representatives",
    "local_admins",
    "mandates",
    "metadata",
    "organisations",
    "persons",
    "right_requests",
    "rights",
    "start_mappers",
    "stop_mappers",
    "work_relations",
]
