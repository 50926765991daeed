"""The desktop window on a store kept on a PostgreSQL server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from pytestqt.qtbot import QtBot

from pwdesk.gui.app import server_window
from pwdesk.services.assessments import list_records
from pwdesk.services.demo import build_demo
from pwdesk.store.database import create_database
from tests.postgres import PASSWORD


def test_the_window_opens_a_store_on_a_server_with_no_passphrase(
    qtbot: QtBot, postgres_url: str, tmp_path: Path
) -> None:
    db = create_database(url=postgres_url, device_name="qa-server")
    try:
        build_demo(db, seed=2018)
        audits = [r for r in list_records(db, "2018-09") if r.kind == "case-audit"]
    finally:
        db.close()
    window = server_window(postgres_url, tmp_path)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.refreshed, timeout=30_000):
            window.show()
        assert window.week_box.currentText().startswith("2018-09")
        assert window.audits.model.rowCount() == len(audits)
        assert window.location.text().startswith(
            "Database on a server: postgresql://pwdesk_admin:***@"
        )
        assert quote(PASSWORD) not in window.location.text()
    finally:
        window.close()
        window.db.close()
