"""Writing files the user asked for: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pwdesk.domain.errors import PwdeskError


def write_atomically(data: bytes, out: Path) -> None:
    """Write a file so that an interrupted write never leaves a half file under the real name.

    The bytes go to a temporary file beside ``out``, are synced to disk, then renamed over it.
    """
    folder = out.parent
    if not folder.is_dir():
        raise PwdeskError(f"The folder {folder} does not exist.")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
