"""The published report of a quarter's figures: XLSX workbook, offline HTML page, PDF.

All three are built from one `Figures` (see `transparency.figures`), state the
reconciliation, the fingerprint and the provenance, and show only human labels.

>>> paths = write_report(fig, Path("out"))          # doctest: +SKIP
>>> sorted(p.suffix for p in paths.values())        # doctest: +SKIP
['.html', '.pdf', '.xlsx']
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
import secrets
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
import xlsxwriter

from transparency.export import neutralise
from transparency.figures import (
    METHODOLOGY,
    TABLE_BY_KEY,
    TABLES,
    TOP_LINE,
    Figures,
    format_money,
    format_share,
)

TITLE = "Procurement transparency figures"
SHEETS: dict[str, str] = {
    "by_risk_category": "Risk categories",
    "by_country": "Countries",
    "by_region": "Regions",
    "by_segment": "Segments",
    "by_method": "Methods",
    "not_assessable": "Coverage",
    "diligence_coverage": "Due diligence",
}
DEMO_NOTE = "These figures are computed from generated demo data, not from real purchasing."
DISCLAIMER = "A risk flag is a signal for due diligence, not a finding against a supplier."
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CATEGORY_COLOURS = {
    "Low": "#4c9a2a",
    "Medium": "#e3b505",
    "High": "#e07b00",
    "Very high": "#c0392b",
    "Not assessable": "#8c8c8c",
}


# --- shared text ----------------------------------------------------------------------


def cell_text(value: Any, kind: str) -> str:
    """Return a table value as report text: money '1,234.50', counts '1,234', shares '18.34%'."""
    if value is None:
        return "" if kind != "share" else "n/a"
    if kind == "money":
        return format_money(value)
    if kind == "count":
        return f"{int(value):,}"
    if kind == "share":
        return format_share(value)
    return str(value)


def _top_kind(key: str) -> str:
    if key.endswith("_share"):
        return "share"
    if key.endswith("_usd"):
        return "money"
    return "count"


def change_text(key: str, change: dict[str, Any]) -> str:
    """Return a change as text: '+4,715.33 (+314.36%)' or '-11.60 points' for shares."""
    delta = change.get(key)
    if delta is None:
        return "n/a"
    sign = "+" if delta >= 0 else "-"
    if key.endswith("_share"):
        return f"{sign}{abs(delta) * 100:.2f} points"
    body = format_money(abs(delta)) if key.endswith("_usd") else f"{abs(int(delta)):,}"
    pct = change.get(f"{key}_pct")
    if pct is None:
        return f"{sign}{body}"
    pct_sign = "+" if pct >= 0 else "-"
    return f"{sign}{body} ({pct_sign}{abs(pct) * 100:.2f}%)"


def top_line_rows(fig: Figures) -> list[list[str]]:
    """Return the top-line table as text rows: figure, this quarter, then each comparison."""
    rows = []
    for key, label in TOP_LINE.items():
        row = [label, cell_text(fig.top[key], _top_kind(key))]
        for comp in fig.comparisons:
            if comp.has_data:
                row += [cell_text(comp.values[key], _top_kind(key)), change_text(key, comp.change)]
            else:
                row += ["no data", "n/a"]
        rows.append(row)
    return rows


def top_line_header(fig: Figures) -> list[str]:
    """Return the top-line table's column headings."""
    header = ["Figure", fig.quarter.label]
    for comp in fig.comparisons:
        header += [comp.quarter.label, f"Change from {comp.quarter.label}"]
    return header


def provenance_rows(fig: Figures) -> list[tuple[str, str]]:
    """Return the provenance as (label, value) text pairs."""
    prov = fig.provenance
    rows = [
        ("Quarter", fig.quarter.describe()),
        ("Data fingerprint (SHA-256)", prov["fingerprint"]),
        ("Generated at (UTC)", prov["generated_at"]),
        ("Risk model hash", prov.get("risk_model_hash") or "not available"),
        ("Figure definitions hash", prov.get("definitions_hash") or ""),
        ("Due-diligence records hash", prov.get("diligence_records_hash") or "no records"),
        ("Demo data", "yes" if prov.get("is_demo") else "no"),
    ]
    for name, edition in _editions(prov.get("reference_editions")):
        rows.append((f"Reference edition: {name}", edition))
    for batch in prov["batches"]:
        rows.append(
            (
                f"Batch {batch['batch_id']}",
                f"{batch.get('source_file') or ''}; imported {batch.get('imported_at') or ''}; "
                f"content SHA-256 {batch.get('content_hash') or ''}",
            )
        )
    return rows


