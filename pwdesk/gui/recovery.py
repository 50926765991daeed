"""After a crash or power cut: offer back the typing that was never saved as a version."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from pwdesk.services.drafts import KeptDraft


class RecoveryDialog(QDialog):
    """Lists kept drafts; the user recovers them all, discards them all, or decides later."""

    RECOVER, DISCARD, LATER = 1, 2, 0

    def __init__(
        self, drafts: Sequence[KeptDraft], describe: dict[str, str], parent: QWidget | None = None
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
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.recover_button.setDefault(True)
        self.recover_button.setFocus()

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.done(choice)
