"""CSV exports: encoding, line endings and delimiter detected, every cell read as text.

>>> frame, info = read_csv(path)          # doctest: +SKIP
>>> info                                # doctest: +SKIP
{'encoding': 'utf-8', 'bom': False, 'line_endings': 'crlf', 'delimiter': ';'}
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

BOM = b"\xef\xbb\xbf"
DELIMITERS = (",", ";", "\t", "|")


class CsvError(ValueError):
    """The file cannot be read as CSV; the message names the file and line."""


def _decode(data: bytes, encoding: str | None) -> tuple[bytes, str]:
    """Return the bytes as UTF-8 and the encoding they were in (cp1252, else latin-1).

    Called only when the bytes are not UTF-8 or an encoding was stated: Polars itself
    refuses invalid UTF-8, which spares a Python pass over large UTF-8 files.
    """
    if encoding:
        enc = encoding.lower().replace("_", "-")
        if enc in ("utf-8", "utf8"):
            return data, "utf-8"
        return data.decode(encoding).encode("utf-8"), encoding
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte.
        return data.decode("latin-1").encode("utf-8"), "latin-1"


def _line_endings(data: bytes) -> tuple[bytes, str]:
    if b"\n" in data:
        return data, "crlf" if b"\r\n" in data[:65536] else "lf"
    if b"\r" in data:
        # Old Mac files: Polars does not split on a lone CR, so make the CRs newlines.
        return data.replace(b"\r", b"\n"), "cr"
    return data, "lf"


def sniff_delimiter(sample: str) -> str:
    """Return the delimiter whose field count is the same, and largest, on the first lines."""
    lines = [line for line in sample.split("\n")[:50] if line.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line short
    best, best_fields = ",", 1
    for delim in DELIMITERS:
        counts = {len(row) for row in csv.reader(lines, delimiter=delim)}
        if len(counts) == 1:
            fields = counts.pop()
            if fields > best_fields:
                best, best_fields = delim, fields
    return best


def _first_ragged_line(text: str, delimiter: str) -> tuple[int, int, int] | None:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    for row in reader:
        if len(row) > len(header):
            return reader.line_num, len(row), len(header)
    return None


def read_csv(
    path: str | Path, *, delimiter: str | None = None, encoding: str | None = None
) -> tuple[pl.DataFrame, dict]:
    """Read a CSV file with every column as text; return the frame and what was detected."""
    path = Path(path)
    data = path.read_bytes()
    bom = data.startswith(BOM)
    if bom:
        data = data[len(BOM) :]
        encoding = encoding or "utf-8"
    used = "utf-8"
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        data, used = _decode(data, encoding)
    data, endings = _line_endings(data)
    if delimiter is None:
        delimiter = sniff_delimiter(data[:65536].decode("utf-8", errors="replace"))
    delimiter = "\t" if delimiter in ("\\t", "tab") else delimiter
    try:
        try:
            frame = _polars_read(data, delimiter)
        except pl.exceptions.ComputeError as exc:
            if "utf-8" not in str(exc).lower() or encoding:
                raise
            data, used = _decode(data, None)
            frame = _polars_read(data, delimiter)
    except pl.exceptions.ComputeError as exc:
        ragged = _first_ragged_line(data.decode("utf-8"), delimiter)
        if ragged:
            line, got, want = ragged
            raise CsvError(
                f"{path.name}: line {line} has {got} fields but the heading line has {want} "
                f"(delimiter {delimiter!r}); fix the line or quote the field that holds "
                "the delimiter."
            ) from exc
        raise CsvError(f"{path.name}: cannot be read as CSV: {exc}") from exc
    info = {"encoding": used, "bom": bom, "line_endings": endings, "delimiter": delimiter}
    return frame, info


def _polars_read(data: bytes, delimiter: str) -> pl.DataFrame:
    return pl.read_csv(
        io.BytesIO(data),
        separator=delimiter,
        infer_schema=False,
        quote_char='"',
        raise_if_empty=False,
    )