def _editions(editions: Any) -> list[tuple[str, str]]:
    if not editions:
        return [("reference data", "not available")]
    if isinstance(editions, dict):
        return [(str(k), _flat(v)) for k, v in sorted(editions.items())]
    if isinstance(editions, list):
        out = []
        for item in editions:
            if isinstance(item, dict):
                values = list(item.values())
                out.append((str(values[0]), "; ".join(_flat(v) for v in values[1:])))
            else:
                out.append(("edition", _flat(item)))
        return out
    return [("reference data", _flat(editions))]


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_flat(v) for v in value)
    return "" if value is None else str(value)


def _text_rows(fig: Figures, key: str) -> tuple[list[str], list[list[str]], list[str]]:
    table = TABLE_BY_KEY[key]
    frame = fig.tables[key]
    header = [c.label for c in table.columns]
    kinds = [c.kind for c in table.columns]
    rows = [
        [cell_text(row[c.key], c.kind) for c in table.columns]
        for row in frame.iter_rows(named=True)
    ]
    return header, rows, kinds


# --- XLSX -------------------------------------------------------------------------------


def write_xlsx(fig: Figures, out: io.BufferedIOBase | str | os.PathLike) -> None:
    """Write the workbook: summary, one sheet per table, reconciliation, methodology, provenance.

    Money and counts are numbers (money formatted to the cent), shares are percentages;
    every text cell passes through `export.neutralise`, so none runs as a formula.
    """
    book = xlsxwriter.Workbook(
        out, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    formats = {
        "money": book.add_format({"num_format": "#,##0.00"}),
        "count": book.add_format({"num_format": "#,##0"}),
        "share": book.add_format({"num_format": "0.00%"}),
        "text": None,
    }

    def text(ws, r: int, c: int, value: str, fmt=None) -> None:
        ws.write_string(r, c, neutralise(str(value)), fmt)

    def value(ws, r: int, c: int, v: Any, kind: str) -> None:
        if v is None:
            ws.write_blank(r, c, None)
        elif kind in ("money", "count", "share") and isinstance(v, int | Decimal | float):
            ws.write_number(r, c, float(v), formats[kind])
        else:
            text(ws, r, c, str(v))

    # Summary
    ws = book.add_worksheet("Summary")
    text(ws, 0, 0, f"{TITLE}: {fig.quarter.describe()}", title)
    r = 1
    if fig.provenance.get("is_demo"):
        text(ws, r, 0, DEMO_NOTE, bold)
        r += 1
    text(ws, r, 0, fig.reconciliation_statement())
    text(ws, r + 1, 0, f"Data fingerprint: {fig.fingerprint}")
    text(ws, r + 2, 0, DISCLAIMER)
    r += 4
    # Changes are numbers with signed formats: a text cell starting with "-" would need
    # the formula guard's apostrophe in front of it.
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
        text(ws, r, c, head, bold)
    for key, label in TOP_LINE.items():
        r += 1
        kind = _top_kind(key)
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

    # One sheet per table
    for table in TABLES:
        ws = book.add_worksheet(SHEETS[table.key])
        text(ws, 0, 0, f"{table.title}, {fig.quarter.label}", title)
        text(ws, 1, 0, table.description)
        for c, col in enumerate(table.columns):
            text(ws, 3, c, col.label, bold)
            ws.set_column(c, c, 30 if col.kind == "text" else 20)
        for i, row in enumerate(fig.tables[table.key].iter_rows(named=True)):
            for c, col in enumerate(table.columns):
                value(ws, 4 + i, c, row[col.key], col.kind)
        ws.freeze_panes(4, 0)

    # Reconciliation
    ws = book.add_worksheet("Reconciliation")
    text(ws, 0, 0, fig.reconciliation_statement(), bold)
    heads = ["Table", "Column", "Sum (USD)", "Total (USD)", "Sum of lines", "Total lines", "Match"]
    for c, head in enumerate(heads):
        text(ws, 2, c, head, bold)
    for i, check in enumerate(fig.checks):
        r = 3 + i
        text(ws, r, 0, SHEETS[check.table])
        text(ws, r, 1, _column_label(check.table, check.column))
        value(ws, r, 2, check.actual_usd, "money")
        value(ws, r, 3, check.expected_usd, "money")
        value(ws, r, 4, check.actual_lines, "count")
        value(ws, r, 5, check.expected_lines, "count")
        text(ws, r, 6, "yes" if check.ok else "NO")
    ws.set_column(0, 1, 30)
    ws.set_column(2, 6, 18)

    # Methodology
    ws = book.add_worksheet("Methodology")
    text(ws, 0, 0, "Methodology", title)
    r = 2
    for head, body in methodology_rows(fig):
        text(ws, r, 0, head, bold)
        text(ws, r, 1, body, wrap)
        r += 1
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 110)

    # Provenance
    ws = book.add_worksheet("Provenance")
    text(ws, 0, 0, "Provenance", title)
    for i, (label, val) in enumerate(provenance_rows(fig)):
        text(ws, 2 + i, 0, label, bold)
        text(ws, 2 + i, 1, val)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 110)
    book.close()


