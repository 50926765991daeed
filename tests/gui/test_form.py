"""The assessment form driven as a senior leader would: keyboard first, real widgets, offscreen."""

# pytest-qt's QtBot methods carry no type hints; every other check stays on.

from __future__ import annotations

from datetime import date
from itertools import cycle
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from pwdesk.domain.answers import answer, answer_problems, missing_required
from pwdesk.domain.grades import NOT_APPLICABLE_ID, OFSTED_FOUR_POINT
from pwdesk.domain.templates import FormTemplate, Item, ItemType, parse_template
from pwdesk.gui.form.actions_editor import (
    DUE_COLUMN,
    ERROR,
    ActionLine,
    ActionsEditor,
    ActionsModel,
)
from pwdesk.gui.form.assessment_form import AssessmentForm
from pwdesk.gui.form.grade_picker import GradePicker
from pwdesk.palette import grade_colours
from pwdesk.services.templates import catalogue

SHIPPED = [info.id for info in catalogue().infos()]
PERMANENCY = "permanency-case-audit"

THREE_POINT = """
id = "three-point"
version = 1
kind = "case-audit"
title = "A form on a three-point scale"
scale = { id = "three", grades = [
    { id = "strong", label = "Strong" },
    { id = "adequate", label = "Adequate" },
    { id = "weak", label = "Weak" },
], good_or_better = "adequate" }

[[sections]]
id = "only"
title = "Only section"

[[sections.items]]
id = "aspect"
type = "grade"
label = "An aspect"

[[sections.items]]
id = "overall"
type = "grade"
role = "overall"
label = "Overall"
"""


def template(template_id: str = PERMANENCY) -> FormTemplate:
    return catalogue().get(template_id)


def show(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)


@pytest.fixture
def form(qtbot: QtBot) -> AssessmentForm:
    widget = AssessmentForm(template())
    widget.resize(1000, 900)
    show(qtbot, widget)
    return widget


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard"
    return widget


def items_of(form: AssessmentForm, kind: ItemType) -> list[Item]:
    return [item for item in form.template.items() if item.type is kind]


def second_input(form: AssessmentForm, item_id: str) -> QWidget:
    """The evidence or comment box that follows a grade picker or a yes-no box."""
    widget = form.editor_for(item_id).nextInFocusChain()
    while widget is not None and not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        widget = widget.nextInFocusChain()
    assert widget is not None
    return widget


def label_of(form: AssessmentForm, item_id: str) -> QLabel:
    editor = form.editor_for(item_id)
    (label,) = [label for label in form.findChildren(QLabel) if label.buddy() is editor]
    return label


def full_answers(form_template: FormTemplate) -> dict[str, dict[str, Any]]:
    """An answer for every item that takes one, exercising each type's shapes."""
    grades = cycle(grade.id for grade in form_template.scale.choices)
    yes_no = cycle(["yes", "partly", "no"])
    numbers = cycle([3, 2.5])
    answers: dict[str, dict[str, Any]] = {}
    for position, item in enumerate(form_template.items()):
        if item.type is ItemType.GRADE:
            evidence = f"Evidence for {item.label.lower()}.\nSeen on file and in discussion."
            answers[item.id] = answer(next(grades), evidence if position % 3 else "")
        elif item.type is ItemType.YES_NO:
            answers[item.id] = answer(next(yes_no), "Seen on each visit." if position % 2 else "")
        elif item.type is ItemType.DATE:
            answers[item.id] = answer("2018-09-03")
        elif item.type is ItemType.NUMBER:
            answers[item.id] = answer(next(numbers))
        elif item.type is ItemType.CHOICE:
            answers[item.id] = answer(item.options[-1].id)
        elif item.type is ItemType.TEXT:
            answers[item.id] = answer(f"Fictional notes on {item.label.lower()}.\nSecond line.")
    return answers


# Building ------------------------------------------------------------------------------------


