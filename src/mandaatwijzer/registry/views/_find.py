"""Find: a person's search of the registry, through the read policy (`registry/policy.py`);
the CSV files of the lists they may see are `_downloads`.

The search finds persons and organisations by name (any part of it, whatever the case or the
accents), an organisation by its enterprise number (any common layout), and a person by a whole,
valid national register number only: a part of one finds nothing, and neither does a number of
a person the viewer may not see. The edges keep a national number out of every address:
`holds_national_number` tells them a query holds one.

A person searches what they may see: themself, the users of the organisations they administer,
the organisations they represent, administer or work for, and the other side of the mandates
they see. The system (a token) searches everything.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from .. import policy
from ..errors import NATIONAL_NUMBER_SHAPE, ValidationError
from ..identifiers import (
    EnterpriseNumber,
    InvalidIdentifierError,
    NationalNumber,
)
from ..model import Mandate, Organisation, Party, PartyKind, Person
from ..phrases import N_
from ..policy import Viewer
from ..ports import Page, Repository
from ._mandates import mandates_of_party
from ._names import name_of
from ._places import memberships

#: The longest query a search takes.
MAX_QUERY = 100
#: How many the system's search reads at a time when it walks every person and organisation.
_BATCH = 500


class HitKind(enum.StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class RoleCode(enum.StrEnum):
    """What a hit is to the viewer (the edges put it in words)."""

    #: The person is the viewer.
    SELF = "self"
    #: The person works for an organisation the viewer administers (`organisation`).
    USER = "user"
    #: The viewer is a legal representative of the organisation.
    LEGAL_REPRESENTATIVE = "legal_representative"
    #: The viewer is a local administrator of the organisation.
    LOCAL_ADMIN = "local_admin"
    #: The viewer works for the organisation.
    WORKS_FOR = "works_for"
    #: The organisation gave a mandate to a party the viewer acts for (`organisation`).
    CLIENT = "client"
    #: The organisation took (or is offered) a mandate of a party the viewer acts for.
    PROVIDER = "provider"


@dataclass(frozen=True, slots=True)
class Role:
    code: RoleCode
    #: The other party the role is about (the employer, the side the viewer acts for).
    party_id: str | None = None
    party_name: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """A person or organisation found, as the viewer may see it."""

    kind: HitKind
    id: str
    name: str
    #: The dotted KBO form, for an organisation that has one.
    enterprise_number: str | None
    #: Masked (`**.**.**-***.CC`), for a person.
    national_number: str | None
    roles: tuple[Role, ...]
    #: The viewer manages its users (the organisation's users page).
    administers: bool = False
    #: The viewer signs its mandates (the party's mandates page).
    signs: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A search as typed, read: the folded text, and the numbers it is."""

    text: str
    folded: str
    enterprise_number: EnterpriseNumber | None
    national_number: NationalNumber | None


def fold(text: str) -> str:
    """`text` without case and accents: "Élodie" and "elodie" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def holds_national_number(text: str) -> bool:
    """Whether `text` holds something shaped like a national number (valid or not): it must
    never be in an address, so an edge takes such a query only in a request's body."""
    return NATIONAL_NUMBER_SHAPE.search(text) is not None


def refuse_number_in_address(field: str = "q") -> None:
    """An edge's refusal of a query in an address that holds a national number (not quoted)."""
    raise ValidationError(field, N_("holds a national register number, which is never sent "
                                    "in an address"),
                          N_("the number in the body of a POST request"))


def _enterprise_number(text: str) -> EnterpriseNumber | None:
    compact = "".join(c for c in text if c not in " .-/")
    if compact[:2].upper() == "BE":
        compact = compact[2:]
    if not compact.isdigit() or len(compact) not in (9, 10):
        return None
    try:
        return EnterpriseNumber.parse(compact)
    except InvalidIdentifierError:
        return None


def _national_number(text: str) -> NationalNumber | None:
    if NATIONAL_NUMBER_SHAPE.fullmatch(text) is None:
        return None
    try:
        return NationalNumber.parse(text)
    except InvalidIdentifierError:
        return None


def read_query(text: str) -> Query:
    """The query, trimmed; a longer one than `MAX_QUERY` is refused (never quoted)."""
    text = " ".join(text.split())
    if len(text) > MAX_QUERY:
        raise ValidationError("q", N_("is longer than {count} characters", count=MAX_QUERY),
                              N_("at most {count} characters", count=MAX_QUERY))
    return Query(text, fold(text), _enterprise_number(text), _national_number(text))


# --- what a person may find ----------------------------------------------------------------

@dataclass
class _Found:
    kind: HitKind
    entity: Person | Organisation
    roles: list[Role] = field(default_factory=list)
    administers: bool = False
    signs: bool = False

    def role(self, role: Role) -> None:
        if role not in self.roles:
            self.roles.append(role)


