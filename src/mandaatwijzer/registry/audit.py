"""The audit trail as the core sees it: snapshots of entities (plain values, national numbers
masked), where a change came from (`recorded_via`), and the port that checks the stored log
(`adapters/audit.py` implements it)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

from .identifiers import EnterpriseNumber, NationalNumber
from .model import Party
from .scoped import scoped


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


_via: ContextVar[str | None] = ContextVar("audit_via", default=None)


@contextmanager
def recorded_via(origin: str) -> Iterator[None]:
    """Within the block, every audit event the core records says it came from `origin`
    (`AuditEvent.via`), e.g. ``cli:<operating-system user>`` for the command line's `--as`."""
    with scoped(_via, origin):
        yield


def current_via() -> str | None:
    """Where the changes of this moment come from (`recorded_via`); None: a signed-in person,
    a token or the system, as the event's actor says."""
    return _via.get()


Problem = Literal["edited", "inserted", "deleted"]
#: What is wrong with a row of the registry's tables, compared with the log:
#: - "unrecorded": it exists, but no event records it and no import wrote it (or the last
#:   event about it removed it);
#: - "differs": it is not what its last event (or the import that wrote it) says it is;
#: - "missing": its last event (or its import) says it exists, but its row is gone.
#: An import whose kept row digests no longer match its event is "differs" too.
Finding = Literal["unrecorded", "differs", "missing"]


@dataclass(frozen=True, slots=True)
class TableFinding:
    """A row of the registry's tables the log does not vouch for: which one and why.

    `detail` names fields and events, never a value (so never a national number)."""

    entity: str
    entity_id: str
    problem: Finding
    detail: str

    def __str__(self) -> str:
        return f"{self.entity} {self.entity_id}: {self.problem}: {self.detail}"


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The outcome of a check: the hash chain (all good, or the first event that is wrong and
    how), and the registry's tables against the log (the rows it does not vouch for)."""

    checked: int
    seq: int | None = None
    problem: Problem | None = None
    detail: str = ""
    #: Rows of the registry's tables compared with the log (imports' kept digests included).
    rows_checked: int = 0
    #: The rows the log does not vouch for, in the order found, up to the check's limit.
    findings: tuple[TableFinding, ...] = ()
    #: How many more were found than `findings` holds.
    more_findings: int = 0

    @property
    def chain_ok(self) -> bool:
        return self.problem is None

    @property
    def tables_ok(self) -> bool:
        return not self.findings and not self.more_findings

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.tables_ok

    @property
    def findings_total(self) -> int:
        return len(self.findings) + self.more_findings


@dataclass(frozen=True, slots=True)
class RecordedCheck:
    """A check's outcome as kept for later (`AuditLog.record`): a full check of a large log
    takes minutes, so a page shows the last one and its age instead of checking again."""

    at: datetime
    #: The events of the chain checked then.
    events: int
    chain_ok: bool
    tables_ok: bool

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.tables_ok


class AuditLog(Protocol):
    def record(self, check: AuditCheck, at: datetime) -> None:
        """Keep `check`'s outcome, made at `at`, as the last check (`last_check`)."""
        ...

    def last_check(self) -> RecordedCheck | None:
        """The outcome of the last check recorded; None before the first one."""
        ...

    def verify(self, limit: int | None = None) -> AuditCheck:
        """Walk the whole hash chain, naming the first event edited, inserted or deleted, and
        compare every row of the registry's tables with the log: each must be what its last
        event, or the import that wrote it, says it is. Names at most `limit` rows (None:
        every one) and counts the rest."""
        ...
