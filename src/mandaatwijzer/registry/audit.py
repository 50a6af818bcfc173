"""The audit trail as the core sees it: snapshots of entities (plain values, national numbers
masked) and the port that checks the stored log (`adapters/audit.py` implements it)."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

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


Problem = Literal["edited", "inserted", "deleted"]


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The outcome of walking the chain: all good, or the first event that is wrong and how."""

    checked: int
    seq: int | None = None
    problem: Problem | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


class AuditLog(Protocol):
    def verify(self) -> AuditCheck:
        """Walk the whole hash chain, naming the first event edited, inserted or deleted."""
        ...
