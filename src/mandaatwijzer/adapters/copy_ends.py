"""COPY on PostgreSQL without waiting at its end: the import reads the next rows meanwhile.

When the client has sent a COPY's last row, the server still writes the rows it has not
written yet, and their indexes: for a batch of mandates in a registry of 10M, about 50 ms,
half of the time an import waits for the server (docs/performance.md, "10 million mandates on
PostgreSQL"). psycopg's `copy()` sends the end and waits for the server's answer in one step.
Here the end is sent (`_EndLater`, a psycopg `Writer`), and the answer is read before the
connection's next statement (`CopyEnds.settle`): in between, the import reads and parses the
next batch of its file. Nothing else changes: the rows are in the transaction when the answer
has come, and an error the server found in them is raised by `settle`, before anything else
is sent on the connection.

This uses psycopg's generators (`psycopg.generators.fetch_many`, and its way of waiting for
the socket), which its own `copy()` uses; `tests/integration/test_bulk_sql.py` runs the
import with them on PostgreSQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycopg import errors, pq
from psycopg.copy import LibpqWriter
from psycopg.generators import fetch_many
from psycopg.waiting import Wait

if TYPE_CHECKING:
    from collections.abc import Generator

    import psycopg
    from psycopg.pq.abc import PGconn


def _send_end(pgconn: PGconn) -> Generator[Wait, Any, None]:
    """The first half of psycopg's `copy_end`: the end sent and flushed, no answer read."""
    while pgconn.put_copy_end(None) == 0:
        while not (yield Wait.W):
            continue
    while True:
        while not (yield Wait.W):
            continue
        if pgconn.flush() == 0:
            break


class CopyEnds:
    """The COPY of one connection whose end was sent and whose answer was not read yet."""

    def __init__(self) -> None:
        self._pending: psycopg.Connection[Any] | None = None

    def writer(self, cursor: psycopg.Cursor[Any]) -> LibpqWriter:
        """A writer for `cursor.copy(..., writer=...)` that sends the end without waiting."""
        return _EndLater(cursor, self)

    def settle(self, *, quietly: bool = False) -> None:
        """Read the answer to the COPY ended last, if any: raises the error the server found
        in its rows (unless `quietly`: when another error is already on its way)."""
        connection, self._pending = self._pending, None
        if connection is None:
            return
        with connection.lock:
            results = connection.wait(fetch_many(connection.pgconn))
        if quietly:
            return
        for result in results:
            if result.status != pq.ExecStatus.COMMAND_OK:
                raise errors.error_from_result(result, encoding=connection.info.encoding)


class _EndLater(LibpqWriter):
    def __init__(self, cursor: psycopg.Cursor[Any], ends: CopyEnds) -> None:
        super().__init__(cursor)
        self._ends = ends

    def finish(self, exc: BaseException | None = None) -> None:
        if exc is not None:  # the COPY is abandoned: as psycopg does it, waiting for the end
            super().finish(exc)
            return
        self.connection.wait(_send_end(self._pgconn))
        self._ends._pending = self.connection


__all__ = ["CopyEnds"]
