"""The flat snapshots and digests by which the audit log vouches for imported rows: a record
flattens as the snapshot of its entity does, and different rows never share a digest text."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mandaatwijzer.registry import bulk
from mandaatwijzer.registry.audit import snapshot
from mandaatwijzer.registry.bulk import csv_formats, digests
from mandaatwijzer.registry.identifiers import NationalNumber, mask_national_number
from mandaatwijzer.registry.model import EntityGroup, Party, PartyKind, RightKind

from .scenario import World, enterprise_number, national_number, standard_cast

AT = datetime(2025, 3, 3, 9, 0, 12, 345678, tzinfo=UTC)
PERSON = Party(PartyKind.PERSON, "P-1")
PROVIDER = Party(PartyKind.ORGANISATION, "O-1")

RECORDS: list[bulk.Record] = [
    bulk.PersonRecord("P-1", national_number(1), "An", True),
    bulk.PersonRecord("P-2", national_number(2), "Bo", False),
    bulk.OrganisationRecord("O-1", "Pro BV", EntityGroup.ECONOMIC_ACTOR, enterprise_number(1),
                            ("P-2", "P-1")),
    bulk.OrganisationRecord("O-2", "Fanfare", EntityGroup.DE_FACTO_ASSOCIATION),
    bulk.WorkRelationRecord("WR-1", "P-1", "O-1", date(2025, 3, 3)),
    bulk.WorkRelationRecord("WR-2", "P-1", "O-1", date(2025, 3, 3), date(2025, 12, 31), "x"),
    bulk.RightRecord("R-1", "WR-1", RightKind.MANDATE_MANAGER, "P-2", date(2025, 3, 3)),
    bulk.RightRecord("R-2", "WR-1", RightKind.KIOSK_APPLICANT, "P-2", date(2025, 3, 3),
                     date(2025, 9, 1), date(2025, 6, 1), "P-2"),
    bulk.MandateRecord("M-1", PERSON, PROVIDER, date(2025, 3, 3), None, "P-1", AT,
                       giver_signed_by="P-1", giver_signed_at=AT),
    bulk.MandateRecord("M-2", PERSON, PROVIDER, date(2025, 3, 3), date(2026, 1, 1), "P-1", AT,
                       "eBox", "P-1", AT, "P-2", AT + timedelta(seconds=1), "P-2",
                       AT + timedelta(days=1), None, None, Party(PartyKind.ORGANISATION, "O-3"),
                       "M-0"),
    bulk.MandateRecord("M-3", Party(PartyKind.ORGANISATION, "O-2"), PROVIDER, date(2025, 3, 3),
                       None, "P-1", AT, "KIOSK", "P-1", AT, "P-2", AT, None, None,
                       Party(PartyKind.ORGANISATION, "O-3"), "M-4"),
]


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_a_record_flattens_as_the_snapshot_of_its_entity(record: bulk.Record) -> None:
    entity = digests.ENTITIES[type(record)]
    assert digests.flat_of_record(record) == digests.flat_of_snapshot(
        entity, snapshot(bulk.entity_of(record)))
    assert len(digests.flat_of_record(record)) == len(digests.FIELDS[entity])


def test_every_stored_entity_of_a_registry_flattens_as_its_record_does() -> None:
    cast = standard_cast()
    world = cast.world
    world.mandate(cast.applicant, cast.provider, "transferred", new_taker=cast.new_provider)
    world.mandate(cast.applicant, cast.mandate_executor, "stopped")
    for fmt in csv_formats.FORMATS.values():
        for record in bulk.export_records(world.uow, fmt.kind):
            entity = digests.ENTITIES[fmt.kind]
            stored = world.uow.committed.entities[type(bulk.entity_of(record))][record.id]
            assert digests.flat_of_record(record) == digests.flat_of_snapshot(
                entity, snapshot(stored))


def test_a_national_number_flattens_masked_as_in_every_snapshot() -> None:
    number = national_number(7)
    assert mask_national_number(number) == NationalNumber(number).masked
    assert number[:9] not in "".join(
        value or "" for value in digests.flat_of_record(RECORDS[0]))


def test_moments_compare_in_utc_whatever_offset_an_event_wrote() -> None:
    brussels = timezone(timedelta(hours=1))
    mandate = bulk.entity_of(RECORDS[8])
    written = snapshot(mandate)
    written["created_at"] = AT.astimezone(brussels).isoformat()
    assert written["created_at"].endswith("+01:00")
    assert digests.flat_of_snapshot("mandate", written) == digests.flat_of_record(RECORDS[8])


@pytest.mark.parametrize(("first", "second"), [
    (("a", "b"), ("a\x1fb", None)),
    (("a\x1f", "b"), ("a", "\x1fb")),
    ((None, "b"), ("\x00", "b")),
    (("", None), (None, "")),
    (("x", "\x00"), ("x", None)),
])
def test_different_rows_never_share_the_text_of_their_digest(
        first: digests.Flat, second: digests.Flat) -> None:
    assert digests.row_digest("person", first) != digests.row_digest("person", second)
    assert digests.row_digest("person", first) != digests.row_digest("right", first)


def test_a_rows_digest_stays_what_it_was_written_as() -> None:
    """Kept digests outlive the code: the text they hash must never change."""
    text = "tperson\x1f=P-1\x1f=**.**.**-***.28\x1f=An\x1f=true"
    assert digests.row_digest("person", ("P-1", "**.**.**-***.28", "An", "true")) == \
        hashlib.sha256(text.encode()).digest()
    mandate = bulk.MandateRecord("M-1", PERSON, PROVIDER, date(2025, 3, 3), None, "P-1",
                                 datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
                                 giver_signed_by="P-1",
                                 giver_signed_at=datetime(2025, 3, 3, 10, 0, 0, 5,
                                                          tzinfo=timezone(timedelta(hours=1))))
    assert digests.flat_of_record(mandate) == (
        "M-1", "person", "P-1", "organisation", "O-1", "2025-03-03", None, "P-1",
        "1740992400000000", "KIOSK", "P-1", "1740992400000005", None, None, None, None, None,
        None, None, None, None, None)
    text = ("tmandate\x1f=M-1\x1f=person\x1f=P-1\x1f=organisation\x1f=O-1\x1f=2025-03-03\x1f"
            "\x1f=P-1\x1f=1740992400000000\x1f=KIOSK\x1f=P-1\x1f=1740992400000005"
            + "\x1f" * 10)
    assert digests.digester(bulk.MandateRecord)(mandate) == hashlib.sha256(text.encode()).digest()
    assert digests.digester(bulk.MandateRecord)(mandate).hex().startswith("c484e11b")


def test_the_digest_of_an_imports_rows_follows_their_order() -> None:
    one, two = (digests.row_digest("person", (key,)) for key in ("P-1", "P-2"))
    forward, backward = digests.RowsDigest(), digests.RowsDigest()
    forward.add([one, two])
    backward.add([two])
    backward.add([one])
    assert forward.count == backward.count == 2
    assert forward.hexdigest() != backward.hexdigest()


def test_an_import_records_the_digest_of_the_rows_it_wrote_in_its_event() -> None:
    world = World()
    text = f"id,national_number,name\nP-1,{national_number(1)},An\nP-2,{national_number(2)},Bo\n"
    bulk.import_records(world.uow, world.clock, bulk.PersonRecord,
                        csv_formats.read(csv_formats.PERSONS, io.StringIO(text)),
                        batch_size=1)
    [event] = world.uow.events
    expected = digests.RowsDigest()
    expected.add([digests.row_digest("person", digests.flat_of_record(record))
                  for record in (bulk.PersonRecord("P-1", national_number(1), "An"),
                                 bulk.PersonRecord("P-2", national_number(2), "Bo"))])
    assert event.after is not None
    assert (event.after["rows"], event.after["rows_digest"]) == (2, expected.hexdigest())
