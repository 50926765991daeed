"""Writing files the user asked for: whole or not at all."""

from __future__ import annotations

import errno
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
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise _not_written(out, error) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _not_written(out, error) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _not_written(out: Path, error: OSError) -> PwdeskError:
    """One sentence for a file the disk refused; an earlier file of that name is left as it was."""
    if error.errno == errno.ENOSPC:
        return PwdeskError(
            f"The disk is full, so {out.name} was not written; free some space and try again."
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PwdeskError(f"{out} cannot be written: its folder is read-only or not yours.")
    return PwdeskError(f"{out} cannot be written: {error.strerror or error}.")
