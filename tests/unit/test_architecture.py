"""The fence around the layers, read from the code's imports (docs/architecture.md).

- The cores (`guide/`, `registry/`) import neither the edges, nor `adapters/`, nor the
  composition root, nor a web, database or command-line library.
- The edges (`web/`, `api/`, `cli.py`, `registry_cli/`, `terminal/`) never import `adapters/`:
  only the composition root (`bootstrap.py`) and `migrations/` do, above them.
- No module imports another top-level package's private module (`x._y`) or private name.
- `registry` and `api.registry` list their public names once, in `__all__` (as the guide does).
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import mandaatwijzer
from mandaatwijzer import registry
from mandaatwijzer.api import registry as api_registry
from mandaatwijzer.registry import views  # noqa: F401 (registry.views below)

ROOT = Path(mandaatwijzer.__file__).parent
CORES = ("guide", "registry")
EDGES = ("web", "api", "cli", "registry_cli", "terminal", "__main__")
WIRING = ("bootstrap", "migrations")
OUTSIDE_LIBRARIES = ("sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "typer",
                     "rich", "jinja2", "uvicorn", "itsdangerous")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool) -> Iterator[str]:
    """Every module or name `source` imports, as absolute dotted names (`a.b.c`, and `a.b.name`
    for `from a.b import name`), from any depth of the code (function-level imports too)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def _modules() -> Iterator[tuple[str, str, set[str]]]:
    """(top-level package, module name, imported names) of every module of the package."""
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        top = module.split(".")[1] if "." in module else ""
        found = set(imports_of(path.read_text(encoding="utf-8"), module,
                               path.name == "__init__.py"))
        yield top, module, found


MODULES = list(_modules())


def _top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if parts[0] == "mandaatwijzer" and len(parts) > 1 else ""


def violations(modules: list[tuple[str, str, set[str]]]) -> list[str]:
    found = []
    for top, module, imported in modules:
        ours = {name for name in imported if name.startswith("mandaatwijzer.")}
        theirs = {name.split(".")[0] for name in imported} - {"mandaatwijzer"}
        tops = {_top(name) for name in ours}
        if top in CORES:
            found += [f"{module} (a core) imports {name}" for name in sorted(ours)
                      if _top(name) in (*EDGES, *WIRING, "adapters")]
            found += [f"{module} (a core) imports {name}" for name in sorted(theirs)
                      if name in OUTSIDE_LIBRARIES]
        if top in EDGES and "adapters" in tops:
            found.append(f"{module} (an edge) imports adapters/: ask bootstrap.py instead")
        for name in sorted(ours):
            parts = name.split(".")
            private = next((p for p in parts[2:] if p.startswith("_")
                            and not p.startswith("__")), None)
            if private is not None and _top(name) != top:
                found.append(f"{module} imports {name}, private to {parts[1]}/")
    return found


def test_the_layers_import_only_downwards() -> None:
    assert violations(MODULES) == []


@pytest.mark.parametrize(("top", "module", "imported", "complaint"), [
    ("web", "mandaatwijzer.web.x", {"mandaatwijzer.adapters.sql"}, "(an edge) imports adapters"),
    ("registry_cli", "mandaatwijzer.registry_cli.x", {"mandaatwijzer.adapters"},
     "(an edge) imports adapters"),
    ("web", "mandaatwijzer.web.x", {"mandaatwijzer.api.registry._identity"},
     "private to api/"),
    ("cli", "mandaatwijzer.cli", {"mandaatwijzer.registry.views._people"}, "private to registry/"),
    ("registry", "mandaatwijzer.registry.x", {"mandaatwijzer.bootstrap"}, "(a core) imports"),
    ("registry", "mandaatwijzer.registry.x", {"sqlalchemy.orm"}, "(a core) imports sqlalchemy"),
    ("guide", "mandaatwijzer.guide.x", {"mandaatwijzer.web.create_app"}, "(a core) imports"),
])
def test_the_fence_names_each_kind_of_breach(top: str, module: str, imported: set[str],
                                             complaint: str) -> None:
    [found] = violations([(top, module, imported)])
    assert complaint in found


def test_imports_are_read_at_any_depth_and_made_absolute() -> None:
    source = "def f():\n    from ..adapters import tokens\n    import sqlalchemy\n"
    found = set(imports_of(source, "mandaatwijzer.registry_cli._admin", False))
    assert {"mandaatwijzer.adapters", "mandaatwijzer.adapters.tokens", "sqlalchemy"} <= found


def test_only_the_composition_root_and_the_migrations_import_adapters() -> None:
    importers = {top for top, _, imported in MODULES
                 if any(_top(name) == "adapters" for name in imported)}
    assert importers <= {"adapters", "bootstrap", "migrations"}
    assert "bootstrap" in importers


def test_the_registry_lists_its_public_modules() -> None:
    public = sorted(path.stem if path.suffix else path.name
                    for path in Path(registry.__file__).parent.iterdir()
                    if not path.name.startswith("_") and (path.suffix == ".py" or
                                                          (path / "__init__.py").exists()))
    assert registry.__all__ == public
    for name in registry.__all__:
        module = importlib.import_module(f"mandaatwijzer.registry.{name}")
        assert all(hasattr(module, member) for member in getattr(module, "__all__", []))


@pytest.mark.parametrize("package", [api_registry, registry.views],
                         ids=["api.registry", "registry.views"])
def test_all_is_sorted_and_every_name_in_it_exists(package: ModuleType) -> None:
    listed = package.__all__
    assert all(hasattr(package, name) for name in listed)
    assert listed == sorted(listed, key=lambda n: (not n.isupper(), n[0].islower(), n))
    assert len(set(listed)) == len(listed)


@pytest.mark.parametrize("package", [api_registry, registry.views],
                         ids=["api.registry", "registry.views"])
def test_other_packages_use_only_the_names_in_all(package: ModuleType) -> None:
    name = package.__name__
    used = {imported.removeprefix(name + ".").split(".")[0]
            for top, _, names in MODULES if top != _top(name)
            for imported in names if imported.startswith(name + ".")}
    assert used <= set(package.__all__)
