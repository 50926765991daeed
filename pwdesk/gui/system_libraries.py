"""The Linux system libraries Qt's X11 platform plugin needs, checked before Qt is loaded.

Without one of them Qt aborts with a raw "could not load the Qt platform plugin" message that
names none; pwdesk names the missing ones, with the Debian and Ubuntu package to install.
This module imports nothing from Qt, so the check runs before Qt can abort.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from ctypes.util import find_library

# Library (as ctypes.util.find_library names it) -> the Debian/Ubuntu package that provides it.
XCB_LIBRARIES: Mapping[str, str] = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


def uses_x11(environment: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will start on X11 (xcb): on Linux, unless another platform is asked for or a
    Wayland session is running."""
    if not platform.startswith("linux"):
        return False
    chosen = environment.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.startswith("xcb")
    return not environment.get("WAYLAND_DISPLAY")


def missing_libraries(libraries: Sequence[str] = tuple(XCB_LIBRARIES)) -> list[str]:
    """Those of ``libraries`` the system's dynamic linker cannot find, in the order given."""
    return [name for name in libraries if find_library(name) is None]


def missing_libraries_sentence(
    environment: Mapping[str, str] = os.environ, libraries: Sequence[str] = tuple(XCB_LIBRARIES)
) -> str | None:
    """One sentence naming the packages to install before the window can open; None if none."""
    if not uses_x11(environment):
        return None
    missing = missing_libraries(libraries)
    if not missing:
        return None
    packages = " ".join(XCB_LIBRARIES.get(name, f"lib{name}") for name in missing)
    return (
        "The desktop window cannot open: this system lacks the X11 libraries Qt needs "
        f"({', '.join('lib' + name for name in missing)}); install them with "
        f"'sudo apt install {packages}' (Debian or Ubuntu) and start pwdesk again."
    )
