"""A command's start without Python's cycle collector.

A registry command imports some 450 modules (SQLAlchemy, typer, the registry) and makes
hundreds of thousands of objects on the way, almost none of them garbage: the cycle collector
runs hundreds of times meanwhile and walks them again and again, about 40 ms of a 300 ms start
(docs/performance.md, "Registry commands: the start"). `cli.main` pauses the collector before
it builds the command; once the registry is opened, `resume` freezes what the start made (the
collector never walks those objects again: they live as long as the process) and collects
from there on, so a long command (an import of a million rows) runs with the collector as
usual (frozen objects are still freed by their reference counts; only cycles among them stay).
A process that never resumes is a short one: it ends with its command. ADR 0015.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop collecting cycles, until `resume`."""
    global _paused
    gc.disable()
    _paused = True


def resume(*, freeze: bool) -> None:
    """Collect cycles again, if `pause` stopped it; with `freeze`, never walk the objects made
    so far (for a process that keeps them to its end)."""
    global _paused
    if not _paused:
        return
    _paused = False
    if freeze:
        gc.freeze()
    gc.enable()


__all__ = ["pause", "resume"]
