"""What starting the window imports, read with ``python -X importtime`` in a fresh process: the
report, spreadsheet and merge libraries load only when their work is asked for."""

from __future__ import annotations

import subprocess
import sys

# Loaded when a report, a workbook, a Word document or a merge is made, never at start-up.
LATER = (
    "reportlab",
    "openpyxl",
    "docx",
    "pwdesk.reports",
    "pwdesk.services.report",
    "pwdesk.services.merge",
    "pwdesk.gui.merge_dialog",
    "pwdesk.gui.export_dialog",
)


def test_the_window_starts_without_the_libraries_of_later_work() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "import pwdesk.gui.app, pwdesk.gui.main_window, pwdesk.store.database",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "pwdesk.gui.main_window" in imported
    early = sorted(m for m in imported if m.split(".")[0] in LATER or m.startswith(LATER))
    assert early == []