def _column_label(table_key: str, column: str) -> str:
    for col in TABLE_BY_KEY[table_key].columns:
        if col.key == column:
            return col.label
    return "High-risk spend (USD)" if column == "high_risk_usd" else column


def reconciliation_table(fig: Figures) -> tuple[list[str], list[list[str]], list[str]]:
    """Return the reconciliation checks as (header, text rows, column kinds) for HTML and PDF."""
    header = ["Table", "Column", "Sum (USD)", "Total (USD)", "Lines", "Total lines", "Match"]
    rows = [
        [
            SHEETS[c.table],
            _column_label(c.table, c.column),
            format_money(c.actual_usd),
            format_money(c.expected_usd),
            f"{c.actual_lines:,}",
            f"{c.expected_lines:,}",
            "yes" if c.ok else "NO",
        ]
        for c in fig.checks
    ]
    return header, rows, ["text", "text", "n", "n", "n", "n", "text"]


def methodology_rows(fig: Figures) -> list[tuple[str, str]]:
    """Return the methodology as (heading, text) pairs: the method, then each table."""
    rows = [(head, body) for head, body in METHODOLOGY]
    rows += [(t.title, t.description) for t in TABLES]
    rows.append(("Risk flags", DISCLAIMER))
    return rows


# --- HTML -------------------------------------------------------------------------------


