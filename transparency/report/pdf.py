"""The report as an A4 PDF: top line, a bar chart, every table, methodology, provenance.

Text is set in DejaVu Sans when installed (`FONT_DIR`), else in Helvetica with the text
folded to Latin-1 (`latin1`). Long tables are drawn cell by cell (`_Document.grid`):
fpdf2's own tables are slow on hundreds of rows.

>>> pdf = pdf_report(fig)                        # doctest: +SKIP
>>> pdf[:5]                                      # doctest: +SKIP
b'%PDF-'
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from transparency import palette
from transparency.figures import TABLES, Figures, format_money
from transparency.report.text import (
    DEMO_NOTE,
    DISCLAIMER,
    TITLE,
    methodology_rows,
    provenance_rows,
    reconciliation_table,
    text_rows,
    top_line_header,
    top_line_rows,
)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FONT_SIZE = 7.5  # the tables' text
_ROW_H = 4.6  # a one-line table row
_LINE_H = 3.8  # one line of a wrapped table cell
_HEAD_LINE_H = 3.6  # one line of a wrapped column heading


def pdf_report(fig: Figures) -> bytes:
    """Return the report as an A4 PDF: top line, a bar chart, every table, method, provenance."""
    doc = _Document(fig)
    doc.front_page()
    doc.heading("Top-line figures")
    header = top_line_header(fig)
    doc.grid(header, top_line_rows(fig), ["text"] + ["n"] * (len(header) - 1))
    _category_chart(doc, fig)
    for t in TABLES:
        header_t, rows, kinds = text_rows(fig, t.key)
        doc.heading(t.title)
        doc.para(t.description, 8)
        doc.grid(header_t, rows, kinds)
    doc.heading("Reconciliation")
    doc.grid(*reconciliation_table(fig))
    doc.heading("Methodology")
    for head, body in methodology_rows(fig):
        doc.pdf.set_font(doc.family, "B", 8.5)
        doc.pdf.multi_cell(0, 4.4, doc.clean(head), **doc.next_line)
        doc.para(body, 8.5)
    doc.heading("Provenance")
    doc.grid(["Item", "Value"], [[k, v] for k, v in provenance_rows(fig)], ["text", "text"])
    return bytes(doc.pdf.output())


@dataclass
class _Grid:
    """One table being drawn: its headings, column widths, kinds and alignments."""

    heads: list[str]
    cols: list[float]
    kinds: list[str]
    widths: dict[str, float]  # each body text's width in the body font, measured once
    head_h: float = 0.0
    aligns: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.aligns = ["L" if k == "text" else "R" for k in self.kinds]


class _Document:
    """The PDF being written, its font family and text cleaner, and the drawing helpers."""

    def __init__(self, fig: Figures) -> None:
        # lazy: fpdf2 takes about 0.7 s to import and only the PDF needs it (the Quarterly
        # report page imports this package on every visit)
        from fpdf import FPDF, XPos, YPos

        fingerprint = fig.fingerprint
        doc = self

        class Report(FPDF):
            def footer(self) -> None:
                self.set_y(-12)
                self.set_font(doc.family, size=7)
                self.set_text_color(*palette.rgb(palette.MUTED))
                self.cell(
                    0,
                    5,
                    doc.clean(
                        f"{TITLE}, {fig.quarter.label}. Fingerprint {fingerprint[:16]}. "
                        f"Page {self.page_no()}/{{nb}}"
                    ),
                    align="C",
                )
                self.set_text_color(0)

        self.fig = fig
        self.next_line = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
        pdf = Report(orientation="portrait", unit="mm", format="A4")
        pdf.set_auto_page_break(auto=True, margin=16)
        pdf.set_margins(14, 14, 14)
        self.family, self.clean = _pdf_font(pdf)
        pdf.set_title(self.clean(f"{TITLE} {fig.quarter.label}"))
        pdf.set_creation_date(dt.datetime.fromisoformat(fig.provenance["generated_at"]))
        pdf.add_page()
        self.pdf = pdf

    def front_page(self) -> None:
        """Write the title, the quarter, the notes and the reconciliation statement."""
        pdf, fig = self.pdf, self.fig
        pdf.set_font(self.family, "B", 17)
        pdf.multi_cell(0, 8, self.clean(TITLE), **self.next_line)
        pdf.set_font(self.family, "", 11)
        pdf.multi_cell(0, 6, self.clean(fig.quarter.describe()), **self.next_line)
        pdf.ln(2)
        if fig.provenance.get("is_demo"):
            self.para(DEMO_NOTE, 9, palette.rgb(palette.NOTE))
        self.para(fig.reconciliation_statement(), 9, palette.rgb(palette.OK))
        self.para(DISCLAIMER)

    def heading(self, text: str, size: int = 12) -> None:
        """Write a heading, on a new page when too little room is left below it."""
        pdf = self.pdf
        # keep a heading with its description and the first rows of its table
        if pdf.get_y() > pdf.h - 62:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(self.family, "B", size)
        pdf.multi_cell(0, size * 0.5, self.clean(text), **self.next_line)
        pdf.ln(1)

    def para(self, text: str, size: float = 8.5, fill: tuple[int, int, int] | None = None) -> None:
        """Write a paragraph, on a coloured ground when `fill` is given."""
        pdf = self.pdf
        pdf.set_font(self.family, "", size)
        if fill:
            pdf.set_fill_color(*fill)
        pdf.multi_cell(0, 4.4, self.clean(text), **self.next_line, fill=bool(fill), padding=1)
        pdf.ln(1)

    def grid(self, header: list[str], rows: list[list[str]], kinds: list[str]) -> None:
        """Draw a long table with one-line cells (fpdf2's `table` is slow on hundreds of rows).

        Number columns get the width of their widest value, so a number is never cut; text
        columns share the rest and wrap. Headings wrap and repeat on each page.
        """
        pdf = self.pdf
        pad = 2 * pdf.c_margin
        texts = [[self.clean(v) for v in row] for row in rows]
        heads = [self.clean(h) for h in header]
        pdf.set_font(self.family, "B", _FONT_SIZE)
        word = [max(pdf.get_string_width(w) for w in h.split()) + pad for h in heads]
        pdf.set_font(self.family, "", _FONT_SIZE)
        # Each body text's width once (measuring is most of fpdf2's cost on long tables).
        widths = {t: pdf.get_string_width(t) for row in texts for t in row}
        need = [max([widths[r[i]] + pad for r in texts] + [word[i]]) for i in range(len(heads))]
        grid = _Grid(heads, _column_widths(need, word, kinds, pdf.epw), kinds, widths)
        pdf.set_font(self.family, "B", _FONT_SIZE)
        head_lines = max(
            len(
                pdf.multi_cell(
                    w, _HEAD_LINE_H, h, dry_run=True, output="LINES", padding=(0, pdf.c_margin)
                )
            )
            for h, w in zip(heads, grid.cols, strict=True)
        )
        grid.head_h = head_lines * _HEAD_LINE_H + 1.2
        if pdf.get_y() + grid.head_h + 2 * _ROW_H > pdf.h - pdf.b_margin:
            pdf.add_page()
        self._grid_header(grid)
        pdf.set_draw_color(*palette.rgb(palette.RULE))
        for values in texts:
            self._grid_row(grid, values)
        pdf.set_draw_color(0)
        pdf.ln(3)

    def _grid_header(self, grid: _Grid) -> None:
        """Draw the column headings of `grid` on a shaded band at the current position."""
        pdf = self.pdf
        pdf.set_font(self.family, "B", _FONT_SIZE)
        pdf.set_fill_color(*palette.rgb(palette.HEADER))
        y = pdf.get_y()
        x = pdf.l_margin
        for text, w, align in zip(grid.heads, grid.cols, grid.aligns, strict=True):
            pdf.rect(x, y, w, grid.head_h, style="F")
            pdf.set_xy(x, y + 0.6)
            pdf.multi_cell(w, _HEAD_LINE_H, text, align=align, padding=(0, pdf.c_margin))
            x += w
        pdf.set_xy(pdf.l_margin, y + grid.head_h)
        pdf.set_font(self.family, "", _FONT_SIZE)

    def _grid_row(self, grid: _Grid, values: list[str]) -> None:
        """Draw one body row, after a page break and the headings again when it does not fit."""
        pdf = self.pdf
        pad = 2 * pdf.c_margin
        # A text wider than its column wraps onto more lines; numbers always fit.
        cells = []
        for text, w, kind in zip(values, grid.cols, grid.kinds, strict=True):
            if kind == "text" and grid.widths[text] > w - pad:
                cells.append(
                    pdf.multi_cell(
                        w, _LINE_H, text, dry_run=True, output="LINES", padding=(0, pdf.c_margin)
                    )
                )
            else:
                cells.append([text])
        height = max(_ROW_H, max(len(c) for c in cells) * _LINE_H + 0.8)
        if pdf.get_y() + height > pdf.h - pdf.b_margin:
            pdf.add_page()
            self._grid_header(grid)
        y = pdf.get_y()
        x = pdf.l_margin
        for lines, w, align in zip(cells, grid.cols, grid.aligns, strict=True):
            pdf.set_xy(x, y)
            if len(lines) == 1:
                self._put(grid, x, y, w, _ROW_H, lines[0], align)
            else:
                pdf.set_xy(x, y + 0.4)
                for i, line in enumerate(lines):
                    self._put(grid, x, y + 0.4 + i * _LINE_H, w, _LINE_H, line, align)
            x += w
        y += height
        pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
        pdf.set_xy(pdf.l_margin, y)

    def _put(
        self, grid: _Grid, x: float, y: float, w: float, h: float, text: str, align: str
    ) -> None:
        """Write one line of a cell: what `cell` draws for one line that fits (same baseline
        and margins), without its line-breaking and styling machinery."""
        if not text:
            return
        pdf = self.pdf
        width = grid.widths[text] if text in grid.widths else pdf.get_string_width(text)
        dx = w - pdf.c_margin - width if align == "R" else pdf.c_margin
        pdf.text(x + dx, y + 0.5 * h + 0.3 * pdf.font_size, text)


def _column_widths(
    need: list[float], word: list[float], kinds: list[str], epw: float
) -> list[float]:
    """Return each column's width from what it needs, its longest heading word and the page.

    Spare room goes to the number columns first (up to 4 mm each), then to the text
    columns; when room is short, the text columns share what the numbers leave, and wrap.
    """
    cols = list(need)
    text_idx = [i for i, k in enumerate(kinds) if k == "text"]
    spare = epw - sum(need)
    if spare > 0:  # air between numbers first, then the rest to the text columns
        num_idx = [i for i in range(len(cols)) if i not in text_idx]
        extra = min(4.0, spare / max(len(num_idx), 1)) if text_idx else spare / len(cols)
        for i in num_idx:
            cols[i] += extra
        spare -= extra * len(num_idx)
        for i in text_idx:
            cols[i] += spare / len(text_idx)
    elif text_idx:  # text columns share what the number columns leave, and wrap
        room = epw - sum(need[i] for i in range(len(cols)) if i not in text_idx)
        capped = {i: min(need[i], epw / 2) for i in text_idx}
        total = sum(capped.values())
        for i in text_idx:
            cols[i] = max(word[i], room * capped[i] / total)
    return cols


def _category_chart(doc: _Document, fig: Figures) -> None:
    """Draw spend by risk category as horizontal bars, inherent and residual side by side."""
    pdf = doc.pdf
    cats = fig.tables["by_risk_category"]
    values = cats.get_column("inherent_usd").to_list() + cats.get_column("residual_usd").to_list()
    top = max((v for v in values if v is not None), default=Decimal(0))
    if not top:
        return
    doc.heading("Spend by risk category (USD)")
    label_w, value_w = 48, 32
    bar_w = pdf.epw - label_w - value_w
    names = cats.get_column("category").to_list()
    colours = palette.frame_colours(cats)
    pdf.set_font(doc.family, "", 8)
    for name, colour, inh, res in zip(
        names,
        colours,
        cats.get_column("inherent_usd").to_list(),
        cats.get_column("residual_usd").to_list(),
        strict=True,
    ):
        full = palette.rgb(palette.colour_of(colour, name))
        for basis, amount in (("inherent", inh), ("residual", res)):
            y = pdf.get_y()
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_w, 4.5, doc.clean(f"{name}, {basis}"))
            width = float(amount / top) * bar_w if amount else 0
            # residual: a lighter bar outlined in the category colour, visible for yellows too
            shade = full if basis == "inherent" else tuple(c + (255 - c) * 3 // 5 for c in full)
            pdf.set_fill_color(*shade)
            pdf.set_draw_color(*full)
            pdf.set_line_width(0.3)
            if width > 0.2:
                pdf.rect(pdf.l_margin + label_w, y + 0.7, width, 3.1, style="DF")
            pdf.set_draw_color(0)
            pdf.set_line_width(0.2)
            pdf.set_xy(pdf.l_margin + label_w + bar_w, y)
            pdf.cell(value_w, 4.5, format_money(amount), align="R")
            pdf.ln(4.8)
        pdf.ln(1)


def _pdf_font(pdf: Any) -> tuple[str, Callable[[str], str]]:
    """Register DejaVu Sans when installed; else use Helvetica with text folded to Latin-1."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu", lambda s: s
    return "Helvetica", latin1


def latin1(text: str) -> str:
    """Return `text` with characters outside Latin-1 transliterated (or '?').

    >>> latin1("Côte d’Ivoire – Łódź")
    "Côte d'Ivoire - Lódz"
    """
    replacements = {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u0141": "L",
        "\u0142": "l",
    }
    out = []
    for ch in text:
        ch = replacements.get(ch, ch)
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(folded or "?")
    return "".join(out)
