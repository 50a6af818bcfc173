"""The registry's tables checked against the audit log (ADR 0009).

Every row of an entity table must be what the last word about it says: its last event's
`after`, or, when the import that wrote it came later, the digest that import kept of it
(`audit_import_rows`, `registry.bulk.digests`). Per table, one statement joins each row with
its last event and its last import (the database's joins: nothing of the table is held in
memory), and one more finds what the log says exists but has no row. Then each import's kept
digests are compared with its event, so that the kept digests are vouched for by the chain.

Rows are compared as flat snapshots (`digests.FIELDS`), read raw from the driver and made
text here: a row changed past the application (a bad date on SQLite, an unknown enum value)
is reported, never a reason for the check to fail. Findings name fields and events, never a
value.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    String,
    Table,
    and_,
    exists,
    func,
    insert,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from ..registry.audit import AuditCheck, Finding, RecordedCheck, TableFinding
from ..registry.bulk.digests import (
    FIELDS,
    Flat,
    differences,
    flat_of_snapshot,
    id_list,
    moment_text,
    row_digest,
)
from ..registry.identifiers import mask_national_number
from . import audit
from .audit import audit_checks, audit_events, audit_import_rows
from .orm import (
    dossiers,
    legal_representatives,
    local_admins,
    mandates,
    organisations,
    persons,
    right_requests,
    rights,
    work_relations,
)

#: Rows fetched at a time (a server-side cursor on PostgreSQL).
FETCH = 5000


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _day(value: Any) -> str | None:
    # SQLite keeps the ISO text the application wrote; PostgreSQL gives a date.
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)


def _moment(value: Any) -> str | None:
    if isinstance(value, str):  # SQLite: naive UTC text, as SQLAlchemy writes it
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        return moment_text(value if value.tzinfo else value.replace(tzinfo=UTC))
    return _text(value)


def _flag(value: Any) -> str | None:
    if value is True or value == 1:
        return "true"
    if value is False or value == 0:
        return "false"
    return _text(value)


def _national_number(value: Any) -> str | None:
    return mask_national_number(value) if isinstance(value, str) else _text(value)


#: Per entity: its table and, for each field of `FIELDS[entity]` but an organisation's
#: legal representatives (read apart), the column and how its raw value becomes text.
_COLUMNS: dict[str, tuple[Table, tuple[tuple[str, Callable[[Any], str | None]], ...]]] = {
    "person": (persons, (("id", _text), ("national_number", _national_number),
                         ("name", _text), ("has_eid", _flag))),
    "organisation": (organisations, (("id", _text), ("name", _text), ("entity_group", _text),
                                     ("enterprise_number", _text))),
    "work_relation": (work_relations, (
        ("id", _text), ("person_id", _text), ("organisation_id", _text), ("start_on", _day),
        ("end_on", _day), ("user_type", _text))),
    "right": (rights, (
        ("id", _text), ("work_relation_id", _text), ("kind", _text), ("granted_by", _text),
        ("start_on", _day), ("end_on", _day), ("withdrawn_on", _day),
        ("withdrawn_by", _text))),
    "local_admin": (local_admins, (
        ("id", _text), ("organisation_id", _text), ("person_id", _text),
        ("appointed_by", _text), ("start_on", _day), ("end_on", _day),
        ("withdrawn_on", _day))),
    "mandate": (mandates, (
        ("id", _text), ("giver_kind", _text), ("giver_id", _text), ("taker_kind", _text),
        ("taker_id", _text), ("start_on", _day), ("end_on", _day), ("created_by", _text),
        ("created_at", _moment), ("type", _text), ("giver_signed_by", _text),
        ("giver_signed_at", _moment), ("taker_signed_by", _text),
        ("taker_signed_at", _moment), ("stopped_by", _text), ("stopped_at", _moment),
        ("transferred_to_kind", _text), ("transferred_to_id", _text),
        ("successor_id", _text), ("pending_transfer_to_kind", _text),
        ("pending_transfer_to_id", _text), ("predecessor_id", _text))),
    "dossier": (dossiers, (("id", _text), ("applicant_kind", _text), ("applicant_id", _text),
                           ("title", _text), ("status", _text))),
    "right_request": (right_requests, (
        ("id", _text), ("organisation_id", _text), ("work_relation_id", _text),
        ("person_id", _text), ("kind", _text), ("requested_at", _moment),
        ("decided_by", _text), ("decided_at", _moment), ("granted", _flag),
        ("right_id", _text))),
}
assert all(len(columns) + (entity == "organisation") == len(FIELDS[entity])
           for entity, (_, columns) in _COLUMNS.items())


@dataclass
class _Findings:
    """What the check found, up to `limit` named, all counted."""

    limit: int | None
    found: list[TableFinding] = field(default_factory=list)
    more: int = 0
    rows: int = 0

    def add(self, entity: str, key: str, problem: Finding, detail: str) -> None:
        if self.limit is None or len(self.found) < self.limit:
            self.found.append(TableFinding(entity, key, problem, detail))
        else:
            self.more += 1


def _event(seq: int, action: str) -> str:
    return f"event {seq} ({action})"


def _representatives(session: Session) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for org_id, person_id in session.execute(select(legal_representatives.c.organisation_id,
                                                    legal_representatives.c.person_id)):
        found.setdefault(org_id, []).append(person_id)
    return found


def _streamed(session: Session, statement: Any) -> Iterator[Row[Any]]:
    with session.execute(statement, execution_options={"yield_per": FETCH}) as result:
        yield from result


def _check_entity(session: Session, entity: str, findings: _Findings) -> None:
    table, columns = _COLUMNS[entity]
    events, imports = audit_events, audit_events.alias("import_event")
    latest = (select(events.c.entity_id.label("key"), func.max(events.c.seq).label("seq"))
              .where(events.c.entity == entity).group_by(events.c.entity_id)
              .subquery("latest"))
    event = events.alias("event")
    # The digests kept of this entity's rows by imports the log holds; the latest per id.
    kept = (select(audit_import_rows.c.entity_id.label("key"), imports.c.seq,
                   imports.c.entity_id.label("import_id"), audit_import_rows.c.digest)
            .join_from(audit_import_rows, imports,
                       and_(imports.c.entity == "import",
                            imports.c.entity_id == audit_import_rows.c.import_id))
            .where(audit_import_rows.c.entity == entity).subquery("kept"))
    ranked = select(kept, func.row_number().over(partition_by=kept.c.key,
                                                 order_by=kept.c.seq.desc()).label("rank")
                    ).subquery("ranked")
    vouched = (select(ranked.c.key, ranked.c.seq, ranked.c.import_id, ranked.c.digest)
               .where(ranked.c.rank == 1).subquery("vouched"))
    raw = [type_coerce(table.c[name], String).label(f"c{i}")
           for i, (name, _) in enumerate(columns)]
    statement = (
        select(*raw, latest.c.seq.label("event_seq"), event.c.action.label("event_action"),
               event.c.after.label("event_after"), vouched.c.seq.label("import_seq"),
               vouched.c.import_id, vouched.c.digest)
        .select_from(table.outerjoin(latest, latest.c.key == table.c.id)
                     .outerjoin(event, event.c.seq == latest.c.seq)
                     .outerjoin(vouched, vouched.c.key == table.c.id)))
    convert = [make_text for _, make_text in columns]
    width = len(convert)
    representatives = _representatives(session) if entity == "organisation" else None
    for row in _streamed(session, statement):
        values = [make_text(value) for make_text, value in zip(convert, row[:width],
                                                               strict=True)]
        key = values[0] or ""
        if representatives is not None:
            values.append(id_list(representatives.get(key, ())))
        findings.rows += 1
        _compare(entity, key, tuple(values), row, findings)
    _gone(session, entity, table, latest, event, kept, findings)


def _compare(entity: str, key: str, flat: Flat, row: Row[Any], findings: _Findings) -> None:
    event_seq, import_seq = row.event_seq, row.import_seq
    if event_seq is None and import_seq is None:
        findings.add(entity, key, "unrecorded",
                     "exists, but no event records it and no import wrote it")
    elif import_seq is None or (event_seq is not None and event_seq > import_seq):
        after = row.event_after
        if not isinstance(after, Mapping):
            findings.add(entity, key, "unrecorded",
                         f"exists, but {_event(event_seq, row.event_action)} removed it")
            return
        expected = flat_of_snapshot(entity, after)
        if flat != expected:
            differ = differences(entity, flat, expected)
            findings.add(entity, key, "differs",
                         f"{', '.join(differ)} differ{'s' if len(differ) == 1 else ''} from "
                         f"{_event(event_seq, row.event_action)}")
    elif row_digest(entity, flat) != bytes(row.digest):
        findings.add(entity, key, "differs",
                     f"is not what import {row.import_id} (event {import_seq}) wrote")


def _gone(session: Session, entity: str, table: Table, latest: Any, event: Any,
          kept: Any, findings: _Findings) -> None:
    """What the last word about an id says exists, though its row is gone."""
    no_row = ~exists().where(table.c.id == latest.c.key)
    last: dict[str, tuple[int, str]] = {}
    for key, seq, action, after in session.execute(
            select(latest.c.key, latest.c.seq, event.c.action, event.c.after)
            .join_from(latest, event, event.c.seq == latest.c.seq).where(no_row)):
        if isinstance(after, Mapping):
            last[key] = (seq, f"{_event(seq, action)} says it exists, but its row is gone")
        else:
            last[key] = (seq, "")
    for key, seq, import_id in session.execute(
            select(kept.c.key, kept.c.seq, kept.c.import_id)
            .where(~exists().where(table.c.id == kept.c.key))):
        if key not in last or last[key][0] < seq:
            last[key] = (seq, f"import {import_id} (event {seq}) wrote it, but its row is gone")
    for key, (_, detail) in sorted(last.items()):
        if detail:
            findings.add(entity, key, "missing", detail)


def _check_imports(session: Session, findings: _Findings) -> None:
    """Each import's kept row digests must be those its event records, all of them."""
    events: dict[str, tuple[int, Mapping[str, Any]]] = {
        key: (seq, after if isinstance(after, Mapping) else {})
        for key, seq, after in session.execute(
            select(audit_events.c.entity_id, audit_events.c.seq, audit_events.c.after)
            .where(audit_events.c.entity == "import"))}
    kept: dict[str, tuple[int, str]] = {}
    current, digest, count = None, hashlib.sha256(), 0
    for row in _streamed(session, select(audit_import_rows.c.import_id,
                                         audit_import_rows.c.digest)
                         .order_by(audit_import_rows.c.import_id,
                                   audit_import_rows.c.position)):
        if row.import_id != current:
            if current is not None:
                kept[current] = (count, digest.hexdigest())
            current, digest, count = row.import_id, hashlib.sha256(), 0
        digest.update(row.digest)
        count += 1
    if current is not None:
        kept[current] = (count, digest.hexdigest())
    for import_id, (count, _) in sorted(kept.items()):
        if import_id not in events:
            findings.add("import", import_id, "unrecorded",
                         f"{count} row digests are kept for an import the log does not hold")
    for import_id, (seq, after) in sorted(events.items(), key=lambda item: item[1][0]):
        recorded = after.get("rows_digest")
        if recorded is None:  # an import before migration 0005 kept no digests
            continue
        count, hexdigest = kept.get(import_id, (0, hashlib.sha256().hexdigest()))
        if (count, hexdigest) != (after.get("rows"), recorded):
            findings.add("import", import_id, "differs",
                         f"its {count} kept row digests are not the {after.get('rows')} "
                         f"event {seq} records: they were changed afterwards")


