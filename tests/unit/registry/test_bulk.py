"""CSV import and export: every validation message (row, column, problem), all or nothing,
and the round trip export → import → export."""

from __future__ import annotations

import dataclasses
import io
import random
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mandaatwijzer.registry import bulk, rules
from mandaatwijzer.registry.bulk import (
    ImportRefusedError,
    RowError,
    checks,
    csv_formats,
    csv_mandates,
    mandate_checks,
)
from mandaatwijzer.registry.model import EntityGroup, MandateStatus, Party, PartyKind, RightKind

from .scenario import TODAY, World, enterprise_number, national_number, standard_cast

DOCS = Path(__file__).parents[3] / "docs" / "registry.md"
NN = national_number(1)
NN_DOTTED = f"{NN[:2]}.{NN[2:4]}.{NN[4:6]}-{NN[6:9]}.{NN[9:]}"
EN = enterprise_number(1)


def parse(fmt: csv_formats.Format[bulk.R], text: str) -> list[bulk.Parsed]:
    return list(csv_formats.read(fmt, io.StringIO(text)))


def errors_of(fmt: csv_formats.Format[bulk.R], text: str) -> list[tuple[int, str | None, str]]:
    return [(e.row, e.column, str(e)) for p in parse(fmt, text) for e in p.errors]


def refused(world: World, fmt: csv_formats.Format[bulk.R], text: str, **options: int
            ) -> list[RowError]:
    before = world.state()
    with pytest.raises(ImportRefusedError) as caught:
        bulk.import_records(world.uow, world.clock, fmt.kind,
                            csv_formats.read(fmt, io.StringIO(text)), **options)
    assert world.state() == before, "a refused import changed nothing"
    assert caught.value.exit_code == 6
    return list(caught.value.report.errors)


def imported(world: World, fmt: csv_formats.Format[bulk.R], text: str, **options: int
             ) -> bulk.ImportReport:
    return bulk.import_records(world.uow, world.clock, fmt.kind,
                               csv_formats.read(fmt, io.StringIO(text)), **options)


# --- every message of the row checks -------------------------------------------------------

MANDATE_HEAD = ("id,giver_kind,giver_id,taker_kind,taker_id,start,end,created_by,created_at,"
                "giver_signed_by,giver_signed_at,taker_signed_by,taker_signed_at,stopped_by,"
                "stopped_at,transferred_to,successor_id,pending_transfer_to,predecessor_id,"
                "type\n")
AT = "2025-03-03T09:00:00+00:00"
SIGNED = f"P-1,{AT},P-2,{AT}"


def mandate_row(**cells: str) -> str:
    values = {"id": "M-1", "giver_kind": "person", "giver_id": "P-1",
              "taker_kind": "organisation", "taker_id": "O-1", "start": "2025-03-03",
              "end": "", "created_by": "P-1", "created_at": AT, "giver_signed_by": "P-1",
              "giver_signed_at": AT, "taker_signed_by": "P-2", "taker_signed_at": AT,
              "stopped_by": "", "stopped_at": "", "transferred_to": "", "successor_id": "",
              "pending_transfer_to": "", "predecessor_id": "", "type": ""}
    values.update(cells)
    return MANDATE_HEAD + ",".join(values[name] for name in MANDATE_HEAD.strip().split(","))


