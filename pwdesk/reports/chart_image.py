"""A report's chart as a PNG picture, for documents that cannot hold ReportLab's vector drawing.

The Word report draws each chart with the PDF's own code (``charts.chart_drawing``), so the two
cannot differ, then rasterises it: the drawing as a one-page PDF, PDFium renders the page, and
Pillow writes the PNG. The same chart gives the same bytes every time.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # ships no type information
from reportlab.graphics import renderPDF

from pwdesk.reports.blocks import Chart
from pwdesk.reports.charts import chart_drawing
from pwdesk.reports.document import register_fonts

PDF_POINTS_PER_INCH = 72.0
DPI = 200  # sharp on paper and on a zoomed screen, and a few tens of kilobytes a chart


def chart_png(chart: Chart, width: float, dpi: int = DPI) -> bytes:
    """``chart`` drawn ``width`` points wide, as PNG bytes at ``dpi`` (on white, no alpha)."""
    register_fonts()  # the drawing measures its labels in the shipped fonts
    pdf = renderPDF.drawToString(chart_drawing(chart, width))
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        try:
            bitmap = page.render(scale=dpi / PDF_POINTS_PER_INCH)
            try:
                image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        document.close()
    output = io.BytesIO()
    image.save(output, format="PNG", dpi=(dpi, dpi), optimize=True)
    return output.getvalue()
