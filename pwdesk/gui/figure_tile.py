"""A figure tile of the dashboard: what is counted, the figure in large type, and a detail."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from pwdesk.gui.widgets import muted_palette, plain_label, scaled_font
from pwdesk.palette import RULE


class FigureTile(QFrame):
    """One figure of the week: a caption, the figure in large type, and a smaller detail line."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figureTile")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(
            f"QFrame#figureTile {{ background: palette(base); border: 1px solid {RULE};"
            " border-radius: 6px; }"
        )
        self._caption = plain_label(caption, self)
        self._value = plain_label("", self)
        self._detail = plain_label("", self)
        self._caption.setPalette(muted_palette(self._caption))
        self._detail.setPalette(muted_palette(self._detail))
        self._value.setFont(scaled_font(self.font(), 2.0, QFont.Weight.Bold))
        self._detail.setFont(scaled_font(self.font(), 0.9))
        self._detail.setWordWrap(True)
        self._caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(2)
        layout.addWidget(self._caption)
        layout.addWidget(self._value)
        layout.addWidget(self._detail)
        layout.addStretch(1)
        self.setMinimumWidth(170)

    def set_figure(self, value: str, detail: str = "") -> None:
        """Show a figure and, if given, a detail line under it."""
        self._value.setText(value)
        self._detail.setText(detail)
        self._detail.setVisible(bool(detail))
        self.setAccessibleName(" ".join(t for t in (f"{self.caption()}:", value, detail) if t))

    def caption(self) -> str:
        """What the figure counts."""
        return self._caption.text()

    def value(self) -> str:
        """The figure as shown."""
        return self._value.text()

    def detail(self) -> str:
        """The detail line as shown (empty if none)."""
        return self._detail.text()