CASES = [
    # persons
    (csv_formats.PERSONS, "national_number,name\n,An\n", 2, "national_number",
     "row 2, column national_number: is empty; expected a national register number or BIS "
     "number"),
    (csv_formats.PERSONS, f"national_number,name\n{NN[:-1]},An\n", 2, "national_number",
     "row 2, column national_number: has 10 digits; expected 11 digits (YY.MM.DD-sss.CC)"),
    (csv_formats.PERSONS, f"national_number,name\n{NN[:-2]}00,An\n", 2, "national_number",
     "row 2, column national_number: the check digits do not match the first 9 digits; "
     "expected the last two digits to be 97 - (the first 9 digits mod 97), with a 2 put in "
     "front of them for births from 2000"),
    (csv_formats.PERSONS, f"national_number,name\n{NN},\n", 2, "name",
     "row 2, column name: is empty; expected the person's name"),
    (csv_formats.PERSONS, f"national_number,name,has_eid\n{NN},An,misschien\n", 2, "has_eid",
     "row 2, column has_eid: 'misschien' is not true or false; expected true or false"),
    (csv_formats.PERSONS, f"id,national_number,name\n{NN_DOTTED},{NN},An\n", 2, "id",
     "row 2, column id: looks like a national register number, which is no id; expected an "
     "id that carries no personal data"),
    (csv_formats.PERSONS, f"id,national_number,name\nP 1,{NN},An\n", 2, "id",
     "row 2, column id: is not an id; expected 1 to 64 letters, digits, '.', '_' or '-', "
     "starting with a letter or digit"),
    # organisations
    (csv_formats.ORGANISATIONS, "name,entity_group\nPro BV,bedrijf\n", 2, "entity_group",
     "row 2, column entity_group: 'bedrijf' is not allowed here; expected one of: "
     "economic_actor, local_government, organising_authority, de_facto_association, "
     "foreign_organisation"),
    (csv_formats.ORGANISATIONS, "name,entity_group\nPro BV,\n", 2, "entity_group",
     "row 2, column entity_group: is empty; expected one of: economic_actor, "),
    (csv_formats.ORGANISATIONS, "name,entity_group\nPro BV,economic_actor\n", 2,
     "enterprise_number", "row 2, column enterprise_number: is empty for an economic actor; "
     "expected a KBO enterprise number"),
    (csv_formats.ORGANISATIONS, "name,entity_group,enterprise_number\nGemeente,local_government,"
     "0403.170.702\n", 2, "enterprise_number",
     "row 2, column enterprise_number: the check digits of 0403.170.702 do not match its "
     "first 8 digits; expected the last two digits to be 97 - (the first 8 digits mod 97)"),
    (csv_formats.ORGANISATIONS, "name,entity_group,enterprise_number\nVestiging,economic_actor,"
     "2.000.000.141\n", 2, "enterprise_number",
     "row 2, column enterprise_number: 2.000.000.141 is an establishment unit number, not an "
     "enterprise number; expected a number starting with 0 or 1"),
    (csv_formats.ORGANISATIONS, f"name,entity_group,enterprise_number\nFanfare,"
     f"de_facto_association,{EN}\n", 2, "enterprise_number",
     "row 2, column enterprise_number: is given for a de facto association; expected none: "
     "this entity group has no enterprise number of its own"),
    (csv_formats.ORGANISATIONS, "name,entity_group,legal_representatives\nFanfare,"
     "de_facto_association,P-1;P-2;P-1\n", 2, "legal_representatives",
     "row 2, column legal_representatives: lists 'P-1' twice; expected each person once"),
    (csv_formats.ORGANISATIONS, "name,entity_group,legal_representatives\nFanfare,"
     "de_facto_association,P-1;P 2\n", 2, "legal_representatives",
     "row 2, column legal_representatives: is not an id; expected 1 to 64 letters"),
    # work relations
    (csv_formats.WORK_RELATIONS, "person_id,organisation_id,start,end\nP-1,O-1,2025-03-03,"
     "2025-03-02\n", 2, "end", "row 2, column end: 2025-03-02 lies before the start "
     "2025-03-03; expected a date on or after the start"),
    (csv_formats.WORK_RELATIONS, "person_id,organisation_id,start\nP-1,O-1,3 maart\n", 2, "start",
     "row 2, column start: '3 maart' is not a date; expected a date as YYYY-MM-DD"),
    (csv_formats.WORK_RELATIONS, "person_id,organisation_id,start\nP-1,O-1,\n", 2, "start",
     "row 2, column start: is empty; expected a date as YYYY-MM-DD"),
    (csv_formats.WORK_RELATIONS, "person_id,organisation_id,start\n,O-1,2025-03-03\n", 2,
     "person_id", "row 2, column person_id: is empty; expected an id"),
    # rights
    (csv_formats.RIGHTS, "work_relation_id,kind,granted_by,start\nWR-1,Mandaatbeheerder,P-1,"
     "2025-03-03\n", 2, "kind", "row 2, column kind: 'Mandaatbeheerder' is not allowed here; "
     "expected one of: SSM Mandaatbeheerder, SSM Mandaatuitvoerder, KIOSK Aanvrager"),
    (csv_formats.RIGHTS, "work_relation_id,kind,granted_by,start,withdrawn_on\nWR-1,KIOSK "
     "Aanvrager,P-1,2025-03-03,2025-04-01\n", 2, "withdrawn_by",
     "row 2, column withdrawn_by: is empty while withdrawn_on is filled in; expected both "
     "withdrawn_on and withdrawn_by, or neither"),
    # mandates
    (csv_formats.MANDATES, mandate_row(giver_kind="persoon"), 2, "giver_kind",
     "row 2, column giver_kind: 'persoon' is not allowed here; expected one of: person, "
     "organisation"),
    (csv_formats.MANDATES, mandate_row(taker_kind="person", taker_id="P-1"), 2, "taker_id",
     "row 2, column taker_id: is the giver; expected another person or a service provider"),
    (csv_formats.MANDATES, mandate_row(created_at="2025-03-03T09:00:00"), 2, "created_at",
     "row 2, column created_at: '2025-03-03T09:00:00' has no offset from UTC; expected a "
     "moment in ISO 8601 with its offset, e.g. 2025-03-03T09:00:00+00:00"),
    (csv_formats.MANDATES, mandate_row(created_at="gisteren"), 2, "created_at",
     "row 2, column created_at: 'gisteren' is not a moment; expected a moment in ISO 8601"),
    (csv_formats.MANDATES, mandate_row(taker_signed_at=""), 2, "taker_signed_at",
     "row 2, column taker_signed_at: is empty while taker_signed_by is filled in; expected "
     "both taker_signed_by and taker_signed_at, or neither"),
    (csv_formats.MANDATES, mandate_row(giver_signed_by="", giver_signed_at="", taker_signed_by="",
                                 taker_signed_at=""), 2, "giver_signed_by",
     "row 2, column giver_signed_by: neither side signed; expected the signature of at least "
     "the side that created the mandate"),
    (csv_formats.MANDATES, mandate_row(stopped_by="P-1"), 2, "stopped_at",
     "row 2, column stopped_at: is empty while stopped_by is filled in"),
    (csv_formats.MANDATES, mandate_row(transferred_to="O-2"), 2, "successor_id",
     "row 2, column successor_id: is empty while transferred_to is filled in; expected both "
     "transferred_to and successor_id, or neither"),
    (csv_formats.MANDATES, mandate_row(taker_signed_by="", taker_signed_at="",
                                 pending_transfer_to="O-2"), 2, "pending_transfer_to",
     "row 2, column pending_transfer_to: is filled in for a mandate that was never active; "
     "expected a transfer only of a mandate both sides signed"),
    (csv_formats.MANDATES, mandate_row(stopped_by="P-1", stopped_at=AT, pending_transfer_to="O-2"),
     2, "pending_transfer_to", "row 2, column pending_transfer_to: is filled in for a stopped "
     "mandate; expected a transfer only of a mandate that was not stopped"),
    (csv_formats.MANDATES, mandate_row(pending_transfer_to="O-1"), 2, "pending_transfer_to",
     "row 2, column pending_transfer_to: is the taker itself; expected another service "
     "provider"),
    (csv_formats.MANDATES, mandate_row(transferred_to="O-2", successor_id="M-2",
                                 pending_transfer_to="O-3"), 2, "pending_transfer_to",
     "row 2, column pending_transfer_to: is filled in for a mandate that was transferred"),
    (csv_formats.MANDATES, mandate_row(predecessor_id="M-1"), 2, "predecessor_id",
     "row 2, column predecessor_id: is the mandate itself; expected the id of another mandate"),
    (csv_formats.MANDATES, mandate_row(type="X" * 21), 2, "type",
     "row 2, column type: is longer than 20 characters; expected a mandate type such as KIOSK"),
    # the shape of the file
    (csv_formats.PERSONS, "", 1, None, "row 1: the file is empty; expected a header row: "
     "id,national_number,name,has_eid"),
    (csv_formats.PERSONS, "national_number,name,email\n", 1, "email",
     "row 1, column email: is not a column of persons; expected columns among: id, "
     "national_number, name, has_eid"),
    (csv_formats.PERSONS, "national_number,name,name\n", 1, "name",
     "row 1, column name: is named twice; expected each column once"),
    (csv_formats.PERSONS, "name\n", 1, "national_number",
     "row 1, column national_number: is missing; expected a column national_number: "),
    (csv_formats.PERSONS, f"national_number,name\n{NN},An,extra\n", 2, None,
     "row 2: has 3 cells; expected 2, one per column of the header"),
]


