"""The access index's packed mandates give back every field of every mandate as it was."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from mandaatwijzer.adapters.access.packed import MandatesGiven, Tables, _micros, _moment
from mandaatwijzer.adapters.access.records import Parties, build_mandate
from mandaatwijzer.registry.model import Mandate, MandateStatus, Party, PartyKind

GIVER = ("person", "P-giver")

SIGNED = ("M-1", "organisation", "O-1", "2024-04-06", None, "P-maker", "2024-04-01 17:32:25.123456",
          "P-maker", "2024-04-03 00:32:25.000001", "P-taker", "2024-04-03 09:00:00",
          None, None, None, None, None, None, None, None)
EVERYTHING = ("M-2", "person", "P-taker", "2023-01-31", "2027-12-31", "P-maker",
              "2023-01-30 23:59:59.999999", "P-giver", "2023-01-31 08:00:00.5", None, None,
              "P-stopper", "2024-02-29 12:00:00", "organisation", "O-2", "M-3",
              "organisation", "O-3", "M-0")


def _fields(mandate: Mandate) -> tuple[object, ...]:
    def signature(found: object) -> object:
        return None if found is None else (found.by, found.at)  # type: ignore[attr-defined]
    return (mandate.id, mandate.giver, mandate.taker, mandate.period, mandate.created_by,
            mandate.created_at, mandate.type, signature(mandate.giver_signature),
            signature(mandate.taker_signature), mandate.stopped_by, mandate.stopped_at,
            mandate.transferred_to, mandate.successor_id, mandate.pending_transfer_to,
            mandate.predecessor_id, mandate.activated_at)


def _packed(tables: Tables, giver: Party, *rows: tuple[object, ...]) -> MandatesGiven:
    return MandatesGiven.of(giver, [(row[0], *tables.pack(*row[1:])) for row in rows])  # type: ignore[arg-type]


def test_every_field_comes_back_as_the_reader_builds_it() -> None:
    tables, parties = Tables(), Parties()
    giver = tables.parties.party(*GIVER)
    given = _packed(tables, giver, SIGNED, EVERYTHING)
    assert [_fields(m) for m in given.all(tables)] == [
        _fields(build_mandate(giver, parties, *row)) for row in (SIGNED, EVERYTHING)]
    signed, everything = given.all(tables)
    assert signed.status(datetime(2025, 1, 1).date()) is MandateStatus.ACTIVE
    assert everything.status(datetime(2025, 1, 1).date()) is MandateStatus.TRANSFERRED


def test_moments_keep_every_microsecond() -> None:
    picked = random.Random(15)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    for _ in range(20_000):
        moment = epoch + timedelta(microseconds=picked.randrange(0, 200 * 365 * 86_400 * 10**6))
        text = moment.replace(tzinfo=None).isoformat(sep=" ")
        assert _moment(_micros(text)) == moment


def test_mandates_to_takers_come_in_the_order_they_were_made_and_a_change_replaces_one() -> None:
    tables = Tables()
    giver = tables.parties.party(*GIVER)
    rows = [(f"M-{n}", "organisation", f"O-{n % 3}", "2024-01-01", None, "P-maker",
             "2024-01-01 10:00:00", None, None, None, None, None, None, None, None, None,
             None, None, None) for n in range(9)]
    given = _packed(tables, giver, *rows)
    o0, o2 = (tables.parties.known("organisation", key) for key in ("O-0", "O-2"))
    assert [m.id for m in given.to(tables, [o2, 0, o0])] == ["M-2", "M-5", "M-8",
                                                              "M-0", "M-3", "M-6"]
    stopped = (*rows[5][:11], "P-stopper", "2024-02-01 10:00:00", *rows[5][13:])
    changed = given.with_(giver, "M-5", *tables.pack(*stopped[1:]))  # type: ignore[arg-type]
    assert [m.id for m in changed.all(tables)] == [row[0] for row in rows]
    assert [m.stopped_by for m in changed.all(tables)] == [None] * 5 + ["P-stopper"] + [None] * 3
    assert [m.stopped_by for m in given.all(tables)] == [None] * 9  # the old one is unchanged
    added = changed.with_(giver, "M-9", *tables.pack(*rows[0][1:]))  # type: ignore[arg-type]
    assert [m.id for m in added.to(tables, [o0])] == ["M-0", "M-3", "M-6", "M-9"]


def test_the_index_of_every_mandate_is_made_only_when_read() -> None:
    tables = Tables()
    giver = tables.parties.party(*GIVER)
    everything = _packed(tables, giver, SIGNED).all(tables)
    assert len(everything) == 1
    assert everything
    assert everything._made is None  # type: ignore[attr-defined]
    assert everything[0].taker == Party(PartyKind.ORGANISATION, "O-1")
