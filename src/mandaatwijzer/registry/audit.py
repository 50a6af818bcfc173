"""Snapshots of entities for the audit trail: plain values, national numbers masked."""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime
from typing import Any

from .identifiers import EnterpriseNumber, NationalNumber
from .model import Party


def _plain(value: Any) -> Any:
    if isinstance(value, NationalNumber):
        return value.masked
    if isinstance(value, EnterpriseNumber):
        return value.value
    if isinstance(value, Party):
        return {"kind": value.kind.value, "id": value.id}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def snapshot(entity: Any) -> dict[str, Any]:
    plain = _plain(entity)
    assert isinstance(plain, dict)
    return plain
