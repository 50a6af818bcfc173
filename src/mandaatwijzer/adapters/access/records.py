"""The domain objects of the access facts, built from the text columns of the access
statements (`statements`: days `YYYY-MM-DD`, moments naive UTC, flags `1`/`0`) without
running the identifiers' checks again: the reader builds them per decision, the access index
once for the whole registry (`index`, `packed`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from ...registry.identifiers import EnterpriseNumber, NationalNumber
from ...registry.model import (
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
    Signature,
    WorkRelation,
)

T = TypeVar("T")

_RIGHT_KINDS = {kind.value: kind for kind in RightKind}
_GROUPS = {group.value: group for group in EntityGroup}
_PARTY_KINDS = {kind.value: kind for kind in PartyKind}

def _national_number(digits: str) -> NationalNumber:
    """A stored (already checked) number, without running the checks again."""
    number = object.__new__(NationalNumber)
    object.__setattr__(number, "value", digits)
    object.__setattr__(number, "kind", "bis" if int(digits[2:4]) >= 20 else "nn")
    return number


def _enterprise_number(digits: str | None) -> EnterpriseNumber | None:
    if digits is None:
        return None
    number = object.__new__(EnterpriseNumber)
    object.__setattr__(number, "value", digits)
    return number


def _record_class(cls: type[T]) -> type[T]:
    """The class of the objects of domain class `cls` the access facts are made of: a
    subclass of it with its fields in slots, which the ORM does not map.

    Its objects are `cls`'s (its methods, `isinstance`), and their values sit in the object
    itself, read at C speed, whether or not the ORM maps `cls`: a mapped class reads every
    attribute through a Python descriptor (that doubled the time of a check in the web app),
    and an unmapped one keeps the values in a block of memory apart. The constructor is the
    one `dataclasses` writes for the fields, without the ORM's instrumentation. (Mapping `cls`
    propagates its attributes to subclasses; the slots, defined on the subclass, come first.)
    """
    made: type[T] = dataclasses.make_dataclass(
        cls.__name__, (), bases=(cls,), namespace={"__module__": cls.__module__},
        eq=False, repr=False, slots=True)
    return made


_PersonRecord = _record_class(Person)
_OrganisationRecord = _record_class(Organisation)
_WorkRelationRecord = _record_class(WorkRelation)
_RightRecord = _record_class(Right)
_MandateRecord = _record_class(Mandate)
_LocalAdminRecord = _record_class(LocalAdmin)

#: A mandate of the access facts from its fields, in `Mandate`'s order.
mandate_record: Callable[..., Mandate] = _MandateRecord


#: One `date` object per day read (the days in a registry are a few thousand): faster than
#: parsing, and the access index's millions of periods share them, so that comparing the
#: periods of a decision reads memory that is already in the processor's cache.
_DAYS: dict[str, date] = {}


def day(value: str) -> date:
    found = _DAYS.get(value)
    if found is None:
        if len(_DAYS) >= 100_000:
            _DAYS.clear()
        found = _DAYS[value] = date.fromisoformat(value)
    return found


def _date(value: str | None) -> date | None:
    return None if value is None else day(value)


def moment(value: str) -> datetime:
    """A stored moment, as the statements give it (naive UTC text)."""
    # Parsing with the offset appended is six times faster than `.replace(tzinfo=UTC)`.
    return datetime.fromisoformat(value + "+00:00")


def _moment(value: str | None) -> datetime | None:
    return None if value is None else moment(value)


def build_person(key: str, number: str, name: str, has_eid: str) -> Person:
    entity: Person = _PersonRecord(id=key, national_number=_national_number(number),
                                   name=name, has_eid=has_eid == "1")
    return entity


def build_organisation(key: str, name: str, group: str, number: str | None,
                       representatives: set[str]) -> Organisation:
    entity: Organisation = _OrganisationRecord(
        id=key, name=name, entity_group=_GROUPS[group],
        enterprise_number=_enterprise_number(number), legal_representatives=representatives)
    return entity


def build_relation(relation_id: str, person_id: str, org_id: str, start: str,
                   end: str | None, user_type: str) -> WorkRelation:
    relation: WorkRelation = _WorkRelationRecord(
        id=relation_id, person_id=person_id, organisation_id=org_id,
        period=Period(day(start), _date(end)), user_type=user_type)
    return relation


def build_right(right_id: str, relation_id: str, kind: str, granted_by: str,
                start: str, end: str | None, withdrawn_on: str | None,
                withdrawn_by: str | None) -> Right:
    right: Right = _RightRecord(
        id=right_id, work_relation_id=relation_id, kind=_RIGHT_KINDS[kind],
        granted_by=granted_by, period=Period(day(start), _date(end)),
        withdrawn_on=_date(withdrawn_on), withdrawn_by=withdrawn_by)
    return right


def build_local_admin(admin_id: str, org_id: str, person_id: str,
                      appointed_by: str, start: str, end: str | None,
                      withdrawn_on: str | None) -> LocalAdmin:
    admin: LocalAdmin = _LocalAdminRecord(
        id=admin_id, organisation_id=org_id, person_id=person_id, appointed_by=appointed_by,
        period=Period(day(start), _date(end)), withdrawn_on=_date(withdrawn_on))
    return admin


class Parties:
    """Party values, one object per (kind, id)."""

    __slots__ = ("_found",)

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], Party] = {}

    def __call__(self, kind: str | None, key: str | None) -> Party | None:
        if kind is None or key is None:
            return None
        found = self._found.get((kind, key))
        if found is None:
            found = self._found[kind, key] = Party(_PARTY_KINDS[kind], key)
        return found


def build_mandate(giver: Party, party: Parties, mandate_id: str,
                  taker_kind: str, taker_id: str, start: str, end: str | None,
                  created_by: str, created_at: str, giver_by: str | None, giver_at: Any,
                  taker_by: str | None, taker_at: Any,
                  stopped_by: str | None, stopped_at: str | None,
                  transferred_kind: str | None, transferred_id: str | None,
                  successor_id: str | None, pending_kind: str | None, pending_id: str | None,
                  predecessor_id: str | None, *_: Any) -> Mandate:
    """A KIOSK mandate from the values `statements.mandate_values` selects."""
    taker = party(taker_kind, taker_id)
    assert taker is not None
    mandate: Mandate = _MandateRecord(
        id=mandate_id, giver=giver, taker=taker,
        period=Period(day(start), _date(end)),
        created_by=created_by, created_at=moment(created_at), type="KIOSK",
        giver_signature=None if giver_by is None else Signature(giver_by, moment(giver_at)),
        taker_signature=None if taker_by is None else Signature(taker_by, moment(taker_at)),
        stopped_by=stopped_by, stopped_at=_moment(stopped_at),
        transferred_to=party(transferred_kind, transferred_id), successor_id=successor_id,
        pending_transfer_to=party(pending_kind, pending_id), predecessor_id=predecessor_id)
    return mandate


__all__ = ["Parties", "build_local_admin", "build_mandate", "build_organisation", "build_person",
           "build_relation", "build_right", "day", "mandate_record", "moment"]
