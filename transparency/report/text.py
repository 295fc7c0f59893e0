"""The report's words: title, notes, and every table as text rows, shared by the XLSX, HTML
and PDF files, the `figures` command and the Quarterly report page.

>>> from decimal import Decimal
>>> cell_text(Decimal("1234.5"), "money"), cell_text(None, "share")
('1,234.50', 'n/a')
>>> change_text("lines", {"lines": -3, "lines_pct": Decimal("-0.25")})
'-3 (-25.00%)'
"""

from __future__ import annotations

from typing import Any

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


def top_kind(key: str) -> str:
    """Return the kind of a top-line figure from its key: share, money or count."""
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
        row = [label, cell_text(fig.top[key], top_kind(key))]
        for comp in fig.comparisons:
            if comp.has_data:
                row += [cell_text(comp.values[key], top_kind(key)), change_text(key, comp.change)]
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
        ("Demo data", _demo_words(prov)),
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


def text_rows(fig: Figures, key: str) -> tuple[list[str], list[list[str]], list[str]]:
    """Return table `key` as (header, text rows, column kinds) for HTML and PDF."""
    table = TABLE_BY_KEY[key]
    frame = fig.tables[key]
    header = [c.label for c in table.columns]
    kinds = [c.kind for c in table.columns]
    rows = [
        [cell_text(row[c.key], c.kind) for c in table.columns]
        for row in frame.iter_rows(named=True)
    ]
    return header, rows, kinds


def column_label(table_key: str, column: str) -> str:
    """Return the label of a reconciled column of a table."""
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
            column_label(c.table, c.column),
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


def _demo_words(prov: dict) -> str:
    """Return 'no', 'yes', or how many of the quarter's batches are generated demo data.

    >>> _demo_words({"is_demo": True, "demo_batches": 1, "batches": [{}, {}]})
    'yes: 1 of the 2 batches of these figures is generated demo data'
    """
    if not prov.get("is_demo"):
        return "no"
    demo, total = prov.get("demo_batches"), len(prov.get("batches") or [])
    if demo is None or demo == total:
        return "yes"
    return f"yes: {demo} of the {total} batches of these figures is generated demo data"
