"""Settings typed in the dialog reach the database and every later save."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from pwdesk.gui.settings_dialog import SettingsDialog
from pwdesk.services.people import ChildDetails, add_child
from pwdesk.services.settings import load_settings, save_settings
from pwdesk.store.database import Database
from pwdesk.store.models import RecordVersion
from tests.gui.conftest import type_text


def test_settings_are_typed_saved_and_used(qtbot: QtBot, db: Database) -> None:
    dialog = SettingsDialog(load_settings(db))
    qtbot.addWidget(dialog)
    dialog.authority.clear()
    type_text(dialog.authority, "Fictional Borough Council")
    dialog.user_name.clear()
    type_text(dialog.user_name, "Siân Pritchard")
    type_text(dialog.user_role, "Head of Service")
    dialog.device_name.clear()
    type_text(dialog.device_name, "laptop-12")
    dialog.marking.clear()
    type_text(dialog.marking, "OFFICIAL")
    for field in (dialog.authority, dialog.user_name, dialog.user_role, dialog.device_name):
        assert field.accessibleName()
    save_settings(db, dialog.settings())

    saved = load_settings(db)
    assert (saved.authority_name, saved.user_name, saved.user_role) == (
        "Fictional Borough Council",
        "Siân Pritchard",
        "Head of Service",
    )
    assert (saved.device_name, saved.protective_marking) == ("laptop-12", "OFFICIAL")
    child = add_child(db, ChildDetails("CR400400"))
    with db.read() as session:
        version = session.get(RecordVersion, child.version)
        assert version is not None
        assert version.author == "Siân Pritchard"


def test_no_settings_label_shows_a_literal_ampersand(qtbot: QtBot, db: Database) -> None:
    dialog = SettingsDialog(load_settings(db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert "&Logo:" in texts
    for label in dialog.findChildren(QLabel):
        if label.isVisible():
            # A mnemonic is only processed on a label with a buddy; otherwise "&" shows.
            assert "&" not in label.text().replace("&&", "") or label.buddy() is not None
