"""Access decisions read straight from the database (`AccessReader`) or held in memory
(`AccessIndex`): docs/adr/0007-access-index.md."""

from .index import AccessIndex
from .reader import AccessReader, tune_for_reads

__all__ = ["AccessIndex", "AccessReader", "tune_for_reads"]
