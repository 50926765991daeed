"""Fixtures shared by every test: real, encrypted, temporary databases."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pwdesk.services.demo import build_demo
from pwdesk.store.database import Database, create_database, open_database

pytest_plugins = ["tests.postgres"]  # a real PostgreSQL server, for the tests that need one

# Quotes and accents on purpose: the passphrase must survive SQL quoting and encoding.
PASSPHRASE = 'correct h\'orse "bättery" stäple'


@pytest.fixture
def passphrase() -> str:
    """The passphrase every test database is created with."""
    return PASSPHRASE


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database lives."""
    return tmp_path / "pwdesk.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A new, empty, encrypted database for one test."""
    database = create_database(db_path, PASSPHRASE, device_name="test-laptop", user="Test Auditor")
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once per test session; copy it before changing it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = create_database(path, PASSPHRASE, device_name="demo-laptop", user="Demo")
    build_demo(database, seed=2018)
    database.close()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database file."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    """The demo database, opened, for one test to read or change."""
    database = open_database(demo_path, PASSPHRASE)
    yield database
    database.close()
