"""The QA officer's screens: set up a week and its case list, allocate, moderate; and roles."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from pwdesk.gui.allocation_dialog import AllocationDialog
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.moderation_dialog import ModerationDialog
from pwdesk.gui.todo_page import TodoPage
from pwdesk.gui.week_setup_dialog import WeekSetupDialog
from pwdesk.services.assessments import list_records
from pwdesk.services.moderation import moderation_of
from pwdesk.services.people import (
    AuditorDetails,
    PractitionerDetails,
    add_auditor,
    add_practitioner,
    list_children,
)
from pwdesk.services.settings import AppSettings, load_settings, save_settings
from pwdesk.services.stats import week_stats
from pwdesk.store.database import Database

CASE_LIST = """Case reference,Date of birth,Date entered care
CR900001,2012-01-01,2015-01-01
CR900002,2004-01-01,2018-06-01
CR900003,2010-01-01,2018-02-01
CR900004,2003-01-01,2016-01-01
"""


def set_up_week(qtbot: QtBot, db: Database, tmp_path: Path) -> WeekSetupDialog:
    """Type a week with two cohorts into the dialog, create it and import a case list."""
    dialog = WeekSetupDialog(db)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.code, "2019-03")
    qtbot.keyClicks(dialog.title, "Practice Week March 2019")
    qtbot.keyClicks(dialog.theme, "Permanence")
    dialog.starts.set_day(date(2019, 3, 11))
    dialog.ends.set_day(date(2019, 3, 15))

    qtbot.keyClicks(dialog.cohort_name, "Young, settled")
    dialog.rule_kind.setCurrentIndex(dialog.rule_kind.findData("age-under"))
    dialog.rule_number.setValue(12)
    dialog.add_rule_button.click()
    dialog.rule_kind.setCurrentIndex(dialog.rule_kind.findData("in-care-at-least"))
    dialog.add_rule_button.click()  # 12 months, left from the rule before
    assert dialog.rules_text.text() == "aged under 12 and in care for at least 12 months"
    dialog.add_cohort_button.click()

    qtbot.keyClicks(dialog.cohort_name, "New in 2018")
    dialog.rule_kind.setCurrentIndex(dialog.rule_kind.findData("entered-care-between"))
    assert not dialog.rule_number.isEnabled()
    dialog.rule_first.set_day(date(2018, 1, 1))
    dialog.rule_last.set_day(date(2018, 12, 31))
    dialog.add_rule_button.click()
    dialog.add_cohort_button.click()
    assert dialog.cohort_model.rowCount() == 2

    assert not dialog.import_box.isEnabled()
    dialog.create_button.click()
    assert dialog.error.text() == ""
    assert dialog.week_code == "2019-03"
    assert dialog.import_box.isEnabled()

    path = tmp_path / "cases.csv"
    path.write_text(CASE_LIST, encoding="utf-8")
    qtbot.keyClicks(dialog.case_list, str(path))
    dialog.import_button.click()
    return dialog


def test_a_week_is_set_up_with_cohorts_and_a_case_list(
    qtbot: QtBot, db: Database, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    dialog = set_up_week(qtbot, db, tmp_path)
    qtmodeltester.check(dialog.cohort_model, force_py=True)
    summary = dialog.import_text.text()
    assert "4 children read: 4 new" in summary
    assert "Young, settled: 2 placed." in summary
    assert "New in 2018: 2 placed." in summary
    assert "In no cohort: CR900004." in summary
    cohorts = {c.case_reference: set(c.cohorts) for c in list_children(db, "2019-03")}
    assert cohorts == {
        "CR900001": {"Young, settled"},
        "CR900002": {"New in 2018"},
        "CR900003": {"Young, settled", "New in 2018"},
    }


def test_the_week_and_a_case_list_with_problems_are_refused_in_words(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    dialog = WeekSetupDialog(db)
    qtbot.addWidget(dialog)
    dialog.create_button.click()
    assert dialog.error.text() == "A Practice Week needs a code (such as 2018-09) and a title."
    qtbot.keyClicks(dialog.code, "2019-03")
    qtbot.keyClicks(dialog.title, "March")
    dialog.create_button.click()
    bad = tmp_path / "bad.csv"
    bad.write_text("Case reference,Date of birth,Date entered care\nCR1,soon,2015-01-01\n")
    qtbot.keyClicks(dialog.case_list, str(bad))
    dialog.import_button.click()
    assert dialog.import_text.text().startswith("Nothing was imported:\nRow 2, column Date of")


def test_allocations_reach_the_leaders_list(
    qtbot: QtBot, db: Database, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    set_up_week(qtbot, db, tmp_path)
    add_auditor(db, AuditorDetails("Pat Leader", "Head of Service"))
    add_auditor(db, AuditorDetails("Sam Other"))
    add_practitioner(db, PractitionerDetails("Jo Worker", "Children in Care"))

    dialog = AllocationDialog(db, "2019-03")
    qtbot.addWidget(dialog)
    dialog.child.setCurrentIndex(dialog.child.findText("CR900003"))
    dialog.leader.setCurrentIndex(dialog.leader.findText("Pat Leader"))
    dialog.practitioner.setCurrentIndex(
        dialog.practitioner.findText("Jo Worker (Children in Care)")
    )
    dialog.allocate_button.click()
    assert dialog.error.text() == ""
    dialog.observation_kind.setCurrentIndex(dialog.observation_kind.findData("home-visit"))
    dialog.observer.setCurrentIndex(dialog.observer.findText("Pat Leader"))
    dialog.observed.setCurrentIndex(dialog.observed.findText("Jo Worker (Children in Care)"))
    dialog.observation_date.set_day(date(2019, 3, 13))
    dialog.schedule_button.click()
    dialog.child.setCurrentIndex(dialog.child.findText("CR900001"))
    dialog.leader.setCurrentIndex(dialog.leader.findText("Sam Other"))
    dialog.allocate_button.click()
    assert dialog.allocations.model.rowCount() == 3
    qtmodeltester.check(dialog.allocations.model, force_py=True)

    save_settings(db, _with_user(db, "Pat Leader"))
    page = TodoPage(db)
    qtbot.addWidget(page)
    page.show_week("2019-03")
    model = page.model
    qtmodeltester.check(model, force_py=True)
    rows = [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]
    assert sorted(rows) == [
        ["Case audit", "CR900003", "Jo Worker", "Pat Leader", "11 Mar 2019", "To do"],
        ["Home visit", "", "Jo Worker", "Pat Leader", "13 Mar 2019", "To do"],
    ]
    assert page.note.text() == "Allocated to Pat Leader in 2019-03."

    save_settings(db, _with_user(db, "Someone Else"))
    page.show_week("2019-03")
    assert model.rowCount() == 3
    assert "not a senior leader" in page.note.text()


def _with_user(db: Database, name: str) -> AppSettings:
    return replace(load_settings(db), user_name=name)


def test_a_moderation_is_saved_and_counted(
    qtbot: QtBot, demo_db: Database, qtmodeltester: ModelTester
) -> None:
    record = next(
        r
        for r in list_records(demo_db, "2018-09")
        if r.kind == "case-audit"
        and r.status == "completed"
        and moderation_of(demo_db, r.id) is None
    )
    dialog = ModerationDialog(demo_db, record.id)
    qtbot.addWidget(dialog)
    assert all(row.marker.text() == "" for row in dialog.rows)
    row = next(r for r in dialog.rows if r.auditor_grade not in (None, "inadequate"))
    row.picker.set_grade("inadequate")
    assert row.marker.text() == "Differs"
    assert "background" in row.marker.styleSheet()

    assert not dialog.save()
    assert dialog.error.text() == (
        f"A moderated grade for '{row.label}' differs from the auditor's, so it needs a reason."
    )
    assert moderation_of(demo_db, record.id) is None

    qtbot.keyClicks(row.reason, "The plan drifted for a year")
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    saved = moderation_of(demo_db, record.id)
    assert saved is not None
    assert saved.grades[row.item_id].grade == "inadequate"
    assert saved.grades[row.item_id].reason == "The plan drifted for a year"
    assert len(saved.grades) == len([r for r in dialog.rows if r.picker.grade()])

    _, stats = week_stats(demo_db, "2018-09")
    assert stats.moderation is not None
    item = next(i for i in stats.moderation.items if i.id == row.item_id)
    assert item.moderated - item.agreed >= 1

    again = ModerationDialog(demo_db, record.id)  # opens on the saved moderation
    qtbot.addWidget(again)
    reopened = next(r for r in again.rows if r.item_id == row.item_id)
    assert reopened.picker.grade() == "inadequate"
    assert reopened.marker.text() == "Differs"


def _window(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    main = MainWindow(db, settings_file(tmp_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.refreshed, timeout=10_000):
        main.show()
    return main


def test_the_qa_actions_are_offered_only_on_the_qa_store(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    window = _window(qtbot, demo_db, tmp_path)
    qa_actions = (
        window.week_setup_action,
        window.allocate_action,
        window.moderate_action,
        window.merge_action,
    )
    assert all(a.isVisible() and a.isEnabled() for a in qa_actions)
    assert "M&y list" in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert window.new_moderation_dialog() is None  # nothing selected yet
    window.close()

    save_settings(demo_db, replace(load_settings(demo_db), role="laptop"))
    assert load_settings(demo_db).role == "laptop"
    laptop = _window(qtbot, demo_db, tmp_path)
    for action in (
        laptop.week_setup_action,
        laptop.allocate_action,
        laptop.moderate_action,
    ):
        assert not action.isVisible()
        assert not action.isEnabled()
    assert laptop.merge_action.isEnabled()  # how a laptop receives the week's set-up
    assert laptop.new_audit_action.isVisible()
    laptop.set_up_week()
    assert laptop.week_setup_dialog is None


def test_the_week_setup_chooses_its_forms(qtbot: QtBot, db: Database) -> None:
    from PySide6.QtCore import Qt

    from pwdesk.gui.week_setup_dialog import WeekSetupDialog

    dialog = WeekSetupDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.audit_form.currentData() == "permanency-case-audit"
    forms = dialog.observation_forms
    assert forms.count() == 3
    first = forms.item(0)
    assert first is not None
    first.setCheckState(Qt.CheckState.Unchecked)
    chosen = dialog.details().observation_templates
    assert len(chosen) == 2
    assert first.data(Qt.ItemDataRole.UserRole) not in chosen
    assert dialog.details().case_audit_template == "permanency-case-audit"
