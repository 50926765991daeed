"""The local error log: where the code failed, so a fault can be found, and nothing else.

An exception's message can hold what was typed or a child's case reference, so the log keeps
only the exception's type and the code's own frames (file, line, function): never the message,
never a local variable. The file is the user's alone (0600 where the system has modes).
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from pwdesk import __version__

LOG_NAME = "pwdesk-errors.log"
MAX_LOG_BYTES = 1_000_000  # an old log is cut rather than grown without end


def describe_failure(kind: type[BaseException], tb: TracebackType | None, at: datetime) -> str:
    """The log entry for one failure: time, version, the exception's type and its frames."""
    lines = [
        f"{at.isoformat(timespec='seconds')} pwdesk {__version__}: {kind.__module__}."
        f"{kind.__qualname__}"
    ]
    for frame in traceback.extract_tb(tb):
        where = Path(frame.filename)
        parts = where.parts
        shown = "/".join(parts[parts.index("pwdesk") :]) if "pwdesk" in parts else where.name
        lines.append(f"  {shown}:{frame.lineno} in {frame.name}")
    return "\n".join(lines) + "\n"


def log_failure(
    folder: Path, kind: type[BaseException], tb: TracebackType | None, at: datetime
) -> Path:
    """Append a failure to the error log in ``folder``; the log's path."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / LOG_NAME
    if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as log:
        log.write(describe_failure(kind, tb, at))
    return path
