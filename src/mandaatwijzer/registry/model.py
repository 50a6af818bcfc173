"""The registry's entities: plain classes, standard library only (mapped onto tables elsewhere).

Dates are `datetime.date` (rights and mandates run per day); moments of signing and stopping
are timezone-aware `datetime`s.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from .identifiers import EnterpriseNumber, NationalNumber


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class EntityGroup(enum.StrEnum):
    """The entity groups of KIOSK applicants that are organisations (a person is its own)."""

    ECONOMIC_ACTOR = "economic_actor"
    LOCAL_GOVERNMENT = "local_government"
    ORGANISING_AUTHORITY = "organising_authority"
    DE_FACTO_ASSOCIATION = "de_facto_association"
    FOREIGN_ORGANISATION = "foreign_organisation"

    @property
    def needs_enterprise_number(self) -> bool:
        return self in (EntityGroup.ECONOMIC_ACTOR, EntityGroup.LOCAL_GOVERNMENT)


class RightKind(enum.StrEnum):
    """User rights in the Flemish user management that matter here (their proper names)."""

    MANDATE_MANAGER = "SSM Mandaatbeheerder"
    MANDATE_EXECUTOR = "SSM Mandaatuitvoerder"
    KIOSK_APPLICANT = "KIOSK Aanvrager"


class PartyKind(enum.StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class Party:
    """A side of a mandate, or an applicant: a person or an organisation, by id."""

    kind: PartyKind
    id: str

    def __str__(self) -> str:
        return self.id


@dataclass(eq=False)
class Person:
    id: str
    national_number: NationalNumber
    name: str
    has_eid: bool = True

    @property
    def party(self) -> Party:
        return Party(PartyKind.PERSON, self.id)


@dataclass(eq=False)
class Organisation:
    id: str
    name: str
    entity_group: EntityGroup
    enterprise_number: EnterpriseNumber | None = None
    #: Persons listed as legal representatives ("functies" in the KBO): they act automatically.
    legal_representatives: set[str] = field(default_factory=set)

    @property
    def party(self) -> Party:
        return Party(PartyKind.ORGANISATION, self.id)

    @property
    def is_service_provider(self) -> bool:
        """An external service provider: an economic actor with an enterprise number."""
        return self.entity_group is EntityGroup.ECONOMIC_ACTOR and \
            self.enterprise_number is not None


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` on, up to and including `end` (open-ended without one)."""

    start: date
    end: date | None = None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        """Whether some day lies in both periods."""
        return (other.end is None or self.start <= other.end) and \
            (self.end is None or other.start <= self.end)


@dataclass(eq=False)
class WorkRelation:
    """A person linked to an organisation in the user management."""

    id: str
    person_id: str
    organisation_id: str
    period: Period
    user_type: str = "employee"

    def active(self, day: date) -> bool:
        return self.period.contains(day)


@dataclass(eq=False)
class Right:
    """A user right granted on a work relation."""

    id: str
    work_relation_id: str
    kind: RightKind
    granted_by: str
    period: Period
    withdrawn_on: date | None = None
    withdrawn_by: str | None = None

    def active(self, day: date) -> bool:
        return self.period.contains(day) and (self.withdrawn_on is None or day < self.withdrawn_on)


@dataclass(eq=False)
class LocalAdmin:
    """A local administrator of an organisation, appointed by a legal representative."""

    id: str
    organisation_id: str
    person_id: str
    appointed_by: str
    period: Period
    withdrawn_on: date | None = None

    def active(self, day: date) -> bool:
        return self.period.contains(day) and (self.withdrawn_on is None or day < self.withdrawn_on)


@dataclass(eq=False)
class RightRequest:
    """A user's request for a right on their work relation, waiting for a decision of the
    organisation's local administrators (or legal representatives): granted (with the right
    it made) or declined."""

    id: str
    organisation_id: str
    work_relation_id: str
    person_id: str
    kind: RightKind
    requested_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    granted: bool | None = None
    right_id: str | None = None

    @property
    def open(self) -> bool:
        return self.decided_at is None


@dataclass(frozen=True, slots=True)
class Signature:
    """Who signed for a side of a mandate, and when."""

    by: str
    at: datetime


class MandateStatus(enum.StrEnum):
    AWAITING_GIVER = "awaiting_giver"
    AWAITING_TAKER = "awaiting_taker"
    ACTIVE = "active"
    STOPPED = "stopped"
    EXPIRED = "expired"
    TRANSFERRED = "transferred"


@dataclass(eq=False)
class Mandate:
    id: str
    giver: Party
    taker: Party
    period: Period
    created_by: str
    created_at: datetime
    type: str = "KIOSK"
    giver_signature: Signature | None = None
    taker_signature: Signature | None = None
    stopped_by: str | None = None
    stopped_at: datetime | None = None
    #: Set when the mandate was handed over: the new taker and the mandate that replaced it.
    transferred_to: Party | None = None
    successor_id: str | None = None
    #: A transfer proposed but not yet signed by the new taker.
    pending_transfer_to: Party | None = None
    predecessor_id: str | None = None

    def status(self, day: date) -> MandateStatus:
        """The state on `day`; expiry needs no job: it follows from the end date.

        A mandate whose end date has passed is expired whether or not both sides signed: it
        can no longer become active.
        """
        if self.successor_id is not None:
            return MandateStatus.TRANSFERRED
        if self.stopped_at is not None:
            return MandateStatus.STOPPED
        if self.period.end is not None and day > self.period.end:
            return MandateStatus.EXPIRED
        if self.giver_signature is None:
            return MandateStatus.AWAITING_GIVER
        if self.taker_signature is None:
            return MandateStatus.AWAITING_TAKER
        return MandateStatus.ACTIVE

    def in_force(self, day: date) -> bool:
        """Active and within its period on `day`."""
        return self.status(day) is MandateStatus.ACTIVE and self.period.contains(day)

    @property
    def activated_at(self) -> datetime | None:
        if self.giver_signature is None or self.taker_signature is None:
            return None
        return max(self.giver_signature.at, self.taker_signature.at)


@dataclass(eq=False)
class Dossier:
    id: str
    applicant: Party
    title: str
    status: str = "draft"
