"""Run as a child process by test_merge: merge packages into a database until killed.

Each step of the merge is printed (and flushed) as it begins, so the parent can kill the process
inside the write transaction; ``merged`` is printed only after ``merge_packages`` returned. The
passphrases come from the environment, never the command line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pwdesk.services.merge import merge_packages
from pwdesk.store.database import open_database

PASSPHRASE_VARIABLE = "PWDESK_TEST_PASSPHRASE"
PACKAGE_VARIABLE = "PWDESK_TEST_PACKAGE_PASSPHRASE"
READY = "ready"
MERGED = "merged"


def main() -> None:
    """Open the database named first on the command line and merge the packages named after it."""
    path, packages = Path(sys.argv[1]), [Path(name) for name in sys.argv[2:]]
    database = open_database(path, os.environ[PASSPHRASE_VARIABLE])
    print(READY, flush=True)

    def progress(done: int, total: int, what: str) -> None:
        print(what, flush=True)

    merge_packages(
        database,
        packages,
        passphrase=os.environ[PACKAGE_VARIABLE],
        progress=progress,
        trust_new=True,
    )
    print(MERGED, flush=True)
    database.close()


if __name__ == "__main__":
    main()
