"""What a merge did, shown in the merge dialog: counts, the devices that signed the packages
(with Trust for those not trusted yet), possible duplicates, and the records left in conflict.

``trust_requested`` carries the fingerprint of a signer whose Trust button was pressed; the
dialog trusts it and calls :meth:`MergeSummary.mark_trusted`.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from pwdesk.gui.widgets import plain_label
from pwdesk.services.merge import MergeResult

COUNT_ROWS = (
    ("packages", "Packages", "merged in one go"),
    ("new", "New", "records this database did not have"),
    ("updated", "Updated", "records moved on to a later version"),
    ("unchanged", "Unchanged", "records this database already had"),
    ("stale", "Stale", "older versions of records that have moved on here (nothing lost)"),
    ("merged", "Combined", "changed on several devices, in different answers: both kept"),
    ("conflicts", "In conflict", "the same answer changed differently on two devices"),
    ("already_merged", "Merged before", "packages seen before: signature checked, skipped"),
)


class MergeSummary(QGroupBox):
    """The box under the merge dialog's choices that says what the last merge did."""

    trust_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__("What the merge did")
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_counts())
        self._build_signers(layout)
        self.duplicates = QLabel()
        self.duplicates.setWordWrap(True)
        layout.addWidget(self.duplicates)
        self.waiting = QLabel()
        self.waiting.setWordWrap(True)
        self.conflicts_button = QPushButton("Show &conflicts")
        conflicts_row = QHBoxLayout()
        conflicts_row.addWidget(self.waiting, 1)
        conflicts_row.addWidget(self.conflicts_button)
        layout.addLayout(conflicts_row)
        self.hide()

    def _build_counts(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.count_labels: dict[str, QLabel] = {}
        for row, (key, title, meaning) in enumerate(COUNT_ROWS):
            count = QLabel("0")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setAccessibleName(title)
            self.count_labels[key] = count
            explained = QLabel(meaning)
            explained.setObjectName("muted")
            grid.addWidget(QLabel(f"<b>{title}</b>"), row, 0)
            grid.addWidget(count, row, 1)
            grid.addWidget(explained, row, 2)
        grid.setColumnStretch(2, 1)
        return grid

    def _build_signers(self, layout: QVBoxLayout) -> None:
        self.signers_heading = QLabel("<b>Signed by</b>")
        layout.addWidget(self.signers_heading)
        self.signers_layout = QGridLayout()
        self.signers_layout.setColumnStretch(0, 1)
        layout.addLayout(self.signers_layout)
        self.signer_labels: dict[str, QLabel] = {}
        self.trust_buttons: dict[str, QPushButton] = {}
        self.trust_hint = QLabel(
            "Trust a device's key once you have checked its fingerprint with the person who "
            "holds the laptop."
        )
        self.trust_hint.setObjectName("muted")
        self.trust_hint.setWordWrap(True)
        layout.addWidget(self.trust_hint)

    def show_merge(self, result: MergeResult, in_conflict: int) -> None:
        """Show a merge's counts, signers and possible duplicates, and the ``in_conflict``
        records waiting in this database for a choice."""
        counts: dict[str, Any] = result.as_json()
        for key, label in self.count_labels.items():
            label.setText(str(counts[key]))
        self._show_signers(result.signers)
        if result.possible_duplicates:
            lines = "".join(f"<li>{html.escape(line)}</li>" for line in result.possible_duplicates)
            self.duplicates.setText(
                "<b>Possible duplicates</b> (never joined automatically; check them):"
                f"<ul style='margin-top:2px'>{lines}</ul>"
            )
        self.duplicates.setVisible(bool(result.possible_duplicates))
        self.waiting.setText(
            f"{in_conflict} record{' is' if in_conflict == 1 else 's are'} in conflict in this "
            "database, waiting for you to choose what to keep."
        )
        self.waiting.setVisible(in_conflict > 0)
        self.conflicts_button.setVisible(in_conflict > 0)
        self.show()

    def _show_signers(self, signers: list[dict[str, Any]]) -> None:
        while self.signers_layout.count():
            item = self.signers_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.signer_labels.clear()
        self.trust_buttons.clear()
        for row, signer in enumerate(signers):
            fingerprint = str(signer["fingerprint"])
            label = plain_label("")  # a device names itself: never read its name as markup
            self.signer_labels[fingerprint] = label
            self.signers_layout.addWidget(label, row, 0)
            if not signer["trusted"]:
                button = QPushButton("Trust")
                button.setAccessibleName(f"Trust the key {fingerprint}")
                button.clicked.connect(lambda _=False, f=fingerprint: self.trust_requested.emit(f))
                self.trust_buttons[fingerprint] = button
                self.signers_layout.addWidget(button, row, 1)
            self._show_signer(fingerprint, str(signer["device"]), bool(signer["trusted"]))
        self.signers_heading.setVisible(bool(signers))
        self.trust_hint.setVisible(bool(self.trust_buttons))

    def _show_signer(self, fingerprint: str, device: str, trusted: bool) -> None:
        state = "✓ trusted" if trusted else "not yet trusted"
        label = self.signer_labels[fingerprint]
        label.setText(f"{device or 'A device'} — key {fingerprint}: {state}")

    def mark_trusted(self, fingerprint: str, device: str) -> None:
        """Show a signer as trusted now, its Trust button gone."""
        button = self.trust_buttons.pop(fingerprint, None)
        if button is not None:
            button.hide()
            button.deleteLater()
        self._show_signer(fingerprint, device, True)
        self.trust_hint.setVisible(bool(self.trust_buttons))