@dataclass(frozen=True, slots=True)
class TablesCheck:
    rows_checked: int
    findings: tuple[TableFinding, ...]
    more_findings: int


def check_tables(session: Session, limit: int | None = None) -> TablesCheck:
    """Compare every row of the registry's tables, and each import's kept digests, with the
    log; names at most `limit` findings (None: all) and counts the rest."""
    findings = _Findings(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Every row is read: plan for all of them, not for the first tenth (the default for a
        # cursor, which chose nested loops over the window of kept digests: minutes at 1M).
        session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    for entity in _COLUMNS:
        _check_entity(session, entity, findings)
    _check_imports(session, findings)
    return TablesCheck(findings.rows, tuple(findings.found), findings.more)


class SqlAuditLog:
    """The `AuditLog` port on the database: each check in a read transaction of its own (on
    PostgreSQL one snapshot: the chain and the tables are compared as of the same moment);
    its outcome recorded in a writer's (`writers`, the readers' sessions when not given)."""

    def __init__(self, sessions: Callable[[], Session],
                 writers: Callable[[], Session] | None = None) -> None:
        self._sessions = sessions
        self._writers = writers or sessions

    def record(self, check: AuditCheck, at: datetime) -> None:
        with self._writers() as session, session.begin():
            session.execute(insert(audit_checks).values(
                at=at, events=check.checked, chain_ok=check.chain_ok,
                tables_ok=check.tables_ok))

    def last_check(self) -> RecordedCheck | None:
        with self._sessions() as session:
            row = session.execute(select(audit_checks).order_by(audit_checks.c.seq.desc())
                                  .limit(1)).mappings().first()
        if row is None:
            return None
        return RecordedCheck(row["at"], row["events"], row["chain_ok"], row["tables_ok"])

    def verify(self, limit: int | None = None) -> AuditCheck:
        with self._sessions() as session:
            chain = audit.verify(session)
            tables = check_tables(session, limit)
        return dataclasses.replace(chain, rows_checked=tables.rows_checked,
                                   findings=tables.findings,
                                   more_findings=tables.more_findings)



__all__ = ["SqlAuditLog", "TablesCheck", "check_tables"]
