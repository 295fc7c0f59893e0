"""One import's pass over a file, chunk by chunk: rows, duplicates, mapping, `finish_lines`."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import polars as pl

from transparency import settings
from transparency.ingest import dates, numbers, validate
from transparency.ingest.columns import apply_mapping
from transparency.ingest.duplicates import Duplicates
from transparency.ingest.mapping import Mapping, MappingError, resolve
from transparency.ingest.normalise import finish_lines
from transparency.ingest.readers.heading_row import recognised
from transparency.ingest.readers.sources import Pieces, Source
from transparency.ingest.refusals import (
    ImportRefused,
    check_duplicate_headings,
    check_rows,
    dates_refused,
    numbers_refused,
)
from transparency.ingest.text import clean_strings
from transparency.ingest.validate import row_rejections


class Restart(Exception):
    """A chunked read cannot give the whole-file result as it went: start again.

    `whole`: read the file whole (the reader needs it, or a hash collision was found);
    `prescan`: decide dates and numbers from a first pass over the whole file.
    """

    def __init__(self, *, whole: bool = False, prescan: bool = False) -> None:
        super().__init__("restart")
        self.whole = whole
        self.prescan = prescan


def _drop_blank_rows(raw: pl.DataFrame) -> pl.DataFrame:
    """Drop rows with no value at all (blank lines): they are not data rows."""
    if raw.width < 2:
        return raw
    first = raw.columns[0]
    # Only rows whose first cell is empty can be blank; checking those alone is cheap.
    if raw.get_column(first).null_count() == 0:
        return raw
    maybe = raw.filter(pl.col(first).is_null())
    blank = maybe.filter(pl.all_horizontal(pl.exclude("source_row").is_null()))
    if blank.height == 0:
        return raw
    return raw.filter(~pl.col("source_row").is_in(blank.get_column("source_row").implode()))


def _prefetched(items: Iterator) -> Iterator:
    """Yield `items`, each produced one ahead in a thread (Polars releases the GIL).

    An exception in the thread is raised here; stopping early stops the thread.
    """
    box: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                box.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer((True, item)):
                    return
            outcome: tuple = (False, None)
        except BaseException as exc:  # noqa: BLE001 - raised in the consumer's thread
            outcome = (False, exc)
        offer(outcome)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            ok, value = box.get()
            if ok:
                yield value
            elif value is None:
                return
            else:
                raise value
    finally:
        stop.set()
        thread.join()


class Stream:
    """One import's pass over a file: chunk by chunk, canonical lines out, rejections kept.

    For each chunk: rows numbered in the file, ragged and blank rows out, exact
    duplicates (across chunks too), the mapping, then `finish_lines`. Decisions the
    whole file must share (date order, decimal style) are made from the evidence of
    every chunk so far; if a later chunk would change one, or leaves a date column
    ambiguous that more rows may settle, `Restart` asks for a first pass over the whole
    file. Rejections are small and kept; lines go to the store as they are made.
    """

    def __init__(
        self,
        source: Source,
        name: str,
        mapping: Mapping,
        rates: pl.DataFrame,
        detected: dict | None = None,
    ) -> None:
        self.source = source
        self.name = name
        self.mapping = mapping
        self.rates = rates
        self.forced = detected
        self.rows_read = 0
        self.found: list[pl.DataFrame] = []
        self.duplicates = Duplicates(name, source.rows)
        self.resolved: Mapping | None = None
        self.labels: dict[str, str] = {}
        self.headings: list[str] = source.headings or []
        self.evidence: dict = {}
        self.used: dict | None = None
        self.prescanning = False
        self.skipped: set[str] = set()  # amount columns a chunk was not looked at in

    def _numbered(self, pieces: Pieces) -> Iterator[tuple[pl.DataFrame, pl.DataFrame, int, bool]]:
        """Yield (rows, ragged-row rejections, ragged count, last) with file row numbers."""
        offset = 0
        delimiter = self.source.info.get("delimiter", ",")
        for raw, ragged, last in pieces:
            if not self.headings:
                self.headings = list(raw.columns)
            n = raw.height
            # Numbered before blank rows are dropped, so source_row matches the file's data rows.
            raw = raw.with_columns(
                pl.int_range(offset + 1, offset + n + 1, dtype=pl.Int64).alias("source_row")
            )
            found = row_rejections(
                [
                    (
                        offset + row,
                        text,
                        f"the row has {fields} field(s) but the heading line has "
                        f"{len(self.headings)} (delimiter {delimiter!r}): a delimiter inside "
                        "an unquoted value, or a missing field; the row is not read",
                    )
                    for row, fields, text in ragged
                ],
                self.name,
            )
            if ragged:
                bad = pl.Series([offset + r[0] for r in ragged], dtype=pl.Int64).implode()
                raw = raw.filter(~pl.col("source_row").is_in(bad))
            offset += n
            yield _drop_blank_rows(raw), found, len(ragged), last

    def _reading(self) -> Iterator[tuple[pl.DataFrame, pl.DataFrame, int, bool]]:
        """`_numbered` over the source; a chunked reader's failure means: read it whole.

        A chunked source is read one piece ahead in a thread, so parsing the next piece
        overlaps the checks of this one.
        """
        pieces = self._numbered(self.source.pieces())
        if self.source.chunked:
            pieces = _prefetched(pieces)
        while True:
            try:
                item = next(pieces)
            except StopIteration:
                return
            except BaseException as exc:
                if not self.source.chunked or isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                raise Restart(whole=True) from exc
            yield item

    def _count_rest(self, rest: Iterator) -> None:
        """Count the rows left (reading only) and refuse a file over the row limit."""
        for raw, _found, n_ragged, _last in rest:
            self.rows_read += raw.height + n_ragged
        check_rows(self.rows_read, self.name)

    def _start(self, raw: pl.DataFrame, last: bool) -> None:
        """First chunk: the checks on the whole file's shape, and the column mapping."""
        if last:
            check_rows(self.rows_read, self.name)
        elif self.rows_read == 0:
            raise Restart(whole=True)  # a first piece of blank lines: rare, read it whole
        columns = [c for c in raw.columns if c != "source_row"]
        if not columns:
            raise ImportRefused(f"{self.name}: the file is empty (no heading line, no rows).")
        no_line_ends = self.source.info.get("line_endings") == "none"
        if self.rows_read == 0 and no_line_ends and not recognised(columns, set()):
            raise ImportRefused(
                f"{self.name}: the file has no line ends and none of its text is a heading the "
                "import knows, so it is not a data export as it stands (binary content, or "
                "another format?). Export the data as CSV, XLSX or Parquet."
            )
        if self.rows_read == 0:
            raise ImportRefused(
                f"{self.name}: the file has a heading line but no data rows; there is nothing "
                "to import."
            )
        try:
            resolved = resolve(columns, self.mapping, file=self.name)
        except MappingError as exc:
            if self.source.info.get("heading_row", 1) is None:
                raise ImportRefused(
                    f"{self.name}: the file has no heading row (its first row looks like data, "
                    f"so it is read as row 1, not as headings); its columns are named 'column 1'"
                    f" to 'column {len(columns)}'. Say which is which in a mapping file, e.g. "
                    '[columns] contract_id = "column 1", supplier_name = "column 2" (and '
                    "[headings] row = 0); if the first row is headings, say [headings] row = 1."
                    f" ({exc})"
                ) from exc
            raise ImportRefused(str(exc)) from exc
        check_duplicate_headings(self.headings, resolved.columns, self.name)
        self.resolved = resolved

    @property
    def info(self) -> dict:
        info = dict(self.source.info)
        if self.resolved is not None:
            info.update(mapping=self.resolved.source, columns=self.resolved.columns)
        return info

    def _options(self) -> dict:
        mapping = self.resolved or self.mapping
        heads = mapping.columns.get("award_date", [])
        return {
            "date_order": mapping.date_order,
            "date_format": mapping.date_formats.get(heads[0]) if len(heads) == 1 else None,
            "decimal": mapping.csv.get("decimal"),
            "thousands": mapping.csv.get("thousands"),
            "method_overrides": mapping.values.get("procurement_method"),
            "undisclosed": mapping.undisclosed,
        }

    def _decide(self, frame: pl.DataFrame, last: bool, options: dict) -> dict:
        """Return the whole-file decisions for this chunk (see the class doc)."""
        if self.forced is not None:
            return self.forced
        if not self.source.chunked:
            return {}  # one frame: finish_lines detects from it, as it always has
        detected: dict = {}
        labels = self.labels
        schema_ = frame.schema
        if not options["date_format"] and not options["date_order"]:
            if schema_.get("award_date") == pl.String:
                values = frame.get_column("award_date")
                seen = self.evidence.get("award_date")
                found = dates.order_evidence(values)
                merged = found if seen is None else pl.concat([seen, found])
                self.evidence["award_date"] = merged
                try:
                    detected["award_date"] = dates.order_from(merged)
                except dates.AmbiguousDates as exc:
                    if last or dates.settled(merged):
                        raise dates_refused(self.name, labels, exc) from exc
                    if not self.prescanning:
                        raise Restart(prescan=True) from exc
        if not options["decimal"]:
            for column in ("amount", "amount_usd"):
                if schema_.get(column) != pl.String:
                    continue
                values = frame.get_column(column)
                # Before any chunk has shown a comma, a chunk without one is not looked
                # at further; its decimal points matter only once a comma appears, and
                # then the decision changes, which sends the file to a first pass.
                seen = self.evidence.get(column)
                comma, point = numbers.style_evidence(
                    values, always=seen is not None or self.prescanning
                )
                if seen is None and comma is None and point is None:
                    merged = (None, None)
                    self.skipped.add(column)
                else:
                    seen_comma, seen_point = seen or (None, None)
                    merged = (
                        seen_comma if seen_comma is not None else comma,
                        seen_point if seen_point is not None else point,
                    )
                    self.evidence[column] = merged
                try:
                    detected[column] = numbers.style_from(merged)
                except numbers.AmbiguousNumbers as exc:
                    if column in self.skipped and not self.prescanning:
                        # A chunk not looked at may hold the file's first example.
                        raise Restart(prescan=True) from exc
                    raise numbers_refused(self.name, labels, column, exc) from exc
        if self.used is None:
            self.used = detected
        elif detected != self.used:
            raise Restart(prescan=True)  # an earlier chunk was read another way
        return detected

    def _mapped(self, raw: pl.DataFrame, found: pl.DataFrame, dedupe: bool):
        parts = [found]
        if dedupe:
            duplicates = self.duplicates.check(raw)
            if duplicates.height:
                parts.append(duplicates)
                keep = ~pl.col("source_row").is_in(duplicates.get_column("source_row").implode())
                raw = raw.filter(keep)
        frame, rejections, self.labels = apply_mapping(raw, self.resolved, self.name)
        parts.append(rejections)
        # Trimmed once here: the decisions below and finish_lines read the same values.
        return clean_strings(frame), pl.concat(parts)

    def lines(self) -> Iterator[pl.DataFrame]:
        """Yield the canonical lines chunk by chunk (rejections gather in `found`)."""
        reading = self._reading()
        for raw, found, n_ragged, last in reading:
            self.rows_read += raw.height + n_ragged
            try:
                if self.resolved is None:
                    self._start(raw, last)
                elif self.rows_read > settings.max_import_rows():
                    self._count_rest(reading)
                frame, rejections = self._mapped(raw, found, dedupe=True)
                options = self._options()
                detected = self._decide(frame, last, options)
                lines, rejections = finish_lines(
                    frame,
                    rejections,
                    source_file=self.name,
                    rates=self.rates,
                    headings=self.labels,
                    detected=detected,
                    trimmed=True,
                    **options,
                )
            except ImportRefused:
                if not last:
                    self._count_rest(reading)  # a file over the row limit is refused for that
                raise
            self.found.append(rejections)
            yield lines

    def rejections(self) -> pl.DataFrame:
        """Return the rejection report, once every chunk has been read.

        Chunks come in file order and each one's report is sorted by row, so the whole
        report is too. Duplicates found across chunks are compared for real first.
        """
        if self.source.chunked and self.duplicates.pairs:
            rows = (raw for raw, _found, _n, _last in self._reading())
            if not self.duplicates.verify(rows):
                raise Restart(whole=True)  # a hash collision: the whole-file check is exact
        if not self.found:
            return validate.empty_rejections()
        return pl.concat(self.found, how="vertical_relaxed")

    def prescan(self) -> dict:
        """Read the whole file's date and amount columns once; return the decisions."""
        self.prescanning = True
        reading = self._reading()
        for raw, found, n_ragged, last in reading:
            self.rows_read += raw.height + n_ragged
            try:
                if self.resolved is None:
                    self._start(raw, last)
                elif self.rows_read > settings.max_import_rows():
                    self._count_rest(reading)
                frame, _ = self._mapped(raw, found, dedupe=False)
                options = self._options()
                self.used = None  # evidence only: the decision is taken at the end
                self._decide(frame, last, options)
            except ImportRefused:
                if not last:
                    self._count_rest(reading)
                raise
        return self.used or {}
