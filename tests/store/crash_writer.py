"""Run as a child process by test_durability: save children one by one until killed.

Each case reference is printed (and flushed) only after ``add_child`` returned, so every line the
parent reads is a save the application confirmed. The passphrase comes from the environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pwdesk.services.people import ChildDetails, add_child
from pwdesk.store.database import open_database

PASSPHRASE_VARIABLE = "PWDESK_TEST_PASSPHRASE"
READY = "ready"


def main() -> None:
    """Open the database named on the command line and add children until killed."""
    path, prefix = Path(sys.argv[1]), sys.argv[2]
    database = open_database(path, os.environ[PASSPHRASE_VARIABLE])
    print(READY, flush=True)
    number = 0
    while True:
        number += 1
        reference = f"{prefix}-{number:05d}"
        add_child(database, ChildDetails(reference, team="Durability", legal_status="s20"))
        print(reference, flush=True)


if __name__ == "__main__":
    main()