@pytest.mark.parametrize(("fmt", "text", "row", "column", "message"), CASES,
                         ids=[f"{case[0].name}-{case[3]}-{i}" for i, case in enumerate(CASES)])
def test_each_bad_cell_is_named_by_row_and_column_with_what_is_wrong_and_expected(
        fmt: csv_formats.Format[bulk.R], text: str, row: int, column: str | None,
        message: str) -> None:
    found = errors_of(fmt, text)
    assert [(r, c) for r, c, _ in found] == [(row, column)]
    assert found[0][2].startswith(message)


def test_no_message_quotes_a_national_number_given_anywhere() -> None:
    text = ("id,national_number,name,has_eid\n"
            f"{NN},{NN[:-2]}00,An,{NN}\n"
            f"P-2,{NN_DOTTED[:-1]},Bo,true\n"
            f"P-3,{NN}x,Cas,true\n")
    messages = " ".join(text for _, _, text in errors_of(csv_formats.PERSONS, text))
    digits = re.sub(r"\D", "", messages)
    assert NN[:9] not in digits
    assert len(errors_of(csv_formats.PERSONS, text)) == 5


def test_a_row_reports_every_bad_cell_and_every_row_is_checked() -> None:
    text = ("person_id,organisation_id,start,end\n"
            ",O-1,gisteren,\n"
            "P-1,O-1,2025-03-03,\n"
            "P-1,,2025-03-03,2025-01-01\n")
    assert [(row, column) for row, column, _ in errors_of(csv_formats.WORK_RELATIONS, text)] == [
        (2, "person_id"), (2, "start"), (4, "organisation_id"), (4, "end")]


