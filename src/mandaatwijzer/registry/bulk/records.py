"""The records of a bulk import and export: one entity as plain values, the shape of a row.

Records are not the domain classes on purpose: those are mapped onto tables when a SQL
database is in use, which makes building a million of them slow, and an import must not keep
what it wrote in memory. `record_of` and `entity_of` convert, for the repository fallback.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple, TypeVar

from ..identifiers import EnterpriseNumber, NationalNumber
from ..model import (
    EntityGroup,
    Mandate,
    Organisation,
    Party,
    Period,
    Person,
    Right,
    RightKind,
    Signature,
    WorkRelation,
)


class PersonRecord(NamedTuple):
    id: str
    #: The 11 digits of a valid national register or BIS number (personal data).
    national_number: str
    name: str
    has_eid: bool = True


class OrganisationRecord(NamedTuple):
    id: str
    name: str
    entity_group: EntityGroup
    #: The 10 digits of a valid enterprise number, or None.
    enterprise_number: str | None = None
    legal_representatives: tuple[str, ...] = ()


class WorkRelationRecord(NamedTuple):
    id: str
    person_id: str
    organisation_id: str
    start: date
    end: date | None = None
    user_type: str = "employee"


class RightRecord(NamedTuple):
    id: str
    work_relation_id: str
    kind: RightKind
    granted_by: str
    start: date
    end: date | None = None
    withdrawn_on: date | None = None
    withdrawn_by: str | None = None


class MandateRecord(NamedTuple):
    id: str
    giver: Party
    taker: Party
    start: date
    end: date | None
    created_by: str
    created_at: datetime
    type: str = "KIOSK"
    giver_signed_by: str | None = None
    giver_signed_at: datetime | None = None
    taker_signed_by: str | None = None
    taker_signed_at: datetime | None = None
    stopped_by: str | None = None
    stopped_at: datetime | None = None
    transferred_to: Party | None = None
    successor_id: str | None = None
    pending_transfer_to: Party | None = None
    predecessor_id: str | None = None


Record = PersonRecord | OrganisationRecord | WorkRelationRecord | RightRecord | MandateRecord
R = TypeVar("R", PersonRecord, OrganisationRecord, WorkRelationRecord, RightRecord,
            MandateRecord)
NumberedRecord = TypeVar("NumberedRecord", PersonRecord, OrganisationRecord)

#: The kinds in the order an import of a whole registry must follow (references point back).
KINDS: tuple[type[Record], ...] = (PersonRecord, OrganisationRecord, WorkRelationRecord,
                                   RightRecord, MandateRecord)

#: What an import is called in the audit log and in messages, per kind.
KIND_NAMES: dict[type[Record], str] = {
    PersonRecord: "persons", OrganisationRecord: "organisations",
    WorkRelationRecord: "work-relations", RightRecord: "rights", MandateRecord: "mandates",
}


def record_of(entity: Person | Organisation | WorkRelation | Right | Mandate) -> Record:
    """The record of a stored entity (export through the repository)."""
    if isinstance(entity, Person):
        return PersonRecord(entity.id, entity.national_number.value, entity.name,
                            entity.has_eid)
    if isinstance(entity, Organisation):
        number = entity.enterprise_number
        return OrganisationRecord(entity.id, entity.name, entity.entity_group,
                                  number.value if number else None,
                                  tuple(sorted(entity.legal_representatives)))
    if isinstance(entity, WorkRelation):
        return WorkRelationRecord(entity.id, entity.person_id, entity.organisation_id,
                                  entity.period.start, entity.period.end, entity.user_type)
    if isinstance(entity, Right):
        return RightRecord(entity.id, entity.work_relation_id, entity.kind, entity.granted_by,
                           entity.period.start, entity.period.end, entity.withdrawn_on,
                           entity.withdrawn_by)
    giver, taker = entity.giver_signature, entity.taker_signature
    return MandateRecord(
        entity.id, entity.giver, entity.taker, entity.period.start, entity.period.end,
        entity.created_by, entity.created_at, entity.type,
        giver.by if giver else None, giver.at if giver else None,
        taker.by if taker else None, taker.at if taker else None,
        entity.stopped_by, entity.stopped_at, entity.transferred_to, entity.successor_id,
        entity.pending_transfer_to, entity.predecessor_id)


def _signature(by: str | None, at: datetime | None) -> Signature | None:
    return Signature(by, at) if by is not None and at is not None else None


def entity_of(record: Record) -> Person | Organisation | WorkRelation | Right | Mandate:
    """The entity a (checked) record describes (import through the repository)."""
    if isinstance(record, PersonRecord):
        return Person(record.id, NationalNumber(record.national_number), record.name,
                      record.has_eid)
    if isinstance(record, OrganisationRecord):
        number = record.enterprise_number
        return Organisation(record.id, record.name, record.entity_group,
                            EnterpriseNumber(number) if number else None,
                            set(record.legal_representatives))
    if isinstance(record, WorkRelationRecord):
        return WorkRelation(record.id, record.person_id, record.organisation_id,
                            Period(record.start, record.end), record.user_type)
    if isinstance(record, RightRecord):
        return Right(record.id, record.work_relation_id, record.kind, record.granted_by,
                     Period(record.start, record.end), record.withdrawn_on,
                     record.withdrawn_by)
    return Mandate(
        record.id, record.giver, record.taker, Period(record.start, record.end),
        record.created_by, record.created_at, record.type,
        _signature(record.giver_signed_by, record.giver_signed_at),
        _signature(record.taker_signed_by, record.taker_signed_at),
        record.stopped_by, record.stopped_at, record.transferred_to, record.successor_id,
        record.pending_transfer_to, record.predecessor_id)

