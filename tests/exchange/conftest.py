"""The world of the bad-package tests: the QA officer's week, a key pair, a laptop's packages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pwdesk.domain.answers import answer
from pwdesk.store.database import Database, create_database
from tests.backends import BACKENDS
from tests.exchange import (
    World,
    build_qa_week,
    copy_database,
    edit_audit,
    export_week,
    laptop,
    make_key_pair,
    merge,
    new_audit,
    reopen,
    week_of,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("world")
    qa = build_qa_week(folder)
    keys = make_key_pair(folder)
    db = laptop(qa, folder / "laptop.db", "laptop-1")
    try:
        audit = new_audit(db, week_of(db), child=0)
        edit_audit(db, audit, {"overall": answer("outstanding")})
        good = export_week(db, folder / "good.pwx")
        good_for_key = export_week(db, folder / "good-for-key.pwx", recipient=keys.public)
    finally:
        db.close()
    return World(qa, keys, good, good_for_key, audit, folder)


@pytest.fixture(scope="module", params=BACKENDS)
def target(
    request: pytest.FixtureRequest, world: World, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The QA officer's store, which every good package here would merge into: a copy of its
    encrypted file, or a store on the test PostgreSQL server that has merged the week's set-up."""
    if request.param == "sqlite":
        db = reopen(copy_database(world.qa.path, tmp_path_factory.mktemp("target") / "qa.db"))
    else:
        server = request.getfixturevalue("postgres_server")
        db = create_database(url=server.new_database(), device_name="qa-server")
        merge(db, world.qa.package)
    yield db
    db.close()
