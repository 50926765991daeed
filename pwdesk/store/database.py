"""Opening the database: SQLCipher-encrypted SQLite by default, any SQLAlchemy URL otherwise.

The passphrase goes to SQLCipher's ``PRAGMA key`` on each new connection and nowhere else: not
into the URL, a log or an error message.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from pwdesk.domain.errors import DatabaseBusy, DatabaseError, StorageFailed, WrongPassphrase
from pwdesk.store import migrations
from pwdesk.store.account import account_name
from pwdesk.store.models import AuditLogEntry, Setting
from pwdesk.store.server import one_writer_at_a_time, server_engine, server_problem

Clock = Callable[[], datetime]
IdFactory = Callable[[], str]
BUSY_TIMEOUT_MS = 10_000


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def new_uuid() -> str:
    """A fresh random record id."""
    return str(uuid.uuid4())


BUSY_MESSAGE = "The database is busy: a merge is running; try again in a moment."

_SQLSTATE_PROBLEMS = {
    "53100": "full",  # disk_full
    "25006": "read-only",  # read_only_sql_transaction
    "55P03": "busy",  # lock_not_available
}


def storage_problem(error: BaseException, name: str) -> DatabaseError | None:
    """The one sentence for a failure of the storage itself, or None for any other error.

    SQLite names its failures in its messages, PostgreSQL by SQLSTATE; either way the user learns
    what is wrong with the disk, never a passphrase problem that is not there.
    """
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlstate", None)
    text = str(original).lower()
    if type(original).__module__.startswith("psycopg"):
        return server_problem(original, BUSY_MESSAGE)
    kind = _SQLSTATE_PROBLEMS.get(code or "")
    if kind is None:
        if "database is locked" in text or "database is busy" in text:
            kind = "busy"
        elif "readonly" in text or "read-only" in text:
            kind = "read-only"
        elif "disk is full" in text or "no space left" in text:
            kind = "full"
        elif "unable to open database file" in text:
            kind = "folder"
        elif "disk i/o error" in text:
            kind = "io"
    if kind == "busy":
        return DatabaseBusy(BUSY_MESSAGE)
    if kind in ("read-only", "folder"):
        return StorageFailed(
            f"{name} cannot be used: it, its folder, or the -wal and -shm files beside it are "
            "read-only."
        )
    if kind == "full":
        return StorageFailed(
            f"The disk holding {name} is full, so nothing was saved; free some space and try again."
        )
    if kind == "io":
        return StorageFailed(
            f"The disk holding {name} failed to read or write, perhaps because it is full; "
            "nothing was saved."
        )
    return None


@contextmanager
def storage_errors(name: str) -> Iterator[None]:
    """Turn a failure of the storage inside the block into its one sentence."""
    try:
        yield
    except DBAPIError as error:
        on_a_server = type(error.orig).__module__.startswith("psycopg")
        problem = (
            storage_problem(error, name)
            if on_a_server or isinstance(error, OperationalError)
            else None
        )
        if problem is None:
            raise
        raise problem from None


@dataclass(frozen=True)
class Identity:
    """Who is working, on which device: stamped on every version and audit-log row."""

    device_id: str
    device_name: str
    user: str


class _NoRowLogging(logging.Filter):
    """Drops SQLAlchemy's DEBUG records, which show fetched rows: a child's details among them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_ENGINE_LOGGER = logging.getLogger("sqlalchemy.engine.Engine")
if not any(isinstance(f, _NoRowLogging) for f in _ENGINE_LOGGER.filters):
    _ENGINE_LOGGER.addFilter(_NoRowLogging())


def _quote(passphrase: str) -> str:
    if not passphrase:
        raise DatabaseError("The passphrase is empty; choose one of at least a few words.")
    if "\x00" in passphrase:
        raise DatabaseError("The passphrase contains a NUL character, which cannot be used.")
    return "'" + passphrase.replace("'", "''") + "'"


