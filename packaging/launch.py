"""The bundle's entry point: the same main() as the ``pwdesk`` command."""

import sys

from pwdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
