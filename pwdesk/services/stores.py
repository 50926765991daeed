"""Opening and creating the database someone works in: the step the command line and the
desktop window share, so both refuse the same things in the same words."""

from __future__ import annotations

from pathlib import Path

from pwdesk.store.database import (
    Database,
    create_database,
    open_database,
    refuse_existing,
    require_database_file,
)
from pwdesk.store.server import shown_url

__all__ = [
    "create_store",
    "open_store",
    "refuse_existing",
    "require_database_file",
    "shown_location",
]


def open_store(path: Path | None, passphrase: str | None, url: str | None = None) -> Database:
    """The database at ``path`` (unlocked with ``passphrase``), or on the server ``url`` names."""
    return open_database(path, passphrase, url=url)


def create_store(
    path: Path | None,
    passphrase: str | None,
    *,
    url: str | None = None,
    device_name: str | None = None,
    user: str | None = None,
) -> Database:
    """A new database at ``path``, in a folder only its user may enter, or on the server."""
    refuse_existing(path)  # before its folder is made
    if path is not None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the user's alone
    return create_database(path, passphrase, url=url, device_name=device_name, user=user)


def shown_location(url: str) -> str:
    """Where a server's store is, fit to show: its URL without the password."""
    return shown_url(url)
