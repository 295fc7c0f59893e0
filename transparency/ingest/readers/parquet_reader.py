"""Parquet exports: typed columns are turned into text so one pipeline handles all formats."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def read_parquet(path: str | Path) -> tuple[pl.DataFrame, dict]:
    """Read a Parquet file; dates become ISO text and numbers their exact text form."""
    frame = pl.read_parquet(Path(path))
    frame = frame.with_columns(pl.all().cast(pl.String))
    return frame, {"format": "parquet"}
