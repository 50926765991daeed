"""After a crash or power cut: offer back the typing that was never saved as a version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from pwdesk.gui.screen import fit_to_screen
from pwdesk.services.drafts import KeptDraft


def preview_text(payload: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """What a kept draft holds, one answer a line in form order ("Label: value — note"), so
    the user sees what Recover brings back; ``labels`` are the form's items by id, in order."""
    answers = payload.get("answers", {})
    lines = []
    for item_id, label in labels.items():
        entry = answers.get(item_id)
        if not isinstance(entry, Mapping):
            continue
        value, note = entry.get("value"), str(entry.get("note") or "").strip()
        shown = "" if value is None else str(value).strip()
        text = " — ".join(part for part in (shown, note) if part)
        if text:
            lines.append(f"{label}: {text}")
    for action in payload.get("actions", []):
        if isinstance(action, Mapping) and str(action.get("description", "")).strip():
            lines.append(f"Agreed action: {str(action['description']).strip()}")
    return "\n".join(lines) or "Nothing typed in the form yet (only who and when)."


class RecoveryDialog(QDialog):
    """Lists kept drafts; the user recovers them all, discards them all, or decides later."""

    RECOVER, DISCARD, LATER = 1, 2, 0

    def __init__(
        self,
        drafts: Sequence[KeptDraft],
        describe: dict[str, str],
        parent: QWidget | None = None,
        previews: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.drafts = list(drafts)
        self.choice = self.LATER
        self.setWindowTitle("Recover unsaved work")
        intro = QLabel(
            "pwdesk closed before this typing was saved. It was kept safely in your encrypted "
            "database. Recover it to carry on where you left off."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Unsaved work")
        for draft in self.drafts:
            when = draft.updated_at.astimezone().strftime("%d %b %Y at %H:%M")
            self.list.addItem(f"{describe.get(draft.key, 'A form')} — typed up to {when}")
        self.previews = dict(previews or {})
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("What will be recovered")
        self.list.currentRowChanged.connect(self._show_preview)
        buttons = QDialogButtonBox()
        self.recover_button = buttons.addButton("&Recover", QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard_button = buttons.addButton(
            "&Discard", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.later_button = buttons.addButton(
            "Decide &later", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.recover_button.clicked.connect(lambda: self._choose(self.RECOVER))
        self.discard_button.clicked.connect(lambda: self._choose(self.DISCARD))
        self.later_button.clicked.connect(lambda: self._choose(self.LATER))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel("What it holds:"))
        layout.addWidget(self.preview, 2)
        layout.addWidget(buttons)
        self.recover_button.setDefault(True)
        self.recover_button.setFocus()
        self.list.setCurrentRow(0)
        fit_to_screen(self, 760, 560)

    def _show_preview(self, row: int) -> None:
        key = self.drafts[row].key if 0 <= row < len(self.drafts) else ""
        self.preview.setPlainText(self.previews.get(key, ""))

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.done(choice)
