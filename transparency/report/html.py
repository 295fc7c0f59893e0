"""The report as one self-contained HTML page: text, tables and charts, working offline.

>>> page = html_report(fig)                      # doctest: +SKIP
>>> page.startswith("<!DOCTYPE html>")           # doctest: +SKIP
True
"""

from __future__ import annotations

import html
import string

from transparency import palette
from transparency.figures import TABLES, Figures
from transparency.report.plots import charts
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

# The palette's colours fill the $names (string.Template: CSS is full of braces).
_CSS = string.Template("""
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:$TEXT;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:1px solid $RULE;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid $BORDER;padding:.25rem .5rem;vertical-align:top}
th{background:$HEADER;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{background:$NOTE;border:1px solid $NOTE_EDGE;padding:.5rem .8rem}
.ok{background:$OK;border:1px solid $OK_EDGE;padding:.5rem .8rem}
.muted{color:$MUTED;font-size:.85rem}code{word-break:break-all}
@media print{.chart{page-break-inside:avoid}}
""").substitute(
    TEXT=palette.TEXT,
    RULE=palette.RULE,
    BORDER=palette.BORDER,
    HEADER=palette.HEADER,
    NOTE=palette.NOTE,
    NOTE_EDGE=palette.NOTE_EDGE,
    OK=palette.OK,
    OK_EDGE=palette.OK_EDGE,
    MUTED=palette.MUTED,
)


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
        header_t, rows, kinds = text_rows(fig, table.key)
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
