"""Two merges into one store on a PostgreSQL server at the same moment: writers take turns, so
neither loses the other's version, and the same package merged twice changes nothing the
second time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pwdesk.domain.answers import answer
from pwdesk.services.conflicts import list_conflicts
from pwdesk.store.database import create_database, open_database
from tests.exchange import (
    PACKAGE_PASSPHRASE,
    build_qa_week,
    edit_audit,
    export_week,
    laptop,
    merge,
    new_audit,
    week_of,
)
from tests.postgres import Server
from tests.store import server_merger

ROUNDS = 4


@dataclass(frozen=True)
class Rivals:
    """The set-up, a first audit, and two laptops' rival regradings of it."""

    setup: Path
    first: Path
    outstanding: Path
    inadequate: Path
    audit: str


@pytest.fixture(scope="module")
def rivals(tmp_path_factory: pytest.TempPathFactory) -> Rivals:
    folder = tmp_path_factory.mktemp("rivals")
    qa = build_qa_week(folder)
    one, two = laptop(qa, folder / "one.db", "laptop-1"), laptop(qa, folder / "two.db", "laptop-2")
    try:
        audit = new_audit(one, week_of(one), child=0)
        first = export_week(one, folder / "first.pwx")
        merge(two, first)
        edit_audit(one, audit, {"overall": answer("outstanding")})
        edit_audit(two, audit, {"overall": answer("inadequate")})
        outstanding = export_week(one, folder / "outstanding.pwx")
        inadequate = export_week(two, folder / "inadequate.pwx")
    finally:
        one.close()
        two.close()
    return Rivals(qa.package, first, outstanding, inadequate, audit)


def store_with_the_first_audit(server: Server, rivals: Rivals) -> str:
    url = server.new_database()
    db = create_database(url=url, device_name="qa-server")
    try:
        merge(db, rivals.setup, rivals.first)
    finally:
        db.close()
    return url


def merge_at_once(url: str, first: Path, second: Path) -> list[dict[str, Any]]:
    """Start two processes, each merging one package, and let both go at the same moment."""
    env = {**os.environ, server_merger.PACKAGE_VARIABLE: PACKAGE_PASSPHRASE}
    script = Path(server_merger.__file__)
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), url, str(package)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for package in (first, second)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_rival_packages_merged_at_once_always_end_in_the_conflict(
    postgres_server: Server, rivals: Rivals, round_: int
) -> None:
    url = store_with_the_first_audit(postgres_server, rivals)
    results = merge_at_once(url, rivals.outstanding, rivals.inadequate)
    assert sorted((r["updated"], r["conflicts"]) for r in results) == [(0, 1), (1, 0)]
    db = open_database(url=url)
    try:
        [conflict] = list_conflicts(db)
        assert conflict.record_id == rivals.audit
        assert len(conflict.versions) == 2
    finally:
        db.close()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_package_merged_twice_at_once_changes_nothing_the_second_time(
    postgres_server: Server, rivals: Rivals, round_: int
) -> None:
    url = store_with_the_first_audit(postgres_server, rivals)
    results = merge_at_once(url, rivals.outstanding, rivals.outstanding)
    assert sorted(r["updated"] for r in results) == [0, 1]
    assert all(r["conflicts"] == 0 for r in results)
    db = open_database(url=url)
    try:
        assert list_conflicts(db) == []
    finally:
        db.close()
