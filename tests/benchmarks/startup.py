"""Benchmark: start-up to a usable main window on a database with 2,000 audits.

Compared with a bare PySide6 window started the same way in the same run. Target: under 1.5 s
and no more than 2x the bare window. Run: ``python -m tests.benchmarks.startup``.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from tests.benchmarks.common import PASSPHRASE, big_week, report, time_process

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1200, 800)
window.show()
app.processEvents()
print("ready", flush=True)
"""

PWDESK = """
import os, pathlib
from PySide6.QtCore import QEventLoop
from pwdesk.gui.app import application
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.store.database import open_database
app = application()
path = pathlib.Path(os.environ["BENCH_DB"])
db = open_database(path, os.environ["PWDESK_PASSPHRASE"])
window = MainWindow(db, settings_file(path.parent))
loaded = QEventLoop()
window.refreshed.connect(loaded.quit)
window.show()
app.processEvents()
print("shown", flush=True)
loaded.exec()
app.processEvents()
print("ready", flush=True)
"""


def main(audits: int = 2000, runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        print(f"Building a week of {audits} audits...", flush=True)
        big_week(path, audits)
        env = {"BENCH_DB": str(path), "PWDESK_PASSPHRASE": PASSPHRASE}
        time_process(PWDESK, 1, env)  # warm the file cache and Python's bytecode cache
        bare = time_process(BARE, runs)
        shown = time_process(PWDESK, runs, env, marker="shown")
        loaded = time_process(PWDESK, runs, env)
        report("window shown, database unlocked", shown, bare, "< 1.5 s")
        report("lists and dashboard filled", loaded, bare, "< 1.5 s and <= 2.0x bare window")
        median, base = statistics.median(loaded), statistics.median(bare)
        print(
            f"under 1.5 s: {'yes' if median < 1.5 else 'NO'}; "
            f"within 2x the bare window: {'yes' if median <= 2 * base else 'NO'}"
        )


if __name__ == "__main__":
    main()
