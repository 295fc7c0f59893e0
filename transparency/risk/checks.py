"""Checks of reference CSV files: read one, and stop at the first bad value with a
`RiskModelError` naming the file, the row (1-based data row), the column and the value.

>>> _fail(Path("x.csv"), 3, "tier", "unknown tier", "Tier 4").args[0]
"x.csv: row 3, column 'tier': unknown tier (found 'Tier 4')"
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transparency.risk.model import RiskModelError

__all__ = [
    "_bool_column",
    "_check_in",
    "_check_required",
    "_date_column",
    "_fail",
    "_int_column",
    "_read",
]


def _fail(path: Path, row: int | None, column: str, problem: str, value: object) -> RiskModelError:
    where = f"row {row}, " if row is not None else ""
    return RiskModelError(f"{path}: {where}column '{column}': {problem} (found {value!r})")


def _read(path: Path, columns: tuple[str, ...]) -> pl.DataFrame:
    if not path.exists():
        raise RiskModelError(f"{path}: reference file is missing")
    try:
        frame = pl.read_csv(path, infer_schema_length=0, null_values=[""])
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise RiskModelError(f"{path}: cannot read as CSV: {exc}") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RiskModelError(
            f"{path}: column '{missing[0]}' is missing; the file needs {list(columns)} "
            f"(found {frame.columns})"
        )
    return frame.with_row_index("_row", offset=1)


def _check_in(frame: pl.DataFrame, path: Path, column: str, allowed: set, problem: str) -> None:
    bad = frame.filter(~pl.col(column).is_in(list(allowed)) | pl.col(column).is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise _fail(path, row["_row"], column, problem, row[column])


def _check_required(frame: pl.DataFrame, path: Path, columns: tuple[str, ...]) -> None:
    for column in columns:
        bad = frame.filter(pl.col(column).is_null())
        if bad.height:
            raise _fail(path, bad.row(0, named=True)["_row"], column, "must not be empty", None)


def _int_column(frame: pl.DataFrame, path: Path, column: str) -> pl.DataFrame:
    cast = pl.col(column).str.strip_chars().cast(pl.Int64, strict=False)
    bad = frame.filter(cast.is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise _fail(path, row["_row"], column, "must be a whole number (a year)", row[column])
    return frame.with_columns(cast.alias(column))


def _bool_column(frame: pl.DataFrame, path: Path, column: str) -> pl.DataFrame:
    mapping = {"true": True, "false": False, "yes": True, "no": False}
    lowered = pl.col(column).str.strip_chars().str.to_lowercase()
    bad = frame.filter(~lowered.is_in(list(mapping)) | pl.col(column).is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise _fail(path, row["_row"], column, "must be true or false", row[column])
    return frame.with_columns(
        lowered.replace_strict(mapping, return_dtype=pl.Boolean).alias(column)
    )


def _date_column(frame: pl.DataFrame, path: Path, column: str) -> pl.DataFrame:
    """Return `frame` with `column` as dates (an ISO date; empty or absent: open)."""
    if column not in frame.columns:
        return frame.with_columns(pl.lit(None, dtype=pl.Date).alias(column))
    parsed = pl.col(column).str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    bad = frame.filter(pl.col(column).is_not_null() & parsed.is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise _fail(path, row["_row"], column, "must be a date YYYY-MM-DD or empty", row[column])
    return frame.with_columns(parsed.alias(column))
