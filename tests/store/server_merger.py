"""Run as a child process by test_postgres_merges: merge one package into a store on a server
the moment the parent says go, so that two such processes merge at the same time.

The package passphrase comes from the environment, never the command line.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from pwdesk.services.merge import merge_packages
from pwdesk.store.database import open_database

PACKAGE_VARIABLE = "PWDESK_TEST_PACKAGE_PASSPHRASE"


def main() -> None:
    url, package = sys.argv[1], Path(sys.argv[2])
    database = open_database(url=url)
    try:
        print("ready", flush=True)
        sys.stdin.readline()  # the parent's go, sent to both processes at once
        result = merge_packages(
            database, [package], passphrase=os.environ[PACKAGE_VARIABLE], trust_new=True
        )
        counts = result.as_json()
        print(
            json.dumps({key: counts[key] for key in ("updated", "unchanged", "stale", "conflicts")})
        )
    finally:
        database.close()


if __name__ == "__main__":
    main()
