"""A record's feedback sheet out of its editor: previewed and printed, or saved as a PDF file.

The editor saves the record first and hands the sheet over; every problem is told to the user in
one sentence, and nothing is output.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.printing import PdfPreview, save_pdf_dialog
from pwdesk.store.database import Database


def render_sheet(parent: QWidget, db: Database, record_id: str) -> bytes | None:
    """A saved record's feedback sheet as PDF; None (the user was told why) if none can be made."""
    try:
        from pwdesk.services.feedback import feedback_pdf  # ReportLab loads when first needed

        return feedback_pdf(db, record_id)
    except PwdeskError as error:
        QMessageBox.warning(parent, "No feedback sheet", str(error))
        return None


def open_preview(parent: QWidget, pdf: bytes | None, subject: str) -> PdfPreview | None:
    """Show the print preview of a sheet without waiting for it to close; the dialog."""
    if pdf is None:
        return None
    dialog = PdfPreview(parent, pdf, subject)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def print_sheet(parent: QWidget, pdf: bytes | None, subject: str) -> None:
    """Preview a sheet and print it on the printer the user picks."""
    if pdf is None:
        return
    dialog = PdfPreview(parent, pdf, subject)
    dialog.exec()
    dialog.deleteLater()


def save_sheet(parent: QWidget, pdf: bytes | None, file_name: str) -> Path | None:
    """Ask where to save a sheet, offering ``file_name``, and write it; the path, or None."""
    if pdf is None:
        return None
    try:
        return save_pdf_dialog(parent, pdf, file_name)
    except PwdeskError as error:
        QMessageBox.warning(parent, "PDF not saved", str(error))
        return None
    except OSError as error:
        reason = error.strerror or str(error)
        QMessageBox.warning(parent, "PDF not saved", f"The PDF could not be written: {reason}.")
        return None
