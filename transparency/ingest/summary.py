"""What an import's summary says beyond its counts, for the command line and the Data page:
the value rejected, where the headings were, and how much of the spend will score.

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


# Below this share of the spend recognised in a column, the import warns (issue 17).
RECOGNISED_SPEND_MIN = 0.9
# Column -> (what, recognised, raw value): what the risk scoring needs from each line.
SCORED = {
    "supplier_country": (
        "country",
        pl.col("supplier_country").is_not_null(),
        "supplier_country_raw",
    ),
    "category_code": (
        "category (a UNSPSC segment or family)",
        pl.col("segment_code").is_not_null(),
        "category_raw",
    ),
    "procurement_method": (
        "procurement method",
        pl.col("procurement_method").is_not_null() & (pl.col("procurement_method") != "other"),
        "procurement_method_raw",
    ),
}


def recognised_shares(lines: pl.LazyFrame) -> dict[str, dict[str, float]]:
    """Return, per scored column, the share of lines and of spend (absolute USD) recognised."""
    spend = pl.col("amount_usd").cast(pl.Float64).abs()
    row = (
        lines.select(
            pl.len().alias("n"),
            spend.sum().alias("usd"),
            *(ok.sum().alias(f"{c}_n") for c, (_, ok, _) in SCORED.items()),
            *(spend.filter(ok).sum().alias(f"{c}_usd") for c, (_, ok, _) in SCORED.items()),
        )
        .collect()
        .row(0, named=True)
    )
    n, usd = row["n"], row["usd"] or 0.0
    return {
        c: {
            "values": round(row[f"{c}_n"] / n, 4) if n else 1.0,
            "spend": round((row[f"{c}_usd"] or 0.0) / usd, 4) if usd else 1.0,
        }
        for c in SCORED
    }


def scoring_warnings(lines: pl.LazyFrame, least: float = RECOGNISED_SPEND_MIN) -> list[str]:
    """Return a warning per scored column whose recognised spend is under `least`, naming
    the spend not assessable and the top unrecognised values."""
    warnings = []
    spend = pl.col("amount_usd").cast(pl.Float64).abs()
    for column, share in recognised_shares(lines).items():
        if share["spend"] >= least:
            continue
        what, ok, raw = SCORED[column]
        top = (
            lines.filter(~ok)
            .group_by(pl.col(raw).fill_null("(empty)").alias("raw"))
            .agg(spend.sum().alias("usd"))
            .sort("usd", "raw", descending=[True, False])
            .collect()
        )
        missing = top.get_column("usd").sum()
        shown = "; ".join(f"{v!r} (USD {u:,.2f})" for v, u in top.head(5).iter_rows())
        warnings.append(
            f"only {share['spend']:.0%} of the spend has a recognised {what} (column {column}); "
            f"USD {missing:,.2f} will not be assessable on it. Top unrecognised values: {shown}. "
            "A mapping's [values." + column + "] table can say what they are."
        )
    return warnings


def batch_notes(store, batch_id: str) -> list[str]:
    """Return the report's notes read from a batch's lines: code/name disagreements and
    warnings on spend that will not score (none for a batch in an object store)."""
    path = store.batch_path(batch_id)
    if not hasattr(path, "exists"):
        return []
    lines = pl.scan_parquet(path)
    return country_disagreements(lines) + [f"warning: {w}" for w in scoring_warnings(lines)]
