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
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from transparency import categories, countries, currency, limits, schema
from transparency.ingest import dates, numbers, validate
from transparency.ingest.csv_reader import CsvError, read_csv
from transparency.ingest.excel_reader import ExcelRefused, read_excel
from transparency.ingest.mapping import Mapping, MappingError, resolve
from transparency.ingest.ocds import ISO_4217
from transparency.ingest.parquet_reader import read_parquet
from transparency.store import Batch, DuplicateImport, Store, StoreError, file_hash

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


def _clean_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim every text column and turn empty text into null, skipping columns that need neither.

    The check (edge spaces or tabs, empty text) is far cheaper than rewriting a column.
    """
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        col = frame.get_column(name)
        needs = (col.str.len_bytes() == 0).any() or any(
            (col.str.starts_with(ch) | col.str.ends_with(ch)).any() for ch in (" ", "\t", "\u00a0")
        )
        if needs:
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
    """
    headings = headings or {}
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
    frame = _clean_strings(frame)
    for column, what in (("contract_id", "contract id"), ("supplier_name", "supplier name")):
        reject(pl.col(column).is_null(), column, pl.col(column), f"missing {what}")

    # Amounts.
    for column in ("amount", "amount_usd"):
        dtype = frame.schema[column]
        if dtype == pl.String:
            text = pl.col(column)
            try:
                dec, thou = (
                    (decimal, thousands)
                    if decimal
                    else numbers.detect_style(frame.get_column(column))
                )
            except numbers.AmbiguousNumbers as exc:
                raise ImportRefused(
                    f"{source_file}: column {_label(headings, column)!r}: {exc}. State the "
                    'format in a mapping file: [csv] decimal = "," and thousands = "." (or '
                    'decimal = "." and thousands = ",").'
                ) from exc
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
        if not date_format and not order:
            try:
                order = dates.detect_order(frame.get_column("award_date"))
            except dates.AmbiguousDates as exc:
                raise ImportRefused(
                    f"{source_file}: date column {_label(headings, 'award_date')!r}: {exc}. "
                    "It is not guessed: state the order in a mapping file, [dates] order = "
                    '"dmy" (day first) or "mdy" (month first), or an exact format, e.g. '
                    '[dates.formats] "<heading>" = "%d/%m/%Y".'
                ) from exc
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
    frame = frame.with_columns(
        pl.col("currency").alias("_currency_raw"),
    ).with_columns(validate.normalise_currency(pl.col("_currency_raw")).alias("currency"))
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
    frame = categories.classify(frame)

    # USD: from the export where it has a USD amount, else from the rates.
    export_usd = pl.col("_export_usd")
    # A canonical file (for example a batch exported by this tool) carries its own rate.
    given = frame.select(
        pl.col("fx_rate").cast(pl.String).str.strip_chars().cast(schema.RATE, strict=False),
        pl.col("fx_rate_date").cast(pl.String).str.slice(0, 10).str.to_date(strict=False),
        pl.col("fx_source"),
    ).rename(lambda c: f"_given_{c}")
    frame = frame.rename({"amount_usd": "_export_usd"}).drop("fx_rate", "fx_rate_date", "fx_source")
    frame = currency.convert(pl.concat([frame, given], how="horizontal"), rates)
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


