"""A package's public names imported on first use (PEP 562), from a table of where each lives.

`registry.views`, `guide` and `adapters.access` name their parts this way: a registry
command imports the modules it uses and not their neighbours (docs/performance.md, "Registry
commands: the start"; ADRs 0012, 0013).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, where: Mapping[str, tuple[str, str]]
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for the package named `package`: `where` maps each public
    name to the package's module that holds it and its name there. A name is imported when it
    is first used, and is an ordinary attribute of the package from then on."""

    def getattr_(name: str) -> Any:
        found = where.get(name)
        if found is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = found
        value = getattr(import_module(f"{package}.{module}"), attribute)
        setattr(sys.modules[package], name, value)
        return value

    def dir_() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return getattr_, dir_


__all__ = ["lazy_names"]