@pytest.mark.parametrize("template_id", SHIPPED)
def test_the_form_is_built_for_every_shipped_template(qtbot: QtBot, template_id: str) -> None:
    form_template = template(template_id)
    form = AssessmentForm(form_template)
    show(qtbot, form)
    expected_types = {
        ItemType.GRADE: GradePicker,
        ItemType.YES_NO: QComboBox,
        ItemType.DATE: QLineEdit,
        ItemType.NUMBER: QLineEdit,
        ItemType.CHOICE: QComboBox,
        ItemType.TEXT: QPlainTextEdit,
        ItemType.ACTIONS: QTableView,
    }
    for item in form_template.items():
        editor = form.editor_for(item.id)
        assert isinstance(editor, expected_types[item.type])
        assert editor.accessibleName() == item.label
        assert editor.isVisible()
        label = label_of(form, item.id)
        assert label.text().endswith(" *") == item.required
        assert label.toolTip() == item.help
    assert form.answers() == {}
    assert form.action_lines() == []
    assert missing_required(form_template, form.answers()) == [
        item for item in form_template.items() if item.required
    ]


@pytest.mark.parametrize("template_id", SHIPPED)
def test_every_input_has_an_accessible_name(qtbot: QtBot, template_id: str) -> None:
    form = AssessmentForm(template(template_id))
    show(qtbot, form)
    inputs = [
        widget
        for widget in form.findChildren(QWidget)
        if widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
    assert len(inputs) >= len(list(form.template.items()))
    assert all(widget.accessibleName().strip() for widget in inputs), [
        type(widget).__name__ for widget in inputs if not widget.accessibleName().strip()
    ]
    for item in items_of(form, ItemType.GRADE):
        assert second_input(form, item.id).accessibleName() == f"{item.label} — evidence"
    for item in items_of(form, ItemType.YES_NO):
        assert second_input(form, item.id).accessibleName() == f"{item.label} — comment"


def test_text_boxes_let_tab_move_on(form: AssessmentForm) -> None:
    boxes = form.findChildren(QPlainTextEdit)
    assert boxes
    assert all(box.tabChangesFocus() for box in boxes)


# Answers -------------------------------------------------------------------------------------


def test_typing_and_grading_give_answers_in_the_stored_form(
    qtbot: QtBot, form: AssessmentForm
) -> None:
    qtbot.keyClick(form.editor_for("plan-by-second-review"), Qt.Key.Key_2)
    qtbot.keyClicks(second_input(form, "plan-by-second-review"), "Agreed at the second review.")
    qtbot.keyClick(form.editor_for("options-considered"), Qt.Key.Key_0)
    qtbot.keyClicks(second_input(form, "parallel-planning"), "No contingency plan yet.")
    qtbot.keyClicks(form.editor_for("placement-moves"), "2")
    placement = form.editor_for("placement-type")
    qtbot.keyClick(placement, Qt.Key.Key_Down)
    qtbot.keyClick(placement, Qt.Key.Key_Down)
    qtbot.keyClick(form.editor_for("child-seen"), Qt.Key.Key_Down)
    qtbot.keyClicks(second_input(form, "child-seen-alone"), "Seen alone in her bedroom.")
    qtbot.keyClicks(form.editor_for("last-visit"), "2018-09-03")
    qtbot.keyClicks(form.editor_for("strengths"), "Knows the child well.")
    qtbot.keyClick(form.editor_for("overall"), Qt.Key.Key_3)

    answers = form.answers()
    assert answers == {
        "plan-by-second-review": {"value": "good", "note": "Agreed at the second review."},
        "options-considered": {"value": NOT_APPLICABLE_ID},
        "parallel-planning": {"value": None, "note": "No contingency plan yet."},
        "placement-moves": {"value": 2},
        "placement-type": {"value": "kinship-care"},
        "child-seen": {"value": "yes"},
        "child-seen-alone": {"value": None, "note": "Seen alone in her bedroom."},
        "last-visit": {"value": "2018-09-03"},
        "strengths": {"value": "Knows the child well."},
        "overall": {"value": "requires-improvement"},
    }
    assert answer_problems(form.template, answers) == []
    assert isinstance(answers["placement-moves"]["value"], int)


def test_numbers_are_whole_or_decimal_and_letters_are_refused(
    qtbot: QtBot, form: AssessmentForm
) -> None:
    moves = form.editor_for("placement-moves")
    qtbot.keyClicks(moves, "2.5")
    assert form.answers()["placement-moves"] == {"value": 2.5}
    assert isinstance(moves, QLineEdit)
    moves.clear()
    qtbot.keyClicks(moves, "x3y")
    assert moves.text() == "3"
    assert form.answers()["placement-moves"] == {"value": 3}


def test_an_invalid_date_is_shown_red_and_not_answered(qtbot: QtBot, form: AssessmentForm) -> None:
    visit = form.editor_for("last-visit")
    assert isinstance(visit, QLineEdit)
    assert visit.placeholderText() == "18/09/2018"
    qtbot.keyClicks(visit, "2018-02-30")
    assert "last-visit" not in form.answers()
    assert visit.text() == "2018-02-30"  # kept as typed, never another date
    assert visit.palette().color(QPalette.ColorRole.Text) == QColor(ERROR)
    assert "17 Sep 2018" in visit.toolTip()
    problem = [label for label in form.findChildren(QLabel) if "Not a date" in label.text()]
    assert len(problem) == 1
    assert problem[0].isVisible()
    visit.clear()
    qtbot.keyClicks(visit, "2018-02-28")
    assert form.answers()["last-visit"] == {"value": "2018-02-28"}
    assert visit.palette().color(QPalette.ColorRole.Text) != QColor(ERROR)
    assert not problem[0].isVisible()


@pytest.mark.parametrize(
    "typed",
    ["16/08/2018", "16.8.18", "16 Aug 2018", "16 August 2018", "16th Aug 2018", "2018-08-16"],
)
def test_a_date_question_takes_the_ways_people_write_a_date(
    qtbot: QtBot, form: AssessmentForm, typed: str
) -> None:
    visit = form.editor_for("last-visit")
    assert isinstance(visit, QLineEdit)
    qtbot.keyClicks(visit, typed)
    assert visit.text() == typed
    assert form.answers()["last-visit"] == {"value": "2018-08-16"}  # kept as one ISO date


@pytest.mark.parametrize("template_id", SHIPPED)
def test_set_answers_round_trips_a_fully_filled_form(qtbot: QtBot, template_id: str) -> None:
    form_template = template(template_id)
    form = AssessmentForm(form_template)
    show(qtbot, form)
    full = full_answers(form_template)
    assert answer_problems(form_template, full) == []
    assert missing_required(form_template, full) == []

    form.set_answers(full)
    assert form.answers() == full
    form.set_answers(form.answers())
    assert form.answers() == full

    form.set_answers({})
    assert form.answers() == {}


def test_set_answers_shows_values_that_do_not_fit_as_unanswered(form: AssessmentForm) -> None:
    form.set_answers(
        {
            "overall": {"value": "excellent", "note": "Kept."},
            "placement-type": {"value": "castle"},
            "placement-moves": {"value": "two"},
            "no-such-item": {"value": "yes"},
        }
    )
    assert form.answers() == {"overall": {"value": None, "note": "Kept."}}


def test_the_permanency_audit_round_trips_with_actions(qtbot: QtBot, form: AssessmentForm) -> None:
    lines = [
        ActionLine("Start life story work", "Jo Bloggs", date(2018, 10, 31), "a1"),
        ActionLine("Book the permanence panel", "Team manager", None, "a2"),
    ]
    form.set_answers(full_answers(form.template))
    form.set_action_lines(lines)
    assert form.action_lines() == lines
    assert "agreed-actions" not in form.answers()
    form.set_action_lines([])
    assert form.action_lines() == []


# Changed ---------------------------------------------------------------------------------------


def test_typing_evidence_and_grading_emit_changed(qtbot: QtBot, form: AssessmentForm) -> None:
    with qtbot.waitSignal(form.changed, timeout=1000):
        qtbot.keyClicks(second_input(form, "recording"), "Up to date.")
    with qtbot.waitSignal(form.changed, timeout=1000):
        qtbot.keyClick(form.editor_for("recording"), Qt.Key.Key_1)


def test_every_input_emits_changed_when_the_user_edits_it(
    qtbot: QtBot, form: AssessmentForm
) -> None:
    edits: list[None] = []
    form.changed.connect(lambda: edits.append(None))
    for item in form.template.items():
        before = len(edits)
        editor = form.editor_for(item.id)
        if item.type is ItemType.GRADE:
            qtbot.keyClick(editor, Qt.Key.Key_1)
            qtbot.keyClicks(second_input(form, item.id), "e")
        elif item.type in (ItemType.YES_NO, ItemType.CHOICE):
            qtbot.keyClick(editor, Qt.Key.Key_Down)
            if item.type is ItemType.YES_NO:
                qtbot.keyClicks(second_input(form, item.id), "c")
        elif item.type is ItemType.ACTIONS:
            add = second_input(form, item.id)
            qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
            qtbot.keyClicks(focused(), "An action")
            qtbot.keyClick(focused(), Qt.Key.Key_Return)
        else:
            qtbot.keyClicks(editor, "1")
        assert len(edits) > before, item.id


def test_set_answers_and_set_actions_do_not_emit_changed(
    qtbot: QtBot, form: AssessmentForm
) -> None:
    with qtbot.assertNotEmitted(form.changed):
        form.set_answers(full_answers(form.template))
        form.set_action_lines([ActionLine("Visit", "Social worker", date(2018, 10, 1))])
        form.set_answers({})
        form.set_action_lines([])


# Keyboard ------------------------------------------------------------------------------------


def expected_tab_names(form_template: FormTemplate) -> list[str]:
    names: list[str] = []
    for item in form_template.items():
        names.append(item.label)
        if item.type is ItemType.GRADE:
            names.append(f"{item.label} — evidence")
        elif item.type is ItemType.YES_NO:
            names.append(f"{item.label} — comment")
        elif item.type is ItemType.ACTIONS:
            names.append("Add action")  # Remove action is disabled while there are no actions
    return names


@pytest.mark.parametrize("template_id", SHIPPED)
def test_tab_walks_every_input_in_form_order(qtbot: QtBot, template_id: str) -> None:
    form_template = template(template_id)
    form = AssessmentForm(form_template)
    form.resize(1000, 700)
    show(qtbot, form)
    first = form.editor_for(next(form_template.items()).id)
    first.setFocus()
    qtbot.waitUntil(lambda: focused() is first)

    expected = expected_tab_names(form_template)
    chain: list[QWidget] = [first]
    for _ in expected[1:]:
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        chain.append(focused())
    assert [widget.accessibleName() for widget in chain] == expected
    firsts = [form.editor_for(item.id) for item in form_template.items()]
    assert [widget for widget in chain if widget in firsts] == firsts
    # Tab scrolls the form to keep the focused input in view.
    assert chain[-1].visibleRegion().boundingRect().height() > 0

    for widget in reversed(chain[:-1]):
        qtbot.keyClick(focused(), Qt.Key.Key_Backtab)
        assert focused() is widget


def test_show_missing_marks_exactly_the_given_items(form: AssessmentForm) -> None:
    missing = [item.id for item in missing_required(form.template, {})][::3]
    form.show_missing(set(missing))
    assert form.marked_missing() == missing
    for item in form.template.items():
        text = label_of(form, item.id).text()
        assert ("Required" in text) == (item.id in missing), item.id
        assert (ERROR in label_of(form, item.id).styleSheet()) == (item.id in missing)

    form.show_missing(["overall"])
    assert form.marked_missing() == ["overall"]
    form.show_missing([])
    assert form.marked_missing() == []
    assert not any("Required" in label_of(form, i.id).text() for i in form.template.items())


def test_focus_item_scrolls_to_the_item_and_focuses_it(qtbot: QtBot, form: AssessmentForm) -> None:
    form.focus_item("overall")
    overall = form.editor_for("overall")
    qtbot.waitUntil(lambda: focused() is overall)
    assert form.verticalScrollBar().value() > 0
    assert overall.visibleRegion().boundingRect().height() == overall.height()

    form.focus_item("plan-by-second-review")
    assert form.verticalScrollBar().value() < 200
    with pytest.raises(KeyError):
        form.focus_item("no-such-item")


# Grade picker --------------------------------------------------------------------------------


@pytest.fixture
def picker(qtbot: QtBot) -> GradePicker:
    widget = GradePicker(OFSTED_FOUR_POINT, "Quality of recording")
    show(qtbot, widget)
    return widget


def test_the_picker_is_one_tab_stop_named_and_described(picker: GradePicker) -> None:
    assert picker.focusPolicy() == Qt.FocusPolicy.StrongFocus
    buttons = picker.findChildren(QPushButton)
    assert len(buttons) == len(OFSTED_FOUR_POINT.choices)
    assert all(button.focusPolicy() == Qt.FocusPolicy.NoFocus for button in buttons)
    assert picker.accessibleName() == "Quality of recording"
    description = picker.accessibleDescription()
    assert "1 for Outstanding" in description
    assert "0 for Not applicable" in description
    assert "Delete" in description


def test_each_grade_button_shows_words_and_colour(picker: GradePicker) -> None:
    buttons = picker.findChildren(QPushButton)
    scale = OFSTED_FOUR_POINT
    for button, grade in zip(buttons, scale.choices, strict=True):
        assert button.text() == grade.abbreviation
        assert button.toolTip().startswith(grade.label)
        fill, _ = grade_colours(grade.id, scale.ids)
        assert fill in button.styleSheet()


@pytest.mark.parametrize(
    ("key", "grade"),
    [
        (Qt.Key.Key_1, "outstanding"),
        (Qt.Key.Key_2, "good"),
        (Qt.Key.Key_3, "requires-improvement"),
        (Qt.Key.Key_4, "inadequate"),
        (Qt.Key.Key_0, NOT_APPLICABLE_ID),
    ],
)
def test_digits_pick_grades(qtbot: QtBot, picker: GradePicker, key: Qt.Key, grade: str) -> None:
    with qtbot.waitSignal(picker.grade_changed, timeout=1000) as blocker:
        qtbot.keyClick(picker, key)
    assert blocker.args == [grade]
    assert picker.grade() == grade
    checked = [b for b in picker.findChildren(QPushButton) if b.isChecked()]
    assert len(checked) == 1
    assert checked[0].accessibleName() == OFSTED_FOUR_POINT.grade(grade).label
    assert checked[0].text().endswith(OFSTED_FOUR_POINT.grade(grade).abbreviation)


def test_keys_out_of_range_delete_and_arrows(qtbot: QtBot, picker: GradePicker) -> None:
    qtbot.keyClick(picker, Qt.Key.Key_5)
    assert picker.grade() is None
    qtbot.keyClick(picker, Qt.Key.Key_Right)
    assert picker.grade() == "outstanding"
    qtbot.keyClick(picker, Qt.Key.Key_Left)
    assert picker.grade() == "outstanding"  # stays at the best grade
    for expected in ["good", "requires-improvement", "inadequate", NOT_APPLICABLE_ID]:
        qtbot.keyClick(picker, Qt.Key.Key_Right)
        assert picker.grade() == expected
    qtbot.keyClick(picker, Qt.Key.Key_Right)
    assert picker.grade() == NOT_APPLICABLE_ID
    with qtbot.waitSignal(picker.grade_changed, timeout=1000) as blocker:
        qtbot.keyClick(picker, Qt.Key.Key_Delete)
    assert blocker.args == [None]
    assert not any(b.isChecked() for b in picker.findChildren(QPushButton))
    qtbot.keyClick(picker, Qt.Key.Key_Left)
    assert picker.grade() == NOT_APPLICABLE_ID
    qtbot.keyClick(picker, Qt.Key.Key_Backspace)
    assert picker.grade() is None


def test_mouse_clicks_pick_and_focus_the_picker(qtbot: QtBot, picker: GradePicker) -> None:
    buttons = picker.findChildren(QPushButton)
    with qtbot.waitSignal(picker.grade_changed, timeout=1000) as blocker:
        qtbot.mouseClick(buttons[3], Qt.MouseButton.LeftButton)
    assert blocker.args == ["inadequate"]
    assert focused() is picker
    with qtbot.assertNotEmitted(picker.grade_changed):
        qtbot.mouseClick(buttons[3], Qt.MouseButton.LeftButton)  # a second click keeps it
    assert picker.grade() == "inadequate"
    assert buttons[3].isChecked()


def test_set_grade_signals_only_a_change(qtbot: QtBot, picker: GradePicker) -> None:
    with qtbot.waitSignal(picker.grade_changed, timeout=1000):
        picker.set_grade("good")
    with qtbot.assertNotEmitted(picker.grade_changed):
        picker.set_grade("good")
    with qtbot.waitSignal(picker.grade_changed, timeout=1000) as blocker:
        picker.set_grade(None)
    assert blocker.args == [None]
    with pytest.raises(KeyError):
        picker.set_grade("excellent")


def test_a_template_on_another_scale_gets_its_own_picker(qtbot: QtBot) -> None:
    form_template = parse_template(THREE_POINT, "three-point.toml")
    form = AssessmentForm(form_template)
    show(qtbot, form)
    picker = form.editor_for("aspect")
    assert isinstance(picker, GradePicker)
    labels = [button.text() for button in picker.findChildren(QPushButton)]
    assert labels == ["Strong", "Adequate", "Weak", "N/A"]
    qtbot.keyClick(picker, Qt.Key.Key_4)
    assert picker.grade() is None
    qtbot.keyClick(picker, Qt.Key.Key_3)
    assert form.answers() == {"aspect": {"value": "weak"}}
    assert form.action_lines() == []
    with pytest.raises(ValueError, match="no agreed-actions table"):
        form.set_action_lines([ActionLine("Visit", "Social worker", None)])


# Actions editor ------------------------------------------------------------------------------


@pytest.fixture
def actions(qtbot: QtBot) -> ActionsEditor:
    widget = ActionsEditor("Agreed actions")
    widget.resize(700, 300)
    show(qtbot, widget)
    return widget


def buttons_of(editor: ActionsEditor) -> tuple[QPushButton, QPushButton]:
    add, remove = editor.inputs()[1:]
    assert isinstance(add, QPushButton)
    assert isinstance(remove, QPushButton)
    return add, remove


def wait_for_focus_to_leave(qtbot: QtBot, widget: QWidget) -> None:
    """A closed cell editor hands the keyboard back to the table once events are processed."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not widget)


def type_row(qtbot: QtBot, cells: list[str]) -> None:
    """Type a row's cells into the open editor, Tab between cells, Enter at the end."""
    for position, text in enumerate(cells):
        editor = focused()
        assert isinstance(editor, QLineEdit)
        qtbot.keyClicks(editor, text)
        last = position == len(cells) - 1
        qtbot.keyClick(editor, Qt.Key.Key_Return if last else Qt.Key.Key_Tab)
        wait_for_focus_to_leave(qtbot, editor)


def test_actions_are_added_edited_and_removed_with_the_keyboard(
    qtbot: QtBot, actions: ActionsEditor
) -> None:
    add, remove = buttons_of(actions)
    table = actions.table()
    assert [add.text(), remove.text()] == ["Add action", "Remove action"]
    assert not remove.isEnabled()

    add.setFocus()
    with qtbot.waitSignal(actions.changed, timeout=1000):
        qtbot.keyClick(add, Qt.Key.Key_Space)
    type_row(qtbot, ["Start life story work", "Jo Bloggs", "2018-10-31"])
    assert focused() is table
    assert actions.action_lines() == [
        ActionLine("Start life story work", "Jo Bloggs", date(2018, 10, 31))
    ]
    assert remove.isEnabled()

    add.setFocus()
    qtbot.keyClick(add, Qt.Key.Key_Space)
    type_row(qtbot, ["Book the permanence panel", "Team manager", "2018-11-15"])

    # Change the first owner: arrows to the cell, F2 to edit, select all, type, Enter.
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Right)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = focused()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(actions.changed, timeout=1000):
        qtbot.keyClicks(editor, "Sam Patel")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert [line.owner for line in actions.action_lines()] == ["Sam Patel", "Team manager"]

    # Remove the first action: its row is current, Tab to Remove action, Space.
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert focused() is add
    qtbot.keyClick(add, Qt.Key.Key_Tab)
    assert focused() is remove
    with qtbot.waitSignal(actions.changed, timeout=1000):
        qtbot.keyClick(remove, Qt.Key.Key_Space)
    assert actions.action_lines() == [
        ActionLine("Book the permanence panel", "Team manager", date(2018, 11, 15))
    ]
    qtbot.keyClick(remove, Qt.Key.Key_Space)
    assert actions.action_lines() == []
    assert not remove.isEnabled()
    assert focused() is add


