"""Persons, organisations and parties found by id, number or reference, and their names."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import NotFoundError, ValidationError
from ..identifiers import EnterpriseNumber, NationalNumber
from ..model import Organisation, Party, PartyKind, Person
from ..phrases import N_
from ..ports import Repository


def name_of(repo: Repository, party: Party) -> str:
    """The party's name, or its id when it is not registered."""
    entity = repo.person(party.id) if party.kind is PartyKind.PERSON \
        else repo.organisation(party.id)
    return entity.name if entity is not None else party.id


def names_of(repo: Repository, parties: Iterable[Party | None]) -> dict[Party, str]:
    """The names of these parties (their ids for those not registered), read at once: a
    listing of hundreds of mandates would read each side's name on its own."""
    wanted = {party for party in parties if party is not None}
    found = repo.names(wanted)
    return {party: found.get(party, party.id) for party in wanted}


def find_person(repo: Repository, person_id: str) -> Person | None:
    return repo.person(person_id)


def party_of(repo: Repository, party_id: str) -> Party:
    """A person's or an organisation's id as a party (ids are unique across both)."""
    if repo.person(party_id) is not None:
        return Party(PartyKind.PERSON, party_id)
    if repo.organisation(party_id) is None:
        raise NotFoundError("person or organisation", party_id)
    return Party(PartyKind.ORGANISATION, party_id)


def person_with_number(repo: Repository, number: NationalNumber) -> Person | None:
    return repo.person_by_number(number)


def organisation_with_number(repo: Repository, number: EnterpriseNumber) -> Organisation | None:
    return repo.organisation_by_number(number)


# --- references, as an operator types them: an id or a number --------------------------------


def _numberish(text: str) -> bool:
    """Could be a national number (or an enterprise number): never echo it."""
    return sum(c.isdigit() for c in text) >= 9


def person_by_reference(repo: Repository, ref: str, field: str = "person") -> Person:
    """A person by id, or by national register number (never echoed)."""
    found = repo.person(ref)
    if found is not None:
        return found
    if _numberish(ref):
        found = repo.person_by_number(NationalNumber.parse(ref, field=field))
        if found is None:
            raise NotFoundError("person with that national number", "")
        return found
    raise NotFoundError("person", ref)


def organisation_by_reference(repo: Repository, ref: str,
                              field: str = "organisation") -> Organisation:
    """An organisation by id, or by enterprise number."""
    found = repo.organisation(ref)
    if found is not None:
        return found
    if _numberish(ref):
        number = EnterpriseNumber.parse(ref, field=field)
        found = repo.organisation_by_number(number)
        if found is None:
            raise NotFoundError("organisation with enterprise number", str(number))
        return found
    raise NotFoundError("organisation", ref)


def entity_by_reference(repo: Repository, ref: str, field: str) -> Person | Organisation:
    """A person or an organisation: `person:ID`, `organisation:ID`, an id, an enterprise
    number or a national register number."""
    kind, sep, rest = ref.partition(":")
    if sep and kind == "person":
        return person_by_reference(repo, rest, field)
    if sep and kind in ("organisation", "org"):
        return organisation_by_reference(repo, rest, field)
    found_person, found_org = repo.person(ref), repo.organisation(ref)
    if found_person is not None and found_org is not None:
        raise ValidationError(field, N_("{ref} is both a person and an organisation", ref=ref),
                              N_("person:{ref} or organisation:{ref}", ref=ref))
    if found_person is not None:
        return found_person
    if found_org is not None:
        return found_org
    if _numberish(ref):
        digits = sum(c.isdigit() for c in ref)
        return person_by_reference(repo, ref, field) if digits == 11 \
            else organisation_by_reference(repo, ref, field)
    raise NotFoundError("person or organisation", ref)