def _scope(repo: Repository, viewer: Person, day: date) -> list[_Found]:
    """Everyone and every organisation `viewer` may find, with what each is to them."""
    persons: dict[str, _Found] = {viewer.id: _Found(HitKind.PERSON, viewer,
                                                    [Role(RoleCode.SELF)])}
    orgs: dict[str, _Found] = {}
    for org in policy.administered(repo, viewer, day):
        for relation in repo.work_relations_at(org.id):
            person = repo.person(relation.person_id)
            if person is not None:
                persons.setdefault(person.id, _Found(HitKind.PERSON, person)).role(
                    Role(RoleCode.USER, org.id, org.name))
    sides: list[Party] = [viewer.party]
    for membership in memberships(repo, viewer, day):
        org = membership.organisation
        found = _Found(HitKind.ORGANISATION, org, administers=membership.authority,
                       signs=membership.signs)
        if membership.legal_representative:
            found.role(Role(RoleCode.LEGAL_REPRESENTATIVE))
        if membership.local_admin:
            found.role(Role(RoleCode.LOCAL_ADMIN))
        if policy.works_for(repo, viewer, org, day):
            found.role(Role(RoleCode.WORKS_FOR))
        if found.roles:
            orgs[org.id] = found
        if policy.speaks_for(repo, viewer, org.party, day):
            sides.append(org.party)
    for side in sides:
        side_name = name_of(repo, side)
        for mandate in mandates_of_party(repo, side):
            if not policy.may_see_mandate(repo, viewer, mandate, day):
                continue
            for other, code in _other_sides(mandate, side):
                counterpart = repo.organisation(other.id)
                if counterpart is None:
                    continue
                orgs.setdefault(counterpart.id, _Found(HitKind.ORGANISATION, counterpart)).role(
                    Role(code, side.id, side_name))
    return [*persons.values(), *orgs.values()]


def _other_sides(mandate: Mandate, side: Party) -> Iterator[tuple[Party, RoleCode]]:
    """The organisations on the other side of the mandate from `side`, and what they are."""
    if mandate.giver != side and mandate.giver.kind is PartyKind.ORGANISATION:
        yield mandate.giver, RoleCode.CLIENT
    if mandate.giver == side:
        for taker in (mandate.taker, mandate.pending_transfer_to):
            if taker is not None and taker.kind is PartyKind.ORGANISATION:
                yield taker, RoleCode.PROVIDER


def _everything(repo: Repository) -> Iterator[_Found]:
    """Every person and organisation, a batch at a time (the system's search)."""
    offset = 0
    while True:
        persons = repo.persons(offset, _BATCH)
        yield from (_Found(HitKind.PERSON, p) for p in persons.items)
        if not persons.has_next:
            break
        offset += _BATCH
    offset = 0
    while True:
        orgs = repo.organisations(offset, _BATCH)
        yield from (_Found(HitKind.ORGANISATION, o) for o in orgs.items)
        if not orgs.has_next:
            break
        offset += _BATCH


def _matches(query: Query, found: _Found) -> bool:
    entity = found.entity
    if isinstance(entity, Person):
        if query.national_number is not None:
            return entity.national_number == query.national_number
        return bool(query.folded) and query.folded in fold(entity.name)
    if query.enterprise_number is not None and \
            entity.enterprise_number == query.enterprise_number:
        return True
    return bool(query.folded) and query.folded in fold(entity.name)


def _hit(found: _Found) -> Hit:
    entity = found.entity
    if isinstance(entity, Person):
        return Hit(HitKind.PERSON, entity.id, entity.name, None, entity.national_number.masked,
                   tuple(found.roles))
    number = entity.enterprise_number
    return Hit(HitKind.ORGANISATION, entity.id, entity.name,
               number.formatted if number is not None else None, None, tuple(found.roles),
               found.administers, found.signs)


def _system_candidates(repo: Repository, query: Query) -> Iterable[_Found]:
    if query.national_number is not None:
        person = repo.person_by_number(query.national_number)
        return [_Found(HitKind.PERSON, person)] if person is not None else []
    if holds_national_number(query.text):
        return []  # shaped like one, but no valid one: it finds nothing
    return _everything(repo)


def search(repo: Repository, viewer: Viewer, text: str, day: date, offset: int,
           limit: int) -> Page[Hit]:
    """The persons and organisations the viewer may see that match `text`, by name.

    A whole, valid national register number finds its person only (never by a part); an
    enterprise number its organisation, and the names that hold it.
    """
    query = read_query(text)
    if not query.text:
        return Page([], 0, offset, limit)
    candidates = _scope(repo, viewer, day) if viewer is not None \
        else _system_candidates(repo, query)
    hits = sorted((_hit(found) for found in candidates if _matches(query, found)),
                  key=lambda h: (fold(h.name), h.kind.value, h.id))
    return Page(hits[offset:offset + limit], len(hits), offset, limit)


__all__ = ["MAX_QUERY", "Hit", "HitKind", "Query", "Role", "RoleCode", "fold",
           "holds_national_number", "read_query", "refuse_number_in_address", "search"]
