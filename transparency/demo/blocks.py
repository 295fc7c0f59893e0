"""The generator: blocks of `BLOCK_ROWS` lines, each from its own stream, joined into chunks.

The same rows, seed and end quarter give the same lines, byte for byte, in any chunking.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import polars as pl

from transparency import categories, schema
from transparency.demo.contracts import contract_frame, draw_contracts, draw_methods
from transparency.demo.lines import draw_lines, line_frame
from transparency.demo.money import price
from transparency.demo.params import (
    DEFAULT_ROWS,
    DEFAULT_SEED,
    default_end_quarter,
    period,
    supplier_count,
)
from transparency.demo.profile import Profile, load_profile, rng
from transparency.demo.suppliers import Suppliers, make_suppliers

BLOCK_ROWS = 50_000


def block(
    profile: Profile,
    sup: Suppliers,
    seed: int,
    number: int,
    n_lines: int,
    start: date,
    end: date,
) -> pl.DataFrame:
    """Return block `number` of `n_lines` priced lines, drawn from stream (seed, 1, number).

    The draws run in this order, which fixes the output: contracts (sizes, dates, suppliers,
    currencies, buyers, unknown countries, value factors), lines (families, codes, values,
    categories), then each contract's method from its value.
    """
    gen = rng(seed, 1, number)
    contracts = draw_contracts(gen, profile, sup, n_lines, start, end)
    drawn = draw_lines(gen, profile, sup, contracts, n_lines)
    method, method_label = draw_methods(gen, drawn.contract, drawn.usd_cents, contracts.count)
    first_contract = number * BLOCK_ROWS
    frame = contract_frame(profile, sup, contracts, method, method_label, first_contract)
    lines = line_frame(profile, drawn)
    lines = lines.join(frame, on="_c", how="left", maintain_order="left").with_columns(
        pl.concat_str(
            pl.col("contract_id"), pl.lit("-"), pl.col("_line").cast(pl.String).str.zfill(2)
        ).alias("line_id"),
    )
    n_months = (end.year - start.year) * 12 + end.month - start.month
    return price(lines, start, n_months)


def iter_chunks(
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    end_quarter: str | None = None,
    chunk_rows: int = 250_000,
) -> Iterator[pl.DataFrame]:
    """Yield the dataset as canonical frames of about `chunk_rows` lines, in order.

    The concatenated chunks equal `generate(rows, seed, end_quarter)` whatever
    `chunk_rows` is, so a 10M-line benchmark needs only one chunk in memory at a time
    (about 1.5 GB of working memory per million lines of chunk).
    """
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}.")
    end_quarter = end_quarter or default_end_quarter()
    start, end = period(end_quarter)
    profile = load_profile()
    sup = make_suppliers(profile, supplier_count(rows), seed)
    blocks_per_chunk = max(1, -(-chunk_rows // BLOCK_ROWS))
    n_blocks = -(-rows // BLOCK_ROWS)
    for first in range(0, n_blocks, blocks_per_chunk):
        frames = []
        for number in range(first, min(first + blocks_per_chunk, n_blocks)):
            n_lines = min(BLOCK_ROWS, rows - number * BLOCK_ROWS)
            frames.append(block(profile, sup, seed, number, n_lines, start, end))
        chunk = pl.concat(frames)
        offset = first * BLOCK_ROWS
        chunk = chunk.with_columns(
            (pl.int_range(pl.len(), dtype=pl.Int64) + offset + 1).alias("source_row")
        )
        yield schema.conform(categories.classify(chunk))


def generate(
    rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED, end_quarter: str | None = None
) -> pl.DataFrame:
    """Return `rows` canonical contract lines of the demo organisation.

    `end_quarter` ('2026Q3') is the last of the `QUARTERS` quarters; by default the last
    complete calendar quarter before today.
    """
    return pl.concat(list(iter_chunks(rows, seed, end_quarter)))
