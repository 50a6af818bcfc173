"""What the audit log keeps of the rows an import wrote (ADR 0009).

An import is one audit event, not one per row. So that the log still vouches for each row,
the import keeps one digest per row it wrote (`row_digest`), numbered in the order written,
beside the log (`BulkStore.keep_digests`), and its event records the SHA-256 over those
digests in that order (`RowsDigest`) and their number. `registry audit verify` compares each
row whose last word is an import with its digest, and each import's digests with its event.

A row's digest is the SHA-256 of its *flat snapshot*: the values `audit.snapshot` gives the
entity (national numbers masked), one per field of `FIELDS`, as text (`moment_text`). An
event's `after` flattens to the same values (`flat_of_snapshot`), so that a row can be
compared field by field with its last event, and a record without building the entity
(`flat_of_record`, fast: an import computes it for every row).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from ..identifiers import mask_national_number
from .records import (
    MandateRecord,
    OrganisationRecord,
    PersonRecord,
    Record,
    RightRecord,
    WorkRelationRecord,
)

#: A flat snapshot: one text per field of `FIELDS[entity]`, or None.
Flat = tuple[str | None, ...]

#: The fields of each entity's snapshot, nested ones as paths, in the order of its flat form.
FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("id", "national_number", "name", "has_eid"),
    "organisation": ("id", "name", "entity_group", "enterprise_number",
                     "legal_representatives"),
    "work_relation": ("id", "person_id", "organisation_id", "period.start", "period.end",
                      "user_type"),
    "right": ("id", "work_relation_id", "kind", "granted_by", "period.start", "period.end",
              "withdrawn_on", "withdrawn_by"),
    "local_admin": ("id", "organisation_id", "person_id", "appointed_by", "period.start",
                    "period.end", "withdrawn_on"),
    "mandate": ("id", "giver.kind", "giver.id", "taker.kind", "taker.id", "period.start",
                "period.end", "created_by", "created_at", "type", "giver_signature.by",
                "giver_signature.at", "taker_signature.by", "taker_signature.at",
                "stopped_by", "stopped_at", "transferred_to.kind", "transferred_to.id",
                "successor_id", "pending_transfer_to.kind", "pending_transfer_to.id",
                "predecessor_id"),
    "dossier": ("id", "applicant.kind", "applicant.id", "title", "status"),
    "right_request": ("id", "organisation_id", "work_relation_id", "person_id", "kind",
                      "requested_at", "decided_by", "decided_at", "granted", "right_id"),
}
_MOMENTS = frozenset({"created_at", "giver_signature.at", "taker_signature.at", "stopped_at",
                      "requested_at", "decided_at"})


def _path(path: str) -> tuple[str, str | None, bool]:
    """A field's key, the key inside it for a nested one, and whether it is a moment."""
    key, _, inner = path.partition(".")
    return key, inner or None, path in _MOMENTS


_PATHS = {entity: tuple(map(_path, fields)) for entity, fields in FIELDS.items()}

#: The entity each record kind stores (as the audit log names it).
ENTITIES: dict[type[Record], str] = {
    PersonRecord: "person", OrganisationRecord: "organisation",
    WorkRelationRecord: "work_relation", RightRecord: "right", MandateRecord: "mandate"}


_EPOCH, _MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)


