"""Long work off the GUI thread, with a progress dialog and Cancel, so the window never freezes.

A task runs a plain function (a service call) in a Python thread and reports back through Qt
signals, which Qt delivers on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class Task(QObject):
    """One function run in the background; exactly one of ``succeeded`` or ``failed`` follows.

    If the user cancels, neither is emitted: the function still finishes in its thread (a
    service call commits whole or not at all), but its result is dropped.
    """

    succeeded = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception it raised

    def __init__(
        self,
        job: Callable[[], Any],
        parent: QObject | None = None,
        discard: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._job = job
        self._discard = discard  # tidies up a result that arrives after Cancel
        self.cancelled = False
        self._thread = threading.Thread(target=self._run, name="pwdesk-task", daemon=True)

    def start(self) -> None:
        """Begin the work."""
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has finished (for shutdown and tests); True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def cancel(self) -> None:
        """Drop the result when it comes."""
        self.cancelled = True

    def _run(self) -> None:
        try:
            result = self._job()
        except Exception as error:  # reported to the GUI thread, which shows it
            if not self.cancelled:
                self.failed.emit(error)
            return
        if not self.cancelled:
            self.succeeded.emit(result)
        elif self._discard is not None:
            self._discard(result)


def run_with_progress(
    parent: QWidget,
    label: str,
    job: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    *,
    on_cancel: Callable[[], None] | None = None,
    discard: Callable[[Any], None] | None = None,
    delay_ms: int = 400,
) -> Task:
    """Run ``job`` in the background with a busy progress dialog that offers Cancel.

    The dialog only appears if the work takes longer than ``delay_ms``, so quick work does not
    flash a window. After Cancel, ``on_cancel`` runs at once and a late result goes to
    ``discard`` (to close what the job opened, say).
    """
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowTitle("pwdesk")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(delay_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    task = Task(job, parent, discard)

    def finish(handler: Callable[[Any], None], value: Any) -> None:
        dialog.reset()
        dialog.deleteLater()
        handler(value)

    task.succeeded.connect(lambda value: finish(on_success, value))
    task.failed.connect(lambda error: finish(on_failure, error))

    def cancel() -> None:
        task.cancel()
        dialog.deleteLater()
        if on_cancel is not None:
            on_cancel()

    dialog.canceled.connect(cancel)
    task.start()
    return task
