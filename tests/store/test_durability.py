"""Durability: saves the application confirmed survive the process being killed at any moment."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pwdesk.services.lookup import find_child
from pwdesk.store.database import Database, open_database
from pwdesk.store.models import AuditLogEntry, Child, RecordVersion
from tests.store.crash_writer import PASSPHRASE_VARIABLE, READY

WRITER = Path(__file__).with_name("crash_writer.py")
ROUNDS = 6
STARTUP_TIMEOUT_S = 20.0


def _run_until_killed(db_path: Path, prefix: str, passphrase: str, delay: float) -> list[str]:
    """Start a writer, let it save for ``delay`` seconds once ready, SIGKILL it; its lines."""
    env = {**os.environ, PASSPHRASE_VARIABLE: passphrase}
    argv = [sys.executable, str(WRITER), str(db_path), prefix]
    assert passphrase not in " ".join(argv)
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line == READY + "\n":
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        started = ready.wait(STARTUP_TIMEOUT_S)
        if started:
            threading.Event().wait(delay)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        reader.join(5)
    assert process.stderr is not None
    errors = process.stderr.read()
    process.stderr.close()
    assert process.stdout is not None
    process.stdout.close()
    assert started, f"the writer never became ready: {errors}"
    assert process.returncode == -signal.SIGKILL, f"the writer stopped by itself: {errors}"
    # Only whole lines are confirmations; a line cut short by the kill is not.
    return [line[:-1] for line in lines if line.endswith("\n") and line != READY + "\n"]


def _check(database: Database, confirmed: list[str], rounds: int) -> None:
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
        assert connection.exec_driver_sql("PRAGMA cipher_integrity_check").all() == []
    for reference in confirmed:
        find_child(database, reference)
    with database.read() as session:
        stored = set(session.scalars(select(Child.case_reference)))
        heads = set(session.scalars(select(Child.head)))
        versions = set(session.scalars(select(RecordVersion.id)))
        logged = set(session.scalars(select(AuditLogEntry.version_id)))
        children = session.scalar(select(func.count()).select_from(Child))
    assert set(confirmed) <= stored
    # At most one save per round can have committed without being confirmed.
    assert children is not None
    assert children - len(confirmed) <= rounds
    # Every saved child has its version and its audit-log row: saves are all or nothing.
    assert heads <= versions
    assert heads <= logged


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_confirmed_saves_survive_sigkill(db: Database, db_path: Path, passphrase: str) -> None:
    db.close()
    rng = random.Random(20180917)
    confirmed: list[str] = []
    for number in range(ROUNDS):
        delay = rng.uniform(0.05, 0.9)
        confirmed += _run_until_killed(db_path, f"R{number}", passphrase, delay)
        database = open_database(db_path, passphrase)
        try:
            _check(database, confirmed, number + 1)
        finally:
            database.close()
    assert len(confirmed) >= ROUNDS, "too few saves were confirmed to test anything"
