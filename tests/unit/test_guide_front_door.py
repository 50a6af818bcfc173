"""The guide's front door: outside `guide/`, only the names in `guide.__all__`, and only the
guide's map of addresses writes a guide address."""

from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mandaatwijzer import guide

PACKAGE = Path(guide.__file__).parent.parent
GUIDE = "mandaatwijzer.guide"

def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_guide_imports(source: str, module: str, is_package: bool = False) -> set[str]:
    """The private guide modules (`mandaatwijzer.guide._x`) that `source` imports or reaches
    as an attribute of the guide package."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    guide_names: set[str] = set()  # local names bound to the guide package
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_private(alias.name):
                    found.add(_private_part(alias.name))
                elif alias.name == GUIDE and alias.asname:
                    guide_names.add(alias.asname)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] \
                if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            if _is_private(target):
                found.add(_private_part(target))
            for alias in node.names:
                full = f"{target}.{alias.name}"
                if target == GUIDE and alias.name.startswith("_"):
                    found.add(full)
                elif full == GUIDE:
                    guide_names.add(alias.asname or alias.name)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in guide_names and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            found.add(f"{GUIDE}.{node.attr}")
    return found


def _is_private(name: str) -> bool:
    return name.startswith(GUIDE + "._")


def _private_part(name: str) -> str:
    return ".".join(name.split(".")[:3])


def _outside_the_guide() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not p.is_relative_to(PACKAGE / "guide"))


def test_no_module_outside_the_guide_imports_a_private_guide_module() -> None:
    offenders = {}
    for path in _outside_the_guide():
        found = private_guide_imports(path.read_text(encoding="utf-8"), _module(path),
                                      path.name == "__init__.py")
        if found:
            offenders[path.relative_to(PACKAGE).as_posix()] = sorted(found)
    assert offenders == {}, "use the names in mandaatwijzer.guide.__all__ instead"


@pytest.mark.parametrize("source", [
    "from ..guide import _urls",
    "from ..guide import flow, _view",
    "from ..guide._view import node_view",
    "from .. import guide\nguide._diagram.render_svg",
    "from mandaatwijzer.guide._engine import State",
    "import mandaatwijzer.guide._export",
    "import mandaatwijzer.guide as g\ng._howto",
    "from mandaatwijzer import guide as core\ncore._catalog",
    "def f():\n    from ..guide import _catalog",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .guide._engine import State",
])
def test_the_fence_sees_each_way_of_reaching_a_private_guide_module(source: str) -> None:
    module = "mandaatwijzer.cli" if "from .guide" in source else "mandaatwijzer.web._pages"
    assert private_guide_imports(source, module)


@pytest.mark.parametrize("source", [
    "from .. import guide\nguide.step_href\nguide.__all__",
    "from ..guide import State, node_view",
    "from . import _render",
    "from ..registry import _x",
    "import mandaatwijzer.guide",
])
def test_the_fence_lets_the_public_names_through(source: str) -> None:
    assert private_guide_imports(source, "mandaatwijzer.web._pages") == set()


def test_a_relative_import_is_read_from_the_importing_package() -> None:
    assert private_guide_imports("from . import _urls", "mandaatwijzer.guide", True) \
        == {"mandaatwijzer.guide._urls"}
    assert private_guide_imports("from ...guide import _urls",
                                 "mandaatwijzer.api.registry._views") \
        == {"mandaatwijzer.guide._urls"}


def _written_addresses(source: str) -> list[str]:
    """The f-strings in `source` that write a guide page or API address."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            text = "".join(part.value for part in node.values
                           if isinstance(part, ast.Constant) and isinstance(part.value, str))
            if "/flows" in text or "/glossary" in text:
                found.append(ast.unparse(node))
    return found


def test_no_module_outside_the_guide_writes_a_guide_address() -> None:
    offenders = {}
    for path in _outside_the_guide():
        written = _written_addresses(path.read_text(encoding="utf-8"))
        if written:
            offenders[path.relative_to(PACKAGE).as_posix()] = written
    assert offenders == {}, "take the address from the guide's map (guide.step_href, ...)"


