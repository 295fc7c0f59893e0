"""The import pipeline: read a file, map its columns, normalise and validate, store a batch.

Every input row ends up either in the batch or in the rejection report (file, source
row, column, raw value, reason); `rows_read == rows_accepted + rows_rejected`.

Policies (limits and their variables: `transparency.settings`):

- Refused whole, with a message naming file, column and what was found: empty files,
  a heading line with no rows, files above the size or row limit, non-text content,
  an .xlsx name on something else, workbooks that would unpack beyond the limits
  (zip bombs), missing or doubly matched columns, a heading the import reads that
  appears twice, dates or amounts whose format is ambiguous, a file already imported.
- Rejected by row, the rest kept: a row with too many or too few fields, an exact
  duplicate of an earlier row ("duplicate of row N": imported once, never counted
  twice), a missing or unreadable contract id, supplier, date or amount, an amount
  above the plausible line value (absolute USD), an award date before the earliest or
  too far after the import, a currency that is not ISO 4217 or has no rate.
- Kept as they are: negative amounts (credit notes, de-obligations net the totals) and
  zero amounts (no-cost lines still name a supplier); formula-like text (`=HYPERLINK(...)`)
  and markup (`<script>`) as plain text, neutralised only where exported or shown.

>>> result = import_file("po_2025q4.csv", Store("data/store"))   # doctest: +SKIP
>>> result.rows_read, result.rows_accepted, result.rows_rejected    # doctest: +SKIP
(1200, 1196, 4)
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from transparency import currency, settings
from transparency.ingest.columns import RAW_OF
from transparency.ingest.mapping import Mapping, MappingError
from transparency.ingest.normalise import finish_lines
from transparency.ingest.readers.sources import open_source
from transparency.ingest.refusals import ImportRefused, check_rows
from transparency.ingest.stream import Restart, Stream
from transparency.ingest.summary import rejected_value
from transparency.store import (
    Batch,
    DuplicateImport,
    Store,
    StoreError,
    file_hash,
    refuse_duplicate,
)


@dataclass(frozen=True)
class ImportResult:
    """What one import did."""

    batch: Batch
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    rejections_path: Path
    rejected_usd: Decimal = Decimal(0)  # the USD value of the rejected rows that have one
    rejected_unvalued: int = 0  # rejected rows with no USD value (see `rejected_value`)


def chunk_rows_setting() -> int:
    """Return the rows per chunk of a streamed import (`settings.import_chunk_rows`).

    Raises `ImportRefused` for a malformed setting, so it reads like any refusal.
    """
    try:
        return settings.import_chunk_rows()
    except settings.LimitError as exc:
        raise ImportRefused(str(exc)) from exc


def _ocds_module():
    if importlib.util.find_spec("transparency.ingest.ocds") is None:
        return None
    return importlib.import_module("transparency.ingest.ocds")


def check_ocds_mapping(mapping: Mapping, name: str) -> None:
    """Refuse a mapping whose sections cannot apply to an OCDS file (never ignore them).

    OCDS fields are read by their OCDS names, so headings, CSV/Excel options and date
    formats mean nothing there; `[values.<column>]` tables (raw value -> value, e.g.
    a category or country table, procurement methods) and `[constants]` (a value where
    the releases give none) do apply.
    """
    idle = [
        section
        for section, present in (
            ("[columns]", mapping.columns),
            ("[ignore]", mapping.ignore),
            ("[csv]/[excel]", mapping.csv),
            ("[dates]", mapping.date_order or mapping.date_formats),
            ("[placeholders]", mapping.placeholders),
            ("[headings]", mapping.heading_row is not None),
        )
        if present
    ]
    if idle:
        raise ImportRefused(
            f"{name}: is an OCDS file, whose fields are read by their OCDS names; the mapping "
            f"file {mapping.source or ''}'s {', '.join(idle)} cannot apply to it and is not "
            "ignored silently. For OCDS only [values.<column>] tables (e.g. "
            '[values.category_code] "Medical supplies" = "42000000") and [constants] (a value '
            "where the releases give none) apply: remove the other sections, or import "
            "without --mapping."
        )


def _ocds_mapped(frame: pl.DataFrame, mapping: Mapping) -> pl.DataFrame:
    """Apply a mapping's [values] tables and [constants] to the lines of an OCDS file."""
    exprs = []
    for column, table in mapping.values.items():
        if column == "procurement_method" or column not in frame.columns:
            continue  # methods go to finish_lines as overrides
        # Looked up by the raw value the file gave (an OCDS "scheme:id", a country name).
        key = RAW_OF.get(column) if RAW_OF.get(column) in frame.columns else column
        found = pl.col(key).cast(pl.String).replace_strict(table, default=None)
        exprs.append(
            pl.when(found.is_null())
            .then(pl.col(column))
            .when(found.str.len_chars() > 0)
            .then(found)
            .alias(column)
        )
        if column == "category_code" and "category_scheme" in frame.columns:
            # The table's value is a UNSPSC code, whatever scheme the release named.
            scheme = pl.when(found.is_null()).then(pl.col("category_scheme"))
            exprs.append(scheme.otherwise(pl.lit("UNSPSC")).alias("category_scheme"))
    for column, constant in mapping.constants.items():
        if column in frame.columns:
            exprs.append(pl.col(column).cast(pl.String).fill_null(constant).alias(column))
        else:
            exprs.append(pl.lit(constant, dtype=pl.String).alias(column))
    return frame.with_columns(exprs) if exprs else frame


