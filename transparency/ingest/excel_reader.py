"""XLSX exports: the first sheet (or a named one), every cell read as text via fastexcel."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def read_excel(path: str | Path, *, sheet: str | None = None) -> tuple[pl.DataFrame, dict]:
    """Read one sheet with every column as text; dates come out as ISO text."""
    kwargs = {"sheet_name": sheet} if sheet else {"sheet_id": 1}
    frame = pl.read_excel(Path(path), engine="calamine", infer_schema_length=0, **kwargs)
    frame = frame.with_columns(pl.all().cast(pl.String))
    return frame, {"format": "xlsx", "sheet": sheet or 1}