def moment_text(value: datetime | None) -> str | None:
    """A moment in a flat snapshot: microseconds since 1970 UTC (a third of the cost of its
    ISO text, and the same whatever offset it was written in)."""
    if value is None:
        return None
    return str((value - _EPOCH) // _MICROSECOND)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _flag(value: bool) -> str:
    return "true" if value else "false"


def id_list(values: Iterable[str]) -> str:
    """A set of ids as text: their JSON list, sorted."""
    return json.dumps(sorted(values), ensure_ascii=False)


def _person(r: PersonRecord) -> Flat:
    return (r.id, mask_national_number(r.national_number), r.name, _flag(r.has_eid))


def _organisation(r: OrganisationRecord) -> Flat:
    return (r.id, r.name, str(r.entity_group), r.enterprise_number,
            id_list(r.legal_representatives))


def _work_relation(r: WorkRelationRecord) -> Flat:
    return (r.id, r.person_id, r.organisation_id, r.start.isoformat(), _day(r.end),
            r.user_type)


def _right(r: RightRecord) -> Flat:
    return (r.id, r.work_relation_id, str(r.kind), r.granted_by, r.start.isoformat(),
            _day(r.end), _day(r.withdrawn_on), r.withdrawn_by)


def _mandate(r: MandateRecord) -> Flat:
    giver, taker, moved, pending = r.giver, r.taker, r.transferred_to, r.pending_transfer_to
    return (r.id, str(giver.kind), giver.id, str(taker.kind), taker.id, r.start.isoformat(),
            _day(r.end), r.created_by, moment_text(r.created_at), r.type, r.giver_signed_by,
            moment_text(r.giver_signed_at), r.taker_signed_by, moment_text(r.taker_signed_at),
            r.stopped_by, moment_text(r.stopped_at),
            *((None, None) if moved is None else (str(moved.kind), moved.id)),
            r.successor_id,
            *((None, None) if pending is None else (str(pending.kind), pending.id)),
            r.predecessor_id)


_FLATTEN: dict[type[Record], Callable[[Any], Flat]] = {
    PersonRecord: _person, OrganisationRecord: _organisation,
    WorkRelationRecord: _work_relation, RightRecord: _right, MandateRecord: _mandate}


def flattener(kind: type[Record]) -> Callable[[Record], Flat]:
    """`flat_of_record` for records of one kind (without looking the kind up each time)."""
    return cast(Callable[[Record], Flat], _FLATTEN[kind])


def flat_of_record(record: Record) -> Flat:
    """The flat snapshot of the entity a record describes."""
    return _FLATTEN[type(record)](record)


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return _flag(value)
    if isinstance(value, list):
        return id_list(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _moment_of(value: Any) -> str | None:
    if not isinstance(value, str):
        return _text(value)
    try:
        written = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment_text(written if written.tzinfo else written.replace(tzinfo=UTC))


def flat_of_snapshot(entity: str, snapshot: Mapping[str, Any]) -> Flat:
    """The flat form of a snapshot (an event's `before` or `after`)."""
    values: list[str | None] = []
    get = snapshot.get
    for key, inner, moment in _PATHS[entity]:
        value = get(key)
        if inner is not None:
            value = value.get(inner) if isinstance(value, dict) else None
        values.append(_moment_of(value) if moment else _text(value))
    return tuple(values)


def differences(entity: str, found: Flat, expected: Flat) -> list[str]:
    """The fields (paths) in which two flat snapshots differ."""
    return [path for path, a, b in zip(FIELDS[entity], found, expected, strict=True) if a != b]


_SEPARATOR = "\x1f"


def row_digest(entity: str, flat: Flat) -> bytes:
    """The SHA-256 of a flat snapshot: of `t`, the entity, then each value after a unit
    separator, as `=value`, or nothing for None; or, when a value holds a separator itself
    (never in what the registry writes), of `j` and their JSON. Different rows, different
    texts."""
    text = "t" + entity + "".join([_SEPARATOR if value is None else f"{_SEPARATOR}={value}"
                                   for value in flat])
    if text.count(_SEPARATOR) != len(flat):
        text = "j" + json.dumps([entity, *flat], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def digester(kind: type[Record]) -> Callable[[Record], bytes]:
    """`row_digest` of the flat snapshot of records of one kind."""
    entity, flat = ENTITIES[kind], flattener(kind)
    return lambda record: row_digest(entity, flat(record))


class RowsDigest:
    """The SHA-256 over the digests of an import's rows, in the order they were written."""

    __slots__ = ("_hash", "count")

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, digests: Sequence[bytes]) -> None:
        self._hash.update(b"".join(digests))
        self.count += len(digests)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


__all__ = ["ENTITIES", "FIELDS", "Flat", "RowsDigest", "differences", "digester", "flat_of_record",
           "flat_of_snapshot", "flattener", "id_list", "moment_text", "row_digest"]