def _ocds_lines(path: Path, name: str, rates: pl.DataFrame, mapping: Mapping):
    ocds = _ocds_module()
    check_ocds_mapping(mapping, name)
    try:
        frame, rejections, rows_read = ocds.read_ocds(path)
    except ocds.NotOcds as exc:
        raise ImportRefused(str(exc)) from exc
    check_rows(rows_read, name)
    lines, rejections = finish_lines(
        _ocds_mapped(frame, mapping),
        rejections,
        source_file=name,
        rates=rates,
        partial_rows=True,
        method_overrides=mapping.values.get("procurement_method"),
        undisclosed=mapping.undisclosed,
    )
    info = {"format": "ocds", "columns": {}, "mapping": mapping.source}
    return [lines], lambda: rejections, rows_read, info


def import_file(
    path: str | Path,
    store: Store,
    *,
    mapping: Mapping | str | Path | None = None,
    source_name: str | None = None,
    chunk_rows: int | None = None,
) -> ImportResult:
    """Import one export file (CSV, XLSX, Parquet, or OCDS when that reader is present).

    CSV and Parquet files are read, checked and written `chunk_rows` rows at a time
    (default `chunk_rows_setting()`; 0 reads the file whole), with the same lines and
    rejection report as a whole-file read. Raises `ImportRefused` for whole-file
    problems: unreadable file, missing or ambiguous columns, ambiguous dates or numbers,
    and a file already imported.
    """
    path = Path(path)
    name = source_name or path.name
    if not path.is_file():
        raise ImportRefused(f"{path}: no such file.")
    try:
        settings.import_limits()  # a malformed limit variable is reported before any work
    except settings.LimitError as exc:
        raise ImportRefused(f"{name}: not imported: {exc}") from exc
    size, most = path.stat().st_size, settings.max_upload_bytes()
    if size > most:
        raise ImportRefused(
            f"{name}: the file is {size / 1048576:,.1f} MB, above the upload limit of "
            f"{settings.max_upload_mb():,g} MB (TRANSPARENCY_MAX_UPLOAD_MB). Split the export "
            "into smaller files, or raise the limit."
        )
    if mapping is not None and not isinstance(mapping, Mapping):
        try:
            mapping = Mapping.load(mapping)
        except MappingError as exc:
            raise ImportRefused(str(exc)) from exc
    mapping = mapping or Mapping()
    chunk_rows = chunk_rows_setting() if chunk_rows is None else chunk_rows
    try:
        rates = currency.rates(store.root)
    except ValueError as exc:  # the user's own rates file is malformed
        raise ImportRefused(str(exc)) from exc
    # The file's hash (the duplicate-import key, about 1.5 s of one core for 1 GB) is taken
    # in a thread while the first chunk is read and checked; hashlib releases the GIL.
    hashing = _Hashing(path)
    try:
        detected = None
        for _attempt in range(3):
            try:
                return _import(path, name, store, mapping, rates, hashing, chunk_rows, detected)
            except Restart as restart:
                if restart.whole:
                    chunk_rows = 0
                elif restart.prescan:
                    try:
                        source = open_source(path, mapping, chunk_rows)
                        detected = Stream(source, name, mapping, rates).prescan()
                    except Restart:
                        chunk_rows = 0
        return _import(path, name, store, mapping, rates, hashing, 0, None)
    finally:
        hashing.join()


class _Hashing:
    """The SHA-256 of a file, computed in a thread; `checked(store, name)` waits for it and
    refuses a file already imported."""

    def __init__(self, path: Path) -> None:
        self._result: list[str | BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._result.append(file_hash(path))
        except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
            self._result.append(exc)

    def join(self) -> None:
        self._thread.join()

    def checked(self, store: Store, name: str) -> str:
        self.join()
        (result,) = self._result
        if isinstance(result, BaseException):
            raise ImportRefused(f"{name}: the file could not be read: {result}") from result
        try:
            refuse_duplicate(store.batches(), result, name)
        except DuplicateImport as exc:
            raise ImportRefused(str(exc)) from exc
        return result


def _import(
    path: Path,
    name: str,
    store: Store,
    mapping: Mapping,
    rates: pl.DataFrame,
    hashing: _Hashing,
    chunk_rows: int,
    detected: dict | None,
) -> ImportResult:
    ocds = _ocds_module()
    if ocds is not None and ocds.looks_like_ocds(path):
        check_ocds_mapping(mapping, name)  # before the hash wait: a mapping error comes first
        content_hash = hashing.checked(store, name)
        chunks, rejections, rows_read, info = _ocds_lines(path, name, rates, mapping)
    else:
        stream = Stream(open_source(path, mapping, chunk_rows), name, mapping, rates, detected)
        lines = stream.lines()
        try:
            first = next(lines)  # the file's shape and mapping are checked before the store is
        except ImportRefused:
            hashing.checked(store, name)  # a file already imported says so first
            raise
        content_hash = hashing.checked(store, name)
        chunks = itertools.chain([first], lines)
        rejections, info = stream.rejections, stream.info
        rows_read = lambda: stream.rows_read  # noqa: E731 - known once every chunk is read
    extra = {k: v for k, v in info.items() if k != "columns"}
    extra["columns"] = {k: list(v) for k, v in info.get("columns", {}).items()}
    try:
        batch = store.add_batch(
            chunks,
            rejections,
            source_file=name,
            content_hash=content_hash,
            rows_read=rows_read,
            extra=extra,
        )
    except DuplicateImport as exc:
        raise ImportRefused(str(exc)) from exc
    except StoreError as exc:
        raise ImportRefused(f"{name}: {exc}") from exc
    rejected_usd, unvalued = rejected_value(store.rejections(batch.batch_id))
    return ImportResult(
        batch=batch,
        rows_read=batch.rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        rejections_path=store.rejections_path(batch.batch_id),
        rejected_usd=rejected_usd,
        rejected_unvalued=unvalued,
    )