def test_blank_lines_are_skipped_but_counted_like_a_spreadsheet_counts_rows() -> None:
    text = f"national_number,name\n\n,,\n{NN},An\n{NN},\n"
    parsed = parse(csv_formats.PERSONS, text)
    assert [p.row for p in parsed] == [4, 5]
    assert parsed[1].errors[0].row == 5


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out() -> None:
    [row] = parse(csv_formats.PERSONS, f"name,national_number\n An Peeters ,{NN_DOTTED}\n")
    record = row.record
    assert isinstance(record, bulk.PersonRecord)
    assert (record.name, record.national_number, record.has_eid) == ("An Peeters", NN, True)
    assert record.id.startswith("P-")


def test_a_byte_order_mark_and_crlf_line_ends_are_read() -> None:
    data = f"\ufeffnational_number,name\r\n{NN},An\r\n".encode()
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    [row] = csv_formats.read(csv_formats.PERSONS, text)
    assert not row.errors


def test_moments_are_read_in_any_offset_and_kept_in_utc() -> None:
    [row] = parse(csv_formats.MANDATES, mandate_row(created_at="2025-03-03T10:00:00+01:00"))
    assert isinstance(row.record, bulk.MandateRecord)
    assert row.record.created_at.isoformat() == AT


# --- checks against the stored registry ------------------------------------------------------


def test_ids_and_national_numbers_are_unique_in_the_store_and_across_batches() -> None:
    world = World()
    stored = world.person("Stored")
    text = ("id,national_number,name\n"
            f"{stored.id},{national_number(2)},A\n"
            f"P-new,{stored.national_number.value},B\n"
            f"P-x,{national_number(3)},C\n"
            f"P-x,{national_number(4)},D\n"
            f"P-y,{national_number(3)},E\n"
            f"P-z,{national_number(3)},F\n")
    errors = refused(world, csv_formats.PERSONS, text, batch_size=5)
    assert [(e.row, e.column) for e in errors] == [
        (2, "id"), (3, "national_number"), (5, "id"), (6, "national_number"),
        (7, "national_number")]
    assert str(errors[2]) == ("row 5, column id: P-x is also on row 4; expected an id that is "
                              "not taken (or an empty cell, for a new id)")
    assert str(errors[3]) == ("row 6, column national_number: the same person is also on row "
                              "4; expected each person once")
    # Row 7 is in the next batch: the earlier one was written, in the same transaction.
    assert str(errors[4]).startswith("row 7, column national_number: a person with this "
                                     "number is registered already (stored, or on an earlier "
                                     "row)")


def test_enterprise_numbers_are_unique_and_representatives_must_be_stored() -> None:
    world = World()
    provider = world.provider("Pro BV")
    assert provider.enterprise_number is not None
    text = ("name,entity_group,enterprise_number,legal_representatives\n"
            f"Copy BV,economic_actor,{provider.enterprise_number},\n"
            f"New BV,economic_actor,{enterprise_number(7)},P-nobody\n"
            f"Twin BV,economic_actor,{enterprise_number(7)},\n")
    errors = refused(world, csv_formats.ORGANISATIONS, text)
    assert [str(e) for e in errors] == [
        f"row 2, column enterprise_number: {provider.enterprise_number} is registered already "
        "(stored, or on an earlier row); expected each organisation once",
        "row 3, column legal_representatives: no person P-nobody is stored; expected the id "
        "of a stored person",
        f"row 4, column enterprise_number: {enterprise_number(7)[:4]}.{enterprise_number(7)[4:7]}"
        f".{enterprise_number(7)[7:]} is also on row 3; expected each organisation once"]


def test_work_relations_and_rights_refer_to_stored_entities() -> None:
    cast = standard_cast()
    world = cast.world
    relation = world.relation(cast.provider, cast.colleague)
    errors = refused(world, csv_formats.WORK_RELATIONS,
                     "person_id,organisation_id,start\nP-nobody,O-nowhere,2025-03-03\n")
    assert [str(e) for e in errors] == [
        "row 2, column person_id: no person P-nobody is stored; expected the id of a stored "
        "person",
        "row 2, column organisation_id: no organisation O-nowhere is stored; expected the id "
        "of a stored organisation"]
    errors = refused(world, csv_formats.RIGHTS,
                     "work_relation_id,kind,granted_by,start,withdrawn_on,withdrawn_by\n"
                     f"WR-none,KIOSK Aanvrager,{cast.legal_rep.id},2025-03-03,,\n"
                     f"{relation.id},KIOSK Aanvrager,P-ghost,2025-03-03,2025-04-01,P-gone\n")
    assert [(e.row, e.column) for e in errors] == [
        (2, "work_relation_id"), (3, "granted_by"), (3, "withdrawn_by")]


