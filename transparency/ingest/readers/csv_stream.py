"""CSV exports read in pieces of about `chunk_rows` records, with `read_csv`'s result."""

from __future__ import annotations

import codecs
import contextlib
import mmap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

from transparency.ingest.readers.csv_reader import (
    BOM,
    HEADER_BYTES,
    NotStreamable,
    column_names,
    heading_line,
    read_body,
    sniff_delimiter,
    synthetic_heading,
    unwrap,
)


def stream_csv(
    path: str | Path,
    *,
    chunk_rows: int,
    delimiter: str | None = None,
    encoding: str | None = None,
    row: int | None = None,
    named: set[str] = frozenset(),
) -> tuple[dict, Iterator[tuple[pl.DataFrame, list[tuple[int, int, str]], bool]]]:
    """Read a UTF-8 CSV file in pieces of about `chunk_rows` records, as `read_csv` would.

    Returns (info, pieces): `info` as `read_csv`'s (with headings, without ragged), and
    an iterator of (frame, ragged rows numbered within the piece, is the last piece).
    Pieces end at a newline outside quotes, found with byte counts (C speed), so only
    one piece of the file's bytes is in memory at a time. Raises `NotStreamable` (now
    or from the iterator) for what only the whole-file reader handles: other encodings,
    UTF-16, CR-only line endings, a heading line that is not UTF-8, irregular quoting;
    the caller then reads the file with `read_csv`.

    >>> info, pieces = stream_csv("export.csv", chunk_rows=500_000)   # doctest: +SKIP
    >>> frame, ragged, last = next(pieces)                              # doctest: +SKIP
    """
    path = Path(path)
    name = path.name
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise NotStreamable(f"{name}: encoding {encoding}")
    with open(path, "rb") as fh:
        head = fh.read(HEADER_BYTES + 1)
    bom = head.startswith(BOM)
    skip = len(BOM) if bom else 0
    if not bom:
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:65536]:
            raise NotStreamable(f"{name}: UTF-16 or binary")
        unwrap(head, name)  # refuses PDFs, images, archives and binary content by name
    data = head[skip:]
    if b"\n" not in data:
        raise NotStreamable(f"{name}: no newline in the first MB")
    endings = "crlf" if b"\r\n" in data[:65536] else "lf"
    if delimiter is None:
        delimiter = sniff_delimiter(data[:65536].decode("utf-8", errors="replace"))
    delimiter = "\t" if delimiter in ("\\t", "tab") else delimiter
    if len(delimiter) != 1:
        raise NotStreamable(f"{name}: delimiter {delimiter!r}")
    try:
        headings, header_len, layout = heading_line(data, delimiter, name, row=row, named=named)
    except UnicodeDecodeError as exc:
        raise NotStreamable(f"{name}: heading not UTF-8") from exc
    if not headings:
        raise NotStreamable(f"{name}: no heading line")
    # Bytes per piece from the lines of the first 64 KB: pieces of about chunk_rows rows.
    sample = data[header_len : header_len + 65536]
    per_line = len(sample) / max(sample.count(b"\n"), 1)
    piece_bytes = max(int(chunk_rows * per_line), 1)
    info = {
        "encoding": "utf-8",
        "bom": bom,
        "line_endings": endings,
        "delimiter": delimiter,
        "headings": headings,
        **layout,
    }
    return info, _pieces(path, skip + header_len, piece_bytes, delimiter, headings)


def _pieces(
    path: Path, start: int, piece_bytes: int, delimiter: str, headings: list[str]
) -> Iterator[tuple[pl.DataFrame, list[tuple[int, int, str]], bool]]:
    """Yield the pieces of the file's records from byte `start` (see `stream_csv`)."""
    name, width, names = path.name, len(headings), column_names(headings)
    # The file is mapped, not read: cuts are found in the page cache, and each piece
    # is copied once, into the bytes Polars parses (behind the synthetic heading).
    synthetic = synthetic_heading(delimiter, width)
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        with contextlib.suppress(AttributeError, OSError):
            mm.madvise(mmap.MADV_SEQUENTIAL)
        view = np.frombuffer(mm, dtype=np.uint8)
        try:
            size = len(mm)
            while True:
                cut = _cut(mm, view, start, piece_bytes)
                data = b"".join((synthetic, memoryview(mm)[start:cut]))
                body = memoryview(data)[len(synthetic) :]
                last = cut >= size
                try:
                    frame, ragged = read_body(body, delimiter, width, name, strict=True, data=data)
                except UnicodeDecodeError as exc:
                    raise NotStreamable(f"{name}: not UTF-8") from exc
                finally:
                    body.release()
                del data
                # Pages already read leave this process (they stay in the page cache),
                # so the map does not grow the resident memory to the file's size.
                with contextlib.suppress(AttributeError, OSError, ValueError):
                    mm.madvise(mmap.MADV_DONTNEED, 0, cut - cut % mmap.PAGESIZE)
                yield frame.rename(dict(zip(frame.columns, names, strict=True))), ragged, last
                if last:
                    return
                start = cut
        finally:
            del view  # the map closes only when no array points into it


def _cut(mm: mmap.mmap, view: np.ndarray, start: int, piece_bytes: int) -> int:
    """Return where the piece from `start` ends: after the first newline outside quotes
    at least `piece_bytes` on, or the end of the file."""
    size = len(mm)
    cut, pos = -1, start + piece_bytes - 1
    scanned, quotes = start, 0  # quotes in [start, scanned); a piece starts outside
    while pos < size:
        end = mm.find(b"\n", pos)
        if end < 0:
            break
        quotes += _count(view, 34, scanned, end)
        scanned = end
        if quotes % 2 == 0:
            cut = end + 1
            break
        pos = end + 1
    return size if cut < 0 else cut


def _count(view: np.ndarray, byte: int, start: int, end: int) -> int:
    """Return how many times `byte` occurs in view[start:end], 4 MB at a time."""
    total = 0
    for lo in range(start, end, 1 << 22):
        total += int(np.count_nonzero(view[lo : min(end, lo + (1 << 22))] == byte))
    return total
