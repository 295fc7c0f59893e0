"""What an import's summary says beyond its counts, for the command line and the Data page:
the value rejected, and where the headings were.

>>> layout_lines({"heading_row": 3, "skipped_rows": ["Contracts 2024", ""]})[0][:54]
'headings read from row 3; the 2 row(s) above them were'
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl


def rejected_value(report: pl.DataFrame) -> tuple[Decimal, int]:
    """Return (USD value of the rejected rows, rows rejected without one), each row once.

    A row without one: its amount or currency unreadable, no rate, or fields never read
    (a ragged row; an exact duplicate, whose value is its first copy's).

    >>> usd = ["2.50", "2.50", None, "4"]
    >>> report = pl.DataFrame({"source_row": [3, 3, 5, 6], "amount_usd": usd})
    >>> rejected_value(report)
    (Decimal('6.50'), 1)
    """
    rows = report.unique("source_row", keep="first", maintain_order=True)
    usd = rows.get_column("amount_usd").cast(pl.Decimal(38, 2))
    return Decimal(str(usd.sum() or 0)).quantize(Decimal("0.01")), usd.null_count()


def rejected_line(result) -> str:
    """Return the report's line on the value rejected (an `ImportResult`)."""
    line = f"rejected value: USD {result.rejected_usd:,.2f}"
    if result.rejected_unvalued:
        line += (
            f", not counting {result.rejected_unvalued:,} rejected row(s) with no USD value "
            "(amount or currency unreadable, no rate, a ragged row or a duplicate)"
        )
    return line


def layout_lines(extra: dict) -> list[str]:
    """Return the report's lines on where the headings were (title rows skipped, or none)."""
    if "heading_note" in extra:
        return [f"no heading row: {extra['heading_note']}"]
    skipped = extra.get("skipped_rows")
    if not skipped:
        return []
    shown = "; ".join(repr(t) for t in skipped[:3]) + ("; ..." if len(skipped) > 3 else "")
    return [
        f"headings read from row {extra['heading_row']}; the {len(skipped)} row(s) above "
        f"them were skipped as titles, not data: {shown}"
    ]


def country_disagreements(lines: pl.LazyFrame) -> list[str]:
    """Return the report's line on lines whose country code and name disagree, with spend.

    Those lines keep both raw values ("MX ≠ Myanmar", see `country_pair`).
    """
    found = (
        lines.filter(pl.col("supplier_country_raw").str.contains("≠", literal=True))
        .group_by(pl.col("supplier_country_raw").alias("raw"))
        .agg(pl.len().alias("n"), pl.col("amount_usd").sum().alias("usd"))
        .sort("usd", "raw", descending=[True, False])
        .collect()
    )
    if found.is_empty():
        return []
    n, usd = found.get_column("n").sum(), Decimal(str(found.get_column("usd").sum()))
    shown = "; ".join(
        f"{raw} ({count:,} line(s), USD {Decimal(str(value)):,.2f})"
        for raw, count, value in found.head(5).iter_rows()
    )
    return [
        f"country code and name disagree on {n:,} line(s), USD {usd:,.2f}: {shown}; their "
        'country is the one [countries] prefer names ("code" or "name"), else unknown'
    ]