def test_no_work_relation_with_an_organisation_outside_the_user_management() -> None:
    world = World()
    association = world.organisation("Fanfare", EntityGroup.DE_FACTO_ASSOCIATION)
    member = world.person("Lid")
    [error] = refused(world, csv_formats.WORK_RELATIONS, "person_id,organisation_id,start\n"
                      f"{member.id},{association.id},2025-03-03\n")
    assert (error.column, error.rule) == ("organisation_id", rules.IN_USER_MANAGEMENT)
    assert str(error) == ("row 2, column organisation_id: Fanfare is a de facto association, "
                          "which is managed inside KIOSK by its main representative, not in "
                          "the user management (rule: in_user_management)")


def test_a_right_starts_within_its_work_relation() -> None:
    world = World()
    org = world.provider("Pro BV")
    relation = world.employ(org, world.person("Medewerker"), start=TODAY,
                            end=date(2025, 12, 31))
    granter = world.representative(org).id
    errors = refused(world, csv_formats.RIGHTS, "work_relation_id,kind,granted_by,start\n"
                     f"{relation.id},SSM Mandaatuitvoerder,{granter},2025-03-02\n"
                     f"{relation.id},SSM Mandaatuitvoerder,{granter},2026-01-01\n")
    assert [str(e) for e in errors] == [
        f"row 2, column start: 2025-03-02 lies before the start of work relation {relation.id} "
        "(2025-03-03); expected a start within the work relation",
        f"row 3, column start: 2026-01-01 lies after the end of work relation {relation.id} "
        "(2025-12-31); expected a start within the work relation"]


def test_kiosk_aanvrager_is_refused_to_a_holder_without_eid_naming_the_rule() -> None:
    world = World()
    org = world.provider("Pro BV")
    holder = world.person("Zonder eID", eid=False)
    relation = world.employ(org, holder)
    [error] = refused(world, csv_formats.RIGHTS, "work_relation_id,kind,granted_by,start\n"
                      f"{relation.id},KIOSK Aanvrager,{world.representative(org).id},"
                      "2025-03-03\n")
    assert (error.row, error.column, error.rule) == (2, "kind",
                                                     rules.KIOSK_APPLICANT_NEEDS_EID)
    assert str(error) == ("row 2, column kind: Zonder eID has no Belgian eID, which ‘KIOSK "
                          "Aanvrager’ requires (rule: kiosk_applicant_needs_eid)")


def _mandate_world() -> tuple[World, dict[str, str]]:
    world = World()
    person = world.person("Anna")
    no_eid = world.person("Zeno", eid=False)
    provider = world.provider("Pro BV")
    other = world.provider("Ander BV")
    government = world.organisation("Gemeente", EntityGroup.LOCAL_GOVERNMENT)
    association = world.organisation("Fanfare", EntityGroup.DE_FACTO_ASSOCIATION)
    return world, {"person": person.id, "no_eid": no_eid.id, "provider": provider.id,
                   "other": other.id, "government": government.id,
                   "association": association.id,
                   "signer": world.representative(provider).id}


@pytest.mark.parametrize(("giver", "taker", "column", "rule"), [
    ("organisation:government", "organisation:provider", "taker_id",
     rules.NO_LOCAL_GOVERNMENT_MANDATE),
    ("organisation:association", "organisation:provider", "taker_id", rules.GIVER_MAY_GIVE),
    ("organisation:provider", "person:person", "taker_id",
     rules.ORGANISATION_GIVES_TO_PROVIDER),
    ("person:person", "person:no_eid", "taker_id", rules.TAKER_PERSON_NEEDS_EID),
    ("person:person", "organisation:government", "taker_id", rules.PROVIDER_IS_ECONOMIC_ACTOR),
])
def test_the_sides_of_an_imported_mandate_follow_the_rules_of_ssm(
        giver: str, taker: str, column: str, rule: str) -> None:
    world, ids = _mandate_world()
    giver_kind, giver_key = giver.split(":")
    taker_kind, taker_key = taker.split(":")
    text = mandate_row(giver_kind=giver_kind, giver_id=ids[giver_key], taker_kind=taker_kind,
                       taker_id=ids[taker_key], created_by=ids["signer"],
                       giver_signed_by=ids["signer"], taker_signed_by=ids["signer"])
    [error] = refused(world, csv_formats.MANDATES, text)
    assert (error.row, error.column, error.rule) == (2, column, rule)
    assert str(error).endswith(f"(rule: {rule})")


def test_a_transfer_target_must_be_a_service_provider_too() -> None:
    world, ids = _mandate_world()
    text = mandate_row(giver_id=ids["person"], taker_id=ids["provider"],
                       created_by=ids["person"], giver_signed_by=ids["person"],
                       taker_signed_by=ids["signer"], pending_transfer_to=ids["government"])
    [error] = refused(world, csv_formats.MANDATES, text)
    assert (error.column, error.rule) == ("pending_transfer_to",
                                          rules.PROVIDER_IS_ECONOMIC_ACTOR)


