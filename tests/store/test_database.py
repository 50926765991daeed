"""Opening and creating the encrypted database: encryption at rest, passphrases, settings."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import Connection, select

from pwdesk.domain.errors import DatabaseError, WrongPassphrase
from pwdesk.services.lookup import find_child
from pwdesk.services.people import ChildDetails, add_child
from pwdesk.store.database import (
    BUSY_TIMEOUT_MS,
    Database,
    create_database,
    open_database,
)
from pwdesk.store.models import Child, Cohort, Setting

SQLITE_HEADER = b"SQLite format 3\x00"
CASE_REFERENCE = "CR-SECRET-40417"


def _sidecars(path: Path) -> list[Path]:
    """The database file and its WAL and shared-memory files, those that exist."""
    candidates = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return [candidate for candidate in candidates if candidate.exists()]


@pytest.fixture
def closed_db_path(db: Database, db_path: Path) -> Path:
    """A database holding one child, closed so its file can be read whole."""
    add_child(db, ChildDetails(CASE_REFERENCE, date_of_birth=date(2011, 4, 9)))
    db.close()
    return db_path


def test_database_file_is_not_plain_sqlite(closed_db_path: Path) -> None:
    data = closed_db_path.read_bytes()
    assert len(data) > 0
    assert not data.startswith(SQLITE_HEADER)
    assert CASE_REFERENCE.encode() not in data


def test_standard_sqlite_cannot_read_the_file(closed_db_path: Path) -> None:
    before = closed_db_path.read_bytes()
    connection = sqlite3.connect(closed_db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    finally:
        connection.close()
    assert closed_db_path.read_bytes() == before


def test_wrong_passphrase_is_one_clear_sentence(closed_db_path: Path, passphrase: str) -> None:
    wrong = "correct horse battery staple"
    before = closed_db_path.read_bytes()
    with pytest.raises(WrongPassphrase) as caught:
        open_database(closed_db_path, wrong)
    message = str(caught.value)
    assert message.endswith(".")
    assert "\n" not in message
    assert ". " not in message  # one sentence
    assert closed_db_path.name in message
    assert wrong not in message
    assert passphrase not in message
    # The cipher's own error (which might echo internals) is not chained on.
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert closed_db_path.read_bytes() == before


def test_a_file_that_is_no_pwdesk_database_is_refused(tmp_path: Path, passphrase: str) -> None:
    plain = tmp_path / "plain.db"
    connection = sqlite3.connect(plain)
    connection.execute("CREATE TABLE note (text TEXT)")
    connection.commit()
    connection.close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(bytes(range(256)) * 64)
    for path in (plain, garbage):
        before = path.read_bytes()
        with pytest.raises(WrongPassphrase, match="not a pwdesk database"):
            open_database(path, passphrase)
        assert path.read_bytes() == before


def test_right_passphrase_reopens(closed_db_path: Path, passphrase: str) -> None:
    assert "'" in passphrase
    assert '"' in passphrase
    assert not passphrase.isascii()
    database = open_database(closed_db_path, passphrase)
    try:
        assert find_child(database, CASE_REFERENCE)
        assert database.identity.device_name == "test-laptop"
        assert database.identity.user == "Test Auditor"
    finally:
        database.close()


@pytest.mark.parametrize("bad", ["", "before\x00after"], ids=["empty", "nul"])
def test_unusable_passphrases_are_refused(tmp_path: Path, closed_db_path: Path, bad: str) -> None:
    new_path = tmp_path / "new.db"
    with pytest.raises(DatabaseError) as creating:
        create_database(new_path, bad)
    assert not new_path.exists()
    with pytest.raises(DatabaseError) as opening:
        open_database(closed_db_path, bad)
    for caught in (creating, opening):
        assert not isinstance(caught.value, WrongPassphrase)
        if bad:
            assert bad not in str(caught.value)


def test_passphrase_stays_out_of_url_logs_and_files(
    tmp_path: Path, passphrase: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    caplog.set_level(logging.DEBUG, logger="alembic")
    path = tmp_path / "secret.db"
    secret = passphrase.encode("utf-8")

    database = create_database(path, passphrase, user="Logged Auditor")
    add_child(database, ChildDetails(CASE_REFERENCE, team="Permanence"))
    for shown in (str(database.engine.url), repr(database.engine.url)):
        assert passphrase not in shown
    wal = path.with_name(path.name + "-wal")
    assert wal.exists()  # the save above went to the WAL, still open
    for file in _sidecars(path):
        data = file.read_bytes()
        assert secret not in data
        assert CASE_REFERENCE.encode() not in data
    database.close()

    with pytest.raises(WrongPassphrase):
        open_database(path, passphrase + "!")
    database = open_database(path, passphrase)
    add_child(database, ChildDetails("CR-SECOND-1"))
    for shown in (str(database.engine.url), repr(database.engine.url)):
        assert passphrase not in shown
    database.close()
    assert secret not in path.read_bytes()

    names = {record.name.split(".")[0] for record in caplog.records}
    assert {"sqlalchemy", "alembic"} <= names, "logging was not captured at all"
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "") + repr(record.args)
        assert passphrase not in text, f"passphrase in a log record from {record.name}"
        assert CASE_REFERENCE not in text, f"child data in a log record from {record.name}"
    assert passphrase not in caplog.text
    assert "PRAGMA key" not in caplog.text


def test_child_data_stays_out_of_debug_logs(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    add_child(db, ChildDetails(CASE_REFERENCE, date_of_birth=date(2011, 4, 9)))
    with db.read() as session:
        assert session.scalars(select(Child.case_reference)).all() == [CASE_REFERENCE]
    assert caplog.records, "logging was not captured at all"
    assert CASE_REFERENCE not in caplog.text
    assert "2011-04-09" not in caplog.text


def _pragma(connection: Connection, name: str) -> object:
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def _check_settings(connection: Connection) -> None:
    assert str(_pragma(connection, "journal_mode")).lower() == "wal"
    assert _pragma(connection, "synchronous") == 2  # FULL
    assert _pragma(connection, "foreign_keys") == 1
    assert _pragma(connection, "busy_timeout") == BUSY_TIMEOUT_MS == 10_000
    assert _pragma(connection, "temp_store") == 2  # MEMORY


@pytest.mark.file_only
def test_every_connection_is_configured(db: Database) -> None:
    with db.engine.connect() as first, db.engine.connect() as second:
        assert first.connection.dbapi_connection is not second.connection.dbapi_connection
        _check_settings(first)
        _check_settings(second)
    db.engine.dispose()
    with db.engine.connect() as fresh:
        _check_settings(fresh)


def test_foreign_keys_are_enforced(db: Database) -> None:
    orphan = Cohort(id="c0", head="h0", week_id="no-such-week", name="x", rules=[], position=0)
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.write() as session:
        session.add(orphan)
    with db.read() as session:
        assert session.get(Cohort, "c0") is None


def test_create_refuses_an_existing_database(db: Database, db_path: Path, passphrase: str) -> None:
    add_child(db, ChildDetails(CASE_REFERENCE))
    before = {file: file.read_bytes() for file in _sidecars(db_path)}
    with pytest.raises(DatabaseError, match="already exists"):
        create_database(db_path, passphrase)
    assert {file: file.read_bytes() for file in _sidecars(db_path)} == before
    assert find_child(db, CASE_REFERENCE)


def test_create_refuses_any_existing_file(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"not a database, and it must stay as it is\n")
    with pytest.raises(DatabaseError):
        create_database(path, passphrase)
    assert path.read_bytes() == b"not a database, and it must stay as it is\n"
    assert _sidecars(path) == [path]


def test_create_refuses_a_missing_folder(tmp_path: Path, passphrase: str) -> None:
    folder = tmp_path / "no" / "such" / "folder"
    with pytest.raises(DatabaseError, match="does not exist"):
        create_database(folder / "pwdesk.db", passphrase)
    assert not (tmp_path / "no").exists()


def test_open_refuses_a_missing_file(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(DatabaseError) as caught:
        open_database(path, passphrase)
    message = str(caught.value)
    assert str(path) in message
    assert "pwdesk init" in message
    assert passphrase not in message
    assert not path.exists()  # opening never creates an empty database


def test_failed_create_leaves_no_file_behind(tmp_path: Path, passphrase: str) -> None:
    path = tmp_path / "half.db"

    def naive_clock() -> datetime:
        # A clock without a time zone: stamping the first audit-log row fails after the file
        # and its schema were already written.
        return datetime(2018, 9, 17, 9, 30)

    with pytest.raises((ValueError, sqlalchemy.exc.StatementError)):
        create_database(path, passphrase, clock=naive_clock)
    assert list(tmp_path.iterdir()) == []


def test_create_stamps_device_and_user(db: Database) -> None:
    with db.read() as session:
        rows = session.execute(select(Setting.key, Setting.value))
        settings = {row.key: row.value for row in rows}
    assert settings["device_id"] == db.identity.device_id
    assert settings["device_name"] == "test-laptop"
    assert settings["user_name"] == "Test Auditor"
