"""Printing and saving feedback sheets: the PDF the renderer made is the one thing that prints.

The preview and the printer are painted by the same function, ``render_pdf``, which rasterises
each page of the PDF with PDFium, so what the preview shows is exactly what comes out of the
printer, and both match the PDF a user saves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # ships no type information
from PySide6.QtCore import QMarginsF, QRectF, QSize, QStandardPaths
from PySide6.QtGui import QAction, QImage, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QWidget

from pwdesk.gui.screen import fit_to_screen
from pwdesk.services.files import write_atomically

PDF_POINTS_PER_INCH = 72
# Enough for small print to stay crisp; more only makes the print job bigger and slower.
MAX_DPI = 300
# A floor keeps the preview readable when it is zoomed in on a printer that reports screen dpi.
MIN_DPI = 150


def a4_layout() -> QPageLayout:
    """A4 portrait with no margins of its own: the sheet carries its margins in the PDF."""
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
    )
    # Full-page mode lets the margins go below the printer's minimum; nothing is drawn there.
    layout.setMode(QPageLayout.Mode.FullPageMode)
    return layout


def page_images(pdf: bytes, dpi: float) -> Iterator[QImage]:
    """Each page of ``pdf`` as an image at ``dpi``, one at a time (A4 at 300 dpi is 35 MB)."""
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                # RGBX: four bytes a pixel in the order QImage expects, and no alpha to blend.
                bitmap = page.render(
                    scale=dpi / PDF_POINTS_PER_INCH, rev_byteorder=True, prefer_bgrx=True
                )
                try:
                    image = QImage(
                        bitmap.buffer,
                        bitmap.width,
                        bitmap.height,
                        bitmap.stride,
                        QImage.Format.Format_RGBX8888,
                    )
                    # The copy owns its pixels, so the image outlives PDFium's buffer.
                    owned = image.copy()
                finally:
                    bitmap.close()
            finally:
                page.close()
            yield owned
    finally:
        document.close()


def _fitted(image: QSize, target: QRectF) -> QRectF:
    """The largest rectangle of the image's proportions centred in ``target``."""
    scale = min(target.width() / image.width(), target.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF(
        target.x() + (target.width() - width) / 2,
        target.y() + (target.height() - height) / 2,
        width,
        height,
    )


def render_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Paint every page of ``pdf`` onto ``printer`` (a real printer or a preview); pages painted."""
    printer.setPageLayout(a4_layout())
    dpi = min(max(printer.resolution(), MIN_DPI), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    painted = 0
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = printer.paperRect(QPrinter.Unit.DevicePixel)
        for image in page_images(pdf, dpi):
            if painted:
                printer.newPage()
            painter.drawImage(_fitted(image.size(), target), image)
            painted += 1
    finally:
        painter.end()
    return painted


class PdfPreview(QPrintPreviewDialog):
    """A print preview of one of pwdesk's PDFs; its Print button prints through the same painting.

    ``document`` names it in the title bar and the print queue, e.g. "Feedback sheet".
    """

    def __init__(
        self, parent: QWidget | None, pdf: bytes, subject: str, document: str = "Feedback sheet"
    ) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(a4_layout())
        printer.setDocName(f"{document} {subject}")
        super().__init__(printer, parent)
        # The dialog does not own its printer; holding it here keeps it alive as long as the dialog.
        self.sheet_printer = printer
        self.pdf = pdf
        self.setWindowTitle(f"{document} — {subject}")
        # The default is too small to read a page; 900x1000 would hide the buttons on a laptop.
        fit_to_screen(self, 900, 1000)
        self.paintRequested.connect(self._paint)
        # Qt's preview has toolbar buttons only; its Print answers Ctrl+P, as in the editor.
        for action in self.findChildren(QAction):
            if action.text().replace("&", "") == "Print":
                action.setShortcut(QKeySequence.StandardKey.Print)
                action.setToolTip("Print (Ctrl+P)")
                self.print_action = action

    def _paint(self, printer: QPrinter) -> None:
        render_pdf(self.pdf, printer)


def choose_pdf_path(
    parent: QWidget | None, suggested_name: str, title: str = "Save the feedback sheet as PDF"
) -> Path | None:
    """Ask where to save a PDF, starting in the user's documents; None if cancelled.

    ``title`` says what is being saved, e.g. "Save the report as PDF".
    """
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    start = str(Path(folder) / suggested_name) if folder else suggested_name
    chosen, _ = QFileDialog.getSaveFileName(parent, title, start, "PDF documents (*.pdf)")
    return Path(chosen) if chosen else None


def save_pdf(pdf: bytes, path: Path) -> Path:
    """Write ``pdf`` at ``path`` (adding ".pdf" if the name lacks it); the path written."""
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    write_atomically(pdf, path)
    return path


def save_pdf_dialog(
    parent: QWidget | None,
    pdf: bytes,
    suggested_name: str,
    title: str = "Save the feedback sheet as PDF",
) -> Path | None:
    """Ask where to save ``pdf``, then save it there; the path, or None if cancelled."""
    path = choose_pdf_path(parent, suggested_name, title)
    return save_pdf(pdf, path) if path is not None else None


def pdf_file_name(case_reference: str | None, form: str, held_on: date | None) -> str:
    """A file name that says whose sheet it is: "feedback-CR174391-2018-09-17.pdf"."""
    # Only letters, digits and single hyphens: safe on every file system and in e-mail.
    words = re.sub(r"[^0-9A-Za-z]+", "-", case_reference or form).strip("-") or "sheet"
    parts = ["feedback", words, *([held_on.isoformat()] if held_on else [])]
    return "-".join(parts) + ".pdf"
