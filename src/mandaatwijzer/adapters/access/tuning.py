"""How a SQLite file's connections are tuned for reads: the access reader's, and every
connection of the registry's engine (`database.create_engine_for`). A module of its own, so
that the engine does not import the reader."""

from __future__ import annotations

from collections.abc import Callable

#: SQLite connections opened by `AccessReader.connect`: address space mapped for reading
#: (memory is the operating system's page cache, shared), and the page cache, per connection.
MMAP_BYTES = 1 << 30
CACHE_KIB = 64 * 1024


def tune_for_reads(execute: Callable[[str], object]) -> None:
    """Reads through memory-mapped I/O (the operating system's page cache, shared) and a
    larger page cache per connection: a decision touches a few dozen pages scattered over a
    large registry (about a third less time). For a SQLite file's connections."""
    execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    execute(f"PRAGMA cache_size = -{CACHE_KIB}")