def test_parties_and_the_persons_who_acted_must_be_stored() -> None:
    world, ids = _mandate_world()
    text = mandate_row(giver_id="P-nobody", taker_id=ids["provider"], created_by="P-ghost",
                       giver_signed_by=ids["person"], taker_signed_by="P-gone")
    errors = refused(world, csv_formats.MANDATES, text)
    assert [(e.column, str(e.problem)) for e in errors] == [
        ("giver_id", "no person P-nobody is stored"),
        ("created_by", "no person P-ghost is stored"),
        ("taker_signed_by", "no person P-gone is stored")]


def _transfer_rows(ids: dict[str, str], *, successor: str = "M-2",
                   predecessor: str = "M-1") -> tuple[str, str]:
    first = mandate_row(id="M-1", giver_id=ids["person"], taker_id=ids["provider"],
                        created_by=ids["person"], giver_signed_by=ids["person"],
                        taker_signed_by=ids["signer"], transferred_to=ids["other"],
                        successor_id=successor).splitlines()[1]
    second = mandate_row(id="M-2", giver_id=ids["person"], taker_id=ids["other"],
                         created_by=ids["signer"], giver_signed_by=ids["person"],
                         taker_signed_by=ids["signer"],
                         predecessor_id=predecessor).splitlines()[1]
    return first, second


@pytest.mark.parametrize("order", ["predecessor first", "successor first"])
def test_a_transfer_links_two_rows_in_either_order_even_across_batches(order: str) -> None:
    world, ids = _mandate_world()
    first, second = _transfer_rows(ids)
    rows = [first, second] if order == "predecessor first" else [second, first]
    report = imported(world, csv_formats.MANDATES, MANDATE_HEAD + "\n".join(rows) + "\n",
                      batch_size=1)
    assert report.imported == 2
    old, new = world.repo.mandate("M-1"), world.repo.mandate("M-2")
    assert old is not None
    assert new is not None
    assert old.status(TODAY) is MandateStatus.TRANSFERRED
    assert new.status(TODAY) is MandateStatus.ACTIVE
    assert old.transferred_to == Party(PartyKind.ORGANISATION, ids["other"])


def test_a_link_to_a_mandate_that_never_comes_is_an_error_at_its_row() -> None:
    world, ids = _mandate_world()
    first, _ = _transfer_rows(ids)
    [error] = refused(world, csv_formats.MANDATES, MANDATE_HEAD + first + "\n")
    assert str(error) == ("row 2, column successor_id: no mandate M-2 is stored, nor on a "
                          "correct row of this file; expected the id of a stored mandate or "
                          "of one in this file")


def test_a_predecessor_and_successor_must_name_each_other() -> None:
    world, ids = _mandate_world()
    first, second = _transfer_rows(ids, predecessor="M-9")
    errors = refused(world, csv_formats.MANDATES, MANDATE_HEAD + first + "\n" + second + "\n")
    assert [(e.row, e.column) for e in errors] == [(2, "successor_id"), (3, "predecessor_id")]
    assert str(errors[0].problem) == "mandate M-2 names M-9 as its predecessor, not M-1"


def test_lookups_of_other_kinds_are_kept_up_to_a_bound_and_stay_right_when_forgotten(
        monkeypatch: pytest.MonkeyPatch) -> None:
    world, ids = _mandate_world()
    givers = [world.person(f"Gever {i}").id for i in range(5)]
    monkeypatch.setattr(checks.Checker, "CACHED", 2)
    rows = [mandate_row(id=f"M-{i}", giver_id=giver, taker_id=ids["provider"],
                        created_by=giver, giver_signed_by=giver,
                        taker_signed_by=ids["signer"]).splitlines()[1]
            for i, giver in enumerate([*givers, *givers])]
    rows[-1] = rows[-1].replace(f",{givers[-1]},", ",P-nobody,", 1)
    errors = refused(world, csv_formats.MANDATES, MANDATE_HEAD + "\n".join(rows) + "\n",
                     batch_size=3)
    assert [(e.row, e.column) for e in errors] == [(11, "giver_id")]


# --- all or nothing, every error, the cap ---------------------------------------------------


def test_an_error_in_the_last_row_leaves_nothing_written_though_batches_were() -> None:
    world = World()
    rows = "".join(f"P-{i},{national_number(i)},Persoon {i}\n" for i in range(1, 8))
    errors = refused(world, csv_formats.PERSONS, "id,national_number,name\n" + rows + "P-9,123,X\n",
                     batch_size=2)
    assert [(e.row, e.column) for e in errors] == [(9, "national_number")]
    with world.uow:
        assert world.repo.persons(0, 10).total == 0
    assert world.uow.events == []


def test_every_error_is_reported_up_to_the_cap_and_checking_stops_there() -> None:
    world = World()
    rows = "".join(f"P-{i},123,Persoon {i}\n" for i in range(1, 11))
    text = "id,national_number,name\n" + rows
    assert len(refused(world, csv_formats.PERSONS, text)) == 10
    with pytest.raises(ImportRefusedError) as caught:
        imported(world, csv_formats.PERSONS, text, max_errors=3, batch_size=2)
    report = caught.value.report
    assert [e.row for e in report.errors] == [2, 3, 4]
    assert report.truncated
    assert caught.value.message == ("nothing imported: 3 errors in 4 rows; stopped checking "
                                    "at row 5 after 3 errors")


