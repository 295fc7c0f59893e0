"""Withheld supplier names (issue 17): kept as undisclosed suppliers, one per contract,
never merged with each other or a real supplier, never rejected."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from transparency.ingest import import_file
from transparency.ingest.mapping import Mapping

EXPORT = (
    "PO Number,Vendor Name,PO Date,Amount,Currency\n"
    "C1,Acme,2024-03-15,100,USD\n"
    "C2,Withheld,2024-03-15,40,USD\n"
    "C2,WITHHELD,2024-03-16,2,USD\n"  # same contract: the same undisclosed supplier
    "C3,Not disclosed,2024-03-15,8,USD\n"
    "C4,[Redacted],2024-03-15,0.50,USD\n"
    "C5,Name suppressed,2024-03-15,1,USD\n"  # a marker only the mapping names
    "C6,,2024-03-15,9,USD\n"  # empty: still missing, rejected
    "C7,Confidential Services Ltd,2024-03-15,3,USD\n"  # a real name, not a marker
)


def test_withheld_names_are_kept_apart(tmp_path, tmp_store) -> None:
    path = tmp_path / "po.csv"
    path.write_text(EXPORT)
    mapping = Mapping(undisclosed=["Name suppressed"])
    result = import_file(path, tmp_store, mapping=mapping)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (8, 7, 1)
    # 100 + 40 + 2 + 8 + 0.50 + 1 + 3: only C6's 9 is rejected
    assert Decimal(result.batch.total_usd) == Decimal("154.50")
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.select("supplier_name", "supplier_id").rows() == [
        ("Acme", None),
        ("Undisclosed supplier (contract C2)", "undisclosed: Withheld"),
        ("Undisclosed supplier (contract C2)", "undisclosed: WITHHELD"),
        ("Undisclosed supplier (contract C3)", "undisclosed: Not disclosed"),
        ("Undisclosed supplier (contract C4)", "undisclosed: [Redacted]"),
        ("Undisclosed supplier (contract C5)", "undisclosed: Name suppressed"),
        ("Confidential Services Ltd", None),
    ]
    report = tmp_store.rejections(result.batch.batch_id)
    assert report.select("source_row", "reason").rows() == [
        (7, "missing supplier name")
    ]  # C6, data row 7
