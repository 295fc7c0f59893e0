"""Parquet exports: typed columns are turned into text so one pipeline handles all formats.

The schema is checked first, from the file's footer: more columns than
`TRANSPARENCY_MAX_COLUMNS`, or a column of nested data (struct, list, map), refuse the
file by name before any row is read; nested values are not turned into text.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from transparency.ingest.refusals import ImportRefused, check_columns


def _kind(dtype: pa.DataType) -> str:
    if pa.types.is_struct(dtype):
        return "a struct of " + ", ".join(repr(f.name) for f in dtype)[:200]
    if pa.types.is_map(dtype):
        return "a map"
    if pa.types.is_union(dtype):
        return "a union"
    return "a list"


def check_schema(schema: pa.Schema, name: str) -> None:
    """Refuse a file with too many columns, or with nested columns (named, with their kind).

    >>> try:
    ...     check_schema(pa.schema([("Tags", pa.list_(pa.string()))]), "x.parquet")
    ... except ImportRefused as exc:
    ...     print(str(exc).split(";")[0])
    x.parquet: column 'Tags' (a list) holds nested data, not one value per cell
    """
    check_columns(len(schema), name)
    nested = [f for f in schema if pa.types.is_nested(f.type)]
    if nested:
        which = ", ".join(f"{f.name!r} ({_kind(f.type)})" for f in nested[:10])
        more = f" and {len(nested) - 10} more" if len(nested) > 10 else ""
        columns = "column" if len(nested) == 1 else "columns"
        verb = "holds" if len(nested) == 1 else "hold"
        raise ImportRefused(
            f"{name}: {columns} {which}{more} {verb} nested data, not one value per cell; the "
            "import does not turn it into text. Flatten it in the export (one column per "
            "field) or leave it out."
        )


def read_parquet(path: str | Path) -> tuple[pl.DataFrame, dict]:
    """Read a Parquet file; dates become ISO text and numbers their exact text form."""
    path = Path(path)
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError):
        pass  # a damaged footer: the reader below names what is wrong
    else:
        check_schema(schema, path.name)
    frame = pl.read_parquet(path)
    frame = frame.with_columns(pl.all().cast(pl.String))
    return frame, {"format": "parquet"}