def test_an_import_is_one_audit_event_with_its_kind_rows_and_source() -> None:
    world = World()
    report = bulk.import_records(
        world.uow, world.clock, bulk.PersonRecord,
        csv_formats.read(csv_formats.PERSONS, io.StringIO(f"national_number,name\n{NN},An\n")),
        source=lambda: {"file": "people.csv", "sha256": "abc"})
    assert (report.rows, report.imported) == (1, 1)
    [event] = world.uow.events
    assert (event.actor, event.action, event.entity) == ("system", "import", "import")
    assert event.after is not None
    assert {**event.after, "rows_digest": "..."} == {
        "kind": "persons", "rows": 1, "file": "people.csv", "sha256": "abc", "rows_digest": "..."}


# --- the round trip ------------------------------------------------------------------------------


def _export_all(world: World) -> dict[str, str]:
    texts = {}
    for name, fmt in csv_formats.FORMATS.items():
        sink = io.StringIO()
        csv_formats.write(fmt, bulk.export_records(world.uow, fmt.kind), sink)
        texts[name] = sink.getvalue()
    return texts


def test_an_export_imports_as_it_is_and_exports_the_same_again() -> None:
    cast = standard_cast()
    world = cast.world
    world.mandate(cast.applicant, cast.provider, "transferred", new_taker=cast.new_provider)
    world.mandate(cast.applicant, cast.mandate_executor, "awaiting_taker")
    world.mandate(cast.applicant, cast.colleague, "stopped")
    world.mandate(cast.applicant, cast.newcomer, "expired")
    world.withdraw(cast.provider, world.grant(cast.provider, cast.newcomer,
                                              RightKind.KIOSK_APPLICANT))
    texts = _export_all(world)
    again = World()
    for name, fmt in csv_formats.FORMATS.items():
        imported(again, fmt, texts[name], batch_size=2)
    texts_again = _export_all(again)
    for name, text in texts.items():
        assert sorted(texts_again[name].splitlines()) == sorted(text.splitlines()), name
    kinds = ("Person", "Organisation", "WorkRelation", "Right", "Mandate")
    assert {k: again.state()[k] for k in kinds} == {k: world.state()[k] for k in kinds}


def test_exported_persons_carry_the_full_number_in_the_kbo_layout_and_flags() -> None:
    world = World()
    world.person("An", eid=False)
    sink = io.StringIO()
    csv_formats.write(csv_formats.PERSONS, bulk.export_records(world.uow, bulk.PersonRecord), sink)
    header, row = sink.getvalue().splitlines()
    assert header == "id,national_number,name,has_eid"
    assert row.split(",")[1:] == [NN_DOTTED, "An", "false"]


# --- the fast paths agree with the checks they stand in for ---------------------------------

_GOOD_BAD: dict[str, tuple[list[str], list[str]]] = {
    "id": (["M-1", "", "M-2"], [" M-3 ", "M 3", "12.34.56-789.01", "9abc", "1234567890"]),
    "type": (["", "KIOSK"], [" KIOSK ", "X" * 21, "Y" * 20, "eBox"]),
    "giver_kind": (["person", "organisation"], [" person", "persoon", ""]),
    "giver_id": (["P-1", "O-1"], [" O-2", "", "P 1", "12345678901", "P-2"]),
    "taker_kind": (["organisation", "person"], ["organisation ", "bedrijf", ""]),
    "taker_id": (["O-1", "P-2"], ["P-1", "", "O!", "1O"]),
    "start": (["2025-03-03"], [" 2025-03-04 ", "", "3 maart", "2025-02-30", "20250303"]),
    "end": (["", "2026-01-01"], ["2025-03-02", " 2026-01-01", "2025-13-01"]),
    "created_by": (["P-1"], ["", "P!", " P-1"]),
    "created_at": ([AT, "2025-03-03T10:00:00+01:00"],
                   ["2025-03-03T09:00:00", "", "gisteren", " 2025-03-03T09:00:00Z ",
                    "2025-03-03T09:00:00.5-02:30"]),
    "giver_signed_by": (["P-1"], ["", "P 1"]),
    "giver_signed_at": ([AT], ["", "2025-03-03", "2025-03-03T09:00:00+00:00 "]),
    "taker_signed_by": (["P-2"], ["", "bad id"]),
    "taker_signed_at": ([AT], ["", "later"]),
    "stopped_by": ([""], ["P-1", " P-1", "P 1"]),
    "stopped_at": ([""], [AT, "nooit"]),
    "transferred_to": ([""], ["O-2", "O-1", " O-2"]),
    "successor_id": ([""], ["M-2", "M-1", "M 2"]),
    "pending_transfer_to": ([""], ["O-3", "O-1", "O-3 "]),
    "predecessor_id": ([""], ["M-0", "M-1"]),
}


