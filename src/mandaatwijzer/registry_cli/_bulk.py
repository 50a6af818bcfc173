"""`registry import` and `registry export`: CSV files in the formats of
`registry.bulk.csv_formats`."""

from __future__ import annotations

import enum
import gc
import hashlib
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from ..registry import bulk
from ..registry.bulk import csv_formats
from ..registry.errors import ValidationError
from . import _common as c
from ._common import _


class Kind(enum.StrEnum):
    PERSONS = "persons"
    ORGANISATIONS = "organisations"
    WORK_RELATIONS = "work-relations"
    RIGHTS = "rights"
    MANDATES = "mandates"


class _HashingReader(io.RawIOBase):
    """A binary stream that keeps the SHA-256 of what was read from it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha256 = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.sha256.update(data)
        buffer[:len(data)] = data
        return len(data)


@contextmanager
def _opened(file: str) -> Iterator[tuple[io.TextIOWrapper, _HashingReader]]:
    """The file (or stdin) as UTF-8 text read lazily, and the hash of its bytes."""
    raw = sys.stdin.buffer if file == "-" else Path(file).open("rb")  # noqa: SIM115
    hashing = _HashingReader(raw)
    text = io.TextIOWrapper(io.BufferedReader(hashing, 1 << 16), encoding="utf-8-sig",
                            newline="")
    try:
        yield text, hashing
    finally:
        if file != "-":
            raw.close()


@contextmanager
def _fewer_collections(young: int = 50_000) -> Iterator[None]:
    """Python's cycle collector runs less often: an import allocates millions of short-lived
    objects (cells, records, rows), and with the default threshold (700) it keeps scanning
    the batches still in use (100k mandates: 7.0 s of CPU instead of 6.2 s). Memory stays
    bounded: the collector still runs, every `young` allocations instead of every 700."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@c.handled
def import_(
    kind: Annotated[Kind, typer.Argument(help="What the file holds.")],
    file: Annotated[str, typer.Argument(help="The CSV file ('-': stdin); its columns are "
                                              "in docs/registry.md.")],
    max_errors: Annotated[int, typer.Option(help="Stop checking after this many errors.",
                                            min=1)] = 100,
    batch_size: Annotated[int, typer.Option(help="Rows checked and written at a time.",
                                            min=1)] = 5000,
    lang: c.Lang = None,
) -> None:
    """Import a CSV file, all or nothing.

    Every row is checked and every error reported; one error means nothing is written.
    Import persons, organisations, work-relations, rights and mandates in that order.
    """
    fmt = csv_formats.FORMATS[kind.value]
    try:
        with _opened(file) as (text, hashing), _fewer_collections():
            report = bulk.import_records(
                c.uow(), c.clock(), fmt.kind, csv_formats.read(fmt, text),
                source=lambda: {"file": Path(file).name if file != "-" else "stdin",
                                "sha256": hashing.sha256.hexdigest()},
                max_errors=max_errors, batch_size=batch_size)
    except OSError as error:
        raise c.fail(_("cannot read {file}: {reason}", file=file, reason=error.strerror),
                     c.EXIT_SETUP) from None
    except UnicodeDecodeError:
        raise c.fail(_("{file} is not UTF-8 text; save it as CSV in UTF-8", file=file),
                     ValidationError.exit_code) from None
    c.out(_("imported {count} {kind} from {file}", count=report.imported, kind=kind.value,
            file=file))


def _sink(file: str | None, kind: Kind) -> IO[str]:
    if file is None or file == "-":
        if kind is Kind.PERSONS and sys.stdout.isatty():
            raise c.fail(_("an export of persons holds national register numbers in full: "
                           "write it to a FILE or a pipe, not to the terminal"), c.EXIT_SETUP)
        return sys.stdout
    try:
        # It may hold personal data: readable by its owner only.
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        raise c.fail(_("cannot write {file}: {reason}", file=file, reason=error.strerror),
                     c.EXIT_SETUP) from None
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")


@c.handled
def export(
    kind: Annotated[Kind, typer.Argument(help="What to export.")],
    file: Annotated[str | None, typer.Argument(help="The CSV file to write; default: stdout.")
                    ] = None,
    lang: c.Lang = None,
) -> None:
    """Export as CSV, in the columns the import reads (an export imports as it is)."""
    fmt = csv_formats.FORMATS[kind.value]
    sink = _sink(file, kind)
    try:
        count = csv_formats.write(fmt, bulk.export_records(c.uow(), fmt.kind), sink)
    finally:
        if sink is sys.stdout:
            sink.flush()
        else:
            sink.close()
    line = (_("exported {count} {kind} to {file}", count=count, kind=kind.value, file=file)
            if file else _("exported {count} {kind}", count=count, kind=kind.value))
    sys.stderr.write(line + "\n")
