"""Allow ``python -m pwdesk``."""

import sys

from pwdesk.cli import main

sys.exit(main())