def test_an_invalid_due_date_is_red_explained_and_none(
    qtbot: QtBot, actions: ActionsEditor
) -> None:
    add, _ = buttons_of(actions)
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    type_row(qtbot, ["Review contact", "IRO", "2018-31-10"])
    assert actions.action_lines() == [ActionLine("Review contact", "IRO", None)]
    model = actions.table().model()
    due = model.index(0, DUE_COLUMN)
    assert model.data(due) == "2018-31-10"
    assert model.data(due, Qt.ItemDataRole.ForegroundRole) == QColor(ERROR)
    assert "31 Oct 2018" in model.data(due, Qt.ItemDataRole.ToolTipRole)
    problems = [label for label in actions.findChildren(QLabel) if label.isVisible()]
    assert len(problems) == 1
    assert "2018-31-10" in problems[0].text()


def test_blank_rows_are_left_out_and_ids_kept(qtbot: QtBot, actions: ActionsEditor) -> None:
    lines = [
        ActionLine("Update the chronology", "Social worker", date(2018, 10, 1), "action-1"),
        ActionLine("", "Team manager", None, "action-2"),
    ]
    with qtbot.assertNotEmitted(actions.changed):
        actions.set_action_lines(lines)
    assert actions.action_lines() == lines
    add, _ = buttons_of(actions)
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert actions.table().model().rowCount() == 3
    assert actions.action_lines() == lines


