"""The layers of DESIGN.md, checked on the source: dependencies point down, Qt only in the GUI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pwdesk

PACKAGE = Path(pwdesk.__file__).resolve().parent
LAYERS = ["domain", "store", "exchange", "reports", "services", "cli", "gui"]
SHARED = {"pwdesk", "pwdesk.resources", "pwdesk.palette"}  # the version, the resources finder
# and the colours of screen and paper serve every layer
# The one upward step: ``pwdesk`` with no command (or ``pwdesk gui``) starts the desktop window.
LAUNCHES = {("cli", "pwdesk.gui.app")}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p) in LAYERS)


def test_every_layer_has_sources() -> None:
    present = {layer_of(path) for path in SOURCES}
    assert {"domain", "store", "reports", "services", "cli"} <= present


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_qt_is_imported_only_by_the_gui(path: Path) -> None:
    if layer_of(path) == "gui":
        return
    qt = {name for name in imports_of(path) if name.split(".")[0] in {"PySide6", "shiboken6"}}
    assert not qt, f"{path.name} imports {qt}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependencies_point_down(path: Path) -> None:
    rank = LAYERS.index(layer_of(path))
    upward = set()
    for name in imports_of(path):
        if not name.startswith("pwdesk") or name in SHARED or (layer_of(path), name) in LAUNCHES:
            continue
        target = name.split(".")[1]
        if target in LAYERS and LAYERS.index(target) > rank:
            upward.add(name)
    assert not upward, f"{path.relative_to(PACKAGE)} imports upward: {sorted(upward)}"


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
        "enum",
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
