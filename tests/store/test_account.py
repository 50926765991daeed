"""The name a new database gives its user: the account's full name, where the system has one."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import pytest

from pwdesk.store.account import account_name
from pwdesk.store.database import create_database
from tests.conftest import PASSPHRASE


@pytest.mark.skipif(sys.platform == "win32", reason="the GECOS field is a Unix account's")
def test_the_full_name_from_the_account_comes_before_the_login() -> None:
    import pwd

    full = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    assert account_name() == (full or getpass.getuser())
    assert "," not in account_name()  # never the room or telephone parts of the field


def test_a_new_database_names_its_user_after_the_account(tmp_path: Path) -> None:
    db = create_database(tmp_path / "laptop.db", PASSPHRASE)
    try:
        assert db.identity.user == account_name()
    finally:
        db.close()
