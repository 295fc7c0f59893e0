"""Opening a file: its format detected, read in pieces where it can be, else whole."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from transparency.ingest.mapping import Mapping
from transparency.ingest.readers.csv_reader import CsvError, NotStreamable, read_csv
from transparency.ingest.readers.csv_stream import stream_csv
from transparency.ingest.readers.excel_reader import ExcelRefused, read_excel
from transparency.ingest.readers.heading_row import named_headings
from transparency.ingest.readers.parquet_reader import check_schema, read_parquet
from transparency.ingest.refusals import ImportRefused

Pieces = Iterator[tuple[pl.DataFrame, list[tuple[int, int, str]], bool]]


@dataclass
class Source:
    """A file opened for reading: what was detected, and a way to read its pieces."""

    kind: str
    info: dict
    headings: list[str] | None
    pieces: Callable[[], Pieces]
    chunked: bool
    rows: int = 1_000_000  # about how many rows (sizes the duplicate check's bitset)


def _layout(mapping: Mapping) -> dict:
    """The reader options that say where the headings are (see `heading_row`)."""
    return {"row": mapping.heading_row, "named": named_headings(mapping.columns)}


def read_whole(path: Path, mapping: Mapping, kind: str) -> Source:
    name = path.name
    try:
        if kind == "parquet":
            raw, info = read_parquet(path)
        elif kind == "xlsx":
            raw, info = read_excel(path, sheet=mapping.csv.get("sheet"), **_layout(mapping))
        else:
            raw, info = read_csv(
                path,
                delimiter=mapping.csv.get("delimiter"),
                encoding=mapping.csv.get("encoding"),
                **_layout(mapping),
            )
    except (ExcelRefused, CsvError) as exc:  # their messages name the file already
        raise ImportRefused(str(exc)) from exc
    except (OSError, pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise ImportRefused(f"{name}: cannot read the file as {kind}: {exc}") from exc
    except BaseException as exc:
        # A Rust reader that panics on a damaged file raises pyo3's PanicException, which
        # is not an Exception; it means this file, not the program, is broken.
        if type(exc).__name__ != "PanicException":
            raise
        first = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise ImportRefused(
            f"{name}: cannot read the file as {kind}; it is damaged ({first})."
        ) from None
    headings = info.pop("headings", None) or list(raw.columns)
    ragged = info.pop("ragged", [])
    return Source(kind, info, headings, lambda: iter([(raw, ragged, True)]), False, raw.height)


def _parquet_pieces(path: Path, chunk_rows: int) -> Pieces:
    """Read whole row groups, about `chunk_rows` rows at a time, as text (see read_parquet)."""
    with pq.ParquetFile(path) as parquet:
        meta = parquet.metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    spans, start, size = [], 0, 0
    for rows in sizes:
        if size and size + rows > chunk_rows:
            spans.append((start, size))
            start, size = start + size, 0
        size += rows
    spans.append((start, size))
    for i, (offset, length) in enumerate(spans):
        frame = pl.scan_parquet(path).slice(offset, length).collect()
        yield frame.with_columns(pl.all().cast(pl.String)), [], i == len(spans) - 1


def open_source(path: Path, mapping: Mapping, chunk_rows: int) -> Source:
    """Open a CSV or Parquet file for a chunked read where it can be, else read it whole."""
    kind = detect_format(path)
    if chunk_rows and kind == "csv":
        options = {
            "delimiter": mapping.csv.get("delimiter"),
            "encoding": mapping.csv.get("encoding"),
            "chunk_rows": chunk_rows,
            **_layout(mapping),
        }
        try:
            info, _ = stream_csv(path, **options)
        except (NotStreamable, CsvError):
            pass  # the whole-file reader decodes it, or names what is wrong
        else:
            headings = info.pop("headings")
            with open(path, "rb") as fh:
                sample = fh.read(1 << 16)
            rows = int(path.stat().st_size / (len(sample) / max(sample.count(b"\n"), 1)))
            pieces = lambda: stream_csv(path, **options)[1]  # noqa: E731
            return Source(kind, info, headings, pieces, True, rows)
    if chunk_rows and kind == "parquet":
        try:
            with pq.ParquetFile(path) as parquet:
                rows = parquet.metadata.num_rows
                schema = parquet.schema_arrow
        except Exception:  # noqa: BLE001 - a damaged footer: the whole-file reader names it
            pass
        else:
            check_schema(schema, path.name)
            pieces = lambda: _parquet_pieces(path, chunk_rows)  # noqa: E731
            return Source(kind, {"format": "parquet"}, None, pieces, True, rows)
    return read_whole(path, mapping, kind)


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PAR1") or suffix in (".parquet", ".pq"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if suffix in (".xlsx", ".xlsm"):
        shown = head.decode("latin-1")
        raise ImportRefused(
            f"{path.name}: the name says Excel workbook (.xlsx) but the content is not one "
            f"(an .xlsx file starts with 'PK', this one with {shown!r}). If it is a CSV or "
            "text export, rename it to .csv; otherwise save it again from Excel as .xlsx."
        )
    return "csv"
