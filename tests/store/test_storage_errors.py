"""When the disk refuses, the user is told what the disk did: a read-only file or folder, a full
disk, a database busy with a merge. Never a passphrase problem that is not there, never a
traceback, and nothing half-written."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

import pwdesk.services.people  # noqa: F401  (imported before a fork: the child reads no files)
from pwdesk.cli import main
from pwdesk.domain.errors import DatabaseBusy, PwdeskError, StorageFailed
from pwdesk.services.actions import ActionDetails, save_action
from pwdesk.services.files import write_atomically
from pwdesk.services.merge import canonical_dump
from pwdesk.services.people import AuditorDetails, add_auditor
from pwdesk.services.weeks import find_week
from pwdesk.store import database as database_module
from pwdesk.store.database import (
    BUSY_MESSAGE,
    Database,
    create_database,
    open_database,
)
from tests.conftest import PASSPHRASE

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
NOBODY = 65534


def run_as_another_user(argv: list[str]) -> tuple[int, str]:
    """The command line's exit status and error output, run as a user file modes bind."""
    return as_another_user(lambda: main(argv))


def as_another_user(job: Callable[[], int]) -> tuple[int, str]:
    """Run ``job`` in a child process that file modes bind: the test user itself, or ``nobody``
    when the tests run as root (whom no mode stops); its status and what it wrote to stderr.
    The child reads no code from disk: everything it runs was imported before the fork."""
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork beside threads (3.12+)
        pid = os.fork()
    if pid == 0:  # the child
        status = 99
        try:
            os.close(read)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            sys.stderr = open(write, "w")  # noqa: SIM115
            status = job()
            sys.stderr.flush()
        finally:
            os._exit(status)
    os.close(write)
    with open(read) as stream:
        err = stream.read()
    _, code = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(code), err


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's own folders are the test user's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="pwdesk-storage-"))
    folder.chmod(0o777)
    yield folder
    folder.chmod(0o755)
    for path in folder.iterdir():
        path.chmod(0o644)
    shutil.rmtree(folder)


def make_store(folder: Path) -> Path:
    path = folder / "laptop.db"
    db = create_database(path, PASSPHRASE, device_name="laptop")
    add_auditor(db, AuditorDetails("Alex Example"))
    db.close()
    for journal in ("laptop.db-wal", "laptop.db-shm"):
        (folder / journal).unlink(missing_ok=True)
    return path


@POSIX_ONLY
def test_a_read_only_database_file_says_so_and_still_reads(
    shared_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    path = make_store(shared_folder)
    path.chmod(0o444)
    status, err = run_as_another_user(["todo", "--db", str(path), "--week", "none"])
    assert "read-only" not in err  # reading works: only the week is unknown
    status, err = run_as_another_user(["add-leader", "--db", str(path), "Sam Example"])
    assert (status, err) == (
        2,
        "pwdesk: laptop.db cannot be used: it, its folder, or the -wal and -shm files beside it "
        "are read-only.\n",
    )


@POSIX_ONLY
def test_a_read_only_folder_says_so_rather_than_blaming_the_passphrase(
    shared_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    path = make_store(shared_folder)
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    shared_folder.chmod(0o555)
    status, err = run_as_another_user(["add-leader", "--db", str(path), "Sam Example"])
    assert status == 2
    assert err == (
        "pwdesk: laptop.db cannot be used: it, its folder, or the -wal and -shm files beside it "
        "are read-only.\n"
    )
    assert "passphrase" not in err


def limit_growth(engine_class: type[Engine]) -> Callable[[], None]:
    """Make every new connection's database unable to grow: SQLite's own 'database or disk is
    full', as a full disk gives it."""

    def cap(connection: Any, _: Any) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine_class, "connect", cap)
    return lambda: event.remove(engine_class, "connect", cap)


def test_a_full_disk_says_so_and_saves_nothing(demo_db: Database) -> None:
    before = canonical_dump(demo_db)
    demo_db.engine.dispose()
    release = limit_growth(Engine)
    try:
        week = find_week(demo_db, "2018-09").id
        with pytest.raises(StorageFailed) as full:
            save_action(demo_db, None, ActionDetails(week, "Visit monthly. " * 6000))
        assert str(full.value) == (
            "The disk holding demo.db is full, so nothing was saved; free some space and try again."
        )
    finally:
        release()
        demo_db.engine.dispose()
    assert canonical_dump(demo_db) == before


def test_the_command_line_on_a_full_disk_is_one_sentence(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    week = ["new-week", "--db", str(demo_path), "--code", "2019-03", "--title", "March 2019"]
    dates = ["--starts", "2019-03-18", "--ends", "2019-03-22"]
    theme = ["--theme", "Permanence for every child. " * 3000]  # more than any free page holds
    release = limit_growth(Engine)
    try:
        status = main([*week, *dates, *theme])
    finally:
        release()
    assert (status, capsys.readouterr().err) == (
        2,
        "pwdesk: The disk holding demo.db is full, so nothing was saved; free some space and "
        "try again.\n",
    )
    assert main(["weeks", "--db", str(demo_path)]) == 0
    assert "2019-03" not in capsys.readouterr().out


def test_a_writer_during_a_merge_is_told_to_try_again_in_a_moment(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    merging = open_database(demo_path, PASSPHRASE)
    holding, release = threading.Event(), threading.Event()

    def long_merge() -> None:  # a merge's one write transaction, held open
        with merging.write() as session:
            session.execute(text("UPDATE setting SET value = value WHERE key = 'device_id'"))
            holding.set()
            release.wait(10)

    merge = threading.Thread(target=long_merge)
    merge.start()
    try:
        assert holding.wait(10)
        other = open_database(demo_path, PASSPHRASE)
        try:
            before = canonical_dump(other)
            with pytest.raises(DatabaseBusy) as busy:
                add_auditor(other, AuditorDetails("Sam Example"))
            assert str(busy.value) == BUSY_MESSAGE
            status = main(["add-leader", "--db", str(demo_path), "Sam Example"])
            assert (status, capsys.readouterr().err) == (2, f"pwdesk: {BUSY_MESSAGE}\n")
        finally:
            release.set()
            merge.join()
        assert canonical_dump(other) == before
        add_auditor(other, AuditorDetails("Sam Example"))  # once the merge is done, it saves
        other.close()
    finally:
        merging.close()


@POSIX_ONLY
def test_a_file_written_into_a_read_only_folder_is_one_sentence(shared_folder: Path) -> None:
    shared_folder.chmod(0o555)

    def write_report() -> int:
        try:
            write_atomically(b"%PDF-1.4", shared_folder / "report.pdf")
        except PwdeskError as error:
            print(error, file=sys.stderr)
            return 2
        return 0

    status, err = as_another_user(write_report)
    assert (status, err) == (
        2,
        f"{shared_folder / 'report.pdf'} cannot be written: its folder is read-only or not "
        "yours.\n",
    )
    assert list(shared_folder.iterdir()) == []