def _sqlcipher_engine(path: Path, passphrase: str) -> Engine:
    """An engine whose every connection is keyed, checked and configured before use."""
    import sqlcipher3.dbapi2 as sqlcipher

    key_pragma = f"PRAGMA key = {_quote(passphrase)}"

    def connect() -> Any:
        connection = sqlcipher.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            connection.execute("PRAGMA cipher_log_level = NONE")  # no decryption noise on stderr
            connection.execute(key_pragma)
            try:
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher.DatabaseError as error:
                problem = storage_problem(error, path.name)
                if problem is not None:
                    raise problem from None
                raise WrongPassphrase(
                    f"The passphrase does not unlock {path.name}, "
                    "or the file is not a pwdesk database."
                ) from None
            for pragma in (
                "journal_mode = WAL",
                "synchronous = FULL",
                "foreign_keys = ON",
                f"busy_timeout = {BUSY_TIMEOUT_MS}",
                "temp_store = MEMORY",  # no temporary files beside the database
            ):
                try:
                    connection.execute(f"PRAGMA {pragma}")
                except sqlcipher.DatabaseError as error:
                    raise storage_problem(error, path.name) or error from None
        except BaseException:
            connection.close()
            raise
        return connection

    engine = create_engine(
        URL.create("sqlite+pysqlite", database=str(path)),
        module=sqlcipher,
        creator=connect,
        hide_parameters=True,
    )
    _take_over_transactions(engine)
    return engine


