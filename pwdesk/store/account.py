"""Who is using this computer: the name a new database gives its user until Settings says."""

from __future__ import annotations

import getpass
import os
import sys


def account_name() -> str:
    """The account's full name where the system knows it ("Gareth Lumley"), else its login."""
    full = _full_name()
    if full:
        return full
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _full_name() -> str:
    if sys.platform == "win32":
        import ctypes

        size = ctypes.c_ulong(256)
        buffer = ctypes.create_unicode_buffer(size.value)
        name_display = 3  # EXTENDED_NAME_FORMAT.NameDisplay
        secur32 = ctypes.WinDLL("secur32")  # type: ignore[attr-defined,unused-ignore]
        if secur32.GetUserNameExW(name_display, buffer, ctypes.byref(size)):
            return str(buffer.value).strip()
        return ""
    try:
        import pwd

        gecos = pwd.getpwuid(os.getuid()).pw_gecos
    except (ImportError, KeyError, OSError):
        return ""
    return gecos.split(",")[0].strip()  # the GECOS field's first part is the full name
