"""The one parametrised ``db`` fixture of the store, services and exchange tests: each such test
runs on both stores pwdesk supports, an encrypted file and a PostgreSQL server.

Each of those folders' conftest.py imports it; elsewhere ``db`` is the encrypted file alone.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

from pwdesk.store.database import Database, create_database
from tests.conftest import PASSPHRASE

FILE_FIXTURES = {"db_path", "closed_db_path"}  # what a test of the file itself asks for


@pytest.fixture(params=["sqlite", "postgresql"], name="db")
def db_on_both_backends(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A new, empty database for one test: an encrypted file, or a database on the test server.

    A test of the file itself (it asks for the file's path, or is marked ``file_only``) runs on
    the file alone.
    """
    asks_for = set(inspect.signature(request.node.function).parameters)
    about_the_file = bool(asks_for & FILE_FIXTURES) or request.node.get_closest_marker("file_only")
    if request.param == "postgresql" and about_the_file:
        pytest.skip("a test of the encrypted file itself")
    if request.param == "sqlite":
        database = create_database(
            request.getfixturevalue("db_path"),
            PASSPHRASE,
            device_name="test-laptop",
            user="Test Auditor",
        )
    else:
        url = request.getfixturevalue("postgres_server").new_database()
        database = create_database(url=url, device_name="test-laptop", user="Test Auditor")
    yield database
    database.close()
