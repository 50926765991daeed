"""A store on a PostgreSQL server: the URL pwdesk connects with, the driver it needs, one
sentence for each way a server refuses, and the lock that lets one writer in at a time.

On a server there is no SQLCipher: a council protects the data at rest with the server's own
encryption and in transit with TLS (``sslmode=verify-full`` in the URL). docs/storage.md says
what to configure.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from pwdesk.domain.errors import DatabaseBusy, DatabaseError, StorageFailed

DRIVER_INSTALL = "pip install 'pwdesk[postgres]'"
WRITER_LOCK = 0x7077_6465_736B  # "pwdesk": the one advisory lock every write transaction takes
WRITER_WAIT = "10s"  # as long as a save waits for SQLite's lock, then it is "busy"
_LOGIN_REFUSED = {"28P01", "28000"}  # invalid_password, invalid_authorization_specification
_LOST = {"08000", "08003", "08006", "57P01", "57P02", "57P03"}  # connection and shutdown codes


def parse_url(url: str) -> URL:
    """The URL as SQLAlchemy reads it, PostgreSQL's through psycopg 3 unless another driver is
    named; one sentence for a URL that is not one."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError(
            "That database URL cannot be read; write it as postgresql://USER@HOST/DATABASE."
        ) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def shown_url(url: str | URL) -> str:
    """A URL fit to print or log: the password, if any, is never shown."""
    parsed = url if isinstance(url, URL) else make_url(url)
    return parsed.render_as_string(hide_password=True)


def server_engine(url: str) -> Engine:
    """An engine for the URL; one sentence, naming the install command, if its driver is absent."""
    parsed = parse_url(url)
    try:
        return create_engine(parsed, hide_parameters=True, pool_pre_ping=True)
    except ModuleNotFoundError:
        if parsed.get_backend_name() == "postgresql":
            raise DatabaseError(
                f"PostgreSQL needs its driver, psycopg; install it with {DRIVER_INSTALL}."
            ) from None
        raise DatabaseError(
            f"The driver for {parsed.get_backend_name()} databases is not installed."
        ) from None


def one_writer_at_a_time(writer: sessionmaker[Session]) -> None:
    """Make every write transaction on a server take the same lock first, so that two merges,
    or a merge and a save, run one after the other and each sees what the other committed.

    The lock is PostgreSQL's transaction-level advisory lock: it goes with the transaction's
    commit or rollback, even if the client dies. A writer that waits longer than WRITER_WAIT is
    told the database is busy, as on SQLite.
    """

    @event.listens_for(writer, "after_begin")
    def _take_the_lock(session: Session, transaction: Any, connection: Any) -> None:
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{WRITER_WAIT}'")
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})


def server_problem(original: BaseException, busy: str) -> DatabaseError | None:
    """One sentence for a server's refusal (psycopg's error under SQLAlchemy's), or None."""
    code = getattr(original, "sqlstate", None) or ""
    lowered = str(original).lower()
    if code == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return DatabaseError(
            "The server has no such database; ask its administrator to create it "
            "('pwdesk init' creates the tables, not the database)."
        )
    if code in _LOGIN_REFUSED or "password authentication failed" in lowered:
        return DatabaseError("The server refused the user name or password in the URL.")
    if code == "42501":
        return DatabaseError(
            "The server does not let the role in the URL do this (permission denied); its "
            "administrator can grant what docs/storage.md lists."
        )
    if code == "55P03":
        return DatabaseBusy(busy)
    if code in _LOST or "server closed the connection" in lowered or "terminating" in lowered:
        return StorageFailed(
            "The connection to the database server was lost, so the last step was not saved; "
            "try again when the server is back."
        )
    if not code and ("connection failed" in lowered or "could not connect" in lowered):
        return DatabaseError(
            "The database server does not answer; check that it is running and that the host "
            "and port in the URL are right."
        )
    return None
