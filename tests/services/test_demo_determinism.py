"""The demo is the same in any process: the same seed gives the same version ids, whatever the
string hashing of the process that builds it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSPHRASE

BUILD = """
import json, sys
from pathlib import Path
from pwdesk.services.demo import build_demo
from pwdesk.services.merge import canonical_dump
from pwdesk.store.database import create_database

db = create_database(Path(sys.argv[1]), sys.argv[2], device_name="demo-laptop")
try:
    build_demo(db, seed=2018)
    dump = canonical_dump(db)
finally:
    db.close()
print(json.dumps(dump))
"""


def _demo_in_a_process(path: Path, hash_seed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(path), PASSPHRASE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    dump: dict[str, object] = json.loads(done.stdout)
    return dump


def test_the_same_seed_gives_the_same_version_ids_in_any_process(tmp_path: Path) -> None:
    first = _demo_in_a_process(tmp_path / "one.db", "1")
    second = _demo_in_a_process(tmp_path / "two.db", "4242")
    assert len(first["versions"]) > 300  # type: ignore[arg-type]
    assert first["versions"] == second["versions"]
    assert first == second  # every record's head too
