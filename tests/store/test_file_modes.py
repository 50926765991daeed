"""A database and its journal files are the user's alone on POSIX, and so is a new folder for it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pwdesk.cli import main
from pwdesk.services.people import ChildDetails, add_child
from pwdesk.store.database import create_database
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_wal_and_shm_are_created_0600(tmp_path: Path) -> None:
    path = tmp_path / "private.db"
    old = os.umask(0o022)  # the usual umask, which would make them world-readable
    try:
        db = create_database(path, PASSPHRASE, device_name="laptop")
        try:
            add_child(db, ChildDetails("CR100001"))
            for name in ("private.db", "private.db-wal", "private.db-shm"):
                assert mode(tmp_path / name) == 0o600, name
        finally:
            db.close()
    finally:
        os.umask(old)


def test_a_folder_made_for_a_new_database_is_0700(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "made" / "pwdesk.db"
    old = os.umask(0o022)
    try:
        assert main(["init", "--db", str(path)]) == 0
    finally:
        os.umask(old)
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
