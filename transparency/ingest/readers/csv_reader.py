"""CSV exports: encoding, line endings and delimiter detected, every cell read as text.

>>> frame, info = read_csv(path)          # doctest: +SKIP
>>> info                                # doctest: +SKIP
{'encoding': 'utf-8', 'bom': False, 'line_endings': 'crlf', 'delimiter': ';', ...}

Rows whose field count differs from the heading line's are not read; they come back in
`info["ragged"]` as (data row number, fields, raw text) for the rejection report, and
the other rows are read as usual. Fields beyond the headings that are empty (a trailing
delimiter) are ignored. Headings are returned as written, in `info["headings"]`; a
repeated heading gets its column number appended in the frame ("Amount (column 9)"),
so the caller can refuse to guess between the two.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import polars as pl

from transparency.ingest.readers import heading_row
from transparency.ingest.refusals import check_columns

BOM = codecs.BOM_UTF8
DELIMITERS = (",", ";", "\t", "|")
HEADER_BYTES = 1 << 20
_SCAN_CHUNK = 1 << 24
# A lead byte followed by a continuation byte: text that was written as UTF-8.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_NOT_TEXT = (
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive (unpack it first)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office file (.xls or .doc: save it as .xlsx or CSV)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_CONTROL = bytes([*range(1, 9), 11, 12, *range(14, 32), 127])


class CsvError(ValueError):
    """The file cannot be read as CSV; the message names the file and line."""


class NotStreamable(Exception):
    """The file cannot be read in chunks with the same result as whole (`read_csv` it)."""


def _legacy(data: bytes) -> tuple[bytes, str]:
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte.
        return data.decode("latin-1").encode("utf-8"), "latin-1"


def _decode(data: bytes, encoding: str | None) -> tuple[bytes, str]:
    """Return the bytes as UTF-8 and the encoding they were in.

    Called only when the bytes are not UTF-8 or an encoding was stated: Polars itself
    refuses invalid UTF-8, which spares a Python pass over large UTF-8 files. A file
    that mixes UTF-8 lines with cp1252 lines (two exports pasted together) is decoded
    line by line, each line in its own encoding.
    """
    if encoding:
        enc = encoding.lower().replace("_", "-")
        if enc in ("utf-8", "utf8"):
            return data, "utf-8"
        return data.decode(encoding).encode("utf-8"), encoding
    if _UTF8_MULTIBYTE.search(data):
        out, legacy = [], 0
        for line in data.split(b"\n"):
            try:
                line.decode("utf-8")
                out.append(line)
            except UnicodeDecodeError:
                out.append(_legacy(line)[0])
                legacy += 1
        return b"\n".join(out), f"mixed: utf-8, and cp1252 on {legacy} line(s)"
    return _legacy(data)


def unwrap(data: bytes, name: str) -> tuple[bytes, str | None, bool]:
    """Return (bytes, encoding if settled, had a BOM): UTF-8 and UTF-16 BOMs, binary files."""
    if data.startswith(BOM):
        return data[len(BOM) :], "utf-8", True
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc).encode("utf-8"), enc, True
            except UnicodeDecodeError as exc:
                raise CsvError(f"{name}: starts as UTF-16 text but is not: {exc}") from exc
    for magic, kind in _NOT_TEXT:
        if data.startswith(magic):
            raise CsvError(
                f"{name}: is {kind}, not a data export. Export the data as CSV, XLSX or Parquet."
            )
    head = data[:4096]
    # UTF-16 without a BOM: ASCII text with a zero byte beside every character.
    if len(head) >= 4 and head.count(0) * 3 > len(head):
        for enc, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
            if zeros.count(0) > len(zeros) * 0.9:
                try:
                    return data.decode(enc).encode("utf-8"), enc, False
                except UnicodeDecodeError:
                    break
    zero = data.find(b"\x00", 0, 1 << 16)
    # Text has no control characters besides tab, CR and LF (and maybe a stray one).
    control = len(head) - len(head.translate(None, _CONTROL))
    if zero >= 0 or control > max(len(head) // 100, 2):
        what = f"a zero byte at offset {zero}" if zero >= 0 else f"{control} control characters"
        raise CsvError(
            f"{name}: is not a text file (it has binary content: {what}, and it starts "
            f"with {data[:8]!r}). Export the data as CSV, XLSX or Parquet."
        )
    return data, None, False


def _line_endings(data: bytes) -> tuple[bytes, str]:
    if b"\n" in data:
        return data, "crlf" if b"\r\n" in data[:65536] else "lf"
    if b"\r" in data:
        # Old Mac files: Polars does not split on a lone CR, so make the CRs newlines.
        return data.replace(b"\r", b"\n"), "cr"
    return data, "none"  # one line, or not text at all (see Stream._start)


def _title_like(line: str) -> bool:
    """Return whether `line` has at most two non-empty fields under every delimiter."""
    return all(sum(1 for f in line.split(d) if f.strip()) <= 2 for d in DELIMITERS)


def sniff_delimiter(sample: str) -> str:
    """Return the delimiter whose field count is the same, and largest, on the first lines."""
    lines = [line for line in sample.split("\n")[:50] if line.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line short
    best, best_fields = ",", 1
    # Title rows above the headings have other counts: the lines below them are tried too.
    for skip in range(min(heading_row.SEARCH_ROWS, max(len(lines), 1))):
        if skip and not _title_like(lines[skip - 1]):
            break  # only title lines (a cell or two under any delimiter) are looked past
        for delim in DELIMITERS:
            try:
                counts = {len(row) for row in csv.reader(lines[skip:], delimiter=delim)}
            except csv.Error:  # a stray CR inside a line: not this file's structure
                continue
            if len(counts) == 1:
                fields = counts.pop()
                if fields > best_fields:
                    best, best_fields = delim, fields
        if best_fields > 1:
            break
    if best_fields == 1 and lines:
        # No delimiter gives every line the same count (a file with ragged rows): take
        # the one that splits the heading line into the most fields.
        fields = {d: len(lines[0].split(d)) for d in DELIMITERS}
        best = max(DELIMITERS, key=lambda d: fields[d])
        best = best if fields[best] > 1 else ","
    return best


def heading_line(
    data: bytes,
    delimiter: str,
    name: str,
    *,
    row: int | None = None,
    named: set[str] = frozenset(),
) -> tuple[list[str], int, dict]:
    """Return the headings, the bytes up to the data rows, and the layout for the report.

    The heading row is found by `heading_row.locate` among the first rows (`row`: the
    mapping's `[headings] row`; `named`: headings the mapping names): title rows above
    it are skipped and listed, a file without one gets "column 1".. "column N". Quoted
    newlines are allowed. Raises UnicodeDecodeError when the rows up to the headings are
    not UTF-8, and `ImportRefused` for more headings than `TRANSPARENCY_MAX_COLUMNS`.
    """
    head = data[:HEADER_BYTES].decode("utf-8", errors="surrogateescape")
    buf = io.StringIO(head, newline="")
    rows: list[list[str]] = []
    ends: list[int] = []
    reader = csv.reader(buf, delimiter=delimiter)
    try:
        for record in reader:
            rows.append(record)
            ends.append(buf.tell())
            if len(rows) >= max(heading_row.SEARCH_ROWS, (row or 0) + 1):
                break
    except csv.Error as exc:
        if not rows:
            raise CsvError(f"{name}: the heading line cannot be read as CSV: {exc}") from exc
    if not rows:
        return [], len(data), {}
    layout = heading_row.locate(rows, named, row)
    if layout.index is not None and layout.index >= len(rows):
        raise CsvError(
            f"{name}: the mapping puts the headings on row {row}, but the file "
            f"has {len(rows)} row(s)."
        )
    if layout.headerless:
        headings, end = heading_row.generated_headings(len(rows[0])), 0
    else:
        headings, end = rows[layout.index], ends[layout.index]
    raw = head[:end].encode("utf-8", errors="surrogateescape")
    raw.decode("utf-8")  # strict: a cp1252 heading sends the file to _decode
    if end >= len(head) and len(data) > HEADER_BYTES:
        raise CsvError(f"{name}: the heading line is longer than 1 MB; is this a CSV export?")
    check_columns(len(headings), name)  # before any row is read
    skipped = [delimiter.join(r)[:200] for r in rows[: layout.index or 0]]
    return headings, len(raw), heading_row.describe(layout, skipped, len(headings))


def column_names(headings: list[str]) -> list[str]:
    """Return unique frame names: a repeated or empty heading gets its column number."""
    seen: set[str] = set()
    names = []
    for i, heading in enumerate(headings, start=1):
        name = heading if heading.strip() else f"(column {i})"
        if name in seen:
            name = f"{heading} (column {i})"
        seen.add(name)
        names.append(name)
    return names


def synthetic_heading(delimiter: str, width: int) -> bytes:
    # One sentinel column beyond the headings: a value there means the row is too long.
    return delimiter.join(f"c{i}" for i in range(width + 1)).encode() + b"\n"


def _polars_read(
    body: bytes, delimiter: str, width: int, *, truncate: bool, data: bytes | None = None
) -> pl.DataFrame:
    """Read `body` under the synthetic heading line (`data`: the two joined already)."""
    return pl.read_csv(
        io.BytesIO(synthetic_heading(delimiter, width) + body if data is None else data),
        separator=delimiter,
        infer_schema=False,
        quote_char='"',
        raise_if_empty=False,
        truncate_ragged_lines=truncate,
    )


def _python_rows(body: bytes, delimiter: str, width: int, *, keep: bool):
    """Walk the records with the csv module: (ragged rows, record count, rows if `keep`).

    The slow path, taken only when a file has rows of the wrong length or quoting that
    Polars refuses (a quote inside an unquoted value, such as 15" screen).
    """
    ragged: list[tuple[int, int, str]] = []
    kept: list[list[str | None]] = []
    count = 0
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""), delimiter=delimiter)
    for count, row in enumerate(reader, start=1):  # noqa: B007 - count is used after
        n = len(row)
        if n > width and not any(f.strip() for f in row[width:]):
            n = width  # only empty fields beyond the headings: a trailing delimiter
        blank = n == 0 or (n == 1 and not row[0].strip())
        if n != width and not blank:
            ragged.append((count, n, delimiter.join(row)[:300]))
        if keep:
            if blank or n != width:
                kept.append([None] * width)
            else:
                kept.append([f if f != "" else None for f in row[:width]])
    return ragged, count, kept


def read_csv(
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    row: int | None = None,
    named: set[str] = frozenset(),
) -> tuple[pl.DataFrame, dict]:
    """Read a CSV file with every column as text; return the frame and what was detected.

    `info` holds encoding, bom, line_endings, delimiter, headings (as written) and
    ragged: a list of (data row number, fields found, raw row text).
    """
    path = Path(path)
    data, settled, bom = unwrap(path.read_bytes(), path.name)
    encoding = encoding or settled
    used = settled or "utf-8"
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8") and not settled:
        try:
            data, used = _decode(data, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise CsvError(f"{path.name}: cannot be read as {encoding}: {exc}") from exc
    data, endings = _line_endings(data)
    if delimiter is None:
        delimiter = sniff_delimiter(data[:65536].decode("utf-8", errors="replace"))
    delimiter = "\t" if delimiter in ("\\t", "tab") else delimiter
    if len(delimiter) != 1:
        raise CsvError(f"{path.name}: the delimiter must be one character, not {delimiter!r}.")

    for attempt in (1, 2):
        try:
            headings, header_len, layout = heading_line(
                data, delimiter, path.name, row=row, named=named
            )
            frame, ragged = read_body(data[header_len:], delimiter, len(headings), path.name)
            break
        except UnicodeDecodeError as exc:
            if attempt == 2 or encoding:
                raise CsvError(
                    f"{path.name}: the text is not valid {encoding or 'UTF-8'}."
                ) from exc
            data, used = _decode(data, None)
    names = column_names(headings)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    info = {
        "encoding": used,
        "bom": bom,
        "line_endings": endings,
        "delimiter": delimiter,
        "headings": headings,
        "ragged": ragged,
        **layout,
    }
    return frame, info


def _fast_ragged(
    body: bytes, delimiter: str, width: int, height: int
) -> list[tuple[int, int, str]] | None:
    """Return the ragged rows from a vectorised count of each record's delimiters.

    For files Polars has parsed (so their quoting is well formed): a quote toggles the
    quoted state, and delimiters and newlines count only outside quotes. Returns None
    when the records found do not line up with Polars' rows (the caller then counts
    with the csv module).
    """
    delim = ord(delimiter)
    in_quotes = False
    delims = 0
    ends: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for offset in range(0, len(body), _SCAN_CHUNK):
        a = np.frombuffer(
            body, dtype=np.uint8, count=min(_SCAN_CHUNK, len(body) - offset), offset=offset
        )
        quote = a == 34
        if quote.any():
            inside = np.logical_xor.accumulate(quote)
            if in_quotes:
                inside = ~inside
            in_quotes = bool(inside[-1])
            outside = ~inside
            d_pos = np.flatnonzero((a == delim) & outside)
            n_pos = np.flatnonzero((a == 10) & outside)
        else:
            if in_quotes:
                continue  # the whole chunk lies inside one quoted value
            d_pos = np.flatnonzero(a == delim)
            n_pos = np.flatnonzero(a == 10)
        counts.append(delims + np.searchsorted(d_pos, n_pos))
        ends.append(n_pos + offset)
        delims += d_pos.size
    end = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    cum = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    if len(body) and body[-1:] != b"\n":
        end = np.append(end, len(body))
        cum = np.append(cum, delims)
    if end.size != height:
        return None
    fields = np.diff(cum, prepend=0) + 1
    start = np.concatenate(([0], end[:-1] + 1))
    ragged = []
    for i in np.flatnonzero(fields != width):
        text = bytes(body[start[i] : end[i]]).decode("utf-8", errors="replace").rstrip("\r")
        try:
            row = next(csv.reader([text], delimiter=delimiter), [])
        except csv.Error:  # a stray CR inside the record
            row = text.split(delimiter)
        n = len(row)
        if n > width and not any(f.strip() for f in row[width:]):
            continue  # only empty fields beyond the headings: a trailing delimiter
        if n == 0 or (n == 1 and not row[0].strip()):
            continue  # a blank line
        ragged.append((int(i) + 1, int(fields[i]), text[:300]))
    return ragged


def read_body(
    body: bytes,
    delimiter: str,
    width: int,
    name: str,
    *,
    strict: bool = False,
    data: bytes | None = None,
) -> tuple[pl.DataFrame, list[tuple[int, int, str]]]:
    """Return the data rows as text columns c0..c{width-1} and the ragged rows.

    `strict` (a piece of a file read in chunks) raises `NotStreamable` where the csv
    module would have to read the records: its quoting may not split where a chunk did.
    `data` is the synthetic heading line and `body` joined already (`body` may then be
    a memoryview into it), which spares a copy of a large piece.
    """
    if width == 0:
        return pl.DataFrame(), []
    try:
        frame = _polars_read(body, delimiter, width, truncate=False, data=data)
        extra = frame.get_column(f"c{width}")
        suspect = extra.null_count() < frame.height or (
            width >= 2 and frame.get_column(f"c{width - 1}").null_count() > 0
        )
    except pl.exceptions.ComputeError as exc:
        text = str(exc).lower()
        if "utf-8" in text or "utf8" in text:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "invalid utf-8") from exc
        if "more fields" in text or "ragged" in text:
            frame = _polars_read(body, delimiter, width, truncate=True, data=data)
            suspect = True
        else:
            frame = None  # quoting Polars refuses: the csv module reads it
            suspect = True
    if not suspect:
        return frame.drop(f"c{width}"), []
    fast = None if frame is None else _fast_ragged(body, delimiter, width, frame.height)
    if fast is None and strict:
        raise NotStreamable(f"{name}: quoting the csv module must read")
    if fast is not None:
        ragged, count = fast, frame.height
    else:
        try:
            ragged, count, kept = _python_rows(body, delimiter, width, keep=frame is None)
        except csv.Error as exc:
            raise CsvError(f"{name}: cannot be read as CSV: {exc}") from exc
    if frame is None or count != frame.height:
        if frame is not None:
            ragged, count, kept = _python_rows(body, delimiter, width, keep=True)
        columns = list(zip(*kept, strict=True)) if kept else [()] * width
        frame = pl.DataFrame(
            {f"c{i}": pl.Series(col, dtype=pl.String) for i, col in enumerate(columns)}
        )
        return frame, ragged
    frame = frame.drop(f"c{width}")
    if ragged:
        # Those rows' fields are misaligned: blank them so nothing of them is read.
        bad = pl.Series([r[0] for r in ragged], dtype=pl.Int64)
        index = pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
        frame = frame.with_columns(
            pl.when(index.is_in(bad.implode())).then(None).otherwise(pl.all()).name.keep()
        )
    return frame, ragged
