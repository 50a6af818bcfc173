"""The CSV format of mandates, with a fast path for the rows without any mistake.

A bulk import of mandates spends most of its time reading rows, nearly all of them correct:
`_fast_mandates` reads those straight from the cells; `_parse_mandate` reads and words the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from operator import itemgetter

from ..model import Party, PartyKind, new_id
from ..phrases import N_
from .csv_cells import (
    ID_COLUMN,
    ID_PATTERN,
    Cells,
    Column,
    ErrorSink,
    Flag,
    Format,
    day_cell,
    id_problem,
    members,
    moment_cell,
    party_cell,
    text_cell,
)
from .records import MandateRecord


def _organisation_ref(cells: Cells, column: str) -> Party | None:
    key = cells.optional_id(column)
    return None if key is None else Party(PartyKind.ORGANISATION, key)


def _parse_mandate(cells: Cells) -> MandateRecord:
    key = cells.id(prefix="M")
    kind = cells.optional("type") or "KIOSK"
    if len(kind) > 20:
        cells.error("type", N_("is longer than 20 characters"),
                    N_("a mandate type such as KIOSK"))
    giver, taker = cells.party("giver"), cells.party("taker")
    if giver is not None and giver == taker:
        cells.error("taker_id", N_("is the giver"), N_("another person or a service provider"))
    start, end = cells.day("start", required=True), cells.day("end")
    cells.period(start, end)
    created_by, created_at = cells.id("created_by"), cells.moment("created_at", required=True)
    giver_by, giver_at = cells.optional_id("giver_signed_by"), cells.moment("giver_signed_at")
    cells.both_or_neither("giver_signed_by", "giver_signed_at", giver_by is not None,
                          giver_at is not None)
    taker_by, taker_at = cells.optional_id("taker_signed_by"), cells.moment("taker_signed_at")
    cells.both_or_neither("taker_signed_by", "taker_signed_at", taker_by is not None,
                          taker_at is not None)
    if giver_by is None and taker_by is None:
        cells.error("giver_signed_by", N_("neither side signed"),
                    N_("the signature of at least the side that created the mandate"))
    record = MandateRecord(key, giver or Party(PartyKind.PERSON, ""),
                           taker or Party(PartyKind.PERSON, ""), start or date.min, end,
                           created_by, created_at or datetime.min.replace(tzinfo=UTC), kind,
                           giver_by, giver_at, taker_by, taker_at)
    if _LATER.isdisjoint(cells.values):
        return record  # most rows: never stopped nor transferred
    stopped_by, stopped_at = cells.optional_id("stopped_by"), cells.moment("stopped_at")
    cells.both_or_neither("stopped_by", "stopped_at", stopped_by is not None,
                          stopped_at is not None)
    transferred_to = _organisation_ref(cells, "transferred_to")
    successor_id = cells.optional_id("successor_id")
    cells.both_or_neither("transferred_to", "successor_id", transferred_to is not None,
                          successor_id is not None)
    record = record._replace(
        stopped_by=stopped_by, stopped_at=stopped_at, transferred_to=transferred_to,
        successor_id=successor_id,
        pending_transfer_to=_organisation_ref(cells, "pending_transfer_to"),
        predecessor_id=cells.optional_id("predecessor_id"))
    _check_later_states(cells, record)
    return record


#: The columns of what happens to a mandate after it was signed.
_LATER = frozenset({"stopped_by", "stopped_at", "transferred_to", "successor_id",
                    "pending_transfer_to", "predecessor_id"})


def _check_later_states(cells: ErrorSink, record: MandateRecord) -> None:
    """Stops and transfers must describe a state the life cycle can reach."""
    signed = record.giver_signed_by is not None and record.taker_signed_by is not None
    for column, target in (("transferred_to", record.transferred_to),
                           ("pending_transfer_to", record.pending_transfer_to)):
        if target is None:
            continue
        if not signed:
            cells.error(column, N_("is filled in for a mandate that was never active"),
                        N_("a transfer only of a mandate both sides signed"))
        elif record.stopped_at is not None:
            cells.error(column, N_("is filled in for a stopped mandate"),
                        N_("a transfer only of a mandate that was not stopped"))
        if target == record.taker:
            cells.error(column, N_("is the taker itself"), N_("another service provider"))
    if record.transferred_to is not None and record.pending_transfer_to is not None:
        cells.error("pending_transfer_to", N_("is filled in for a mandate that was transferred"),
                    N_("a pending transfer only of a mandate not transferred yet"))
    for column, other in (("successor_id", record.successor_id),
                          ("predecessor_id", record.predecessor_id)):
        if other is not None and other == record.id:
            cells.error(column, N_("is the mandate itself"), N_("the id of another mandate"))


def _mandate_cells(record: MandateRecord) -> list[str]:
    return [record.id, record.type, record.giver.kind.value, record.giver.id,
            record.taker.kind.value, record.taker.id, day_cell(record.start), day_cell(record.end),
            record.created_by, moment_cell(record.created_at), text_cell(record.giver_signed_by),
            moment_cell(record.giver_signed_at), text_cell(record.taker_signed_by),
            moment_cell(record.taker_signed_at), text_cell(record.stopped_by),
            moment_cell(record.stopped_at), party_cell(record.transferred_to),
            text_cell(record.successor_id), party_cell(record.pending_transfer_to),
            text_cell(record.predecessor_id)]


#: Six ids that start with a letter, one a line (then none looks like a national number).
_SIX_IDS = re.compile(r"(?:[A-Za-z][A-Za-z0-9._-]{0,63}\n){5}[A-Za-z][A-Za-z0-9._-]{0,63}")
#: Takers remembered by `_fast_mandates` (Party objects are immutable, so they are shared).
_TAKERS = 10_000


def _fast_mandates(header: list[str]) -> Callable[[list[str]], MandateRecord | None]:
    """`_parse_mandate` for rows without any mistake, without its bookkeeping per cell.

    A bulk import spends most of its time reading rows, nearly all of them correct: this
    checks the same things straight on the cells and gives up (None) at the first thing it
    does not like, so that `_parse_mandate` then finds and names it.
    """
    width = len(header)  # an absent column reads an empty cell appended at this index
    at = {name: i for i, name in enumerate(header)}
    main = [at.get(name, width) for name in (
        "id", "type", "giver_kind", "giver_id", "taker_kind", "taker_id", "start", "end",
        "created_by", "created_at", "giver_signed_by", "giver_signed_at", "taker_signed_by",
        "taker_signed_at")]
    later = [at.get(name, width) for name in (
        "stopped_by", "stopped_at", "transferred_to", "successor_id", "pending_transfer_to",
        "predecessor_id")]
    kinds = members(PartyKind)
    organisation = PartyKind.ORGANISATION
    day, moment = date.fromisoformat, datetime.fromisoformat
    takers: dict[str, Party] = {}

    def is_id(value: str) -> bool:
        return ID_PATTERN.fullmatch(value) is not None and (
            not value[0].isdigit() or id_problem(value) is None)

    def when(value: str) -> datetime | None:
        """A moment in UTC, or None when the cell is not one with an offset."""
        try:
            found = moment(value)
        except ValueError:
            return None
        zone = found.tzinfo
        if zone is UTC:
            return found
        return None if zone is None else found.astimezone(UTC)

    padded = max(main + later) == width
    main_cells, later_cells = itemgetter(*main), itemgetter(*later)

    def parse(fields: list[str]) -> MandateRecord | None:
        if padded:
            fields = [*fields, ""]
        (key, kind, giver_kind, giver_id, taker_kind, taker_id, start_cell, end_cell,
         created_by, created_cell, giver_by, giver_cell, taker_by, taker_cell) = [
            cell.strip() for cell in main_cells(fields)]
        kind = kind or "KIOSK"
        giver_as, taker_as = kinds.get(giver_kind), kinds.get(taker_kind)
        if (len(kind) > 20 or giver_as is None or taker_as is None or not giver_id
                or not taker_id or not created_by or not start_cell or not created_cell
                or (giver_id == taker_id and giver_as is taker_as)
                or not (giver_by or taker_by)
                or (not giver_by) != (not giver_cell) or (not taker_by) != (not taker_cell)):
            return None
        ids = (giver_id, taker_id, created_by, key or "M", giver_by or "P", taker_by or "P")
        if _SIX_IDS.fullmatch("\n".join(ids)) is None and not all(map(is_id, ids)):
            return None
        try:
            start = day(start_cell)
            end = day(end_cell) if end_cell else None
            created_at: datetime | None = moment(created_cell)
            giver_at = moment(giver_cell) if giver_cell else None
            taker_at = moment(taker_cell) if taker_cell else None
        except ValueError:
            return None
        if end is not None and end < start:
            return None
        if (created_at is not None and created_at.tzinfo is not UTC) or \
                (giver_at is not None and giver_at.tzinfo is not UTC) or \
                (taker_at is not None and taker_at.tzinfo is not UTC):
            # Another offset than +00:00, or none: as `Cells.moment` takes them.
            created_at = when(created_cell)
            giver_at = when(giver_cell) if giver_cell else None
            taker_at = when(taker_cell) if taker_cell else None
            if created_at is None or (giver_cell and giver_at is None) or \
                    (taker_cell and taker_at is None):
                return None
        taker = takers.get(taker_id)  # few takers, many mandates each
        if taker is None or taker.kind is not taker_as:
            if len(takers) >= _TAKERS:
                takers.clear()
            taker = takers[taker_id] = Party(taker_as, taker_id)
        record = MandateRecord._make((
            key or new_id("M"), Party(giver_as, giver_id), taker, start, end, created_by,
            created_at, kind, giver_by or None, giver_at, taker_by or None, taker_at, None,
            None, None, None, None, None))
        cells = later_cells(fields)
        if not any(cells):
            return record
        (stopped_by, stopped_cell, transferred_to, successor_id, pending_to,
         predecessor_id) = [cell.strip() for cell in cells]
        if not (stopped_by or stopped_cell or transferred_to or successor_id or pending_to
                or predecessor_id):
            return record
        if ((not stopped_by) != (not stopped_cell)
                or (not transferred_to) != (not successor_id)
                or any(value and not is_id(value) for value in (
                    stopped_by, transferred_to, successor_id, pending_to, predecessor_id))):
            return None
        stopped_at = when(stopped_cell) if stopped_cell else None
        if stopped_cell and stopped_at is None:
            return None
        record = record._replace(
            stopped_by=stopped_by or None, stopped_at=stopped_at,
            transferred_to=Party(organisation, transferred_to) if transferred_to else None,
            successor_id=successor_id or None,
            pending_transfer_to=Party(organisation, pending_to) if pending_to else None,
            predecessor_id=predecessor_id or None)
        flag = Flag()
        _check_later_states(flag, record)
        return None if flag.wrong else record

    return parse


MANDATES = Format(
    "mandates", MandateRecord,
    (ID_COLUMN,
     Column("type", False, "The application the mandate serves; empty: KIOSK."),
     Column("giver_kind", True, "person or organisation."),
     Column("giver_id", True, "Id of the stored mandate giver."),
     Column("taker_kind", True, "person or organisation."),
     Column("taker_id", True, "Id of the stored mandate taker."),
     Column("start", True, "First day of the mandate."),
     Column("end", False, "Last day; empty: unlimited."),
     Column("created_by", True, "Id of the stored person who created it."),
     Column("created_at", True, "When it was created."),
     Column("giver_signed_by", False, "Id of the person who signed for the giver; empty: "
            "the giver has not signed."),
     Column("giver_signed_at", False, "When the giver signed (with giver_signed_by)."),
     Column("taker_signed_by", False, "Id of the person who signed for the taker; empty: "
            "the taker has not signed."),
     Column("taker_signed_at", False, "When the taker signed (with taker_signed_by)."),
     Column("stopped_by", False, "Id of the person who stopped or refused it; empty: not "
            "stopped."),
     Column("stopped_at", False, "When it was stopped (with stopped_by)."),
     Column("transferred_to", False, "Id of the organisation it was transferred to (with "
            "successor_id)."),
     Column("successor_id", False, "Id of the mandate that replaced it at the transfer."),
     Column("pending_transfer_to", False, "Id of the organisation a proposed transfer awaits."),
     Column("predecessor_id", False, "Id of the mandate this one replaced at a transfer.")),
    _parse_mandate, _mandate_cells, _fast_mandates)
