"""Access decisions read straight from the database (`AccessReader`) or held in memory
(`AccessIndex`): docs/adr/0007-access-index.md.

Each is imported when first named (PEP 562): a registry command that checks access needs the
reader alone, and one that does not needs neither (the index's modules are about 10 ms of a
command's start; docs/performance.md, "Registry commands: the start").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...lazy_names import lazy_names

if TYPE_CHECKING:
    from .index import AccessIndex
    from .reader import AccessReader
    from .tuning import tune_for_reads

__all__ = ["AccessIndex", "AccessReader", "tune_for_reads"]

_WHERE = {"AccessIndex": ("index", "AccessIndex"), "AccessReader": ("reader", "AccessReader"),
          "tune_for_reads": ("tuning", "tune_for_reads")}

if not TYPE_CHECKING:  # for mypy, the imports above declare these names
    __getattr__, __dir__ = lazy_names(__name__, _WHERE)