def _take_over_transactions(engine: Engine) -> None:
    """Let SQLAlchemy issue BEGIN itself, IMMEDIATE for writers, as its SQLite docs advise."""

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("pwdesk_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """An open pwdesk database: engine, sessions, identity, clock and record-id factory.

    ``read()`` and ``write()`` are the only ways in; each yields a Session inside one
    transaction, and ``write()`` commits when the block ends without an error.
    """

    def __init__(
        self, engine: Engine, identity: Identity, clock: Clock = utc_now, ids: IdFactory = new_uuid
    ) -> None:
        self.engine = engine
        self.name = Path(engine.url.database or "").name or "the database"
        self.identity = identity
        self.clock = clock
        self.new_id = ids
        self._reader = sessionmaker(engine, expire_on_commit=False)
        writer_bind = engine
        if engine.dialect.name == "sqlite":
            writer_bind = engine.execution_options(pwdesk_begin="IMMEDIATE")
        self._writer = sessionmaker(writer_bind, expire_on_commit=False)
        if engine.dialect.name == "postgresql":
            one_writer_at_a_time(self._writer)
        self._snapshot: ContextVar[Session | None] = ContextVar(
            f"pwdesk-snapshot-{id(self)}", default=None
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed. Inside ``snapshot()`` it is the
        snapshot's session, so every read of one use case sees the same state."""
        shared = self._snapshot.get()
        if shared is not None:
            yield shared
            return
        with storage_errors(self.name), self._reader() as session, session.begin():
            yield session
            session.rollback()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """One read transaction that every ``read()`` in this block (and thread) shares: a merge
        committing meanwhile cannot make a report's sections disagree."""
        if self._snapshot.get() is not None:
            with self.read() as session:
                yield session
            return
        with storage_errors(self.name), self._reader() as session, session.begin():
            token = self._snapshot.set(session)
            try:
                yield session
            finally:
                self._snapshot.reset(token)
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or not at all."""
        with storage_errors(self.name), self._writer() as session, session.begin():
            yield session

    def log(
        self,
        session: Session,
        action: str,
        *,
        record_type: str | None = None,
        record_id: str | None = None,
        version_id: str | None = None,
        detail: str = "",
    ) -> None:
        """Append a row to the audit log, in the caller's transaction."""
        session.add(
            AuditLogEntry(
                at=self.clock(),
                device_id=self.identity.device_id,
                user=self.identity.user,
                action=action,
                record_type=record_type,
                record_id=record_id,
                version_id=version_id,
                detail=detail,
            )
        )

    def setting(self, key: str, default: str = "") -> str:
        """One value from this database's settings."""
        with self.read() as session:
            value = session.scalar(select(Setting.value).where(Setting.key == key))
        return default if value is None else value

    def settings(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values of several settings, in one query; keys never set are absent."""
        wanted = sorted(set(keys))
        with self.read() as session:
            rows = session.execute(
                select(Setting.key, Setting.value).where(Setting.key.in_(wanted))
            ).all()
        return {key: value for key, value in rows}

    def set_setting(self, key: str, value: str) -> None:
        """Change one setting; the change is logged."""
        with self.write() as session:
            session.merge(Setting(key=key, value=value))
            self.log(session, "setting", detail=key)

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()


def _engine_for(path: Path | None, url: str | None, passphrase: str | None) -> Engine:
    if url is not None:
        engine = server_engine(url)
        if engine.dialect.name == "sqlite":
            _take_over_transactions(engine)
        return engine
    assert path is not None
    if passphrase is None:
        raise DatabaseError("A passphrase is needed to open an encrypted database.")
    return _sqlcipher_engine(path, passphrase)


def _identity(engine: Engine, user: str | None) -> Identity:
    with engine.connect() as connection:
        settings = dict(connection.execute(select(Setting.key, Setting.value)).all())
    if "device_id" not in settings:
        raise DatabaseError("This database was never set up; create it with 'pwdesk init'.")
    return Identity(
        device_id=settings["device_id"],
        device_name=settings.get("device_name", ""),
        user=user or settings.get("user_name") or account_name(),
    )


def _already_there(path: Path) -> DatabaseError:
    return DatabaseError(f"{path} already exists; pwdesk will not overwrite it.")


def refuse_existing(path: Path | None) -> None:
    """Refuse, before anything is asked or made, a new database that would overwrite a file."""
    if path is not None and path.exists():
        raise _already_there(path)


def require_database_file(path: Path | None) -> None:
    """Refuse, before anything is asked or opened, a path that holds no database."""
    if path is not None and not path.is_file():
        raise DatabaseError(f"There is no database at {path}; create one with 'pwdesk init'.")
    if path is not None and path.stat().st_size == 0:
        # SQLite would take an empty file for a new database and the migrations would fill it.
        raise DatabaseError(f"{path.name} is empty, so it is not a pwdesk database.")


def _create_private_file(path: Path) -> None:
    """Create the empty database file readable by its owner alone (0600 on POSIX). SQLite gives
    the -wal and -shm files beside it the same permissions."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made between the check and now
        raise _already_there(path) from None
    except OSError as error:
        raise DatabaseError(f"{path} cannot be created: {error.strerror}.") from None
    os.close(descriptor)


def create_database(
    path: Path | None = None,
    passphrase: str | None = None,
    *,
    url: str | None = None,
    device_name: str | None = None,
    user: str | None = None,
    clock: Clock = utc_now,
) -> Database:
    """Create a new database (a file at ``path``, or an empty one at ``url``) and set it up."""
    refuse_existing(path)
    if path is not None and not path.parent.is_dir():
        raise DatabaseError(f"The folder {path.parent} does not exist.")
    engine = _engine_for(path, url, passphrase)  # checks the passphrase; connects later
    if path is not None:
        try:
            _create_private_file(path)
        except BaseException:
            engine.dispose()
            raise
    try:
        with storage_errors(path.name if path is not None else "the database"):
            migrations.upgrade(engine)
        with (
            storage_errors(path.name if path is not None else "the database"),
            engine.begin() as connection,
        ):
            if connection.execute(select(Setting.key).limit(1)).first() is not None:
                raise DatabaseError("That database is already set up.")
            values = {
                "device_id": str(uuid.uuid4()),
                "device_name": device_name or socket.gethostname() or "pwdesk device",
                "created_at": clock().isoformat(),
            }
            if user:
                values["user_name"] = user
            connection.execute(insert(Setting), [{"key": k, "value": v} for k, v in values.items()])
        database = Database(engine, _identity(engine, user), clock)
        with database.write() as session:
            database.log(session, "init", detail=f"created on {database.identity.device_name}")
    except BaseException:
        engine.dispose()
        if path is not None:
            for leftover in (
                path,
                path.with_name(path.name + "-wal"),
                path.with_name(path.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)
        raise
    return database


def open_database(
    path: Path | None = None,
    passphrase: str | None = None,
    *,
    url: str | None = None,
    user: str | None = None,
    clock: Clock = utc_now,
) -> Database:
    """Open an existing database, bringing its schema up to date first."""
    require_database_file(path)
    engine = _engine_for(path, url, passphrase)
    try:
        with storage_errors(path.name if path is not None else "the database"):
            migrations.upgrade(engine)
            identity = _identity(engine, user)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, identity, clock)
