"""Never lose a word: an editor's typing kept in the draft buffer, off the GUI thread.

A short while after each edit the editor's whole state is kept (in the encrypted database) on a
background thread, so typing never waits on the disk; after a failure it is tried again until a
keep succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from typing import Any

from PySide6.QtCore import QObject, QTimer

from pwdesk.domain.errors import DatabaseBusy, PwdeskError, StorageFailed
from pwdesk.services.drafts import keep_draft
from pwdesk.store.database import Database

AUTOSAVE_DELAY_MS = 700
KEEP_RETRY_MS = 3000

Snapshot = Callable[[], tuple[str | None, dict[str, Any]]]  # the record's id and the payload


def keep_problem(error: Exception) -> str:
    """Why keeping the typing failed, in words that hold no typed text."""
    if isinstance(error, DatabaseBusy):
        return "the database is busy: a merge is running."
    if isinstance(error, StorageFailed):
        text = str(error)
        return text[:1].lower() + text[1:]
    if isinstance(error, PwdeskError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"the disk refused it ({error.strerror.lower()})."
    return f"the database refused it ({type(error).__name__})."


class DraftKeeper(QObject):
    """Keeps one editor's state under its draft key, one keep at a time on a thread of its own.

    ``on_kept`` and ``on_failed`` (with why, in one sentence) are called on that thread: pass
    signals' ``emit``, so the editor hears of them on the GUI thread.
    """

    def __init__(
        self,
        db: Database,
        key: str,
        snapshot: Snapshot,
        on_kept: Callable[[], None],
        on_failed: Callable[[str], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._db, self._key, self._snapshot = db, key, snapshot
        self._on_kept, self._on_failed = on_kept, on_failed
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pwdesk-draft")
        self._pending: Future[None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.keep_now)
        self._retry = QTimer(self)  # after a failed keep, try again until one succeeds
        self._retry.setSingleShot(True)
        self._retry.setInterval(KEEP_RETRY_MS)
        self._retry.timeout.connect(self.keep_now)
        self._shut = False

    def keep_soon(self) -> None:
        """Keep the state a short while from now, unless another edit comes first."""
        self._timer.start()

    def cancel_soon(self) -> None:
        """Drop the keep that :meth:`keep_soon` planned."""
        self._timer.stop()

    def keep_now(self) -> Future[None]:
        """Put the current state in the draft buffer, on the background thread."""
        self._timer.stop()
        record_id, payload = self._snapshot()
        db, key = self._db, self._key

        def keep() -> None:
            try:
                keep_draft(db, key, record_id, payload)
            except Exception as error:  # shown and retried, never swallowed: the user must know
                self._on_failed(keep_problem(error))
                raise
            self._on_kept()

        self._pending = self._executor.submit(keep)
        return self._pending

    def retry_later(self) -> None:
        """After a failed keep: try again in a few seconds (unless the editor has closed)."""
        if not self._shut:
            self._retry.start()

    def stop_retrying(self) -> None:
        """The typing is safe (kept or saved): no retry is due."""
        self._retry.stop()

    def wait(self) -> None:
        """Let the keep under way finish (for up to ten seconds)."""
        if self._pending is not None:
            # A failure is shown by on_failed, and a retry is due.
            with suppress(Exception):
                self._pending.result(timeout=10)

    def shut_down(self) -> None:
        """Finish the keep under way and let the thread go; no keep or retry is due after."""
        self._shut = True
        self._timer.stop()
        self._retry.stop()
        self._executor.shutdown(wait=True)