def _duplicate_rows(raw: pl.DataFrame, file: str) -> pl.DataFrame:
    """Return a rejection for each row that repeats an earlier row in every column.

    The first copy is imported; each later one is reported as a duplicate of it, so a
    line exported twice is neither counted twice nor dropped silently.
    """
    columns = [c for c in raw.columns if c != "source_row"]
    if not columns or raw.height < 2:
        return validate.empty_rejections()
    # A cheap screen first: equal rows have equal hashes; only rows whose hash repeats
    # are compared exactly (a hash collision is then not taken for a duplicate).
    row_hash = pl.col(columns[0]).hash(0)
    for seed, column in enumerate(columns[1:], start=1):
        row_hash = row_hash.xor(pl.col(column).hash(seed))
    candidates = raw.filter(row_hash.is_duplicated())
    if candidates.height == 0:
        return validate.empty_rejections()
    first = pl.col("source_row").min().over(columns)
    dups = candidates.with_columns(first.alias("_first")).filter(
        pl.col("source_row") != pl.col("_first")
    )
    return dups.select(
        pl.lit(file, dtype=pl.String).alias("file"),
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


def read_file(
    path: Path, mapping: Mapping | None
) -> tuple[pl.DataFrame, pl.DataFrame, int, dict, dict[str, str]]:
    """Read any supported file into canonical-named columns.

    Returns (frame, rejections so far, rows_read, reader info, heading labels).
    """
    name = path.name
    ocds = _ocds_module()
    if ocds is not None and ocds.looks_like_ocds(path):
        try:
            frame, rejections, rows_read = ocds.read_ocds(path)
        except ocds.NotOcds as exc:
            raise ImportRefused(str(exc)) from exc
        _check_rows(rows_read, name)
        return frame, rejections, rows_read, {"format": "ocds"}, {}
    mapping = mapping or Mapping()
    kind = _detect_format(path)
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
    # Numbered before blank rows are dropped, so source_row matches the file's data rows.
    raw = raw.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("source_row"))
    found = [
        _row_rejections(
            [
                (
                    row,
                    text,
                    f"the row has {fields} field(s) but the heading line has {len(headings)} "
                    f"(delimiter {info.get('delimiter', ',')!r}): a delimiter inside an "
                    "unquoted value, or a missing field; the row is not read",
                )
                for row, fields, text in ragged
            ],
            name,
        )
    ]
    if ragged:
        bad = pl.Series([r[0] for r in ragged], dtype=pl.Int64).implode()
        raw = raw.filter(~pl.col("source_row").is_in(bad))
    raw = _drop_blank_rows(raw)
    rows_read = raw.height + len(ragged)
    _check_rows(rows_read, name)
    columns = [c for c in raw.columns if c != "source_row"]
    if not columns:
        raise ImportRefused(f"{name}: the file is empty (no heading line, no rows).")
    if rows_read == 0:
        raise ImportRefused(
            f"{name}: the file has a heading line but no data rows; there is nothing to import."
        )
    try:
        resolved = resolve(columns, mapping, file=name)
    except MappingError as exc:
        raise ImportRefused(str(exc)) from exc
    _check_duplicate_headings(headings, resolved.columns, name)
    duplicates = _duplicate_rows(raw, name)
    if duplicates.height:
        found.append(duplicates)
        raw = raw.filter(~pl.col("source_row").is_in(duplicates.get_column("source_row").implode()))
    frame, rejections, labels = _apply_mapping(raw, resolved, name)
    found.append(rejections)
    info = {**info, "mapping": resolved.source, "columns": resolved.columns}
    return frame, pl.concat(found), rows_read, info, labels


def _check_rows(rows_read: int, name: str) -> None:
    most = limits.max_import_rows()
    if rows_read > most:
        raise ImportRefused(
            f"{name}: has {rows_read:,} rows, more than the import limit of {most:,} rows "
            "(TRANSPARENCY_MAX_IMPORT_ROWS). Split the export, or raise the limit."
        )


def import_file(
    path: str | Path,
    store: Store,
    *,
    mapping: Mapping | str | Path | None = None,
    source_name: str | None = None,
) -> ImportResult:
    """Import one export file (CSV, XLSX, Parquet, or OCDS when that reader is present).

    Raises `ImportRefused` for whole-file problems: unreadable file, missing or ambiguous
    columns, ambiguous dates or numbers, and a file already imported.
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
    content_hash = file_hash(path)
    for existing in store.batches():
        if existing.content_hash == content_hash:
            raise ImportRefused(
                f"{name} was already imported as batch {existing.batch_id} (from "
                f"{existing.source_file} at {existing.imported_at}); undo that batch first "
                "to import it again."
            )
    try:
        rates = currency.rates(store.root)
    except ValueError as exc:  # the user's own rates file is malformed
        raise ImportRefused(str(exc)) from exc
    frame, rejections, rows_read, info, labels = read_file(path, mapping)
    opts = mapping.csv if isinstance(mapping, Mapping) else {}
    formats = mapping.date_formats if isinstance(mapping, Mapping) else {}
    date_heads = info.get("columns", {}).get("award_date", []) if isinstance(info, dict) else []
    single_format = formats.get(date_heads[0]) if len(date_heads) == 1 else None
    lines, rejections = finish_lines(
        frame,
        rejections,
        source_file=name,
        rates=rates,
        date_order=mapping.date_order if isinstance(mapping, Mapping) else None,
        date_format=single_format,
        decimal=opts.get("decimal"),
        thousands=opts.get("thousands"),
        headings=labels,
        method_overrides=(
            mapping.values.get("procurement_method") if isinstance(mapping, Mapping) else None
        ),
        partial_rows=info.get("format") == "ocds",
    )
    extra = {k: v for k, v in info.items() if k != "columns"}
    extra["columns"] = {k: list(v) for k, v in info.get("columns", {}).items()}
    try:
        batch = store.add_batch(
            lines,
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
        rows_read=rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        rejections_path=store.rejections_path(batch.batch_id),
    )
