"""A database and its journal files are the user's alone on POSIX, a new folder for it too; an
empty file is never turned into a database."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pwdesk.cli import main
from pwdesk.services.people import ChildDetails, add_child
from pwdesk.store.database import create_database
from tests.conftest import PASSPHRASE

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@POSIX_ONLY
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


@POSIX_ONLY
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


def test_an_empty_file_given_as_the_database_stays_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    empty = tmp_path / "empty.db"
    empty.touch()
    assert main(["records", "--week", "2018-09", "--db", str(empty)]) == 2
    assert "is empty, so it is not a pwdesk database" in capsys.readouterr().err
    assert empty.stat().st_size == 0
    assert not (tmp_path / "empty.db-wal").exists()
