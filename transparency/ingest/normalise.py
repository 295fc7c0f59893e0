"""Normalising and validating canonical-named lines: `finish_lines` and its steps.

Each step takes the frame and returns it with its columns normalised, reporting the
rows it rejects; the steps run in a fixed order because later ones read what earlier
ones left (a date rejected as implausible is left out of the FX lookup, for example).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from transparency import categories, countries, currency, schema, settings
from transparency.ingest import dates, numbers, validate
from transparency.ingest.ocds import ISO_4217
from transparency.ingest.refusals import dates_refused, label, numbers_refused
from transparency.ingest.text import clean_strings, on_uniques
from transparency.ingest.undisclosed import mark_undisclosed


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
    undisclosed: list[str] | None = None,
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
    says the text columns went through `clean_strings` already.
    """
    headings = headings or {}
    detected = detected or {}
    rates = currency.rates() if rates is None else rates
    rejections = rejections if rejections.height else validate.empty_rejections()
    frame = raw
    for name in (*schema.CONTRACT_LINE, "amount_usd"):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    report = _Report(rejections, source_file, headings)
    # Text: trimmed, empty means missing; done once here, so later steps use the columns as-is.
    if not trimmed:
        frame = clean_strings(frame)
    # Withheld names ("Withheld", a mapping's [suppliers] undisclosed) are kept, one
    # undisclosed supplier per contract: see `undisclosed`.
    frame = mark_undisclosed(frame, undisclosed)
    for column, what in (("contract_id", "contract id"), ("supplier_name", "supplier name")):
        report.reject(frame, pl.col(column).is_null(), column, pl.col(column), f"missing {what}")
    for column in ("amount", "amount_usd"):
        frame = _amount(frame, report, column, decimal, thousands, detected)
    report.reject(
        frame, pl.col("_amount_raw").is_null(), "amount", pl.col("_amount_raw"), "missing amount"
    )
    frame = _award_date(frame, report, date_order, date_format, detected)
    frame = _plausible_dates(frame, report)
    frame = _currency(frame, report)
    frame = _country_category_method(frame, method_overrides)
    frame = _usd(frame, rates, headings)
    _check_usd(frame, report)
    return _accepted(frame, report.found, partial_rows)


class _Report:
    """The rejections of one frame: those handed in first, then one per step's reason."""

    def __init__(self, rejections: pl.DataFrame, source_file: str, headings: dict) -> None:
        self.given = rejections
        self.found: list[pl.DataFrame] = [rejections]
        self.file = source_file
        self.headings = headings

    def reject(
        self,
        frame: pl.DataFrame,
        condition: pl.Expr,
        column: str,
        value: pl.Expr,
        reason: pl.Expr | str,
    ) -> None:
        self.found.append(
            validate.rejections_where(
                frame,
                condition,
                file=self.file,
                column=label(self.headings, column),
                value=value,
                reason=reason,
            )
        )


def _amount(
    frame: pl.DataFrame,
    report: _Report,
    column: str,
    decimal: str | None,
    thousands: str | None,
    detected: dict,
) -> pl.DataFrame:
    """Parse `column` (text; a typed number is taken as it is), its raw text kept in
    `_<column>_raw`; a value that is not a number is rejected."""
    if frame.schema[column] != pl.String:
        return frame.with_columns(
            pl.col(column).cast(pl.String).alias(f"_{column}_raw"),
            pl.col(column).cast(schema.MONEY),
        )
    text = pl.col(column)
    if decimal:
        dec, thou = decimal, thousands
    elif column in detected:
        dec, thou = detected[column]
    else:
        try:
            dec, thou = numbers.detect_style(frame.get_column(column))
        except numbers.AmbiguousNumbers as exc:
            raise numbers_refused(report.file, report.headings, column, exc) from exc
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
    report.reject(
        frame,
        raw_col.is_not_null() & pl.col(column).is_null(),
        column,
        raw_col,
        "not a number",
    )
    return frame