def _mandate_rows(header: list[str], count: int, seed: int) -> str:
    rng = random.Random(seed)
    lines = [",".join(header)]
    for _ in range(count):
        cells = []
        for name in header:
            good, bad = _GOOD_BAD[name]
            cells.append(rng.choice(bad if rng.random() < 0.06 else good))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("columns", ["all", "shuffled", "required only"])
def test_the_fast_reading_of_mandates_agrees_with_the_checks_cell_by_cell(columns: str
                                                                          ) -> None:
    header = [column.name for column in csv_formats.MANDATES.columns]
    if columns == "shuffled":
        random.Random(7).shuffle(header)
    elif columns == "required only":
        header = [c.name for c in csv_formats.MANDATES.columns
                  if c.required or c.name.endswith("signed_by") or c.name.endswith("signed_at")]
    text = _mandate_rows(header, 3000, seed=len(columns))
    slow = dataclasses.replace(csv_formats.MANDATES, fast=None)
    fast_rows, slow_rows = parse(csv_formats.MANDATES, text), parse(slow, text)
    assert len(fast_rows) == len(slow_rows) == 3000
    correct = 0
    for quick, careful in zip(fast_rows, slow_rows, strict=True):
        assert (quick.row, quick.errors) == (careful.row, careful.errors)
        if careful.record is None:
            assert quick.record is None
            continue
        correct += 1
        assert isinstance(quick.record, bulk.MandateRecord)
        assert isinstance(careful.record, bulk.MandateRecord)
        if quick.record.id != careful.record.id:  # both made up for an empty cell
            assert quick.record.id.startswith("M-")
            assert careful.record.id.startswith("M-")
            assert quick.record._replace(id="") == careful.record._replace(id="")
        else:
            assert quick.record == careful.record
    assert 300 < correct < 2700, "both correct and wrong rows were read"


def test_the_fast_reading_takes_correct_rows_and_leaves_wrong_ones_to_the_checks() -> None:
    header = MANDATE_HEAD.strip().split(",")
    fast = csv_mandates._fast_mandates(header)
    good = mandate_row().splitlines()[1].split(",")
    assert fast(good) == parse(csv_formats.MANDATES, mandate_row())[0].record
    assert fast(mandate_row(transferred_to="O-2", successor_id="M-2").splitlines()[1]
                .split(",")) is not None
    for wrong in ({"giver_kind": "persoon"}, {"start": "2025-02-30"}, {"id": "12.345.678.901"},
                  {"pending_transfer_to": "O-1"}, {"created_at": "2025-03-03T09:00:00"}):
        cells = mandate_row(**wrong).splitlines()[1].split(",")
        assert fast(cells) is None, wrong
        assert cells == mandate_row(**wrong).splitlines()[1].split(","), "cells unchanged"


def test_a_mandate_the_quick_check_allows_is_one_the_full_checks_find_nothing_wrong_with(
) -> None:
    persons = {"P-1": bulk.PersonRecord("P-1", NN, "An"),
               "P-2": bulk.PersonRecord("P-2", national_number(2), "Bo", has_eid=False)}
    orgs = {f"O-{group.value}-{bool(number)}": bulk.OrganisationRecord(
                f"O-{group.value}-{bool(number)}", "Org", group, number)
            for group in EntityGroup for number in (EN, None)}
    facts = mandate_checks.PartyFacts(persons, orgs)
    parties = [Party(PartyKind.PERSON, key) for key in (*persons, "P-9")] + \
        [Party(PartyKind.ORGANISATION, key) for key in (*orgs, "O-9")]
    allowed = 0
    for giver in parties:
        for taker in parties:
            for actor in ("P-1", "P-2", "P-9"):
                for transferred in (None, Party(PartyKind.ORGANISATION, "O-economic_actor-True")):
                    record = bulk.MandateRecord(
                        "M-1", giver, taker, TODAY, None, actor, datetime.now(UTC),
                        giver_signed_by=actor, transferred_to=transferred,
                        successor_id="M-2" if transferred else None)
                    if facts.allowed(record):
                        allowed += 1
                        assert facts.sides(2, record) == facts.actors(2, record) == []
                    elif transferred is None:
                        assert facts.sides(2, record) + facts.actors(2, record) != []
    assert allowed > 0


# --- the documentation ---------------------------------------------------------------------


def test_docs_list_every_column_of_every_format_with_whether_it_is_required() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for fmt in csv_formats.FORMATS.values():
        section = docs.split(f"### {fmt.name}\n", 1)[1].split("\n### ", 1)[0]
        rows = re.findall(r"^\| `([a-z_]+)` \| (yes|no) \|", section, re.MULTILINE)
        assert rows == [(c.name, "yes" if c.required else "no") for c in fmt.columns], fmt.name
