"""Checks of well-formed records against what is stored: ids, numbers, references and the rules.

Checks against "what is stored" see the earlier batches of the same file, because they were
written in the same transaction: so a duplicate of an earlier row is found without remembering
the rows. The rules are those of `rules`, reported on the row. Mandates: `mandate_checks`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import cast

from .. import rules
from ..errors import kind_named
from ..identifiers import EnterpriseNumber
from ..phrases import N_
from .records import (
    OrganisationRecord,
    PersonRecord,
    R,
    Record,
    RightRecord,
    WorkRelationRecord,
)
from .reports import Parsed, RowError
from .store import BulkStore

_ID_EXPECTED = N_("an id that is not taken (or an empty cell, for a new id)")


class Checker:
    """Checks a batch of well-formed records against the store; may keep state across batches.

    Records of other kinds than the one imported do not change during the import, so what was
    looked up of them is kept for the next batches (up to `CACHED` per kind, then forgotten:
    memory stays bounded whatever the size of the file).
    """

    CACHED = 100_000

    def __init__(self, store: BulkStore) -> None:
        self.store = store
        self._cache: dict[type[Record], dict[str, Record]] = {}

    def referenced(self, kind: type[R], ids: Collection[str]) -> Mapping[str, R]:
        """The stored records of another kind among `ids`, by id."""
        cache = cast(dict[str, R], self._cache.setdefault(kind, {}))
        missing: Collection[str] = (
            ids if isinstance(ids, set | frozenset) else set(ids)) - cache.keys()
        if len(cache) + len(missing) > self.CACHED:
            cache.clear()
            missing = ids
        if missing:
            cache.update(self.store.find(kind, missing))
        return cache

    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        raise NotImplementedError

    def finish(self) -> list[RowError]:
        return []

    def _unique(self, kind: type[R], batch: Sequence[tuple[int, R]]) -> list[RowError]:
        """Ids taken by stored records, earlier batches or earlier rows of this batch."""
        stored = self.store.stored_ids(kind, {record.id for _, record in batch})
        first: dict[str, int] = {}
        errors = []
        for row, record in batch:
            if record.id in stored:
                errors.append(RowError(row, "id", N_("{id} is taken (stored, or on an earlier "
                                                     "row)", id=record.id), _ID_EXPECTED))
            elif record.id in first:
                errors.append(RowError(row, "id", N_("{id} is also on row {row}", id=record.id,
                                                     row=first[record.id]), _ID_EXPECTED))
            else:
                first[record.id] = row
        return errors


def rows_of(batch: Sequence[Parsed], kind: type[R]) -> list[tuple[int, R]]:
    return [(p.row, p.record) for p in batch if isinstance(p.record, kind)]


def accepted(batch: Sequence[tuple[int, R]], errors: Sequence[RowError]) -> list[R]:
    bad = {error.row for error in errors}
    return [record for row, record in batch if row not in bad]


def missing(row: int, column: str, what: str, key: str) -> RowError:
    return RowError(row, column, N_("no {kind} {key} is stored", kind=kind_named(what), key=key),
                    N_("the id of a stored {kind}", kind=kind_named(what)))


class Persons(Checker):
    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = rows_of(batch, PersonRecord)
        errors = self._unique(PersonRecord, records)
        taken = self.store.taken_numbers(PersonRecord, {r.national_number for _, r in records})
        first: dict[str, int] = {}
        for row, record in records:
            number = record.national_number
            if number in taken:
                errors.append(RowError(row, "national_number",
                                       N_("a person with this number is registered already "
                                          "(stored, or on an earlier row)"),
                                       N_("each person once")))
            elif number in first:
                errors.append(RowError(row, "national_number",
                                       N_("the same person is also on row {row}",
                                          row=first[number]), N_("each person once")))
            else:
                first[number] = row
        return list(accepted(records, errors)), errors


class Organisations(Checker):
    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = rows_of(batch, OrganisationRecord)
        errors = self._unique(OrganisationRecord, records)
        numbers = {r.enterprise_number for _, r in records if r.enterprise_number}
        taken = self.store.taken_numbers(OrganisationRecord, numbers)
        persons = self.referenced(PersonRecord, {p for _, r in records
                                                 for p in r.legal_representatives})
        first: dict[str, int] = {}
        for row, record in records:
            number = record.enterprise_number
            if number is not None:
                shown = EnterpriseNumber(number)
                if number in taken:
                    errors.append(RowError(row, "enterprise_number",
                                           N_("{number} is registered already (stored, or on "
                                              "an earlier row)", number=str(shown)),
                                           N_("each organisation once")))
                elif number in first:
                    errors.append(RowError(row, "enterprise_number",
                                           N_("{number} is also on row {row}",
                                              number=str(shown), row=first[number]),
                                           N_("each organisation once")))
                else:
                    first[number] = row
            errors.extend(missing(row, "legal_representatives", "person", person_id)
                          for person_id in record.legal_representatives
                          if person_id not in persons)
        return list(accepted(records, errors)), errors


class WorkRelations(Checker):
    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = rows_of(batch, WorkRelationRecord)
        errors = self._unique(WorkRelationRecord, records)
        persons = self.referenced(PersonRecord, {r.person_id for _, r in records})
        orgs = self.referenced(OrganisationRecord, {r.organisation_id for _, r in records})
        for row, record in records:
            if record.person_id not in persons:
                errors.append(missing(row, "person_id", "person", record.person_id))
            org = orgs.get(record.organisation_id)
            if org is None:
                errors.append(missing(row, "organisation_id", "organisation",
                                       record.organisation_id))
            elif (refusal := rules.user_management_refusal(org)) is not None:
                errors.append(RowError.refused(row, "organisation_id", refusal))
        return list(accepted(records, errors)), errors


class Rights(Checker):
    def check(self, batch: Sequence[Parsed]) -> tuple[list[Record], list[RowError]]:
        records = rows_of(batch, RightRecord)
        errors = self._unique(RightRecord, records)
        relations = self.referenced(WorkRelationRecord,
                                    {r.work_relation_id for _, r in records})
        persons = self.referenced(PersonRecord, {
            *(r.granted_by for _, r in records),
            *(r.withdrawn_by for _, r in records if r.withdrawn_by),
            *(relation.person_id for relation in relations.values())})
        orgs = self.referenced(OrganisationRecord,
                               {relation.organisation_id for relation in relations.values()})
        for row, record in records:
            relation = relations.get(record.work_relation_id)
            if relation is None:
                errors.append(missing(row, "work_relation_id", "work relation",
                                       record.work_relation_id))
            else:
                errors += _right_on_relation(row, record, relation, persons, orgs)
            for column, person_id in (("granted_by", record.granted_by),
                                      ("withdrawn_by", record.withdrawn_by)):
                if person_id is not None and person_id not in persons:
                    errors.append(missing(row, column, "person", person_id))
        return list(accepted(records, errors)), errors


def _right_on_relation(row: int, record: RightRecord, relation: WorkRelationRecord,
                       persons: Mapping[str, PersonRecord],
                       orgs: Mapping[str, OrganisationRecord]) -> list[RowError]:
    """What `services.grant_right` checks of the work relation a right is granted on."""
    errors = []
    org = orgs.get(relation.organisation_id)
    refusal = rules.user_management_refusal(org) if org is not None else None
    if refusal is not None:
        errors.append(RowError.refused(row, "work_relation_id", refusal))
    if record.start < relation.start:
        errors.append(RowError(row, "start", N_("{day} lies before the start of work relation "
                                                "{id} ({start})", day=record.start,
                                                id=relation.id, start=relation.start),
                               N_("a start within the work relation")))
    elif relation.end is not None and record.start > relation.end:
        errors.append(RowError(row, "start", N_("{day} lies after the end of work relation "
                                                "{id} ({end})", day=record.start,
                                                id=relation.id, end=relation.end),
                               N_("a start within the work relation")))
    holder = persons.get(relation.person_id)
    if holder is not None and \
            (refusal := rules.right_holder_refusal(record.kind, holder)) is not None:
        errors.append(RowError.refused(row, "kind", refusal))
    return errors

