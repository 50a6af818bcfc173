"""Request and response bodies of the registry API, apart from the domain classes.

National numbers come in only in request bodies, and go out only masked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from ...registry.text import DAY, WITHOUT_CONTROL

DAY_EXPECTED = "a date as YYYY-MM-DD"


def _iso_day(value: object) -> object:
    """Only the YYYY-MM-DD form is a day: not 0 (pydantic reads a number as Unix time, so
    `at=0` was 1970-01-01), nor a moment."""
    if isinstance(value, date) or (isinstance(value, str) and DAY.fullmatch(value)):
        return value
    raise PydanticCustomError("date_format", f"Input should be {DAY_EXPECTED}")


#: Text from outside: no control characters (registry/text.py), in the document as a pattern.
Text = Annotated[str, StringConstraints(pattern=WITHOUT_CONTROL)]
#: An id of the registry (a person, organisation, relation, right, mandate, token).
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=WITHOUT_CONTROL)]
#: A day, strictly YYYY-MM-DD.
Day = Annotated[date, BeforeValidator(_iso_day)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests ------------------------------------------------------------------------------

class PartyIn(_In):
    kind: Literal["person", "organisation"]
    id: Id


class PersonIn(_In):
    national_number: Text = Field(description="National register or BIS number, 11 digits "
                                  "(dots, dashes and spaces allowed)", max_length=32)
    name: Text = Field(max_length=200)
    has_eid: bool = True


class PersonSearch(_In):
    national_number: Text = Field(max_length=32)


class OrganisationIn(_In):
    name: Text = Field(max_length=200)
    entity_group: Text = Field(max_length=40, description="economic_actor, local_government, "
                               "organising_authority, de_facto_association or "
                               "foreign_organisation")
    enterprise_number: Text | None = Field(None, max_length=32)
    legal_representatives: list[Id] = Field(default_factory=list, max_length=100,
                                            description="ids of registered persons")


class WorkRelationIn(_In):
    person_id: Id
    start: Day | None = None
    end: Day | None = None
    user_type: Text = Field("employee", max_length=40)


class LocalAdminIn(_In):
    person_id: Id
    start: Day | None = None


class RightIn(_In):
    kind: Text = Field(max_length=40, description="SSM Mandaatbeheerder, SSM "
                       "Mandaatuitvoerder or KIOSK Aanvrager")
    start: Day | None = None
    end: Day | None = None


class WithdrawIn(_In):
    on: Day | None = Field(None, description="The day the right ends (default: today)")


class MandateIn(_In):
    giver: PartyIn
    taker: PartyIn
    start: Day | None = None
    end: Day | None = None


class TransferIn(_In):
    new_taker: PartyIn


class DossierIn(_In):
    applicant: PartyIn
    title: Text = Field(min_length=1, max_length=200)
    status: Text = Field("draft", max_length=40)


class TokenIn(_In):
    name: Text = Field(min_length=1, max_length=100)
    scopes: list[Literal["registry:read", "registry:write", "registry:admin"]] = \
        Field(min_length=1, max_length=3)


# --- responses -----------------------------------------------------------------------------

class Party(BaseModel):
    kind: Literal["person", "organisation"]
    id: str


class Person(BaseModel):
    id: str
    name: str
    has_eid: bool
    national_number: str = Field(description="Masked: only the two check digits show")


class Organisation(BaseModel):
    id: str
    name: str
    entity_group: str
    enterprise_number: str | None = Field(description="The dotted KBO form")
    is_service_provider: bool
    legal_representatives: list[str]


class Right(BaseModel):
    id: str
    work_relation_id: str
    kind: str
    granted_by: str
    since: date
    until: date | None
    withdrawn_on: date | None
    withdrawn_by: str | None
    active: bool


class WorkRelation(BaseModel):
    id: str
    person: Person
    organisation_id: str
    since: date
    until: date | None
    user_type: str
    active: bool
    rights: list[Right]


class LocalAdmin(BaseModel):
    id: str
    organisation_id: str
    person_id: str
    appointed_by: str
    since: date
    until: date | None
    withdrawn_on: date | None
    active: bool


class Signature(BaseModel):
    by: str
    at: datetime


class Mandate(BaseModel):
    id: str
    type: str
    giver: Party
    taker: Party
    since: date
    until: date | None
    status: str
    created_by: str
    created_at: datetime
    giver_signature: Signature | None
    taker_signature: Signature | None
    activated_at: datetime | None
    stopped_by: str | None
    stopped_at: datetime | None
    pending_transfer_to: Party | None
    transferred_to: Party | None
    successor_id: str | None
    predecessor_id: str | None


class Dossier(BaseModel):
    id: str
    applicant: Party
    title: str
    status: str


class Link(BaseModel):
    kind: str
    id: str
    text: str
    since: date | None
    until: date | None


class Route(BaseModel):
    name: str
    links: list[Link]


class Gap(BaseModel):
    route: str
    code: str
    text: str
    fixer: str
    guide_outcome: str | None
    guide_href: str | None = Field(description="The guide page whose answers lead to the "
                                   "outcome that describes the fix")
    organisation_id: str | None
    mandate_id: str | None
    links: list[Link]


class Decision(BaseModel):
    person_id: str
    applicant_id: str
    at: date
    allowed: bool
    routes: list[Route]
    gaps: list[Gap]


class Applicant(BaseModel):
    kind: Literal["person", "organisation"]
    id: str
    name: str


class _Page(BaseModel):
    offset: int
    limit: int
    total: int


class PersonPage(_Page):
    items: list[Person]


class OrganisationPage(_Page):
    items: list[Organisation]


class ApplicantPage(_Page):
    items: list[Applicant]


class MandatePage(_Page):
    items: list[Mandate]


class Token(BaseModel):
    id: str
    name: str
    scopes: list[str]
    revoked: bool = False


class NewToken(Token):
    secret: str = Field(description="Shown once: keep it; only its hash is stored")


class Me(BaseModel):
    kind: Literal["person", "token"]
    person: Person | None = None
    token: Token | None = None
    csrf_token: str | None = Field(None, description="Send it as X-CSRF-Token with every "
                                   "change made with the session cookie")


class Problem(BaseModel):
    code: str
    message: str
    field: str | None = None
    rule: str | None = None
    expected: str | None = None


class Errors(BaseModel):
    errors: list[Problem]
