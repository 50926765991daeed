"""First run creates the encrypted database; later runs unlock it; a wrong passphrase says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from pwdesk.gui.unlock import CreateDatabaseDialog, UnlockDialog, passphrase_strength
from pwdesk.services.settings import load_settings
from pwdesk.store.database import open_database
from tests.conftest import PASSPHRASE
from tests.gui.conftest import type_text


def test_the_first_run_creates_the_database_with_the_passphrase_typed_twice(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "first" / "pwdesk.db"
    dialog = CreateDatabaseDialog(path)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.passphrase, "short")
    assert dialog.strength.text().startswith("Weak")
    dialog.passphrase.clear()
    type_text(dialog.passphrase, PASSPHRASE)
    assert not dialog.strength.text().startswith("Weak")
    type_text(dialog.again, PASSPHRASE + "x")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "differ" in dialog.message.text()
    assert not path.exists()

    type_text(dialog.again, PASSPHRASE)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.database is not None
    dialog.database.close()
    db = open_database(path, PASSPHRASE)
    assert load_settings(db).role == "laptop"  # the first run's default: a senior leader's
    db.close()


def test_the_first_run_asks_whether_this_is_the_qa_officers_store(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "qa" / "pwdesk.db"
    dialog = CreateDatabaseDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.role.currentData() == "laptop"
    dialog.role.setCurrentIndex(dialog.role.findData("qa"))
    type_text(dialog.passphrase, PASSPHRASE)
    type_text(dialog.again, PASSPHRASE)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.database is not None
    assert load_settings(dialog.database).role == "qa"
    dialog.database.close()


def test_a_wrong_passphrase_says_so_and_the_right_one_unlocks(
    qtbot: QtBot, demo_path: Path
) -> None:
    dialog = UnlockDialog(demo_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "does not unlock" in dialog.message.text(), timeout=10_000)
    qtbot.wait(50)  # the layout settles
    message = dialog.message
    assert message.height() >= message.heightForWidth(message.width())  # the sentence is whole
    assert dialog.isVisible() or dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.database is None
    assert dialog.ok_button.isEnabled()

    dialog.passphrase.clear()
    type_text(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.database is not None
    dialog.database.close()


@pytest.mark.parametrize(
    ("passphrase", "level"),
    [("abc", 0), ("ninechars", 0), ("tenletters", 1), ("four unrelated words here", 2)],
)
def test_the_strength_hint_favours_length(passphrase: str, level: int) -> None:
    assert passphrase_strength(passphrase)[0] == level


def test_a_strong_passphrase_says_strong_once(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = CreateDatabaseDialog(tmp_path / "new.pwdesk")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.passphrase, "correct horse battery staple")
    assert dialog.strength.text().count("Strong") == 1
