"""Alembic migrations: new databases are at the head, models and migrations agree, upgrades."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from pwdesk.domain.errors import DatabaseError
from pwdesk.store import migrations
from pwdesk.store.database import Database, open_database
from pwdesk.store.models import Base

APPEND_ONLY_TRIGGERS = {"audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"}


def _schema(engine: Engine) -> list[tuple[str, str, str | None]]:
    """Everything SQLite knows about the schema, plus the migration stamp."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).all()
        stamp = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return [(row[0], row[1], row[2]) for row in rows] + [("stamp", row[0], None) for row in stamp]


def _triggers(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).all()
    return {row[0] for row in rows}


def test_head_revision_exists() -> None:
    assert migrations.head_revision() is not None


def test_new_database_is_at_head(db: Database) -> None:
    assert migrations.current_revision(db.engine) == migrations.head_revision()


def test_models_match_migrations(db: Database) -> None:
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


@pytest.mark.file_only
def test_new_database_has_the_append_only_triggers(db: Database) -> None:
    assert _triggers(db.engine) == APPEND_ONLY_TRIGGERS


def test_upgrade_builds_an_empty_plain_database(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    try:
        assert migrations.current_revision(engine) is None
        migrations.upgrade(engine)
        assert migrations.current_revision(engine) == migrations.head_revision()
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
        assert _triggers(engine) == APPEND_ONLY_TRIGGERS
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    engine = create_engine(f"sqlite:///{path}")
    try:
        migrations.upgrade(engine)
        schema = _schema(engine)
        data = path.read_bytes()
        migrations.upgrade(engine)
        assert _schema(engine) == schema
        assert path.read_bytes() == data
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    try:
        migrations.upgrade(engine)
        schema = _schema(engine)
        config = migrations.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert migrations.current_revision(engine) is None
        migrations.upgrade(engine)
        assert _schema(engine) == schema
    finally:
        engine.dispose()


def test_the_head_constant_names_the_newest_migration_script() -> None:
    assert migrations.head_revision() == migrations.HEAD


def test_a_database_from_the_first_release_opens_with_nothing_lost(
    db: Database, db_path: Path
) -> None:
    from pwdesk.services.lookup import find_child
    from pwdesk.services.people import ChildDetails, add_child
    from pwdesk.store.database import open_database
    from tests.conftest import PASSPHRASE

    child_id = add_child(db, ChildDetails("CR300300")).id
    config = migrations.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")  # as the first release left it: no draft buffer
    db.close()
    assert migrations.current_revision(db.engine) == "0001"

    reopened = open_database(db_path, PASSPHRASE)
    try:
        assert migrations.current_revision(reopened.engine) == migrations.HEAD
        assert find_child(reopened, "CR300300") == child_id
        with reopened.engine.connect() as connection:
            assert inspect(connection).has_table("draft_buffer")
    finally:
        reopened.close()


def test_a_database_a_newer_release_migrated_is_refused_untouched(
    db: Database, db_path: Path, passphrase: str
) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError) as newer:
        open_database(db_path, passphrase)
    assert str(newer.value) == (
        "This database was brought up to date by a newer release of pwdesk; open it with that "
        "release or a later one."
    )
    assert db_path.read_bytes() == before
