"""pwdesk on a real PostgreSQL server: set-up, an append-only audit log, the same figures as on
SQLite, and one sentence for each way a server refuses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pwdesk.cli import main
from pwdesk.domain.errors import StorageFailed
from pwdesk.services.demo import build_demo
from pwdesk.services.stats import stats_json, week_stats
from pwdesk.store.database import Database, create_database, open_database
from tests.postgres import PASSWORD, Server


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_init_on_a_server_never_shows_the_password_and_says_how_the_data_is_protected(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "init", "--database-url", postgres_url)
    assert status == 0, err
    assert quote(PASSWORD) not in out
    assert "***" in out
    assert "encrypted with SQLCipher" not in out
    assert "encryption at rest is the server's own" in out
    status, out, _ = run(capsys, "init", "--database-url", postgres_url, "--json")
    assert status == 2  # already set up
    assert quote(PASSWORD) not in out


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET detail = 'changed'", "DELETE FROM audit_log", "TRUNCATE audit_log"],
)
def test_the_audit_log_refuses_every_change_on_a_server(postgres_url: str, statement: str) -> None:
    db = create_database(url=postgres_url, device_name="qa-server")
    try:
        with db.write() as session:
            db.log(session, "test", detail="a row to keep")
        with pytest.raises(DBAPIError, match="append-only"), db.write() as session:
            session.execute(text(statement))
        with db.read() as session:
            rows = session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        assert rows == 2  # init, and the row above
    finally:
        db.close()


def test_the_demo_has_the_same_figures_on_a_server_as_in_a_file(
    postgres_url: str, demo_db: Database
) -> None:
    db = create_database(url=postgres_url, device_name="demo-server")
    try:
        build_demo(db, seed=2018)
        for week in ("2018-09", "2018-03"):
            assert stats_json(*week_stats(db, week)) == stats_json(*week_stats(demo_db, week))
    finally:
        db.close()


def test_writers_on_a_server_take_the_one_writer_lock(postgres_url: str) -> None:
    db = create_database(url=postgres_url)
    try:
        with db.write() as session:
            held = session.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
            ).scalar_one()
        assert held == 1
    finally:
        db.close()


def refusal(capsys: pytest.CaptureFixture[str], url: str) -> str:
    status, out, err = run(capsys, "weeks", "--database-url", url)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert quote(PASSWORD) not in err
    return err.removeprefix("pwdesk: ").strip()


def test_a_server_that_refuses_is_one_sentence_and_exit_2(
    postgres_server: Server, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init", "--database-url", postgres_url)[0] == 0
    capsys.readouterr()
    unknown = postgres_server.url("no_such_database")
    assert "no such database" in refusal(capsys, unknown)
    wrong = postgres_url.replace(quote(PASSWORD), "not-the-password")
    assert refusal(capsys, wrong) == "The server refused the user name or password in the URL."
    down = postgres_url.replace(f":{postgres_server.port}/", ":1/")
    assert "does not answer" in refusal(capsys, down)
    garbled = "postgresql://user:pass@host:port-is-not-a-number/db"
    assert "cannot be read" in refusal(capsys, garbled)


def test_a_missing_driver_names_the_command_that_installs_it(postgres_url: str) -> None:
    blocked = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from pwdesk.cli import main\n"
        f"sys.exit(main(['weeks', '--database-url', {postgres_url!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "pwdesk: PostgreSQL needs its driver, psycopg; install it with pip install "
        "'pwdesk[postgres]'."
    )


def test_a_store_on_a_server_opens_again_with_its_week(postgres_url: str) -> None:
    db = create_database(url=postgres_url, device_name="qa-server")
    try:
        build_demo(db, seed=2018)
    finally:
        db.close()
    again = open_database(url=postgres_url)
    try:
        assert json.dumps(stats_json(*week_stats(again, "2018-09")), sort_keys=True)
    finally:
        again.close()


def test_the_roles_docs_storage_md_sets_up_run_pwdesk_without_owning_its_tables(
    postgres_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    import psycopg

    guide = (Path(__file__).parents[2] / "docs" / "storage.md").read_text(encoding="utf-8")
    block = guide.split("```sql\n", 1)[1].split("```", 1)[0]
    statements = [s.strip() for s in re.sub(r"--[^\n]*", "", block).split(";") if s.strip()]
    password = "fictional role passphrase"
    owner_steps = [s for s in statements if not s.startswith(("CREATE ROLE", "CREATE DATABASE"))]
    with psycopg.connect(postgres_server.admin_dsn(), autocommit=True) as admin:
        for statement in statements[:2]:  # the owner and its database
            admin.execute(statement.replace("'...'", f"'{password}'"))
    owner = postgres_server.url("pwdesk", password, "pwdesk_owner")
    assert run(capsys, "init", "--database-url", owner)[0] == 0
    with psycopg.connect(postgres_server.admin_dsn(), autocommit=True) as admin:
        admin.execute(statements[2].replace("'...'", f"'{password}'"))  # the application role
    with psycopg.connect(postgres_server.admin_dsn("pwdesk"), autocommit=True) as as_owner:
        as_owner.execute("SET ROLE pwdesk_owner")
        for statement in owner_steps[1:]:
            as_owner.execute(statement)
    application = postgres_server.url("pwdesk", password, "pwdesk_app")
    status, _, err = run(capsys, "demo", "--database-url", application)
    assert status == 0, err
    status, out, _ = run(capsys, "weeks", "--database-url", application, "--json")
    assert [week["code"] for week in json.loads(out)["weeks"]] == ["2018-09", "2018-03"]
    with psycopg.connect(postgres_server.admin_dsn("pwdesk"), autocommit=True) as as_app:
        as_app.execute("SET ROLE pwdesk_app")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_app.execute("DELETE FROM audit_log")


def write_while_the_server_drops_us(db: Database, server: Server) -> None:
    """Write a row, have the server end this connection, then go on writing."""
    import psycopg

    with db.write() as session:
        db.log(session, "test", detail="never committed")
        session.flush()
        mine = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with psycopg.connect(server.admin_dsn(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [mine])
        session.execute(text("SELECT 1"))


def test_a_connection_lost_mid_way_is_one_sentence_and_saves_nothing(
    postgres_server: Server, postgres_url: str
) -> None:
    db = create_database(url=postgres_url, device_name="qa-server")
    try:
        with pytest.raises(StorageFailed) as lost:
            write_while_the_server_drops_us(db, postgres_server)
        assert str(lost.value) == (
            "The connection to the database server was lost, so the last step was not saved; "
            "try again when the server is back."
        )
        with db.read() as session:
            kept = session.execute(
                text("SELECT count(*) FROM audit_log WHERE detail = 'never committed'")
            ).scalar_one()
        assert kept == 0
    finally:
        db.close()
