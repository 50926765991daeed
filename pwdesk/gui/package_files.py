"""What the export and merge windows share about package files: their suffix and file filter,
the folder to start in, and the files and folders remembered from one session to the next."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

PACKAGE_SUFFIX = ".pwx"
PACKAGE_FILTER = "pwdesk packages (*.pwx)"
PROGRESS_DELAY_MS = 400  # quicker work than this shows no progress dialog
FIELD_WIDTH = 320  # a path or passphrase field, wide enough to read a path in


def documents_folder() -> Path:
    """The user's Documents folder, or their home folder where there is none."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder and Path(folder).is_dir() else Path.home()


def remembered(settings: QSettings | None, key: str) -> str:
    """A file or folder remembered under ``key`` ("" if none, or no settings are kept)."""
    value = settings.value(key, "") if settings is not None else ""
    return value if isinstance(value, str) else ""


def remember(settings: QSettings | None, key: str, value: str) -> None:
    """Remember a file or folder under ``key`` for next time (where settings are kept)."""
    if settings is not None:
        settings.setValue(key, value)