def charts(fig: Figures) -> list[tuple[str, go.Figure]]:
    """Return the charts as (title, Plotly figure); a chart with nothing to show is left out."""
    out: list[tuple[str, go.Figure]] = []
    cats = fig.tables["by_risk_category"]
    if any(v for v in cats.get_column("inherent_usd").to_list()):
        names = [_chart_label(n) for n in cats.get_column("category").to_list()]
        colours = [
            _colour(c, n) for n, c in zip(names, _column_or_none(cats, "colour"), strict=True)
        ]
        chart = go.Figure()
        for basis, column in (("Inherent", "inherent_usd"), ("Residual", "residual_usd")):
            chart.add_bar(
                name=basis,
                x=names,
                y=[float(v) for v in cats.get_column(column)],
                marker_color=colours,
                marker_pattern_shape="" if basis == "Inherent" else "/",
                hovertemplate="%{x}: USD %{y:,.2f}<extra>" + basis + "</extra>",
            )
        chart.update_layout(barmode="group", yaxis_title="Spend (USD)", legend_title="Risk")
        out.append(("Spend by risk category, inherent and after due diligence", chart))
    for key, label_col, title, limit in (
        ("by_region", "region", "Spend by region", None),
        ("by_country", "country", "Top 15 supplier countries by spend", 15),
        ("by_segment", "segment", "Top 15 UNSPSC segments by spend", 15),
        ("by_method", "method", "Spend by procurement method", None),
    ):
        frame = fig.tables[key]
        if limit:
            frame = frame.head(limit)
        if frame.is_empty() or not any(frame.get_column("spend_usd").to_list()):
            continue
        labels = [_chart_label(v) for v in frame.get_column(label_col).to_list()[::-1]]
        high = [float(v) for v in frame.get_column("high_risk_usd").to_list()[::-1]]
        rest = [
            float(s - h)
            for s, h in zip(
                frame.get_column("spend_usd").to_list()[::-1],
                frame.get_column("high_risk_usd").to_list()[::-1],
                strict=True,
            )
        ]
        chart = go.Figure()
        chart.add_bar(
            name="High or Very high",
            y=labels,
            x=high,
            orientation="h",
            marker_color=CATEGORY_COLOURS["Very high"],
        )
        chart.add_bar(name="Other", y=labels, x=rest, orientation="h", marker_color="#9db4d3")
        chart.update_layout(
            barmode="stack",
            xaxis_title="Spend (USD)",
            height=max(300, 28 * len(labels) + 120),
            legend_title="Inherent risk",
            legend_traceorder="normal",
        )
        out.append((title, chart))
    dil = fig.tables["diligence_coverage"]
    if fig.top["high_risk_usd"] and any(dil.get_column("covered_usd").to_list()):
        chart = go.Figure()
        chart.add_bar(
            x=[float(v or 0) * 100 for v in dil.get_column("share").to_list()],
            y=[_chart_label(v) for v in dil.get_column("step").to_list()],
            orientation="h",
            marker_color="#2e86ab",
            hovertemplate="%{y}: %{x:.2f}%<extra></extra>",
        )
        chart.update_layout(
            xaxis_title="Share of high-risk spend covered (%)",
            xaxis_range=[0, 100],
            yaxis_autorange="reversed",
        )
        out.append(("Due diligence on high-risk spend", chart))
    for _, chart in out:
        chart.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, template="plotly_white")
    return out


def _chart_label(value: Any) -> str:
    """Return a value for a chart axis, escaped: Plotly reads tags such as <a> in labels."""
    return html.escape(str(value), quote=False)


