"""The two use cases: `import_records` (all or nothing, in one transaction) and `export_records`.

An import reads the rows lazily, each checked on its own (`csv_formats`), then checks them in
batches against what is stored (`checks`, `mandate_checks`) and writes them batch by batch;
any error anywhere leaves nothing written. It records one audit event (`import`), naming the
kind, the number of rows, the file's SHA-256 and the digest of the rows it wrote (`digests`:
each row's digest is kept beside the log, so that the log vouches for every row); the rows
carry who created, granted, signed and stopped what.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from ..audit import current_via
from ..model import new_id
from ..ports import AuditEvent, Clock, UnitOfWork
from ..services import SYSTEM
from .checks import Checker, Organisations, Persons, Rights, WorkRelations
from .digests import ENTITIES, RowsDigest, digester
from .mandate_checks import Mandates
from .records import (
    KIND_NAMES,
    MandateRecord,
    OrganisationRecord,
    PersonRecord,
    R,
    Record,
    RightRecord,
    WorkRelationRecord,
)
from .reports import ImportRefusedError, ImportReport, Parsed, RowError
from .store import store_of

_CHECKERS: dict[type[Record], type[Checker]] = {
    PersonRecord: Persons, OrganisationRecord: Organisations,
    WorkRelationRecord: WorkRelations, RightRecord: Rights, MandateRecord: Mandates,
}


def _batches(rows: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    batch: list[Parsed] = []
    for parsed in rows:
        batch.append(parsed)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_records(uow: UnitOfWork, clock: Clock, kind: type[Record], rows: Iterable[Parsed],
                   *, actor: str = SYSTEM, source: Callable[[], Mapping[str, str]] | None = None,
                   max_errors: int = 100, batch_size: int = 5000) -> ImportReport:
    """Check and write the rows in one transaction: all of them, or none when any is wrong.

    `rows` is read lazily; `source`, called once all rows are read, describes where they
    came from (e.g. the file's name and SHA-256) for the audit event. Raises
    `ImportRefusedError` with every error found, up to `max_errors` (checking stops there).
    """
    errors: list[RowError] = []
    read = imported = last_row = 0
    truncated = False
    import_id, entity, digest_of = new_id("I"), ENTITIES[kind], digester(kind)
    written = RowsDigest()
    with uow.changing():
        store = store_of(uow)
        checker = _CHECKERS[kind](store)
        with store.writing():
            for batch in _batches(rows, batch_size):
                last_row = batch[-1].row
                wrong = [parsed for parsed in batch if parsed.errors]
                if wrong:  # row 1 (the header) comes only with errors
                    read -= sum(1 for parsed in wrong if parsed.row <= 1)
                    errors += (error for parsed in wrong for error in parsed.errors)
                    batch = [parsed for parsed in batch if not parsed.errors]
                read += len(batch) + len(wrong)
                accepted, problems = checker.check(batch)
                errors += problems
                if not errors:  # else all is rolled back: no digest is needed
                    digests = [digest_of(record) for record in accepted]
                    store.keep_digests(import_id, entity, imported,
                                       [record.id for record in accepted], digests)
                    written.add(digests)
                # Rows after an error are still written (and rolled back at the end), so
                # that the checks of later rows see them as they would in a correct file.
                # Written last: a store may read the next rows while the database writes
                # these and their indexes (adapters/copy_ends.py).
                store.insert(kind, accepted)
                imported += len(accepted)
                if len(errors) >= max_errors:
                    truncated = True
                    break
            if not truncated:
                errors += checker.finish()
        if errors:
            raise ImportRefusedError(ImportReport(
                kind, read, 0, tuple(sorted(errors, key=lambda e: e.row)[:max_errors]),
                truncated or len(errors) > max_errors, last_row))
        assert written.count == imported
        uow.record(AuditEvent(actor, "import", "import", import_id, clock.now(), None,
                              {"kind": KIND_NAMES[kind], "rows": imported,
                               **(source() if source else {}),
                               "rows_digest": written.hexdigest()}, via=current_via()))
        uow.commit()
    return ImportReport(kind, read, imported, last_row=last_row)


def export_records(uow: UnitOfWork, kind: type[R]) -> Iterator[R]:
    """Every stored record of a kind, streamed, inside one read transaction."""
    with uow:
        yield from store_of(uow).scan(kind)
