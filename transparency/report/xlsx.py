"""The report as an XLSX workbook: summary, one sheet per table, reconciliation, methodology,
provenance.

Money and counts are numbers (money formatted to the cent), shares are percentages;
every text cell passes through `export.neutralise`, so none runs as a formula.

>>> book = xlsx_bytes(fig)                       # doctest: +SKIP
>>> book[:2]                                     # doctest: +SKIP
b'PK'
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from typing import Any

import xlsxwriter

from transparency.export import neutralise
from transparency.figures import TABLES, TOP_LINE, Figures
from transparency.report.text import (
    DEMO_NOTE,
    DISCLAIMER,
    SHEETS,
    TITLE,
    column_label,
    methodology_rows,
    provenance_rows,
    top_kind,
)


def xlsx_bytes(fig: Figures) -> bytes:
    """Return the workbook's bytes."""
    buf = io.BytesIO()
    write_xlsx(fig, buf)
    return buf.getvalue()


def write_xlsx(fig: Figures, out: io.BufferedIOBase | str | os.PathLike) -> None:
    """Write the workbook: summary, one sheet per table, reconciliation, methodology, provenance.

    Money and counts are numbers (money formatted to the cent), shares are percentages;
    every text cell passes through `export.neutralise`, so none runs as a formula.
    """
    book = xlsxwriter.Workbook(
        out, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    cells = _Cells(book)
    _summary_sheet(cells, fig)
    _table_sheets(cells, fig)
    _reconciliation_sheet(cells, fig)
    _methodology_sheet(cells, fig)
    _provenance_sheet(cells, fig)
    book.close()


class _Cells:
    """The workbook with its formats; writes text formula-safe and numbers by kind."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.formats = {
            "money": book.add_format({"num_format": "#,##0.00"}),
            "count": book.add_format({"num_format": "#,##0"}),
            "share": book.add_format({"num_format": "0.00%"}),
            "text": None,
        }

    def text(self, ws: Any, r: int, c: int, value: str, fmt: Any = None) -> None:
        """Write `value` as a string cell that never runs as a formula."""
        ws.write_string(r, c, neutralise(str(value)), fmt)

    def value(self, ws: Any, r: int, c: int, v: Any, kind: str) -> None:
        """Write a table value: a formatted number for money, counts and shares, else text."""
        if v is None:
            ws.write_blank(r, c, None)
        elif kind in ("money", "count", "share") and isinstance(v, int | Decimal | float):
            ws.write_number(r, c, float(v), self.formats[kind])
        else:
            self.text(ws, r, c, str(v))


def _summary_sheet(cells: _Cells, fig: Figures) -> None:
    """Write the summary: title, notes, and the top line with each comparison and change."""
    text, value = cells.text, cells.value
    ws = cells.book.add_worksheet("Summary")
    text(ws, 0, 0, f"{TITLE}: {fig.quarter.describe()}", cells.title)
    r = 1
    if fig.provenance.get("is_demo"):
        text(ws, r, 0, DEMO_NOTE, cells.bold)
        r += 1
    text(ws, r, 0, fig.reconciliation_statement())
    text(ws, r + 1, 0, f"Data fingerprint: {fig.fingerprint}")
    text(ws, r + 2, 0, DISCLAIMER)
    r += 4
    # Changes are numbers with signed formats: a text cell starting with "-" would need
    # the formula guard's apostrophe in front of it.
    book = cells.book
    change_formats = {
        "money": book.add_format({"num_format": "+#,##0.00;-#,##0.00;0.00"}),
        "count": book.add_format({"num_format": "+#,##0;-#,##0;0"}),
        "share": book.add_format({"num_format": '+0.00" points";-0.00" points";0.00" points"'}),
        "pct": book.add_format({"num_format": "+0.00%;-0.00%;0.00%"}),
    }
    heads = ["Figure", fig.quarter.label]
    for comp in fig.comparisons:
        heads += [comp.quarter.label, f"Change from {comp.quarter.label}", "Change (%)"]
    for c, head in enumerate(heads):
        text(ws, r, c, head, cells.bold)
    for key, label in TOP_LINE.items():
        r += 1
        kind = top_kind(key)
        text(ws, r, 0, label)
        value(ws, r, 1, fig.top[key], kind)
        c = 2
        for comp in fig.comparisons:
            if comp.has_data:
                value(ws, r, c, comp.values[key], kind)
                delta = comp.change.get(key)
                if delta is None:
                    text(ws, r, c + 1, "n/a")
                else:
                    # a share's change is in points: 0.0100 is one percentage point
                    number = float(delta * 100) if kind == "share" else float(delta)
                    ws.write_number(r, c + 1, number, change_formats[kind])
                pct = comp.change.get(f"{key}_pct")
                if pct is not None:
                    ws.write_number(r, c + 2, float(pct), change_formats["pct"])
            else:
                text(ws, r, c, "no data")
            c += 3
    ws.set_column(0, 0, 52)
    ws.set_column(1, 7, 20)


def _table_sheets(cells: _Cells, fig: Figures) -> None:
    """Write one sheet per published table: title, description, labelled columns."""
    for table in TABLES:
        ws = cells.book.add_worksheet(SHEETS[table.key])
        cells.text(ws, 0, 0, f"{table.title}, {fig.quarter.label}", cells.title)
        cells.text(ws, 1, 0, table.description)
        for c, col in enumerate(table.columns):
            cells.text(ws, 3, c, col.label, cells.bold)
            ws.set_column(c, c, 30 if col.kind == "text" else 20)
        for i, row in enumerate(fig.tables[table.key].iter_rows(named=True)):
            for c, col in enumerate(table.columns):
                cells.value(ws, 4 + i, c, row[col.key], col.kind)
        ws.freeze_panes(4, 0)


def _reconciliation_sheet(cells: _Cells, fig: Figures) -> None:
    """Write every reconciliation check with both sums and whether they match."""
    text, value = cells.text, cells.value
    ws = cells.book.add_worksheet("Reconciliation")
    text(ws, 0, 0, fig.reconciliation_statement(), cells.bold)
    heads = ["Table", "Column", "Sum (USD)", "Total (USD)", "Sum of lines", "Total lines", "Match"]
    for c, head in enumerate(heads):
        text(ws, 2, c, head, cells.bold)
    for i, check in enumerate(fig.checks):
        r = 3 + i
        text(ws, r, 0, SHEETS[check.table])
        text(ws, r, 1, column_label(check.table, check.column))
        value(ws, r, 2, check.actual_usd, "money")
        value(ws, r, 3, check.expected_usd, "money")
        value(ws, r, 4, check.actual_lines, "count")
        value(ws, r, 5, check.expected_lines, "count")
        text(ws, r, 6, "yes" if check.ok else "NO")
    ws.set_column(0, 1, 30)
    ws.set_column(2, 6, 18)


def _methodology_sheet(cells: _Cells, fig: Figures) -> None:
    """Write the methodology: one heading and its text per row."""
    ws = cells.book.add_worksheet("Methodology")
    cells.text(ws, 0, 0, "Methodology", cells.title)
    r = 2
    for head, body in methodology_rows(fig):
        cells.text(ws, r, 0, head, cells.bold)
        cells.text(ws, r, 1, body, cells.wrap)
        r += 1
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 110)


def _provenance_sheet(cells: _Cells, fig: Figures) -> None:
    """Write the provenance: one label and value per row."""
    ws = cells.book.add_worksheet("Provenance")
    cells.text(ws, 0, 0, "Provenance", cells.title)
    for i, (label, val) in enumerate(provenance_rows(fig)):
        cells.text(ws, 2 + i, 0, label, cells.bold)
        cells.text(ws, 2 + i, 1, val)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 110)
