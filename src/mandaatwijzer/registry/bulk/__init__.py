"""Bulk import and export of the registry, one module per concept.

- `records`: one entity as plain values (a named tuple), the shape of one CSV row.
- `csv_formats`: the CSV formats, one per kind, reading and writing records (pure).
- `reports`: what an import says about its rows (`RowError`, `Parsed`, `ImportReport`).
- `store`: the port (`BulkStore`) and its fallback through the `Repository` port.
- `checks`, `mandate_checks`: the checks against what is stored, the rules of `rules` included.
- `importing`: the use cases `import_records` (all or nothing) and `export_records`.
- `digests`: what the audit log keeps of the rows an import wrote (ADR 0009).
"""

from __future__ import annotations

from .importing import export_records, import_records
from .records import (
    KIND_NAMES,
    KINDS,
    MandateRecord,
    OrganisationRecord,
    PersonRecord,
    Record,
    RightRecord,
    WorkRelationRecord,
    entity_of,
    record_of,
)
from .records import R as R
from .reports import ImportRefusedError, ImportReport, Parsed, RowError
from .store import BulkStore, BulkUnitOfWork, RepositoryStore

__all__ = [
    "KINDS",
    "KIND_NAMES",
    "BulkStore",
    "BulkUnitOfWork",
    "ImportRefusedError",
    "ImportReport",
    "MandateRecord",
    "OrganisationRecord",
    "Parsed",
    "PersonRecord",
    "Record",
    "RepositoryStore",
    "RightRecord",
    "RowError",
    "WorkRelationRecord",
    "entity_of",
    "export_records",
    "import_records",
    "record_of",
]
