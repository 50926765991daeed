"""The stores the store, services and exchange tests run on: an encrypted file and a PostgreSQL
server. ``db`` is the store and services tests' database, parametrised over both; the exchange
tests' ``target`` (the QA officer's store every package merges into) takes the same BACKENDS.

The store and services folders' conftest.py import ``db``; elsewhere it is the encrypted file.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

from pwdesk.store.database import Database, create_database
from tests.conftest import PASSPHRASE

FILE_FIXTURES = {"db_path", "closed_db_path"}  # what a test of the file itself asks for
BACKENDS = ["sqlite", "postgresql"]  # every parametrised store fixture runs on these


@pytest.fixture(params=BACKENDS, name="db")
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