def _column_or_none(frame: pl.DataFrame, name: str) -> list[Any]:
    return frame.get_column(name).to_list() if name in frame.columns else [None] * frame.height


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
th{background:#f2f4f7;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{background:#fff4d6;border:1px solid #e3b505;padding:.5rem .8rem}
.ok{background:#e8f5e9;border:1px solid #4c9a2a;padding:.5rem .8rem}
.muted{color:#666;font-size:.85rem}code{word-break:break-all}
@media print{.chart{page-break-inside:avoid}}
"""


def _html_table(header: list[str], rows: list[list[str]], kinds: list[str] | None = None) -> str:
    kinds = kinds or ["text"] + ["n"] * (len(header) - 1)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{html.escape(v)}</td>' if k != "text" else f"<td>{html.escape(v)}</td>"
            for v, k in zip(row, kinds, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html_report(fig: Figures) -> str:
    """Return the report as one self-contained HTML page (Plotly's script inlined once)."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(TITLE)} {esc(fig.quarter.label)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{esc(TITLE)}</h1><p>{esc(fig.quarter.describe())}</p>",
    ]
    if fig.provenance.get("is_demo"):
        parts.append(f"<p class='note'>{esc(DEMO_NOTE)}</p>")
    parts.append(f"<p class='ok'>{esc(fig.reconciliation_statement())}</p>")
    parts.append(f"<p class='muted'>{esc(DISCLAIMER)}</p>")
    parts.append("<h2>Top-line figures</h2>")
    header = top_line_header(fig)
    parts.append(_html_table(header, top_line_rows(fig), ["text"] + ["n"] * (len(header) - 1)))
    first = True
    chart_list = charts(fig)
    if chart_list:
        parts.append("<h2>Charts</h2>")
    for title, chart in chart_list:
        div = chart.to_html(
            full_html=False,
            include_plotlyjs=first,  # the whole library once, inline: the page works offline
            config={"displaylogo": False, "responsive": True},
        )
        first = False
        parts.append(f"<div class='chart'><h3>{esc(title)}</h3>{div}</div>")
    for table in TABLES:
        header_t, rows, kinds = _text_rows(fig, table.key)
        parts.append(f"<h2>{esc(table.title)}</h2><p>{esc(table.description)}</p>")
        parts.append(_html_table(header_t, rows, kinds))
    parts.append("<h2>Reconciliation</h2>")
    parts.append(_html_table(*reconciliation_table(fig)))
    parts.append("<h2>Methodology</h2><dl>")
    for head, body in methodology_rows(fig):
        parts.append(f"<dt><strong>{esc(head)}</strong></dt><dd>{esc(body)}</dd>")
    parts.append("</dl><h2>Provenance</h2>")
    parts.append(
        _html_table(
            ["Item", "Value"],
            [[k, v] for k, v in provenance_rows(fig)],
            ["text", "text"],
        )
    )
    parts.append("</body></html>")
    return "\n".join(parts)


# --- PDF --------------------------------------------------------------------------------


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


def pdf_report(fig: Figures) -> bytes:
    """Return the report as an A4 PDF: top line, a bar chart, every table, method, provenance."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fingerprint = fig.fingerprint

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(family, size=7)
            self.set_text_color(110)
            self.cell(
                0,
                5,
                clean(
                    f"{TITLE}, {fig.quarter.label}. Fingerprint {fingerprint[:16]}. "
                    f"Page {self.page_no()}/{{nb}}"
                ),
                align="C",
            )
            self.set_text_color(0)

    pdf = Report(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(14, 14, 14)
    family, clean = _pdf_font(pdf)
    pdf.set_title(clean(f"{TITLE} {fig.quarter.label}"))
    pdf.set_creation_date(dt.datetime.fromisoformat(fig.provenance["generated_at"]))
    pdf.add_page()

    def heading(text: str, size: int = 12) -> None:
        # keep a heading with its description and the first rows of its table
        if pdf.get_y() > pdf.h - 62:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(family, "B", size)
        pdf.multi_cell(0, size * 0.5, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    def para(text: str, size: float = 8.5, fill: tuple[int, int, int] | None = None) -> None:
        pdf.set_font(family, "", size)
        if fill:
            pdf.set_fill_color(*fill)
        pdf.multi_cell(
            0, 4.4, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, fill=bool(fill), padding=1
        )
        pdf.ln(1)

    def grid(header: list[str], rows: list[list[str]], kinds: list[str]) -> None:
        """Draw a long table with one-line cells (fpdf2's `table` is slow on hundreds of rows).

        Number columns get the width of their widest value, so a number is never cut; text
        columns share the rest and wrap. Headings wrap and repeat on each page.
        """
        pad = 2 * pdf.c_margin
        texts = [[clean(v) for v in row] for row in rows]
        heads = [clean(h) for h in header]
        pdf.set_font(family, "B", 7.5)
        word = [max(pdf.get_string_width(w) for w in h.split()) + pad for h in heads]
        pdf.set_font(family, "", 7.5)
        # Each body text's width once (measuring is most of fpdf2's cost on long tables).
        widths = {t: pdf.get_string_width(t) for row in texts for t in row}
        need = [max([widths[r[i]] + pad for r in texts] + [word[i]]) for i in range(len(heads))]
        cols = list(need)
        text_idx = [i for i, k in enumerate(kinds) if k == "text"]
        spare = pdf.epw - sum(need)
        if spare > 0:  # air between numbers first, then the rest to the text columns
            num_idx = [i for i in range(len(cols)) if i not in text_idx]
            extra = min(4.0, spare / max(len(num_idx), 1)) if text_idx else spare / len(cols)
            for i in num_idx:
                cols[i] += extra
            spare -= extra * len(num_idx)
            for i in text_idx:
                cols[i] += spare / len(text_idx)
        elif text_idx:  # text columns share what the number columns leave, and wrap
            room = pdf.epw - sum(need[i] for i in range(len(cols)) if i not in text_idx)
            capped = {i: min(need[i], pdf.epw / 2) for i in text_idx}
            total = sum(capped.values())
            for i in text_idx:
                cols[i] = max(word[i], room * capped[i] / total)
        aligns = ["L" if k == "text" else "R" for k in kinds]
        row_h = 4.6
        pdf.set_font(family, "B", 7.5)
        head_lines = max(
            len(pdf.multi_cell(w, 3.6, h, dry_run=True, output="LINES", padding=(0, pdf.c_margin)))
            for h, w in zip(heads, cols, strict=True)
        )
        head_h = head_lines * 3.6 + 1.2

        def draw_header() -> None:
            pdf.set_font(family, "B", 7.5)
            pdf.set_fill_color(235, 239, 244)
            y = pdf.get_y()
            x = pdf.l_margin
            for text, w, align in zip(heads, cols, aligns, strict=True):
                pdf.rect(x, y, w, head_h, style="F")
                pdf.set_xy(x, y + 0.6)
                pdf.multi_cell(w, 3.6, text, align=align, padding=(0, pdf.c_margin))
                x += w
            pdf.set_xy(pdf.l_margin, y + head_h)
            pdf.set_font(family, "", 7.5)

        def put(x: float, y: float, w: float, h: float, text: str, align: str) -> None:
            # What `cell` draws for one line that fits (same baseline and margins), without
            # its line-breaking and styling machinery.
            if not text:
                return
            width = widths[text] if text in widths else pdf.get_string_width(text)
            dx = w - pdf.c_margin - width if align == "R" else pdf.c_margin
            pdf.text(x + dx, y + 0.5 * h + 0.3 * pdf.font_size, text)

        if pdf.get_y() + head_h + 2 * row_h > pdf.h - pdf.b_margin:
            pdf.add_page()
        draw_header()
        pdf.set_draw_color(215, 220, 228)
        line_h = 3.8
        for values in texts:
            # A text wider than its column wraps onto more lines; numbers always fit.
            cells = []
            for text, w, kind in zip(values, cols, kinds, strict=True):
                if kind == "text" and widths[text] > w - pad:
                    cells.append(
                        pdf.multi_cell(
                            w, line_h, text, dry_run=True, output="LINES", padding=(0, pdf.c_margin)
                        )
                    )
                else:
                    cells.append([text])
            height = max(row_h, max(len(c) for c in cells) * line_h + 0.8)
            if pdf.get_y() + height > pdf.h - pdf.b_margin:
                pdf.add_page()
                draw_header()
            y = pdf.get_y()
            x = pdf.l_margin
            for lines, w, align in zip(cells, cols, aligns, strict=True):
                pdf.set_xy(x, y)
                if len(lines) == 1:
                    put(x, y, w, row_h, lines[0], align)
                else:
                    pdf.set_xy(x, y + 0.4)
                    for i, line in enumerate(lines):
                        put(x, y + 0.4 + i * line_h, w, line_h, line, align)
                x += w
            y += height
            pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
            pdf.set_xy(pdf.l_margin, y)
        pdf.set_draw_color(0)
        pdf.ln(3)

    pdf.set_font(family, "B", 17)
    pdf.multi_cell(0, 8, clean(TITLE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 11)
    pdf.multi_cell(0, 6, clean(fig.quarter.describe()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    if fig.provenance.get("is_demo"):
        para(DEMO_NOTE, 9, (255, 244, 214))
    para(fig.reconciliation_statement(), 9, (232, 245, 233))
    para(DISCLAIMER)

    heading("Top-line figures")
    header = top_line_header(fig)
    grid(header, top_line_rows(fig), ["text"] + ["n"] * (len(header) - 1))

    _pdf_category_chart(pdf, fig, family, clean, heading)

    for t in TABLES:
        header_t, rows, kinds = _text_rows(fig, t.key)
        heading(t.title)
        para(t.description, 8)
        grid(header_t, rows, kinds)

    heading("Reconciliation")
    grid(*reconciliation_table(fig))
    heading("Methodology")
    for head, body in methodology_rows(fig):
        pdf.set_font(family, "B", 8.5)
        pdf.multi_cell(0, 4.4, clean(head), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        para(body, 8.5)
    heading("Provenance")
    grid(["Item", "Value"], [[k, v] for k, v in provenance_rows(fig)], ["text", "text"])
    return bytes(pdf.output())


def _pdf_category_chart(pdf: Any, fig: Figures, family: str, clean, heading) -> None:
    """Draw spend by risk category as horizontal bars, inherent and residual side by side."""
    cats = fig.tables["by_risk_category"]
    values = cats.get_column("inherent_usd").to_list() + cats.get_column("residual_usd").to_list()
    top = max((v for v in values if v is not None), default=Decimal(0))
    if not top:
        return
    heading("Spend by risk category (USD)")
    label_w, value_w = 48, 32
    bar_w = pdf.epw - label_w - value_w
    names = cats.get_column("category").to_list()
    colours = _column_or_none(cats, "colour")
    pdf.set_font(family, "", 8)
    for name, colour, inh, res in zip(
        names,
        colours,
        cats.get_column("inherent_usd").to_list(),
        cats.get_column("residual_usd").to_list(),
        strict=True,
    ):
        rgb = _rgb(_colour(colour, name))
        for basis, amount in (("inherent", inh), ("residual", res)):
            y = pdf.get_y()
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_w, 4.5, clean(f"{name}, {basis}"))
            width = float(amount / top) * bar_w if amount else 0
            # residual: a lighter bar outlined in the category colour, visible for yellows too
            shade = rgb if basis == "inherent" else tuple(c + (255 - c) * 3 // 5 for c in rgb)
            pdf.set_fill_color(*shade)
            pdf.set_draw_color(*rgb)
            pdf.set_line_width(0.3)
            if width > 0.2:
                pdf.rect(pdf.l_margin + label_w, y + 0.7, width, 3.1, style="DF")
            pdf.set_draw_color(0)
            pdf.set_line_width(0.2)
            pdf.set_xy(pdf.l_margin + label_w + bar_w, y)
            pdf.cell(value_w, 4.5, format_money(amount), align="R")
            pdf.ln(4.8)
        pdf.ln(1)


def _colour(colour: Any, category: str) -> str:
    """Return the model's colour when it is a '#rrggbb' value, else the built-in one."""
    if isinstance(colour, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        return colour
    return CATEGORY_COLOURS.get(category, "#5b7db1")


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


# --- writing the files -----------------------------------------------------------------


def file_names(fig: Figures) -> dict[str, str]:
    """Return the file name of each format, e.g. {'xlsx': 'transparency-figures-2025Q4.xlsx'}."""
    stem = f"transparency-figures-{fig.quarter.label}"
    return {ext: f"{stem}.{ext}" for ext in ("xlsx", "html", "pdf")}


def xlsx_bytes(fig: Figures) -> bytes:
    """Return the workbook's bytes."""
    buf = io.BytesIO()
    write_xlsx(fig, buf)
    return buf.getvalue()


def render(fig: Figures) -> dict[str, bytes]:
    """Return the three files' bytes, keyed by extension."""
    return {
        "xlsx": xlsx_bytes(fig),
        "html": html_report(fig).encode("utf-8"),
        "pdf": pdf_report(fig),
    }


def write_report(fig: Figures, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write the XLSX, HTML and PDF into `out_dir`; return their paths by extension.

    Every file is rendered in memory first and then moved into place, so a failure
    leaves no half-written or empty file behind.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    payloads = render(fig)
    paths = {}
    for ext, name in file_names(fig).items():
        path = folder / name
        tmp = folder / f".tmp-{secrets.token_hex(6)}-{name}"
        tmp.write_bytes(payloads[ext])
        os.replace(tmp, path)
        paths[ext] = path
    return paths
