"""Long work runs off the GUI thread with a progress dialog that can cancel it."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pwdesk.gui.tasks import Task, run_with_progress


def test_a_task_reports_its_result_on_the_gui_thread(qtbot: QtBot) -> None:
    worker: list[str] = []

    def job() -> int:
        worker.append(threading.current_thread().name)
        return 42

    task = Task(job)
    with qtbot.waitSignal(task.succeeded) as done:
        task.start()
    assert done.args == [42]
    assert worker == ["pwdesk-task"]


def test_a_failure_is_reported_not_raised(qtbot: QtBot) -> None:
    def broken() -> None:
        raise ValueError("the file is not a package")

    task = Task(broken)
    with qtbot.waitSignal(task.failed) as failed:
        task.start()
    assert str(failed.args[0]) == "the file is not a package"


def test_slow_work_shows_a_progress_dialog_and_cancel_drops_the_result(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    results: list[object] = []
    discarded: list[object] = []
    cancelled: list[bool] = []

    def slow() -> str:
        release.wait(10)
        return "opened"

    task = run_with_progress(
        parent,
        "Opening…",
        slow,
        results.append,
        results.append,
        on_cancel=lambda: cancelled.append(True),
        discard=discarded.append,
        delay_ms=50,
    )
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(QProgressDialog)))
    [dialog] = [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]
    assert dialog.labelText() == "Opening…"
    [cancel_button] = dialog.findChildren(QPushButton)
    assert cancel_button.text() == "Cancel"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    assert cancelled == [True]
    release.set()
    assert task.wait(5)
    time.sleep(0.05)
    qtbot.wait(50)
    assert results == []
    assert discarded == ["opened"]


def test_quick_work_shows_no_dialog(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    results: list[object] = []
    run_with_progress(parent, "Quick", lambda: "done", results.append, results.append)
    qtbot.waitUntil(lambda: results == ["done"])
    assert not any(d.isVisible() for d in parent.findChildren(QProgressDialog))
