"""A real, throwaway PostgreSQL server for the tests: initdb into a temporary folder, its own
port and socket, password logins only, stopped and removed at the end of the session.

Where PostgreSQL is not installed the server tests are skipped, except in CI
(``PWDESK_REQUIRE_POSTGRES=1``), where its absence is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

SUPERUSER = "pwdesk_admin"
PASSWORD = "fictional server passphrase"


def server_binaries() -> Path | None:
    """Where PostgreSQL's initdb and pg_ctl are, if it is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running server: where it listens, and how to make a fresh database on it."""

    folder: Path
    port: int

    def url(self, database: str, password: str = PASSWORD, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}:{quote(password)}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new, empty database on the server; its URL."""
        import psycopg

        name = f"pwdesk_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def admin_dsn(self, database: str = "postgres") -> str:
        return (
            f"host=127.0.0.1 port={self.port} dbname={database} user={SUPERUSER} "
            f"password='{PASSWORD}'"
        )


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: under root, run its tools as the postgres user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def running_server(binaries: Path) -> Iterator[Server]:
    """Start a throwaway server (password logins only, its own port and folder); stop and remove
    it when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="pwdesk-pg-"))
    data, password_file = folder / "data", folder / "password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(password_file, "postgres")
    port = _free_port()
    tool = {name: str(binaries / name) for name in ("initdb", "pg_ctl")}
    init = [tool["initdb"], "-D", str(data), "-U", SUPERUSER, f"--pwfile={password_file}"]
    init += ["--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"]
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [tool["pg_ctl"], "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w"]
    try:
        subprocess.run(_as_server_user(init), check=True, capture_output=True)
        subprocess.run(_as_server_user([*start, "start"]), check=True, capture_output=True)
        yield Server(folder, port)
    finally:
        subprocess.run(
            _as_server_user([tool["pg_ctl"], "-D", str(data), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """One PostgreSQL server for the session."""
    binaries = server_binaries()
    if binaries is None:
        if os.environ.get("PWDESK_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required here, but initdb is not installed.")
        pytest.skip("PostgreSQL is not installed")
    with running_server(binaries) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: Server) -> str:
    """A fresh, empty database on the test server, for one test."""
    return postgres_server.new_database()
