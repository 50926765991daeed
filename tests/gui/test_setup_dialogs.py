"""Setting up a week and allocating its work from the keyboard on a laptop screen: every access
key unique, dates typed as people write them, and a week that ends before it starts refused."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pwdesk.gui.allocation_dialog import AllocationDialog
from pwdesk.gui.screen import fits_on_screen
from pwdesk.gui.week_setup_dialog import WeekSetupDialog
from pwdesk.services.allocation import list_allocations
from pwdesk.services.weeks import list_weeks
from pwdesk.store.database import Database
from tests.gui.mnemonics import duplicate_mnemonics, letter_of, mnemonics


def shown(qtbot: QtBot, widget: QWidget) -> None:
    """Show a window as its command does, and wait until it is on screen."""
    widget.show()
    qtbot.waitExposed(widget)


def type_date(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Type a date over what a date field holds, then leave it, as a user does."""
    edit = field.edit  # type: ignore[attr-defined]
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    edit.editingFinished.emit()


def week_typed(qtbot: QtBot, db: Database) -> WeekSetupDialog:
    """The set-up dialog, shown, with a code and a title typed."""
    dialog = WeekSetupDialog(db)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    qtbot.keyClicks(dialog.code, "2019-03")
    qtbot.keyClicks(dialog.title, "Practice Week March 2019")
    return dialog


def test_the_access_key_reader_skips_literal_ampersands() -> None:
    assert letter_of("Case a&udit form:") == "u"
    assert letter_of("Tom && Jerry") is None
    assert letter_of("Tom && &Jerry") == "j"
    assert letter_of("Trailing &") is None


def test_every_access_key_of_the_week_set_up_is_its_own(qtbot: QtBot, db: Database) -> None:
    dialog = week_typed(qtbot, db)
    found = mnemonics(dialog)
    assert ("u", "Case a&udit form:") in found
    assert ("k", "Rule (&kind):") in found  # the rule row can be reached from the keyboard
    assert duplicate_mnemonics(dialog) == {}


def test_the_week_set_up_fits_a_laptop_screen(qtbot: QtBot, db: Database) -> None:
    dialog = week_typed(qtbot, db)
    assert fits_on_screen(dialog)
    assert dialog.create_button.isVisible()


def test_a_week_that_ends_before_it_starts_is_refused_in_one_sentence(
    qtbot: QtBot, db: Database
) -> None:
    dialog = week_typed(qtbot, db)
    type_date(qtbot, dialog.starts, "15/03/2019")
    type_date(qtbot, dialog.ends, "11 Mar 2019")
    expected = (
        "The last day (11 Mar 2019) is before the first day (15 Mar 2019): "
        "a Practice Week cannot end before it starts."
    )
    assert dialog.error.text() == expected  # said as soon as the date is typed
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == expected
    assert list_weeks(db) == []
    assert dialog.week_code is None
    assert not dialog.import_box.isEnabled()

    type_date(qtbot, dialog.ends, "18 Mar 2019")
    assert dialog.error.text() == ""


def test_a_date_typed_in_words_is_read_and_an_unreadable_one_is_said(
    qtbot: QtBot, db: Database
) -> None:
    dialog = week_typed(qtbot, db)
    type_date(qtbot, dialog.starts, "next Monday")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text().startswith("First day: “next Monday” is not a date pwdesk can read")
    assert list_weeks(db) == []

    type_date(qtbot, dialog.starts, "18 Sep 2018")
    type_date(qtbot, dialog.ends, "21 September 2018")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == ""
    [week] = list_weeks(db)
    assert (week.starts_on, week.ends_on) == (date(2018, 9, 18), date(2018, 9, 21))


def test_an_unreadable_rule_date_is_said_and_adds_no_rule(qtbot: QtBot, db: Database) -> None:
    dialog = week_typed(qtbot, db)
    dialog.rule_kind.setCurrentIndex(dialog.rule_kind.findData("entered-care-between"))
    type_date(qtbot, dialog.rule_first, "June")
    qtbot.mouseClick(dialog.add_rule_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text().startswith("Came into care from: “June” is not a date")
    assert dialog.pending_rules == []


def test_the_allocation_dialog_fits_its_keys_are_unique_and_a_bad_date_is_said(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = AllocationDialog(demo_db, "2018-09")
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    assert fits_on_screen(dialog)
    assert len(mnemonics(dialog)) >= 10
    assert duplicate_mnemonics(dialog) == {}

    before = list_allocations(demo_db, "2018-09")
    dialog.child.setCurrentIndex(0)
    dialog.leader.setCurrentIndex(0)
    type_date(qtbot, dialog.audit_date, "someday")
    qtbot.mouseClick(dialog.allocate_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text().startswith("Audit planned for: “someday” is not a date")
    assert list_allocations(demo_db, "2018-09") == before