def _award_date(
    frame: pl.DataFrame,
    report: _Report,
    date_order: str | None,
    date_format: str | None,
    detected: dict,
) -> pl.DataFrame:
    """Parse `award_date` (text; a typed date is taken as it is), its raw text kept in
    `_award_date_raw`; an unreadable or missing date is rejected."""
    if frame.schema["award_date"] == pl.String:
        text = pl.col("award_date")
        order = date_order
        if not date_format and not order and "award_date" in detected:
            order = detected["award_date"]
        elif not date_format and not order:
            try:
                order = dates.detect_order(frame.get_column("award_date"))
            except dates.AmbiguousDates as exc:
                raise dates_refused(report.file, report.headings, exc) from exc
        frame = frame.with_columns(text.alias("_award_date_raw"))
        frame = frame.with_columns(
            on_uniques(
                frame,
                "_award_date_raw",
                lambda e: dates.parse_dates(e, order=order, fmt=date_format),
                pl.Date(),
            ).alias("award_date")
        )
        expected = date_format or {"dmy": "day/month/year", "mdy": "month/day/year"}.get(
            order or "", "an ISO date (YYYY-MM-DD)"
        )
        unread = pl.col("_award_date_raw").is_not_null() & pl.col("award_date").is_null()
        # Written as YYYY-MM-DD but no such day (2025-02-30): say that, not "expected an
        # ISO date", which it is.
        iso_shape = pl.col("_award_date_raw").str.strip_chars().str.contains(r"^\d{4}-\d{2}-\d{2}$")
        report.reject(
            frame,
            unread & iso_shape,
            "award_date",
            pl.col("_award_date_raw"),
            "not a date: no such day in the calendar (the month has fewer days, or is not 1 to 12)",
        )
        report.reject(
            frame,
            unread & ~iso_shape,
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
    already = report.given.get_column("source_row").implode()
    report.reject(
        frame,
        pl.col("award_date").is_null()
        & pl.col("_award_date_raw").is_null()
        & ~pl.col("source_row").is_in(already),
        "award_date",
        pl.col("_award_date_raw"),
        "missing award date",
    )
    return frame


def _plausible_dates(frame: pl.DataFrame, report: _Report) -> pl.DataFrame:
    """Reject dates no procurement line can have (Excel's day zero, a typo'd year), and
    leave them out of the FX lookup so the row has one reason, not two."""
    earliest = settings.min_award_date()
    days_ahead = settings.max_days_ahead()
    latest = date.today() + timedelta(days=days_ahead)
    date_col = pl.col("award_date")
    report.reject(
        frame,
        date_col < earliest,
        "award_date",
        pl.col("_award_date_raw"),
        f"award date before {earliest.isoformat()} (TRANSPARENCY_MIN_AWARD_DATE): not a "
        "plausible award date",
    )
    report.reject(
        frame,
        date_col > latest,
        "award_date",
        pl.col("_award_date_raw"),
        f"award date more than {days_ahead} days after the import date: after "
        f"{latest.isoformat()} (imported on {date.today().isoformat()}; the limit is "
        "TRANSPARENCY_MAX_DAYS_AHEAD): not a plausible award date",
    )
    return frame.with_columns(
        pl.when((date_col < earliest) | (date_col > latest))
        .then(None)
        .otherwise(date_col)
        .alias("award_date")
    )


def _currency(frame: pl.DataFrame, report: _Report) -> pl.DataFrame:
    """Normalise `currency` to an ISO 4217 code; a missing or unknown one is rejected (null)."""
    frame = frame.with_columns(pl.col("currency").cast(pl.String).alias("_currency_raw"))
    frame = frame.with_columns(
        on_uniques(frame, "_currency_raw", validate.normalise_currency, pl.String()).alias(
            "currency"
        )
    )
    bad_code = ~pl.col("currency").is_in(sorted(ISO_4217))
    report.reject(
        frame, pl.col("currency").is_null(), "currency", pl.col("_currency_raw"), "missing currency"
    )
    report.reject(
        frame,
        pl.col("currency").is_not_null() & bad_code,
        "currency",
        pl.col("_currency_raw"),
        "not an ISO 4217 currency code",
    )
    return frame.with_columns(
        pl.when(bad_code.fill_null(True)).then(None).otherwise(pl.col("currency")).alias("currency")
    )


def _country_category_method(frame: pl.DataFrame, method_overrides: dict | None) -> pl.DataFrame:
    """Country to ISO alpha-3, category to a UNSPSC code with its titles, method to one of
    `schema.PROCUREMENT_METHODS`; the raw text of each is kept beside it."""
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
    code = on_uniques(frame, "_cat", categories.normalise_code, pl.String())
    # A segment or family title of the shipped edition is recognised as its code (issue 17).
    titled = categories.title_key(pl.col("_cat")).replace_strict(
        categories.title_codes(), default=None, return_dtype=pl.String
    )
    code = pl.coalesce(code, titled)
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
    return frame


def _usd(frame: pl.DataFrame, rates: pl.DataFrame, headings: dict[str, str]) -> pl.DataFrame:
    """Add `amount_usd` and its rate: from the export where it has a USD amount, else
    from `rates`."""
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
                    pl.lit(f"export column {label(headings, 'amount_usd')}"),
                )
            )
            .otherwise(pl.col("fx_source"))
            .alias("fx_source"),
        )
    return frame


def _check_usd(frame: pl.DataFrame, report: _Report) -> None:
    """Reject a line without a rate for its currency and month, and a value no single
    line can have (a misplaced decimal mark or a code in the amount)."""
    report.reject(
        frame,
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
    max_usd = settings.max_line_usd()
    report.reject(
        frame,
        pl.col("amount_usd").abs() > pl.lit(max_usd, dtype=schema.USD),
        "amount",
        pl.col("_amount_raw"),
        pl.format(
            "{} USD is above the largest plausible line value, {} USD (TRANSPARENCY_MAX_LINE_USD)",
            pl.col("amount_usd").cast(pl.String),
            pl.lit(f"{max_usd:,f}"),
        ),
    )


def _accepted(
    frame: pl.DataFrame, found: list[pl.DataFrame], partial_rows: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (the lines of rows not rejected, the rejection report sorted by row)."""
    rejections = pl.concat(found, how="vertical_relaxed").sort("source_row", maintain_order=True)
    own = pl.concat(found[1:], how="vertical_relaxed") if partial_rows else rejections
    rejected_rows = own.get_column("source_row").unique()
    lines = frame.filter(~pl.col("source_row").is_in(rejected_rows.implode()))
    # Each rejection carries its row's value, when the row is one line here (an OCDS row
    # of several awards has left its rejected part out: no value is guessed for it).
    values = frame.filter(pl.len().over("source_row") == 1).select(
        "source_row",
        pl.col("_amount_raw").cast(pl.String).alias("amount_raw"),
        pl.col("_currency_raw").alias("currency_raw"),
        pl.col("amount_usd").cast(schema.REJECTION_VALUE["amount_usd"]),
    )
    rejections = rejections.select(list(schema.REJECTION)).join(
        values, on="source_row", how="left", maintain_order="left"
    )
    return schema.conform(lines), rejections