def test_the_address_check_sees_an_address_written_by_hand() -> None:
    assert _written_addresses('f"/{lang}/flows/{flow.id}/diagram"')
    assert _written_addresses('f"/api/flows/{flow_id}/state"')
    assert _written_addresses('f"/{lang}/glossary#{term}"')
    assert not _written_addresses('f"/{lang}/"')


FLOW = "externe-dienstverlener"
ADDRESSES = {
    "start": guide.start_href(FLOW, "nl"),
    "step": guide.step_href(FLOW, "en", "eid=ja&rol=mandaatbeheerder"),
    "change": guide.change_href(FLOW, "nl", "eid", "eid=ja&rol=mandaatbeheerder"),
    "howto": guide.howto_href(FLOW, "nl", "mandaat-afsluiten", "eid=ja"),
    "diagram": guide.diagram_href(FLOW, "en"),
    "glossary_page": guide.glossary_href("nl", "mandaat", back=guide.start_href(FLOW, "nl")),
}


@pytest.mark.parametrize(("handler", "address"), ADDRESSES.items())
def test_every_page_address_is_served_by_its_handler(handler: str, address: str) -> None:
    from mandaatwijzer.web import _app, _pages

    path = urlsplit(address).path
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    endpoints = [child["endpoint"] for route in _app.PAGES
                 for match, child in [route.matches(scope)] if match.name == "FULL"]
    assert endpoints[:1] == [getattr(_pages, handler)]


def test_the_api_state_address_is_served_by_the_state_route() -> None:
    from mandaatwijzer.api import router

    paths = {getattr(route, "path", "") for route in router.routes}
    assert "/api/flows/{flow_id}/state" in paths
    assert guide.api_state_href(FLOW) == f"/api/flows/{FLOW}/state"


def test_the_addresses_write_the_answers_only_when_there_are_some() -> None:
    assert guide.step_href(FLOW, "nl") == f"/nl/flows/{FLOW}/step"
    assert guide.diagram_href(FLOW, "nl", "eid=ja") == f"/nl/flows/{FLOW}/diagram?eid=ja"
    assert guide.howto_href(FLOW, "en", "x") == f"/en/flows/{FLOW}/howto/x"
    assert guide.change_href(FLOW, "nl", "eid", "eid=ja") == f"/nl/flows/{FLOW}/change/eid?eid=ja"


def test_a_glossary_address_carries_its_way_back_encoded() -> None:
    assert guide.glossary_href("nl") == "/nl/glossary"
    assert guide.glossary_href("en", "eid") == "/en/glossary#eid"
    assert guide.glossary_href("nl", "eid", back="/nl/flows/x/step?a=b&c=d") \
        == "/nl/glossary?back=%2Fnl%2Fflows%2Fx%2Fstep%3Fa%3Db%26c%3Dd#eid"


def test_guide_json_imports_neither_the_diagram_nor_the_exports_nor_the_how_to_pages() -> None:
    """Its cold start counts (docs/adr/0003): those parts are imported on first use."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from mandaatwijzer import cli\n"
            "cli._fast_path(['guide', '--answers', 'rol=mandaatbeheerder', '--json'])\n"
            "sys.stderr.write(' '.join(m for m in sys.modules if m.startswith('mandaatwijzer.')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    loaded = set(run.stderr.split())
    assert '"node"' in run.stdout
    assert "mandaatwijzer.guide._view" in loaded
    assert loaded.isdisjoint({f"mandaatwijzer.guide.{m}" for m in ("_diagram", "_export",
                                                                   "_howto")})


def test_no_template_writes_a_guide_address() -> None:
    """Templates take guide links from the map too (`start_href`, `glossary_href` …)."""
    templates = PACKAGE / "web" / "templates"
    written = [f"{path.relative_to(templates)}: {line.strip()}"
               for path in sorted(templates.rglob("*.html"))
               for line in path.read_text(encoding="utf-8").splitlines()
               if "/flows/" in line or "/glossary" in line]
    assert written == []
