"""Make the screenshots in docs/screenshots from the fictional demo weeks.

Run from the repository: ``python docs/make_screenshots.py``. Everything shown is fictional.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pypdfium2 as pdfium
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QWidget

from pwdesk.gui.app import application
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.services.demo import build_demo
from pwdesk.services.feedback import feedback_pdf
from pwdesk.services.report import report_pdf
from pwdesk.services.settings import AppSettings, save_settings
from pwdesk.store.database import create_database

OUT = Path(__file__).resolve().parent / "screenshots"
PASSPHRASE = "screenshots of fictional data only"


def save(widget: QWidget, name: str) -> None:
    """Let the widget settle, then save what it shows."""
    for _ in range(5):
        QApplication.processEvents()
    path = OUT / name
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(OUT.parent.parent)}")


def main() -> int:
    app = application()
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = create_database(Path(folder) / "demo.db", PASSPHRASE, device_name="demo-laptop")
        try:
            build_demo(db)
            save_settings(
                db,
                AppSettings(authority_name="Fictional Borough Council", user_name="Gareth Lumley"),
            )
            window = MainWindow(
                db, settings_file(Path(folder)), location="Encrypted database: demo.db"
            )
            window.resize(1280, 820)
            loaded = QEventLoop()
            window.refreshed.connect(loaded.quit)
            window.show()
            loaded.exec()  # the lists load off the GUI thread
            window.tabs.setCurrentWidget(window.dashboard)
            save(window, "dashboard.png")
            window.tabs.setCurrentWidget(window.audits)
            window.audits.table.selectRow(2)
            save(window, "main-window.png")
            record_id = window.audits.visible_ids()[2]
            sheet = pdfium.PdfDocument(feedback_pdf(db, record_id))
            sheet[0].render(scale=110 / 72).to_pil().save(OUT / "feedback-sheet.png")
            print("wrote docs/screenshots/feedback-sheet.png")
            report = pdfium.PdfDocument(report_pdf(db, "2018-09"))
            for index, name in (
                (0, "report-cover.png"),
                (2, "report-grades.png"),
                (3, "report-change.png"),
            ):
                report[index].render(scale=90 / 72).to_pil().save(OUT / name)
                print(f"wrote docs/screenshots/{name}")
            editor = window.open_record(record_id)
            editor.resize(980, 1000)
            editor.form.focus_item("placement-stability")
            save(editor, "audit-form.png")
            editor.close()
            window.close()
        finally:
            db.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