def test_the_actions_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = ActionsModel()
    model.set_lines(
        [
            ActionLine("Update the chronology", "Social worker", date(2018, 10, 1)),
            ActionLine("Review contact", "IRO", None),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected and checks every change below as it happens.
    assert model.insertRows(1, 2)
    assert model.setData(model.index(1, 0), "Visit school")
    assert model.setData(model.index(1, DUE_COLUMN), "2018-13-01")
    assert model.removeRows(0, 1)
    assert not model.removeRows(5, 1)
    assert not model.insertRows(0, 1, model.index(0, 0))
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.rowCount(QModelIndex()) == 3
    model.set_lines([])
    assert model.rowCount() == 0


def test_an_empty_actions_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(ActionsModel(), force_py=True)


# Screenshot ----------------------------------------------------------------------------------


def test_screenshot_of_a_filled_permanency_form(qtbot: QtBot) -> None:
    form_template = template()
    form = AssessmentForm(form_template)
    form.resize(1000, 1500)
    show(qtbot, form)
    form.set_answers(
        {
            "plan-by-second-review": answer(
                "good",
                "Plan of long-term fostering agreed at the second review (fictional) and "
                "endorsed by the IRO; the care plan reflects it.",
            ),
            "options-considered": answer(
                "requires-improvement",
                "Return home was ruled out, but the aunt was not assessed until month five.",
            ),
            "parallel-planning": answer("inadequate", "No contingency plan recorded."),
            "plan-implementation": answer("outstanding", "Matching panel booked within weeks."),
            "plan-tracking": answer(NOT_APPLICABLE_ID),
            "placement-stability": answer(None, "Carers report Ava is settled at school."),
        }
    )
    form.set_action_lines(
        [ActionLine("Start life story work with Ava", "Social worker", date(2018, 10, 31))]
    )
    form.show_missing(["placement-stability"])
    form.editor_for("plan-tracking").setFocus()
    qtbot.waitUntil(lambda: form.editor_for("plan-tracking").hasFocus())
    assert form.grab().save("/tmp/form.png")


def test_tab_from_the_last_cell_leaves_the_actions_table(
    qtbot: QtBot, actions: ActionsEditor
) -> None:
    add, _ = buttons_of(actions)
    add.setFocus()
    qtbot.keyClick(add, Qt.Key.Key_Space)
    for text in ("Start life story work", "Jo Bloggs"):  # Tab after each: on to the due date
        cell = focused()
        assert isinstance(cell, QLineEdit)
        qtbot.keyClicks(cell, text)
        qtbot.keyClick(cell, Qt.Key.Key_Tab)
        wait_for_focus_to_leave(qtbot, cell)
        qtbot.waitUntil(lambda: isinstance(focused(), QLineEdit))
    due = focused()
    assert isinstance(due, QLineEdit)
    qtbot.keyClicks(due, "31 Oct 2018")  # written as people write it, kept as a date
    qtbot.keyClick(due, Qt.Key.Key_Tab)  # the last cell: out of the table, not round the row
    qtbot.waitUntil(lambda: focused() is add)
    assert actions.action_lines()[0].due_on == date(2018, 10, 31)
