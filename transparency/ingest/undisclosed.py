"""Withheld supplier names (issue 17): kept as undisclosed suppliers, not rejected, never merged.

Some exports replace a supplier's name by a marker ("Withheld", "Not disclosed",
"Redacted": individuals, security, commercial confidence). Such a line is a real purchase:
rejecting it hides its value, and keeping the marker as a name merges every withheld
supplier of the file into one large "supplier". So a line whose name is a marker (the
list below, or a mapping's `[suppliers] undisclosed`, matched ignoring case and
punctuation) is kept with the name "Undisclosed supplier (contract <id>)": one supplier
per contract, since the lines of one contract have one supplier but two contracts may or
may not share one. It matches no real supplier and no screening list; the marker is kept
in `supplier_id` as "undisclosed: <marker>" when the file gives no supplier id. An empty
name is still "missing supplier name": an empty cell says nothing about why.

>>> frame = pl.DataFrame({"contract_id": ["C1", "C2"], "supplier_name": ["Acme", "Withheld"],
...                       "supplier_id": [None, None]})
>>> mark_undisclosed(frame).get_column("supplier_name").to_list()
['Acme', 'Undisclosed supplier (contract C2)']
"""

from __future__ import annotations

import polars as pl

from transparency.ingest.mapping import heading_key

UNDISCLOSED_NAME = "Undisclosed supplier"
MARKERS = (
    "Withheld",
    "Name withheld",
    "Supplier withheld",
    "Vendor withheld",
    "Supplier name withheld",
    "Vendor name withheld",
    "Withheld for privacy",
    "Information withheld",
    "Not disclosed",
    "Undisclosed",
    "Undisclosed supplier",
    "Undisclosed vendor",
    "Redacted",
    "Name redacted",
    "Supplier redacted",
    "Confidential",
    "Supplier confidential",
    "Not published",
    "Private individual",
)


def mark_undisclosed(frame: pl.DataFrame, extra: list[str] | None = None) -> pl.DataFrame:
    """Return `frame` with withheld supplier names made undisclosed suppliers (module doc)."""
    keys = sorted({heading_key(m) for m in (*MARKERS, *(extra or []))})
    names = frame.get_column("supplier_name").cast(pl.String)
    uniques = names.drop_nulls().unique()
    withheld = uniques.filter(uniques.map_elements(heading_key, return_dtype=pl.String).is_in(keys))
    if withheld.is_empty():
        return frame
    hit = pl.col("supplier_name").is_in(withheld.implode())
    exprs = [
        pl.when(hit)
        .then(pl.format(f"{UNDISCLOSED_NAME} (contract {{}})", pl.col("contract_id")))
        .otherwise(pl.col("supplier_name"))
        .alias("supplier_name")
    ]
    if "supplier_id" in frame.columns:
        exprs.append(
            pl.when(hit & pl.col("supplier_id").is_null())
            .then(pl.format("undisclosed: {}", pl.col("supplier_name")))
            .otherwise(pl.col("supplier_id"))
            .alias("supplier_id")
        )
    return frame.with_columns(exprs)
