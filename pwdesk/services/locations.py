"""Where pwdesk keeps things on a user's machine, through platformdirs."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path


def default_database_path() -> Path:
    """The database used when none is named: ``pwdesk.db`` in the user's data folder."""
    return user_data_path("pwdesk", appauthor=False) / "pwdesk.db"


def config_folder() -> Path:
    """The folder for window settings (geometry, the week last in focus)."""
    folder = user_config_path("pwdesk", appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_folder() -> Path:
    """The folder for the error log, which holds where the code failed and never what was typed."""
    return user_log_path("pwdesk", appauthor=False)
