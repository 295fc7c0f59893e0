"""XLSX exports: the first sheet (or a named one), every cell read as text via fastexcel.

An XLSX file is a zip archive. Before the sheet is parsed, the archive is checked
against zip bombs (a few KB that unpack to gigabytes): the sizes its directory states
(total, and each part's packing ratio) must stay within `transparency.settings`, and then
every part is unpacked as a stream, counting the bytes, so a directory that lies about
the sizes is caught too (the CRC check fails, or the count passes the limit). In the
same pass, the text each part expands to is bounded (`excel_text`): a cell that names a
shared string gets a copy of it, so one long string used in every cell expands a few KB
to gigabytes.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import fastexcel
import polars as pl

from transparency import settings
from transparency.ingest.readers import heading_row
from transparency.ingest.readers.csv_reader import column_names
from transparency.ingest.readers.excel_text import ExcelRefused, TextBound
from transparency.ingest.refusals import check_columns

# Parts smaller than this are not held to the ratio: tiny XML parts pack oddly well.
_RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20


def check_archive(path: str | Path) -> int:
    """Return the unpacked size of the XLSX at `path`; raise `ExcelRefused` for a zip bomb.

    >>> check_archive("export.xlsx")   # doctest: +SKIP
    48213
    """
    path = Path(path)
    most, ratio = settings.max_xlsx_unpacked_bytes(), settings.max_xlsx_ratio()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:
        raise ExcelRefused(f"{path.name}: not a readable .xlsx (zip) file: {exc}") from exc
    with archive:
        parts = archive.infolist()
        stated = sum(p.file_size for p in parts)
        if stated > most:
            raise ExcelRefused(
                f"{path.name}: the workbook would unpack to {stated / 1048576:,.0f} MB, above "
                f"the limit of {most / 1048576:,.0f} MB (TRANSPARENCY_MAX_XLSX_UNPACKED_MB); "
                "this looks like a zip bomb, not an export. Not read."
            )
        for part in parts:
            packed = max(part.compress_size, 1)
            if part.file_size > _RATIO_FLOOR and part.file_size > ratio * packed:
                raise ExcelRefused(
                    f"{path.name}: part {part.filename!r} packs {part.file_size:,} bytes into "
                    f"{part.compress_size:,} (ratio {part.file_size / packed:,.0f}"
                    f" to 1, limit {ratio:,g}, TRANSPARENCY_MAX_XLSX_RATIO); this looks like "
                    "a zip bomb, not an export. Not read."
                )
        total = 0
        text = TextBound(path.name)
        for part in parts:
            with _unpacking(path.name, part):
                with archive.open(part) as fh:
                    text.start(part.filename)
                    while chunk := fh.read(_CHUNK):
                        total += len(chunk)
                        if total > most:
                            raise ExcelRefused(
                                f"{path.name}: the workbook unpacks to more than "
                                f"{most / 1048576:,.0f} MB (TRANSPARENCY_MAX_XLSX_UNPACKED_MB) "
                                "although its directory says less; not read."
                            )
                        text.feed(chunk)
                    text.end()
        for part in text.suspects():
            with _unpacking(path.name, part), archive.open(part) as fh:
                text.count_exactly(part, fh)
    return total


@contextlib.contextmanager
def _unpacking(name: str, part: zipfile.ZipInfo | str) -> Iterator[None]:
    """Turn a part that cannot be unpacked into `ExcelRefused` naming it."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
        where = part.filename if isinstance(part, zipfile.ZipInfo) else part
        raise ExcelRefused(
            f"{name}: part {where!r} cannot be unpacked ({exc}); the file "
            "is damaged or not a real workbook. Not read."
        ) from exc


def read_excel(
    path: str | Path,
    *,
    sheet: str | None = None,
    row: int | None = None,
    named: set[str] = frozenset(),
) -> tuple[pl.DataFrame, dict]:
    """Read one sheet with every column as text; dates come out as ISO text.

    The headings are found as in a CSV file (`heading_row.locate`: `row` is the mapping's
    `[headings] row`, `named` the headings it names): title rows above them are skipped
    and listed in `info`, a sheet without a heading row gets "column 1".. "column N".
    """
    check_archive(path)
    kwargs = {"sheet_name": sheet} if sheet else {"sheet_id": 1}
    try:
        frame = pl.read_excel(Path(path), engine="calamine", infer_schema_length=0, **kwargs)
    except fastexcel.FastExcelError as exc:
        raise ExcelRefused(f"{Path(path).name}: cannot read the workbook: {exc}") from exc
    except pl.exceptions.NoDataError as exc:
        where = f"sheet {sheet!r}" if sheet else "the first sheet"
        raise ExcelRefused(
            f"{Path(path).name}: the file is empty ({where} has no heading line, no rows)."
        ) from exc
    check_columns(frame.width, Path(path).name)
    frame = frame.with_columns(pl.all().cast(pl.String))
    info = {"format": "xlsx", "sheet": sheet or 1}
    if row is not None or not heading_row.recognised(frame.columns, named):
        laid_out = _laid_out(Path(path), kwargs, row, named)
        if laid_out is not None:
            frame, layout = laid_out
            info.update(layout)
            return frame, info
    present = set(frame.columns)
    # fastexcel renames a repeated heading "Amount_1": read the heading row as written
    # then, so the caller can refuse to guess between the two.
    if any(re.sub(r"_\d+$", "", c) in present - {c} for c in frame.columns):
        head = pl.read_excel(
            Path(path),
            engine="calamine",
            has_header=False,
            infer_schema_length=0,
            read_options={"n_rows": 1},
            **kwargs,
        )
        info["headings"] = ["" if v is None else str(v) for v in head.row(0)]
    return frame, info


def _laid_out(
    path: Path, kwargs: dict, row: int | None, named: set[str]
) -> tuple[pl.DataFrame, dict] | None:
    """Return the sheet read below its heading row, or None when that is the first row."""
    raw = pl.read_excel(
        path,
        engine="calamine",
        has_header=False,
        infer_schema_length=0,
        drop_empty_rows=False,  # rows are counted as the sheet shows them
        **kwargs,
    )
    raw = raw.with_columns(pl.all().cast(pl.String))
    rows = [list(r) for r in raw.head(max(heading_row.SEARCH_ROWS, (row or 0) + 1)).iter_rows()]
    layout = heading_row.locate(rows, named, row)
    if layout.index == 0:
        return None
    if layout.index is not None and layout.index >= raw.height:
        raise ExcelRefused(
            f"{path.name}: the mapping puts the headings on row {row}, but the sheet has "
            f"{raw.height} row(s)."
        )
    if layout.headerless:
        headings, body = heading_row.generated_headings(raw.width), raw
    else:
        headings = ["" if v is None else str(v) for v in rows[layout.index]]
        body = raw.slice(layout.index + 1)
    skipped = [
        " | ".join("" if v is None else str(v) for v in r)[:200] for r in rows[: layout.index or 0]
    ]
    frame = body.rename(dict(zip(body.columns, column_names(headings), strict=True)))
    info = {"headings": headings, **heading_row.describe(layout, skipped, len(headings))}
    return frame, info
