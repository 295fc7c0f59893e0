"""The published report of a quarter's figures: XLSX workbook, offline HTML page, PDF.

All three are built from one `Figures` (see `transparency.figures`), state the
reconciliation, the fingerprint and the provenance, and show only human labels.

The package, by module:
- `text`: title, notes and every table as text rows (also for the command and the page).
- `colours`: the risk categories' colours when the model gives none.
- `plots`: `charts`, the Plotly charts of the HTML file and the Quarterly report page.
- `xlsx`, `html`, `pdf`: one module per file format.
- `files`: the file names, `render` (all three in memory) and `write_report`.

>>> paths = write_report(fig, Path("out"))          # doctest: +SKIP
>>> sorted(p.suffix for p in paths.values())        # doctest: +SKIP
['.html', '.pdf', '.xlsx']
"""

from __future__ import annotations

from transparency.report import pdf
from transparency.report.files import file_names, render, write_report
from transparency.report.html import html_report
from transparency.report.pdf import FONT_DIR, latin1, pdf_report
from transparency.report.plots import charts
from transparency.report.text import (
    DEMO_NOTE,
    DISCLAIMER,
    SHEETS,
    TITLE,
    cell_text,
    change_text,
    methodology_rows,
    provenance_rows,
    reconciliation_table,
    top_line_header,
    top_line_rows,
)
from transparency.report.xlsx import write_xlsx, xlsx_bytes

__all__ = [
    "DEMO_NOTE",
    "DISCLAIMER",
    "FONT_DIR",
    "SHEETS",
    "TITLE",
    "cell_text",
    "change_text",
    "charts",
    "file_names",
    "html_report",
    "latin1",
    "methodology_rows",
    "pdf",
    "pdf_report",
    "provenance_rows",
    "reconciliation_table",
    "render",
    "top_line_header",
    "top_line_rows",
    "write_report",
    "write_xlsx",
    "xlsx_bytes",
]
