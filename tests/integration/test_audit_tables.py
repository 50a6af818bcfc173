"""The audit vouches for the tables: `SqlAuditLog.verify` compares every row with the log.

A registry made of the demo (through the use cases), an import of every kind (one event per
file, a digest per row kept beside the log) and changes of imported rows afterwards (events
whose `before` is the imported row) verifies clean. A row changed, inserted or deleted past
the application, an imported row edited, and the kept digests rewritten are each named.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from mandaatwijzer.adapters.audit import audit_events, audit_import_rows
from mandaatwijzer.adapters.audit_tables import SqlAuditLog
from mandaatwijzer.adapters.database import reading, session_factory
from mandaatwijzer.adapters.sql import SqlUnitOfWork
from mandaatwijzer.registry import bulk, demo, services
from mandaatwijzer.registry.audit import AuditCheck
from mandaatwijzer.registry.bulk import csv_formats, digests
from mandaatwijzer.registry.ports import Clock

from . import tampering

#: Not UTC on purpose: the events' moments are written in this offset, the rows' in UTC.
NOW = datetime(2026, 6, 1, 11, 0, tzinfo=timezone(timedelta(hours=2)))
DAY = "2026-01-05"
AT = "2026-01-05T09:00:00+00:00"


def _number(serial: int) -> str:
    return demo.national_number(date(1971, 2, 3), serial)


IMPORTS = {
    "persons": "id,national_number,name,has_eid\n" + "".join(
        f"P-imp-{i},{_number(600 + i)},{name},{eid}\n" for i, (name, eid) in enumerate(
            [("Ilse Import", "true"), ("Ivo Import", "true"), ("Iris Import", "true"),
             ("Ida Import", "false")], start=1)),
    "organisations": "id,name,entity_group,enterprise_number,legal_representatives\n"
                     f"O-imp-1,Import Diensten BV,economic_actor,"
                     f"{demo.enterprise_number('05550001')},P-imp-1\n"
                     "O-imp-2,Fanfare Import,de_facto_association,,P-imp-1;P-imp-4\n",
    "work-relations": "id,person_id,organisation_id,start,end,user_type\n"
                      f"WR-imp-1,P-imp-2,O-imp-1,{DAY},,employee\n"
                      f"WR-imp-2,P-imp-4,O-imp-1,{DAY},2026-12-31,trainee\n",
    "rights": "id,work_relation_id,kind,granted_by,start,end,withdrawn_on,withdrawn_by\n"
              f"R-imp-1,WR-imp-1,SSM Mandaatbeheerder,P-imp-1,{DAY},,,\n"
              f"R-imp-2,WR-imp-2,SSM Mandaatuitvoerder,P-imp-1,{DAY},,2026-02-01,P-imp-1\n",
    "mandates": "id,giver_kind,giver_id,taker_kind,taker_id,start,end,created_by,created_at,"
                "giver_signed_by,giver_signed_at,taker_signed_by,taker_signed_at,type\n"
                f"M-imp-1,person,P-imp-3,organisation,O-imp-1,{DAY},,P-imp-3,{AT},"
                f"P-imp-3,{AT},P-imp-2,{AT},KIOSK\n"
                f"M-imp-2,person,P-imp-1,organisation,O-imp-1,{DAY},,P-imp-1,{AT},"
                f"P-imp-1,{AT},,,KIOSK\n"
                f"M-imp-3,person,P-imp-4,organisation,O-imp-1,{DAY},2027-01-01,P-imp-2,"
                f"2026-01-05T10:00:00+01:00,,,P-imp-2,{AT},eBox\n",
}


@dataclass
class Registry:
    engine: Engine
    uow: SqlUnitOfWork
    imports: dict[str, str]  # kind -> the import's id

    def verify(self, limit: int | None = None) -> AuditCheck:
        return SqlAuditLog(session_factory(reading(self.engine))).verify(limit)

    def event_seq(self, entity: str, key: str) -> int:
        with self.engine.connect() as connection:
            found = connection.scalar(select(audit_events.c.seq).where(
                audit_events.c.entity == entity, audit_events.c.entity_id == key)
                .order_by(audit_events.c.seq.desc()).limit(1))
        assert isinstance(found, int)
        return found

    def demo_id(self, table: str, offset: int = 0) -> str:
        with self.engine.connect() as connection:
            found = connection.scalar(text(
                f"SELECT id FROM {table} WHERE id NOT LIKE '%imp%' ORDER BY seq "
                f"LIMIT 1 OFFSET {offset}"))
        assert isinstance(found, str)
        return found

    def sql(self, *statements: str) -> None:
        with self.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))


@pytest.fixture
def registry(engine: Engine) -> Registry:
    """The demo, an import of every kind, then changes of imported rows."""
    uow = SqlUnitOfWork(session_factory(engine))
    demo.load(uow, Clock(NOW))
    imports: dict[str, str] = {}
    for name, csv in IMPORTS.items():
        fmt = csv_formats.FORMATS[name]
        report = bulk.import_records(uow, Clock(NOW), fmt.kind,
                                     csv_formats.read(fmt, io.StringIO(csv)), batch_size=1)
        assert report.imported == csv.count("\n") - 1
        with engine.connect() as connection:
            imports[name] = str(connection.scalar(
                select(audit_events.c.entity_id).where(audit_events.c.entity == "import")
                .order_by(audit_events.c.seq.desc()).limit(1)))
    later = Clock(NOW + timedelta(hours=1))
    services.sign_mandate(uow, later, "P-imp-2", "M-imp-2")  # an awaiting one, signed
    services.stop_mandate(uow, later, "P-imp-3", "M-imp-1")  # an active one, stopped
    services.grant_right(uow, later, "P-imp-1", "WR-imp-1", "SSM Mandaatuitvoerder")
    return Registry(engine, uow, imports)


def _found(check: AuditCheck) -> set[tuple[str, str, str]]:
    return {(f.entity, f.entity_id, f.problem) for f in check.findings}


def _rows(engine: Engine) -> int:
    tables = ("persons", "organisations", "work_relations", "rights", "local_admins",
              "mandates", "dossiers", "right_requests")
    with engine.connect() as connection:
        return sum(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0
                   for table in tables)


def test_an_untouched_registry_verifies_clean(registry: Registry) -> None:
    check = registry.verify()
    assert check.ok, [str(f) for f in check.findings]
    assert check.checked > 90
    assert check.rows_checked == _rows(registry.engine) > 80
    with registry.engine.connect() as connection:
        kept = connection.scalar(text("SELECT count(*) FROM audit_import_rows"))
    assert kept == sum(csv.count("\n") - 1 for csv in IMPORTS.values())


def test_a_right_inserted_straight_into_the_table_is_named(registry: Registry) -> None:
    relation, person = registry.demo_id("work_relations"), registry.demo_id("persons")
    registry.sql("INSERT INTO rights (id, work_relation_id, kind, granted_by, start_on) "
                 f"VALUES ('R-sneaky', '{relation}', 'SSM Mandaatbeheerder', '{person}', "
                 "'2026-01-01')")
    check = registry.verify()
    assert not check.ok
    assert check.chain_ok
    [finding] = check.findings
    assert (finding.entity, finding.entity_id, finding.problem) == (
        "right", "R-sneaky", "unrecorded")
    assert finding.detail == "exists, but no event records it and no import wrote it"


def test_a_name_changed_by_sql_is_named_with_the_field_and_its_event(
        registry: Registry) -> None:
    person = registry.demo_id("persons", 2)
    registry.sql(f"UPDATE persons SET name = 'Someone Else', sort_name = 'someone else' "
                 f"WHERE id = '{person}'")
    [finding] = registry.verify().findings
    seq = registry.event_seq("person", person)
    assert str(finding) == (f"person {person}: differs: name differs from event {seq} "
                            "(register_person)")


def test_a_national_number_changed_by_sql_is_named_without_showing_it(
        registry: Registry) -> None:
    person = registry.demo_id("persons")
    other = _number(900)
    registry.sql(f"UPDATE persons SET national_number = '{other}' WHERE id = '{person}'")
    [finding] = registry.verify().findings
    assert (finding.entity_id, finding.problem) == (person, "differs")
    assert finding.detail.startswith("national_number differs from event ")
    assert other[:9] not in str(finding)


def test_rows_deleted_by_sql_are_named_whether_an_event_or_an_import_wrote_them(
        registry: Registry) -> None:
    dossier = registry.demo_id("dossiers", 1)
    registry.sql(f"DELETE FROM dossiers WHERE id = '{dossier}'",
                 "DELETE FROM rights WHERE id = 'R-imp-2'")
    check = registry.verify()
    assert _found(check) == {("dossier", dossier, "missing"), ("right", "R-imp-2", "missing")}
    details = {f.entity_id: f.detail for f in check.findings}
    assert details[dossier] == (f"event {registry.event_seq('dossier', dossier)} (add_dossier) "
                                "says it exists, but its row is gone")
    assert details["R-imp-2"].startswith(f"import {registry.imports['rights']} (event ")
    assert details["R-imp-2"].endswith(") wrote it, but its row is gone")


@pytest.mark.parametrize(("statement", "entity", "key"), [
    ("UPDATE mandates SET end_on = '2030-01-01' WHERE id = 'M-imp-3'", "mandate", "M-imp-3"),
    ("UPDATE persons SET has_eid = NOT has_eid WHERE id = 'P-imp-4'", "person", "P-imp-4"),
    ("DELETE FROM legal_representatives WHERE organisation_id = 'O-imp-2' "
     "AND person_id = 'P-imp-4'", "organisation", "O-imp-2"),
    ("UPDATE work_relations SET user_type = 'admin' WHERE id = 'WR-imp-2'", "work_relation",
     "WR-imp-2"),
])
def test_an_imported_row_edited_is_named_with_its_import(
        registry: Registry, statement: str, entity: str, key: str) -> None:
    registry.sql(statement)
    [finding] = registry.verify().findings
    kind = {"mandate": "mandates", "person": "persons", "organisation": "organisations",
            "work_relation": "work-relations"}[entity]
    import_id = registry.imports[kind]
    assert str(finding) == (f"{entity} {key}: differs: is not what import {import_id} "
                            f"(event {registry.event_seq('import', import_id)}) wrote")


def test_an_imported_row_changed_since_is_compared_with_its_last_event(
        registry: Registry) -> None:
    registry.sql("UPDATE mandates SET type = 'eBox', stopped_by = NULL, stopped_at = NULL "
                 "WHERE id = 'M-imp-1'")
    [finding] = registry.verify().findings
    seq = registry.event_seq("mandate", "M-imp-1")
    assert str(finding) == (f"mandate M-imp-1: differs: type, stopped_by, stopped_at differ "
                            f"from event {seq} (stop_mandate)")


def test_an_imported_row_edited_with_its_kept_digest_is_caught_at_its_import(
        registry: Registry) -> None:
    edited = bulk.WorkRelationRecord("WR-imp-1", "P-imp-2", "O-imp-1", date(2026, 1, 5),
                                     None, "admin")
    digest = digests.row_digest("work_relation", digests.flat_of_record(edited))
    with registry.engine.begin() as connection:
        connection.execute(text("UPDATE work_relations SET user_type = 'admin' "
                                "WHERE id = 'WR-imp-1'"))
        restore = tampering.lift_guard(connection, "audit_import_rows")
        connection.execute(audit_import_rows.update()
                           .where(audit_import_rows.c.entity_id == "WR-imp-1")
                           .values(digest=digest))
        restore()
    [finding] = registry.verify().findings
    import_id = registry.imports["work-relations"]
    seq = registry.event_seq("import", import_id)
    assert str(finding) == (f"import {import_id}: differs: its 2 kept row digests are not the "
                            f"2 event {seq} records: they were changed afterwards")


def test_digests_kept_for_an_import_the_log_does_not_hold_vouch_for_nothing(
        registry: Registry) -> None:
    person = registry.demo_id("persons")
    relation = bulk.WorkRelationRecord("WR-forged", person, "O-imp-1", date(2026, 1, 5))
    digest = digests.row_digest("work_relation", digests.flat_of_record(relation))
    registry.sql("INSERT INTO work_relations (id, person_id, organisation_id, start_on, "
                 f"user_type) VALUES ('WR-forged', '{person}', 'O-imp-1', '2026-01-05', "
                 "'employee')")
    with registry.engine.begin() as connection:
        connection.execute(audit_import_rows.insert().values(
            import_id="I-forged", position=0, entity="work_relation", entity_id="WR-forged",
            digest=digest))
    assert _found(registry.verify()) == {("work_relation", "WR-forged", "unrecorded"),
                                         ("import", "I-forged", "unrecorded")}


def test_a_broken_chain_and_tampered_tables_are_both_reported(registry: Registry) -> None:
    def edit(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[4] = {**rows[4], "actor": "P-intruder"}
        return rows

    tampering.rewrite(registry.engine, edit)
    registry.sql("DELETE FROM dossiers WHERE id = "
                 f"'{registry.demo_id('dossiers')}'")
    check = registry.verify()
    assert (check.chain_ok, check.seq, check.problem) == (False, 5, "edited")
    assert [f.problem for f in check.findings] == ["missing"]


def test_findings_past_the_limit_are_counted(registry: Registry) -> None:
    registry.sql("UPDATE persons SET name = name || '!'")
    everything = registry.verify()
    assert everything.findings_total == len(everything.findings) > 30
    capped = registry.verify(limit=3)
    assert (len(capped.findings), capped.findings_total) == (3, everything.findings_total)
    assert capped.more_findings == everything.findings_total - 3
