"""Alembic migrations, applied whenever a database is opened so older databases keep working.

Alembic itself is imported only when a database actually needs upgrading: opening an up-to-date
database checks one row against ``HEAD``, which keeps start-up quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from pwdesk.domain.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent
HEAD = "0008"
"""The newest migration; a test checks it against the migration scripts."""


def alembic_config() -> Config:
    """An Alembic configuration pointing at this folder, with no ini file."""
    from alembic.config import Config  # only when migrating

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    """The newest migration according to the scripts themselves."""
    from alembic.script import ScriptDirectory  # only when migrating

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration a database is at (None for an empty one)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring a database's schema to the newest migration, in one transaction.

    A database a newer release has migrated further is refused, untouched, in one sentence.
    """
    revision = current_revision(engine)
    if revision == HEAD:
        return
    from alembic import command  # only when migrating
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = alembic_config()
    if revision is not None:
        try:
            ScriptDirectory.from_config(config).get_revision(revision)
        except CommandError:
            raise DatabaseError(
                "This database was brought up to date by a newer release of pwdesk; open it "
                "with that release or a later one."
            ) from None
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
