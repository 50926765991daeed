"""The layers of DESIGN.md, checked on the source: dependencies point down, Qt only in the GUI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pwdesk

PACKAGE = Path(pwdesk.__file__).resolve().parent
# The layers by rank: a layer imports only layers of lower rank (and itself). Layers of one rank
# are siblings and never import each other: exchange and reports both build on the store, and the
# command line and the desktop window both build on the services.
RANKS = {
    "domain": 0,
    "store": 1,
    "exchange": 2,
    "reports": 2,
    "services": 3,
    "cli": 4,
    "gui": 4,
}
LAYERS = sorted(RANKS)
SHARED = {"pwdesk", "pwdesk.resources", "pwdesk.palette"}  # the version, the resources finder
# and the colours of screen and paper serve every layer
# The one step across: ``pwdesk`` with no command (or ``pwdesk gui``) starts the desktop window.
LAUNCHES = {("cli", "pwdesk.gui.app")}
# What the desktop window may use of the layers below the services: the database it was given.
GUI_FROM_STORE = {"pwdesk.store.database": {"Database"}}


def _absolute(node: ast.ImportFrom, path: Path) -> str:
    """The module a ``from`` import names, relative imports resolved against ``path``."""
    if node.level == 0:
        return node.module or ""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts  # pwdesk, services, lookup
    base = parts[: len(parts) - node.level]  # level 1 is the package holding the module
    return ".".join([*base, *([node.module] if node.module else [])])


def _is_module(package: str, name: str) -> bool:
    folder = PACKAGE.parent.joinpath(*package.split("."), name)
    return folder.is_dir() or folder.with_suffix(".py").is_file()


def imports_in(path: Path) -> list[tuple[str, set[str]]]:
    """Every module ``path`` imports, with the names it takes from each (empty for ``import m``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, set[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, set()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, path)
            found.append((module, {alias.name for alias in node.names}))
            # ``from pwdesk.services import lookup`` imports the module pwdesk.services.lookup
            found.extend(
                (f"{module}.{alias.name}", set())
                for alias in node.names
                if _is_module(module, alias.name)
            )
    return found


def imports_of(path: Path) -> set[str]:
    return {module for module, _ in imports_in(path)}


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def target_layer(module: str) -> str | None:
    """The layer an imported pwdesk module belongs to (None for shared and outside modules)."""
    parts = module.split(".")
    if parts[0] != "pwdesk" or module in SHARED or len(parts) < 2:
        return None
    return parts[1] if parts[1] in RANKS else None


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p) in RANKS)


def test_every_layer_has_sources() -> None:
    present = {layer_of(path) for path in SOURCES}
    assert present == set(RANKS)


def test_relative_imports_are_resolved() -> None:
    node = ast.parse("from ..domain import names").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _absolute(node, PACKAGE / "services" / "lookup.py") == "pwdesk.domain"
    node = ast.parse("from .common import put").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _absolute(node, PACKAGE / "services" / "lookup.py") == "pwdesk.services.common"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_qt_is_imported_only_by_the_gui(path: Path) -> None:
    if layer_of(path) == "gui":
        return
    qt = {name for name in imports_of(path) if name.split(".")[0] in {"PySide6", "shiboken6"}}
    assert not qt, f"{path.name} imports {qt}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependencies_point_down_and_siblings_stay_apart(path: Path) -> None:
    layer = layer_of(path)
    wrong = set()
    for module in imports_of(path):
        target = target_layer(module)
        if target is None or target == layer or (layer, module) in LAUNCHES:
            continue
        if RANKS[target] >= RANKS[layer]:
            wrong.add(module)
    assert not wrong, f"{path.relative_to(PACKAGE)} imports up or across: {sorted(wrong)}"


@pytest.mark.parametrize("path", [p for p in SOURCES if layer_of(p) == "gui"], ids=lambda p: p.name)
def test_the_gui_uses_only_services_domain_and_the_database_it_is_given(path: Path) -> None:
    allowed = {"gui", "services", "domain"}
    wrong = set()
    for module, names in imports_in(path):
        target = target_layer(module)
        if target is None or target in allowed:
            continue
        if module in GUI_FROM_STORE and names and names <= GUI_FROM_STORE[module]:
            continue
        wrong.add(module if not names else f"{module} ({', '.join(sorted(names))})")
    assert not wrong, f"{path.name} imports {sorted(wrong)}"


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if layer_of(p) == "domain"], ids=lambda p: p.name
)
def test_the_domain_does_no_io_and_uses_no_libraries(path: Path) -> None:
    allowed = {
        "__future__",
        "calendar",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "json",
        "math",
        "re",
        "tomllib",
        "typing",
        "unicodedata",
    }
    outside = {
        name
        for name in imports_of(path)
        if not name.startswith("pwdesk.domain") and name.split(".")[0] not in allowed
    }
    assert not outside, f"{path.name} imports {outside}"
