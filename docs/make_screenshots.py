"""Make the screenshots in docs/screenshots from the fictional demo weeks.

Run from the repository: ``python docs/make_screenshots.py``. Everything shown is fictional.
The windows are shown on a 1366x768 screen, the size of many council laptops, once in a light
and once in a dark desktop palette; the PDFs are rendered from the same demo database.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from pwdesk.domain.statuses import Status
from pwdesk.gui.app import application
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.theme import themed_style
from pwdesk.resources import resource_path
from pwdesk.services.demo import build_demo
from pwdesk.services.feedback import feedback_pdf
from pwdesk.services.report import report_html, report_pdf
from pwdesk.services.settings import AppSettings, save_settings
from pwdesk.store.database import Database, create_database

# Qt reads the platform when the application is made, after these imports.
_SCREEN = Path(tempfile.gettempdir()) / "pwdesk-screenshot-screen.json"
_SCREEN.write_text(
    json.dumps({"screens": [{"name": "Laptop", "width": 1366, "height": 768, "logicalDpi": 96}]}),
    encoding="utf-8",
)
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN}")
OUT = Path(__file__).resolve().parent / "screenshots"
PASSPHRASE = "screenshots of fictional data only"


def dark_palette() -> QPalette:
    """A dark desktop theme, as a user who prefers one would have it."""
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#2b2b2b"),
        (roles.WindowText, "#f0f0f0"),
        (roles.Base, "#1e1e1e"),
        (roles.AlternateBase, "#262626"),
        (roles.Text, "#f0f0f0"),
        (roles.Button, "#3c3c3c"),
        (roles.ButtonText, "#f0f0f0"),
        (roles.Highlight, "#3d7fd1"),
        (roles.HighlightedText, "#ffffff"),
        (roles.ToolTipBase, "#3c3c3c"),
        (roles.ToolTipText, "#f0f0f0"),
        (roles.PlaceholderText, "#a0a0a0"),
        (roles.Link, "#8ab4f8"),
        (roles.Mid, "#5a5a5a"),
        (roles.Dark, "#1a1a1a"),
        (roles.Light, "#505050"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def save(widget: QWidget, name: str) -> None:
    """Let the widget settle, then save what it shows."""
    for _ in range(5):
        QApplication.processEvents()
    path = OUT / name
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(OUT.parent.parent)}")


@contextmanager
def palette(app: QApplication, theme: str) -> Iterator[None]:
    """Show the windows in the light (Qt's own) or dark palette for a while."""
    before = app.palette()
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
    app.setStyleSheet(themed_style(resource_path("style.qss").read_text(encoding="utf-8")))
    try:
        yield
    finally:
        app.setPalette(before)


def completed_audit(window: MainWindow) -> str:
    """The first completed case audit in the list the window shows."""
    model = window.audits.model
    rows = [model.row_at(index) for index in range(model.rowCount())]
    return str(next(row.id for row in rows if row.status == Status.COMPLETED))


def windows(db: Database, folder: Path, theme: str) -> str:
    """Screenshots of the main window, an audit form and moderation; the audit shown."""
    window = MainWindow(db, settings_file(folder), location="Encrypted database: demo.db")
    loaded = QEventLoop()
    window.refreshed.connect(loaded.quit)
    window.show()
    loaded.exec()  # the lists load off the GUI thread
    window.tabs.setCurrentWidget(window.dashboard)
    save(window, f"dashboard-{theme}.png")
    window.tabs.setCurrentWidget(window.audits)
    record_id = completed_audit(window)
    window.audits.table.selectRow(window.audits.visible_ids().index(record_id))
    save(window, f"main-window-{theme}.png")
    editor = window.open_record(record_id)
    editor.form.focus_item("placement-stability")
    save(editor, f"audit-form-{theme}.png")
    editor.close()
    moderation = window.dialogs.new_moderation_dialog()
    if moderation is not None:
        moderation.show()
        save(moderation, f"moderation-{theme}.png")
        moderation.close()
    window.close()
    return record_id


def documents(db: Database, record_id: str) -> None:
    """The feedback sheet and the report's cover, grades and change, rendered as pictures."""
    sheet = pdfium.PdfDocument(feedback_pdf(db, record_id))
    sheet[0].render(scale=110 / 72).to_pil().save(OUT / "feedback-sheet.png")
    print("wrote docs/screenshots/feedback-sheet.png")
    report = pdfium.PdfDocument(report_pdf(db, "2018-09"))
    for index, name in (
        (0, "report-cover.png"),
        (3, "report-grades.png"),
        (4, "report-change.png"),
    ):
        report[index].render(scale=90 / 72).to_pil().save(OUT / name)
        print(f"wrote docs/screenshots/{name}")
    web_page(db)


def web_page(db: Database) -> None:
    """The top of the HTML report as headless Chromium shows it, where Chromium is installed."""
    chromium = shutil.which("chromium")
    if chromium is None:
        print("no chromium: docs/screenshots/report-html.png left as it was")
        return
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        page.write_bytes(report_html(db, "2018-09"))
        subprocess.run(
            [
                chromium,
                *("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"),
                *("--disable-background-networking", "--disable-component-update"),
                f"--user-data-dir={Path(folder) / 'profile'}",
                f"--screenshot={OUT / 'report-html.png'}",
                "--window-size=1366,1800",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print("wrote docs/screenshots/report-html.png")


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
            for theme in ("light", "dark"):
                with palette(app, theme):
                    record_id = windows(db, Path(folder), theme)
            documents(db, record_id)
        finally:
            db.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
