"""The one place that knows where pwdesk's resources (templates, fonts, icons) live.

Installed: inside the package as ``pwdesk/_resources``. From a source checkout: ``resources/``
beside the package. In a PyInstaller bundle: ``_resources`` in the bundle folder.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resources_dir() -> Path:
    """The folder holding pwdesk's resources."""
    candidates = [
        Path(getattr(sys, "_MEIPASS", _PACKAGE_DIR)) / "pwdesk" / "_resources",
        _PACKAGE_DIR / "_resources",
        _PACKAGE_DIR.parent / "resources",
    ]
    for candidate in candidates:
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError("pwdesk's resources folder is missing from this installation")


def resource_path(*parts: str) -> Path:
    """A path inside the resources folder, e.g. ``resource_path("templates")``."""
    return resources_dir().joinpath(*parts)
