"""The moderation screen on a laptop: whose case it is and who audited it, the auditor's grade
and evidence beside each moderated grade, a reason box wide enough for a sentence, and the
buttons in sight however many items there are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from pwdesk.domain.dates import short_date
from pwdesk.gui.main_window import MainWindow
from pwdesk.gui.moderation_dialog import NO_EVIDENCE, ModerationDialog
from pwdesk.gui.screen import fits_on_screen
from pwdesk.services.assessments import draft_of, list_records
from pwdesk.services.moderation import ModeratedGrade, moderate, moderation_case, moderation_of
from pwdesk.store.database import Database
from tests.helpers import unmoderated_audit


def opened(qtbot: QtBot, db: Database, record_id: str) -> ModerationDialog:
    """The moderation dialog, shown as the Moderate command shows it."""
    dialog = ModerationDialog(db, record_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_screen_names_the_case_and_shows_the_auditors_evidence(
    qtbot: QtBot, demo_db: Database
) -> None:
    record = unmoderated_audit(demo_db)
    case = moderation_case(demo_db, record.id)
    dialog = opened(qtbot, demo_db, record.id)
    assert dialog.heading.text() == f"Moderate the case audit of {record.case_reference}"
    details = dialog.details.text()
    assert f"Practitioner: {record.practitioner}" in details
    assert f"Audited by {record.auditor} (senior leader)" in details
    assert record.held_on is not None
    assert short_date(record.held_on) in details

    with_evidence = next(item for item in case.items if item.evidence)
    row = next(r for r in dialog.rows if r.item_id == with_evidence.item_id)
    assert row.evidence.text() == with_evidence.evidence
    assert row.evidence.accessibleName() == f"Auditor's evidence: {row.label}"
    assert with_evidence.grade is not None
    assert row.words.text() == case.template.scale.grade(with_evidence.grade).label
    # Beside the moderated grade: the evidence sits left of the picker, on the same line.
    evidence_at = row.evidence.mapTo(dialog, row.evidence.rect().topLeft())
    picker_at = row.picker.mapTo(dialog, row.picker.rect().topLeft())
    assert evidence_at.x() + row.evidence.width() <= picker_at.x()
    assert abs(evidence_at.y() - picker_at.y()) < row.picker.height() + row.words.height()
    for row in dialog.rows:
        audited = next(item for item in case.items if item.item_id == row.item_id)
        assert row.evidence.text() == (audited.evidence or NO_EVIDENCE)


def test_the_screen_fits_a_laptop_with_wide_reasons_and_buttons_in_sight(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = opened(qtbot, demo_db, unmoderated_audit(demo_db).id)
    assert fits_on_screen(dialog)
    assert all(row.reason.width() >= 300 for row in dialog.rows)
    # The items scroll; the buttons below them never do.
    assert not dialog.area.isAncestorOf(dialog.buttons)
    assert dialog.area.verticalScrollBar().maximum() > 0
    bottom = dialog.buttons.mapTo(dialog, dialog.buttons.rect().bottomLeft()).y()
    assert bottom <= dialog.height()
    marker = dialog.rows[0].marker
    dialog.rows[0].picker.set_grade(
        next(g for g in ("inadequate", "good") if g != dialog.rows[0].auditor_grade)
    )
    assert marker.text() == "Differs"
    viewport = dialog.area.viewport()
    assert marker.mapTo(viewport, marker.rect().topRight()).x() < viewport.width()  # in sight
    assert dialog.area.horizontalScrollBar().maximum() == 0  # nothing off to the right


def test_a_moderation_typed_on_the_new_screen_is_saved(qtbot: QtBot, demo_db: Database) -> None:
    record = unmoderated_audit(demo_db)
    dialog = opened(qtbot, demo_db, record.id)
    row = next(r for r in dialog.rows if r.auditor_grade not in (None, "inadequate"))
    row.picker.set_grade("inadequate")
    assert not dialog.save()
    assert "needs a reason" in dialog.error.text()
    qtbot.keyClicks(row.reason, "Evidence shows drift in the plan")
    with qtbot.waitSignal(dialog.accepted):
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    saved = moderation_of(demo_db, record.id)
    assert saved is not None
    assert saved.grades[row.item_id].grade == "inadequate"
    assert saved.grades[row.item_id].reason == "Evidence shows drift in the plan"


def test_a_moderated_audit_is_marked_in_the_case_audits_list(
    qtbot: QtBot, demo_window: MainWindow, demo_db: Database
) -> None:
    record = unmoderated_audit(demo_db)
    grade = draft_of(demo_db, record.id)[0].answers["supervision"]["value"]
    moderate(demo_db, record.id, {"supervision": ModeratedGrade(grade)}, moderator="QA officer")
    with qtbot.waitSignal(demo_window.refreshed, timeout=10_000):
        demo_window.refresh()
    model = demo_window.audits.model
    status = {
        model.row_ids()[row]: model.index(row, model.columnCount() - 1).data()
        for row in range(model.rowCount())
    }
    assert status[record.id] == "Completed, moderated"
    assert sum(text.endswith(", moderated") for text in status.values()) == len(
        [r for r in list_records(demo_db, "2018-09") if r.moderated]
    )
