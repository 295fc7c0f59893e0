"""The import pipeline: read a file, map its columns, normalise and validate, store a batch.

Every input row ends up either in the batch or in the rejection report (file, source
row, column, raw value, reason); `rows_read == rows_accepted + rows_rejected`.

Policies (limits and their variables: `transparency.limits`):

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
import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from transparency import categories, countries, currency, limits, schema
from transparency.ingest import dates, numbers, validate
from transparency.ingest.csv_reader import CsvError, NotStreamable, read_csv, stream_csv
from transparency.ingest.excel_reader import ExcelRefused, read_excel
from transparency.ingest.mapping import Mapping, MappingError, resolve
from transparency.ingest.ocds import ISO_4217
from transparency.ingest.parquet_reader import read_parquet
from transparency.store import (
    Batch,
    DuplicateImport,
    Store,
    StoreError,
    file_hash,
    refuse_duplicate,
)

TEXT_COLUMNS = (
    "contract_id",
    "line_id",
    "buyer",
    "supplier_id",
    "supplier_name",
    "description",
)


# Canonical columns whose raw text is kept beside the normalised value.
RAW_OF = {
    "supplier_country": "supplier_country_raw",
    "procurement_method": "procurement_method_raw",
    "category_code": "category_raw",
}


class ImportRefused(Exception):
    """The whole file cannot be imported; the message names file, column, what was found
    and what is needed (duplicates included)."""


@dataclass(frozen=True)
class ImportResult:
    """What one import did."""

    batch: Batch
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    rejections_path: Path


def _clean_text(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text)


# First and last UTF-8 bytes of the characters `str.strip_chars()` removes (Unicode
# White_Space: U+0009-000D, U+0020, U+0085, U+00A0, U+1680, U+2000-200A, U+2028,
# U+2029, U+202F, U+205F, U+3000). A value that starts and ends with none of them is
# left as it is by trimming.
_EDGE_FIRST = np.zeros(256, dtype=bool)
_EDGE_FIRST[[9, 10, 11, 12, 13, 32, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_EDGE_LAST = np.zeros(256, dtype=bool)
_EDGE_LAST[[9, 10, 11, 12, 13, 32, 0x85, 0xA0, *range(0x80, 0x8B), 0xA8, 0xA9, 0xAF, 0x9F]] = True


def _may_need_trim(column: pl.Series) -> bool:
    """Return False when no value of `column` can start or end with white space.

    Looks at the first and last byte of each value in the Arrow buffers (a few ms for
    500k values, against 20-30 ms to trim and compare); True means: check exactly.
    """
    arr = column.to_arrow(compat_level=pl.CompatLevel.oldest())
    for chunk in arr.chunks if hasattr(arr, "chunks") else [arr]:
        buffers = chunk.buffers()
        if len(chunk) == 0 or len(buffers) < 3 or buffers[2] is None:
            continue
        offsets = np.frombuffer(
            buffers[1], dtype=np.int64, count=len(chunk) + 1, offset=chunk.offset * 8
        )
        data = np.frombuffer(buffers[2], dtype=np.uint8)
        if data.size == 0:
            continue  # only empty or null values: the empty check sees them
        # Null and empty values have no bytes: they read a neighbour's byte, which can
        # only cause an exact check, never skip one.
        first = data[np.minimum(offsets[:-1], data.size - 1)]
        last = data[offsets[1:] - 1]
        if _EDGE_FIRST[first].any() or _EDGE_LAST[last].any():
            return True
    return False


def _clean_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim every text column and turn empty text into null, skipping columns that need neither.

    The check (could trimming shorten any value, is any value empty) is far cheaper than
    rewriting the columns; the result is always that of trimming every column, so it
    does not depend on which rows share a chunk.
    """
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        column = frame.get_column(name)
        if (column.str.len_bytes() == 0).any():
            exprs.append(_clean_text(pl.col(name)).alias(name))
        elif _may_need_trim(column):
            trimmed = column.str.strip_chars().str.len_bytes()
            if ((trimmed < column.str.len_bytes()) | (trimmed == 0)).any():
                exprs.append(_clean_text(pl.col(name)).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def _on_uniques(frame: pl.DataFrame, source: str, build, dtype: pl.DataType) -> pl.Expr:
    """Return `build(source)` computed once per distinct value and mapped back.

    Dates, codes and categories repeat a lot; parsing each distinct value once keeps the
    regex work proportional to the distinct values, not the rows.
    """
    keys = frame.get_column(source).drop_nulls().unique()
    values = pl.DataFrame({"k": keys}).select(build(pl.col("k")).cast(dtype)).to_series()
    return pl.col(source).replace_strict(keys, values, default=None, return_dtype=dtype)


def _label(headings: dict[str, str], name: str) -> str:
    return headings.get(name, name)


def _numbers_refused(
    source_file: str, headings: dict[str, str], column: str, exc: Exception
) -> ImportRefused:
    return ImportRefused(
        f"{source_file}: column {_label(headings, column)!r}: {exc}. State the "
        'format in a mapping file: [csv] decimal = "," and thousands = "." (or '
        'decimal = "." and thousands = ",").'
    )


def _dates_refused(source_file: str, headings: dict[str, str], exc: Exception) -> ImportRefused:
    return ImportRefused(
        f"{source_file}: date column {_label(headings, 'award_date')!r}: {exc}. "
        "It is not guessed: state the order in a mapping file, [dates] order = "
        '"dmy" (day first) or "mdy" (month first), or an exact format, e.g. '
        '[dates.formats] "<heading>" = "%d/%m/%Y".'
    )


def finish_lines(
    raw: pl.DataFrame,
    rejections: pl.DataFrame,
    *,
    source_file: str,
    rates: pl.DataFrame | None = None,
    date_order: str | None = None,
    date_format: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    headings: dict[str, str] | None = None,
    method_overrides: dict[str, str] | None = None,
    partial_rows: bool = False,
    detected: dict | None = None,
    trimmed: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Normalise and validate canonical-named columns; return (accepted lines, rejections).

    For readers that parse a format themselves (OCDS): hand over a frame whose columns
    carry canonical names (`schema.CONTRACT_LINE`) plus `source_row` (Int64, 1-based),
    and optionally `amount_usd` from the source. Values may still be text: `amount` and
    `amount_usd` as text are parsed with decimal/thousands detection (or the given
    `decimal`/`thousands`), `award_date` as text with ISO, day-first, month-first and
    month-name forms (`date_order` 'dmy'/'mdy' or an exact `date_format` settle numeric
    forms; an ambiguous column raises `ImportRefused`). Typed Decimal/number and Date
    columns are taken as they are. Then:

    - `supplier_country` (name or ISO code) -> ISO alpha-3, null if unknown, raw kept in
      `supplier_country_raw`;
    - `category_code` -> UNSPSC code and segment/family titles (raw in `category_raw`; a
      `category_scheme` other than UNSPSC leaves the code null);
    - `procurement_method` -> one of `schema.PROCUREMENT_METHODS` (raw kept);
    - `currency` -> ISO code; amounts converted to USD with `rates` (default: shipped
      rates; pass `currency.rates(store)` to honour a user's rates file), unless the
      source gave `amount_usd`.

    A row is rejected (one report row per reason) when contract_id, supplier_name,
    award_date or amount is missing or unreadable, the currency is missing or not a
    3-letter code, or there is no rate for its currency and month. Rows already listed
    in `rejections` are not accepted either, unless `partial_rows`: a reader whose source
    row yields several lines (OCDS: a release's awards) has left out the rejected parts
    itself, and the row's other lines stay.

    `detected` carries decisions made for the whole file when it is read in chunks
    ({"award_date": order, "amount": (decimal, thousands), "amount_usd": ...}); a
    column named there is not detected again from this frame's values; `trimmed`
    says the text columns went through `_clean_strings` already.
    """
    headings = headings or {}
    detected = detected or {}
    rates = currency.rates() if rates is None else rates
    rejections = rejections if rejections.height else validate.empty_rejections()
    frame = raw
    for name in (*schema.CONTRACT_LINE, "amount_usd"):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    found: list[pl.DataFrame] = [rejections]

    def reject(condition: pl.Expr, column: str, value: pl.Expr, reason: pl.Expr | str) -> None:
        found.append(
            validate.rejections_where(
                frame,
                condition,
                file=source_file,
                column=_label(headings, column),
                value=value,
                reason=reason,
            )
        )

    # Text: trimmed, empty means missing; done once here, so later steps use the columns as-is.
    if not trimmed:
        frame = _clean_strings(frame)
    for column, what in (("contract_id", "contract id"), ("supplier_name", "supplier name")):
        reject(pl.col(column).is_null(), column, pl.col(column), f"missing {what}")

    # Amounts.
    for column in ("amount", "amount_usd"):
        dtype = frame.schema[column]
        if dtype == pl.String:
            text = pl.col(column)
            if decimal:
                dec, thou = decimal, thousands
            elif column in detected:
                dec, thou = detected[column]
            else:
                try:
                    dec, thou = numbers.detect_style(frame.get_column(column))
                except numbers.AmbiguousNumbers as exc:
                    raise _numbers_refused(source_file, headings, column, exc) from exc
            frame = frame.with_columns(text.alias(f"_{column}_raw"))
            raw_values = frame.get_column(f"_{column}_raw")
            parsed = None
            if dec == ".":
                # Fast path: plain numbers ("1234.5", "-7", "1e3") cast directly; any value
                # the cast cannot read sends the whole column through the full parser.
                direct = raw_values.cast(pl.Decimal(38, 10), strict=False)
                if direct.null_count() == raw_values.null_count():
                    parsed = pl.lit(direct.cast(schema.MONEY))
            if parsed is None:
                parsed = numbers.parse_amount(pl.col(f"_{column}_raw"), dec, thou)
            frame = frame.with_columns(parsed.alias(column))
            raw_col = pl.col(f"_{column}_raw")
            reject(
                raw_col.is_not_null() & pl.col(column).is_null(),
                column,
                raw_col,
                "not a number",
            )
        else:
            frame = frame.with_columns(
                pl.col(column).cast(pl.String).alias(f"_{column}_raw"),
                pl.col(column).cast(schema.MONEY),
            )
    reject(pl.col("_amount_raw").is_null(), "amount", pl.col("_amount_raw"), "missing amount")

    # Award date.
    if frame.schema["award_date"] == pl.String:
        text = pl.col("award_date")
        order = date_order
        if not date_format and not order and "award_date" in detected:
            order = detected["award_date"]
        elif not date_format and not order:
            try:
                order = dates.detect_order(frame.get_column("award_date"))
            except dates.AmbiguousDates as exc:
                raise _dates_refused(source_file, headings, exc) from exc
        frame = frame.with_columns(text.alias("_award_date_raw"))
        frame = frame.with_columns(
            _on_uniques(
                frame,
                "_award_date_raw",
                lambda e: dates.parse_dates(e, order=order, fmt=date_format),
                pl.Date(),
            ).alias("award_date")
        )
        expected = date_format or {"dmy": "day/month/year", "mdy": "month/day/year"}.get(
            order or "", "an ISO date (YYYY-MM-DD)"
        )
        reject(
            pl.col("_award_date_raw").is_not_null() & pl.col("award_date").is_null(),
            "award_date",
            pl.col("_award_date_raw"),
            f"not a date (expected {expected})",
        )
    else:
        frame = frame.with_columns(
            pl.col("award_date").cast(pl.String).alias("_award_date_raw"),
            pl.col("award_date").cast(pl.Date),
        )
    # A date a reader already reported as unreadable is not reported again as missing.
    already = rejections.get_column("source_row").implode()
    reject(
        pl.col("award_date").is_null()
        & pl.col("_award_date_raw").is_null()
        & ~pl.col("source_row").is_in(already),
        "award_date",
        pl.col("_award_date_raw"),
        "missing award date",
    )
    # Dates no procurement line can have (Excel's day zero, a typo'd year) are rejected,
    # and then left out of the FX lookup so the row has one reason, not two.
    earliest = limits.min_award_date()
    days_ahead = limits.max_days_ahead()
    latest = date.today() + timedelta(days=days_ahead)
    date_col = pl.col("award_date")
    reject(
        date_col < earliest,
        "award_date",
        pl.col("_award_date_raw"),
        f"award date before {earliest.isoformat()} (TRANSPARENCY_MIN_AWARD_DATE): not a "
        "plausible award date",
    )
    reject(
        date_col > latest,
        "award_date",
        pl.col("_award_date_raw"),
        f"award date more than {days_ahead} days after the import date "
        f"({latest.isoformat()}, TRANSPARENCY_MAX_DAYS_AHEAD): not a plausible award date",
    )
    frame = frame.with_columns(
        pl.when((date_col < earliest) | (date_col > latest))
        .then(None)
        .otherwise(date_col)
        .alias("award_date")
    )

    # Currency.
    frame = frame.with_columns(pl.col("currency").cast(pl.String).alias("_currency_raw"))
    frame = frame.with_columns(
        _on_uniques(frame, "_currency_raw", validate.normalise_currency, pl.String()).alias(
            "currency"
        )
    )
    bad_code = ~pl.col("currency").is_in(sorted(ISO_4217))
    reject(pl.col("currency").is_null(), "currency", pl.col("_currency_raw"), "missing currency")
    reject(
        pl.col("currency").is_not_null() & bad_code,
        "currency",
        pl.col("_currency_raw"),
        "not an ISO 4217 currency code",
    )
    frame = frame.with_columns(
        pl.when(bad_code.fill_null(True)).then(None).otherwise(pl.col("currency")).alias("currency")
    )

    # Countries, categories, methods.
    frame = frame.with_columns(
        pl.coalesce(pl.col("supplier_country_raw"), pl.col("supplier_country")).alias(
            "supplier_country_raw"
        ),
        pl.coalesce(pl.col("category_raw"), pl.col("category_code")).alias("category_raw"),
        pl.coalesce(
            pl.col("procurement_method_raw"),
            pl.col("procurement_method"),
        ).alias("procurement_method_raw"),
    )
    frame = frame.with_columns(
        countries.to_iso3(frame.get_column("supplier_country").cast(pl.String)).alias(
            "supplier_country"
        ),
        validate.normalise_method(
            frame.get_column("procurement_method_raw"), method_overrides
        ).alias("procurement_method"),
    )
    scheme = pl.col("category_scheme")
    # A reader may have mapped another scheme to a UNSPSC prefix itself (OCDS: CPV ->
    # segment via data/reference/cpv_to_unspsc_segment.csv); its code is kept.
    given = pl.col("category_code").is_not_null()
    mapped = (scheme.str.to_uppercase() == "CPV") & given
    is_unspsc = scheme.is_null() | (scheme.str.to_uppercase() == "UNSPSC") | mapped
    # A mapping file's value table may have turned the raw text into a code already.
    frame = frame.with_columns(
        pl.coalesce(pl.col("category_code"), pl.col("category_raw")).alias("_cat")
    )
    code = _on_uniques(frame, "_cat", categories.normalise_code, pl.String())
    frame = frame.with_columns(
        pl.when(is_unspsc).then(code).alias("category_code"),
        pl.when(mapped)
        .then(scheme)
        .when(is_unspsc & code.is_not_null())
        .then(pl.lit("UNSPSC"))
        .otherwise(scheme)
        .alias("category_scheme"),
    )
    # Reference joins get only the columns they read: a join copies every column of its
    # left side, and these frames are wide (the four results are put back by name).
    titles = ("segment_code", "segment_title", "family_code", "family_title")
    classified = categories.classify(frame.select("category_code"))
    frame = frame.with_columns(classified.select(titles))

    # USD: from the export where it has a USD amount, else from the rates.
    export_usd = pl.col("_export_usd")
    # A canonical file (for example a batch exported by this tool) carries its own rate.
    given = frame.select(
        pl.col("fx_rate").cast(pl.String).str.strip_chars().cast(schema.RATE, strict=False),
        pl.col("fx_rate_date").cast(pl.String).str.slice(0, 10).str.to_date(strict=False),
        pl.col("fx_source"),
    ).rename(lambda c: f"_given_{c}")
    frame = frame.rename({"amount_usd": "_export_usd"}).drop("fx_rate", "fx_rate_date", "fx_source")
    usd = ("amount_usd", "fx_rate", "fx_rate_date", "fx_source")
    converted = currency.convert(frame.select("amount", "currency", "award_date"), rates)
    frame = pl.concat([frame, given, converted.select(usd)], how="horizontal")
    if frame.get_column("_export_usd").null_count() < frame.height:
        has_export = export_usd.is_not_null()
        ratio = pl.col("amount").cast(pl.Decimal(38, 14)) / export_usd
        frame = frame.with_columns(
            pl.when(has_export)
            .then(export_usd.round(2).cast(schema.USD))
            .otherwise(pl.col("amount_usd"))
            .alias("amount_usd"),
            pl.when(has_export)
            .then(
                pl.coalesce(
                    pl.col("_given_fx_rate"),
                    pl.when(export_usd != 0).then(ratio.round(6).cast(schema.RATE)),
                )
            )
            .otherwise(pl.col("fx_rate"))
            .alias("fx_rate"),
            pl.when(has_export)
            .then(pl.coalesce(pl.col("_given_fx_rate_date"), pl.col("award_date").dt.month_start()))
            .otherwise(pl.col("fx_rate_date"))
            .alias("fx_rate_date"),
            pl.when(has_export)
            .then(
                pl.coalesce(
                    pl.col("_given_fx_source"),
                    pl.lit(f"export column {_label(headings, 'amount_usd')}"),
                )
            )
            .otherwise(pl.col("fx_source"))
            .alias("fx_source"),
        )
    reject(
        pl.col("amount_usd").is_null()
        & pl.col("amount").is_not_null()
        & pl.col("currency").is_not_null()
        & pl.col("award_date").is_not_null(),
        "currency",
        pl.col("currency"),
        pl.format(
            "no exchange rate for {} in {} (rates tables: shipped Federal Reserve H.10, and "
            "fx_rates.csv in the store folder if present; a rate at most {} months old is "
            "used after a table ends)",
            pl.col("currency"),
            pl.col("award_date").dt.strftime("%Y-%m"),
            pl.lit(currency.MAX_STALE_MONTHS),
        ),
    )

    # A value no single line can have: a misplaced decimal mark or a code in the amount.
    max_usd = limits.max_line_usd()
    reject(
        pl.col("amount_usd").abs() > pl.lit(max_usd, dtype=schema.USD),
        "amount",
        pl.col("_amount_raw"),
        pl.format(
            "{} USD is above the largest plausible line value, {} USD (TRANSPARENCY_MAX_LINE_USD)",
            pl.col("amount_usd").cast(pl.String),
            pl.lit(f"{max_usd:,f}"),
        ),
    )

    rejections = pl.concat(found, how="vertical_relaxed").sort("source_row", maintain_order=True)
    own = pl.concat(found[1:], how="vertical_relaxed") if partial_rows else rejections
    rejected_rows = own.get_column("source_row").unique()
    lines = frame.filter(~pl.col("source_row").is_in(rejected_rows.implode()))
    return schema.conform(lines), rejections.select(list(schema.REJECTION))


def _ocds_module():
    if importlib.util.find_spec("transparency.ingest.ocds") is None:
        return None
    return importlib.import_module("transparency.ingest.ocds")


def _detect_format(path: Path) -> str:
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


def _apply_mapping(
    raw: pl.DataFrame, mapping: Mapping, source_file: str
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """Return the canonical-named frame, rejections found on the way, and heading labels."""
    found = [validate.empty_rejections()]
    exprs = [pl.col("source_row")]
    labels: dict[str, str] = {}

    def cell(heading: str) -> pl.Expr:
        text = _clean_text(pl.col(heading))
        nothing = mapping.placeholders.get(heading)
        if nothing:
            text = pl.when(text.is_in(nothing)).then(None).otherwise(text)
        return text

    for name, heads in mapping.columns.items():
        labels[name] = " / ".join(heads)
        formats = [mapping.date_formats.get(h) for h in heads]
        if name == "award_date" and any(formats):
            # Each heading is read with its own stated format, then the first present wins.
            parsed = []
            for head, fmt in zip(heads, formats, strict=True):
                value = dates.parse_dates(cell(head), order=mapping.date_order, fmt=fmt)
                parsed.append(value)
                found.append(
                    validate.rejections_where(
                        raw,
                        cell(head).is_not_null() & value.is_null(),
                        file=source_file,
                        column=head,
                        value=pl.col(head),
                        reason=f"not a date (expected {fmt or 'an ISO date'})",
                    )
                )
            exprs.append(pl.coalesce(parsed).alias(name))
            continue
        if len(heads) > 1:
            value = pl.coalesce([cell(h) for h in heads])
        elif heads[0] in mapping.placeholders:
            value = cell(heads[0])
        else:
            # Trimming and empty-to-null happen once, in finish_lines.
            value = pl.col(heads[0]).cast(pl.String)
        table = mapping.values.get(name)
        raw_name = RAW_OF.get(name)
        if raw_name and raw_name not in mapping.columns:
            exprs.append(value.alias(raw_name))
        if table and name != "procurement_method":
            value = value.replace(table)
            value = pl.when(value.str.len_chars() > 0).then(value)
        exprs.append(value.alias(name))
    for name, constant in mapping.constants.items():
        if name not in mapping.columns:
            exprs.append(pl.lit(constant, dtype=pl.String).alias(name))
    frame = raw.select(exprs)
    return frame, pl.concat(found), labels


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


WHOLE_ROW = "(whole row)"


def _row_rejections(rows: list[tuple[int, str, str]], file: str) -> pl.DataFrame:
    """Return rejection rows for (source row, raw value, reason) found by a reader."""
    if not rows:
        return validate.empty_rejections()
    return pl.DataFrame(
        [(file, row, WHOLE_ROW, value, reason) for row, value, reason in rows],
        schema=schema.REJECTION,
        orient="row",
    )


def _bitset_bits(rows: int) -> int:
    """Return log2 of the bitset size for about `rows` rows: 16 to 32 bits a row.

    A bit per slot of the hash's top bits is a cheap "maybe seen before" for every row;
    at 16 bits a row only about 3% of the rows of a file without duplicates are looked
    up (10M rows: 32 MB).
    """
    return min(max(int(rows * 16 - 1).bit_length(), 16), 31)


class _Duplicates:
    """The within-file exact-duplicate check, chunk by chunk.

    Every distinct row hash (64 bits, of all the row's cells) is kept for the whole file
    with the row of its first occurrence, as one sorted array per chunk (16 bytes a
    distinct row), behind a bitset of the hashes' top bits. Within a chunk, rows whose
    hash repeats are compared exactly, as before. A row whose hash an earlier chunk had
    is taken as a duplicate of that row for now and the pair is kept: `verify` compares
    those rows for real at the end, so a hash collision is never taken for a duplicate.
    """

    def __init__(self, file: str, rows: int = 1_000_000) -> None:
        self.file = file
        self.bits = _bitset_bits(rows)
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []
        self.pairs: list[pl.DataFrame] = []
        self.bitset: np.ndarray | None = None

    def check(self, raw: pl.DataFrame) -> pl.DataFrame:
        """Return a rejection for each row of `raw` that repeats an earlier row in every column.

        The first copy is imported; each later one is reported as a duplicate of it, so a
        line exported twice is neither counted twice nor dropped silently.
        """
        columns = [c for c in raw.columns if c != "source_row"]
        if not columns or raw.height == 0:
            return validate.empty_rejections()
        row_hash = pl.col(columns[0]).hash(0)
        for seed, column in enumerate(columns[1:], start=1):
            row_hash = row_hash.xor(pl.col(column).hash(seed))
        hashes = raw.select(row_hash).to_series().to_numpy()
        rows = raw.get_column("source_row").to_numpy()
        n = len(hashes)
        order = pl.Series(hashes).arg_sort().to_numpy()  # about half numpy's stable sort
        ordered = hashes[order]
        same_prev = np.zeros(n, dtype=bool)
        same_prev[1:] = ordered[1:] == ordered[:-1]
        in_run = same_prev.copy()
        in_run[:-1] |= same_prev[1:]
        repeated = np.zeros(n, dtype=bool)
        repeated[order[in_run]] = True
        earlier = np.zeros(n, dtype=bool)
        first = np.zeros(n, dtype=np.int64)
        if self.bitset is None:
            self.bitset = np.zeros(1 << (self.bits - 3), dtype=np.uint8)
        slot = hashes >> np.uint64(64 - self.bits)
        byte, bit = (slot >> np.uint64(3)).astype(np.int64), (slot & np.uint64(7)).astype(np.uint8)
        if self.runs:
            maybe = np.flatnonzero((self.bitset[byte] >> bit) & 1)
            wanted = hashes[maybe]
            for seen, firsts in self.runs:  # each hash is kept in one run only
                at = np.minimum(np.searchsorted(seen, wanted), seen.size - 1)
                hit = seen[at] == wanted
                earlier[maybe[hit]] = True
                first[maybe[hit]] = firsts[at[hit]]
        found = []
        if earlier.any():
            matched = raw.filter(pl.Series(earlier)).with_columns(
                pl.Series("_first", first[earlier])
            )
            self.pairs.append(matched.select("source_row", "_first"))
            found.append(matched)
        # A cheap screen first: equal rows have equal hashes; only rows whose hash repeats
        # are compared exactly (a hash collision is then not taken for a duplicate).
        screen = repeated & ~earlier
        if screen.any():
            at_first = pl.col("source_row").min().over(columns)
            found.append(
                raw.filter(pl.Series(screen))
                .with_columns(at_first.alias("_first"))
                .filter(pl.col("source_row") != pl.col("_first"))
            )
        # Remember this chunk's new hashes with the row of their first occurrence (the
        # smallest row of each run of equal hashes).
        starts = np.flatnonzero(~same_prev)
        fresh = ~earlier[order[starts]]
        if fresh.any():
            kept = ordered[starts[fresh]]
            self.runs.append((kept, np.minimum.reduceat(rows[order], starts)[fresh]))
            # Sorted hashes give sorted slots: OR each byte's bits together, then set them
            # (np.bitwise_or.at does it per element, ten times slower).
            slot = kept >> np.uint64(64 - self.bits)
            at = (slot >> np.uint64(3)).astype(np.int64)
            bits = np.left_shift(np.uint8(1), (slot & np.uint64(7)).astype(np.uint8))
            heads = np.flatnonzero(np.concatenate(([True], at[1:] != at[:-1])))
            self.bitset[at[heads]] |= np.bitwise_or.reduceat(bits, heads)
        if not found:
            return validate.empty_rejections()
        dups = pl.concat(found, how="vertical_relaxed").sort("source_row")
        return dups.select(
            pl.lit(self.file, dtype=pl.String).alias("file"),
            pl.col("source_row"),
            pl.lit(WHOLE_ROW, dtype=pl.String).alias("column"),
            pl.concat_str([pl.col(c).fill_null("") for c in columns[:6]], separator=" | ").alias(
                "value"
            ),
            pl.format(
                "duplicate of row {}: every column the same; the first copy is imported, this "
                "one is not counted again",
                pl.col("_first"),
            ).alias("reason"),
        )

    def verify(self, chunks: Iterator[pl.DataFrame]) -> bool:
        """Return True when every duplicate found across chunks equals its first copy.

        `chunks` reads the file again (numbered, blank and ragged rows left out); only
        the rows of the pairs are kept, then compared cell by cell.
        """
        if not self.pairs:
            return True
        pairs = pl.concat(self.pairs)
        wanted = pl.concat([pairs.get_column("source_row"), pairs.get_column("_first")]).unique()
        kept = [c.filter(pl.col("source_row").is_in(wanted.implode())) for c in chunks]
        rows = pl.concat(kept, how="vertical_relaxed")
        columns = [c for c in rows.columns if c != "source_row"]
        both = pairs.join(rows, on="source_row").join(
            rows, left_on="_first", right_on="source_row", suffix="__first"
        )
        if both.height != pairs.height:
            return False
        same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"{c}__first")) for c in columns])
        return bool(both.select(same.all()).item())


def _check_duplicate_headings(headings: list[str], used: dict[str, list[str]], name: str) -> None:
    """Refuse a file when a heading the import reads appears more than once."""
    positions: dict[str, list[int]] = {}
    for i, heading in enumerate(headings, start=1):
        positions.setdefault(heading, []).append(i)
    for canonical, heads in used.items():
        for head in heads:
            where = positions.get(head, [])
            if len(where) > 1:
                raise ImportRefused(
                    f"{name}: the heading {head!r} appears {len(where)} times (columns "
                    f"{', '.join(map(str, where))}), and it would be read as {canonical}; "
                    "the import does not guess which one holds it. Rename the columns in the "
                    "export so each heading is unique."
                )


def _check_rows(rows_read: int, name: str) -> None:
    most = limits.max_import_rows()
    if rows_read > most:
        raise ImportRefused(
            f"{name}: has {rows_read:,} rows, more than the import limit of {most:,} rows "
            "(TRANSPARENCY_MAX_IMPORT_ROWS). Split the export, or raise the limit."
        )


DEFAULT_CHUNK_ROWS = 500_000


def chunk_rows_setting() -> int:
    """Return the rows per chunk of a streamed import (`TRANSPARENCY_IMPORT_CHUNK_ROWS`).

    Default 500,000 (about 0.5 GB of working memory per chunk in flight); 0 reads every
    file whole, as before streaming.
    """
    text = os.environ.get("TRANSPARENCY_IMPORT_CHUNK_ROWS", "").strip().replace("_", "")
    try:
        rows = int(text) if text else DEFAULT_CHUNK_ROWS
    except ValueError as exc:
        raise ImportRefused(
            f"TRANSPARENCY_IMPORT_CHUNK_ROWS must be a whole number of rows, not {text!r}."
        ) from exc
    return max(rows, 0)


class _Restart(Exception):
    """A chunked read cannot give the whole-file result as it went: start again.

    `whole`: read the file whole (the reader needs it, or a hash collision was found);
    `prescan`: decide dates and numbers from a first pass over the whole file.
    """

    def __init__(self, *, whole: bool = False, prescan: bool = False) -> None:
        super().__init__("restart")
        self.whole = whole
        self.prescan = prescan


Pieces = Iterator[tuple[pl.DataFrame, list[tuple[int, int, str]], bool]]


@dataclass
class _Source:
    """A file opened for reading: what was detected, and a way to read its pieces."""

    kind: str
    info: dict
    headings: list[str] | None
    pieces: Callable[[], Pieces]
    chunked: bool
    rows: int = 1_000_000  # about how many rows (sizes the duplicate check's bitset)


def _read_whole(path: Path, mapping: Mapping, kind: str) -> _Source:
    name = path.name
    try:
        if kind == "parquet":
            raw, info = read_parquet(path)
        elif kind == "xlsx":
            raw, info = read_excel(path, sheet=mapping.csv.get("sheet"))
        else:
            raw, info = read_csv(
                path, delimiter=mapping.csv.get("delimiter"), encoding=mapping.csv.get("encoding")
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
    return _Source(kind, info, headings, lambda: iter([(raw, ragged, True)]), False, raw.height)


def _parquet_pieces(path: Path, chunk_rows: int) -> Pieces:
    """Read whole row groups, about `chunk_rows` rows at a time, as text (see read_parquet)."""
    import pyarrow.parquet as pq

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


def _open(path: Path, mapping: Mapping, chunk_rows: int) -> _Source:
    """Open a CSV or Parquet file for a chunked read where it can be, else read it whole."""
    kind = _detect_format(path)
    if chunk_rows and kind == "csv":
        options = {
            "delimiter": mapping.csv.get("delimiter"),
            "encoding": mapping.csv.get("encoding"),
            "chunk_rows": chunk_rows,
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
            return _Source(kind, info, headings, pieces, True, rows)
    if chunk_rows and kind == "parquet":
        import pyarrow.parquet as pq

        try:
            with pq.ParquetFile(path) as parquet:
                rows = parquet.metadata.num_rows
        except Exception:  # noqa: BLE001 - a damaged footer: the whole-file reader names it
            pass
        else:
            pieces = lambda: _parquet_pieces(path, chunk_rows)  # noqa: E731
            return _Source(kind, {"format": "parquet"}, None, pieces, True, rows)
    return _read_whole(path, mapping, kind)


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


class _Stream:
    """One import's pass over a file: chunk by chunk, canonical lines out, rejections kept.

    For each chunk: rows numbered in the file, ragged and blank rows out, exact
    duplicates (across chunks too), the mapping, then `finish_lines`. Decisions the
    whole file must share (date order, decimal style) are made from the evidence of
    every chunk so far; if a later chunk would change one, or leaves a date column
    ambiguous that more rows may settle, `_Restart` asks for a first pass over the whole
    file. Rejections are small and kept; lines go to the store as they are made.
    """

    def __init__(
        self,
        source: _Source,
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
        self.duplicates = _Duplicates(name, source.rows)
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
            found = _row_rejections(
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
                raise _Restart(whole=True) from exc
            yield item

    def _count_rest(self, rest: Iterator) -> None:
        """Count the rows left (reading only) and refuse a file over the row limit."""
        for raw, _found, n_ragged, _last in rest:
            self.rows_read += raw.height + n_ragged
        _check_rows(self.rows_read, self.name)

    def _start(self, raw: pl.DataFrame, last: bool) -> None:
        """First chunk: the checks on the whole file's shape, and the column mapping."""
        if last:
            _check_rows(self.rows_read, self.name)
        elif self.rows_read == 0:
            raise _Restart(whole=True)  # a first piece of blank lines: rare, read it whole
        columns = [c for c in raw.columns if c != "source_row"]
        if not columns:
            raise ImportRefused(f"{self.name}: the file is empty (no heading line, no rows).")
        if self.rows_read == 0:
            raise ImportRefused(
                f"{self.name}: the file has a heading line but no data rows; there is nothing "
                "to import."
            )
        try:
            resolved = resolve(columns, self.mapping, file=self.name)
        except MappingError as exc:
            raise ImportRefused(str(exc)) from exc
        _check_duplicate_headings(self.headings, resolved.columns, self.name)
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
                        raise _dates_refused(self.name, labels, exc) from exc
                    if not self.prescanning:
                        raise _Restart(prescan=True) from exc
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
                        raise _Restart(prescan=True) from exc
                    raise _numbers_refused(self.name, labels, column, exc) from exc
        if self.used is None:
            self.used = detected
        elif detected != self.used:
            raise _Restart(prescan=True)  # an earlier chunk was read another way
        return detected

    def _mapped(self, raw: pl.DataFrame, found: pl.DataFrame, dedupe: bool):
        parts = [found]
        if dedupe:
            duplicates = self.duplicates.check(raw)
            if duplicates.height:
                parts.append(duplicates)
                keep = ~pl.col("source_row").is_in(duplicates.get_column("source_row").implode())
                raw = raw.filter(keep)
        frame, rejections, self.labels = _apply_mapping(raw, self.resolved, self.name)
        parts.append(rejections)
        # Trimmed once here: the decisions below and finish_lines read the same values.
        return _clean_strings(frame), pl.concat(parts)

    def lines(self) -> Iterator[pl.DataFrame]:
        """Yield the canonical lines chunk by chunk (rejections gather in `found`)."""
        reading = self._reading()
        for raw, found, n_ragged, last in reading:
            self.rows_read += raw.height + n_ragged
            try:
                if self.resolved is None:
                    self._start(raw, last)
                elif self.rows_read > limits.max_import_rows():
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
                raise _Restart(whole=True)  # a hash collision: the whole-file check is exact
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
                elif self.rows_read > limits.max_import_rows():
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


def _ocds_lines(path: Path, name: str, rates: pl.DataFrame):
    ocds = _ocds_module()
    try:
        frame, rejections, rows_read = ocds.read_ocds(path)
    except ocds.NotOcds as exc:
        raise ImportRefused(str(exc)) from exc
    _check_rows(rows_read, name)
    lines, rejections = finish_lines(
        frame, rejections, source_file=name, rates=rates, partial_rows=True
    )
    return [lines], lambda: rejections, rows_read, {"format": "ocds", "columns": {}}


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
        limits.current()  # a malformed limit variable is reported before any work
    except limits.LimitError as exc:
        raise ImportRefused(f"{name}: not imported: {exc}") from exc
    size, most = path.stat().st_size, limits.max_upload_bytes()
    if size > most:
        raise ImportRefused(
            f"{name}: the file is {size / 1048576:,.1f} MB, above the upload limit of "
            f"{limits.max_upload_mb():,g} MB (TRANSPARENCY_MAX_UPLOAD_MB). Split the export "
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
            except _Restart as restart:
                if restart.whole:
                    chunk_rows = 0
                elif restart.prescan:
                    try:
                        source = _open(path, mapping, chunk_rows)
                        detected = _Stream(source, name, mapping, rates).prescan()
                    except _Restart:
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
        content_hash = hashing.checked(store, name)
        chunks, rejections, rows_read, info = _ocds_lines(path, name, rates)
    else:
        stream = _Stream(_open(path, mapping, chunk_rows), name, mapping, rates, detected)
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
    return ImportResult(
        batch=batch,
        rows_read=batch.rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        rejections_path=store.rejections_path(batch.batch_id),
    )
