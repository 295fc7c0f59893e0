"""Demo data written out: one store batch marked `is_demo`, or an ERP-like export file."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from transparency import schema
from transparency.demo.blocks import iter_chunks
from transparency.demo.params import (
    DEFAULT_ROWS,
    DEFAULT_SEED,
    ORGANISATION,
    QUARTERS,
    default_end_quarter,
)
from transparency.store import DuplicateImport

if TYPE_CHECKING:
    from transparency.store import Batch, Store

# Export headings an ERP might use, all recognised by the import without a mapping file.
EXPORT_HEADINGS: dict[str, str] = {
    "contract_id": "PO Number",
    "line_id": "Line Number",
    "award_date": "PO Date",
    "buyer": "Business Unit",
    "supplier_id": "Vendor ID",
    "supplier_name": "Vendor Name",
    "supplier_country_raw": "Vendor Country",
    "description": "Item Description",
    "category_raw": "UNSPSC",
    "procurement_method_raw": "Procurement Method",
    "amount": "Amount",
    "currency": "Currency",
}


def source_file(seed: int = DEFAULT_SEED) -> str:
    """Return the label a demo batch carries in the store.

    >>> source_file(2388)
    'demo data (generated, seed 2388)'
    """
    return f"demo data (generated, seed {seed})"


def content_hash(rows: int, seed: int, end_quarter: str) -> str:
    """Return the store's duplicate key for a demo dataset: a hash of its parameters.

    >>> content_hash(200_000, 2388, "2026Q3") == content_hash(200_000, 2388, "2026Q3")
    True
    """
    text = f"demo|v1|rows={rows}|seed={seed}|end={end_quarter}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_to_store(
    store: Store,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    end_quarter: str | None = None,
) -> Batch:
    """Generate a demo dataset and add it to `store` as one batch marked `is_demo`.

    Raises `transparency.store.DuplicateImport` when the same dataset is already there.
    """
    end_quarter = end_quarter or default_end_quarter()
    rejections = pl.DataFrame(schema=schema.REJECTION)
    # Streamed chunk by chunk, so 10M benchmark lines never sit in memory whole.
    return store.add_batch(
        iter_chunks(rows, seed, end_quarter),
        rejections,
        source_file=source_file(seed),
        content_hash=content_hash(rows, seed, end_quarter),
        rows_read=rows,
        is_demo=True,
        extra={
            "organisation": ORGANISATION,
            "rows": rows,
            "seed": seed,
            "end_quarter": end_quarter,
            "quarters": QUARTERS,
        },
    )


def ensure_demo(store: Store) -> bool:
    """Add the default demo dataset when `store` has no batches; return whether it wrote.

    Safe to call from every dashboard start: a second process racing the first finds
    the same content hash and writes nothing.
    """
    if store.batches():
        return False
    try:
        add_to_store(store)
    except DuplicateImport:
        return False
    return True


def to_export(lines: pl.DataFrame) -> pl.DataFrame:
    """Return demo lines as a purchasing system would export them: raw values, ERP headings.

    >>> from transparency.demo import generate
    >>> to_export(generate(rows=3, seed=1, end_quarter="2026Q3")).columns[:3]
    ['PO Number', 'Line Number', 'PO Date']
    """
    # Amounts carry cents, as exports write them (the canonical type keeps 4 decimals).
    return lines.with_columns(pl.col("amount").cast(pl.Decimal(38, 2))).select(
        pl.col(c).alias(h) for c, h in EXPORT_HEADINGS.items()
    )


def write_export(
    path: str | Path,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    end_quarter: str | None = None,
    chunk_rows: int = 250_000,
) -> int:
    """Write the demo dataset as an export file (CSV, or Parquet for a `.parquet` name).

    Writes chunk by chunk, so memory stays bounded at any size; returns the rows written.
    Benchmarks use it to make import input of a given size.
    """
    path = Path(path)
    written = 0
    if path.suffix.lower() == ".parquet":
        # lazy: pyarrow.parquet adds about 45 ms to the import and only Parquet exports use it
        import pyarrow.parquet as pq

        writer = None
        try:
            for chunk in iter_chunks(rows, seed, end_quarter, chunk_rows):
                table = to_export(chunk).to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema, compression="zstd")
                writer.write_table(table)
                written += chunk.height
        finally:
            if writer is not None:
                writer.close()
        return written
    with open(path, "wb") as fh:
        for chunk in iter_chunks(rows, seed, end_quarter, chunk_rows):
            to_export(chunk).write_csv(fh, include_header=written == 0)
            written += chunk.height
    return written
