"""Access decisions read straight from the database (`AccessReader`) or held in memory
(`AccessIndex`): docs/adr/0007-access-index.md.

Each is imported when first named (PEP 562): a registry command that checks access needs the
reader alone, and one that does not needs neither (the index's modules are about 10 ms of a
command's start; docs/performance.md, "Registry commands: the start").
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .index import AccessIndex
    from .reader import AccessReader
    from .tuning import tune_for_reads

__all__ = ["AccessIndex", "AccessReader", "tune_for_reads"]

_HOMES = {"AccessIndex": ".index", "AccessReader": ".reader", "tune_for_reads": ".tuning"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value
