"""Currencies: monthly rates to USD and conversion of contract amounts.

Rates are *units of the currency per 1 USD* for a calendar month (the month's
first day). The shipped table `data/reference/fx_rates_monthly.csv` comes from the
US Federal Reserve H.10 series (see `data/reference/SOURCES.md`). A user's own file
at `settings.user_fx_rates_path(store)` (same columns: currency, month,
units_per_usd, source; for example the UN operational rates of exchange) takes
precedence for every (currency, month) it lists.

Rule for award months after a currency's last month in the tables: the latest rate
is used only when it is at most `MAX_STALE_MONTHS` months older than the award
month, and `fx_rate_date` then records that rate's own month; otherwise there is
no rate and the line is rejected by the caller. Gaps inside a series are never
filled.

>>> df = pl.DataFrame({"amount": [Decimal("100")], "currency": ["EUR"],
...                    "award_date": [date(2024, 3, 15)]},
...                   schema_overrides={"amount": schema.MONEY})
>>> convert(df, rates()).get_column("fx_rate_date").to_list()
[datetime.date(2024, 3, 1)]
"""

from __future__ import annotations

import functools
from datetime import date  # noqa: F401  (used in the doctest)
from decimal import Decimal  # noqa: F401  (used in the doctest)
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from transparency import schema
from transparency.settings import REFERENCE_DIR, user_fx_rates_path

if TYPE_CHECKING:
    from transparency.store import Store

FX_CSV = REFERENCE_DIR / "fx_rates_monthly.csv"
MAX_STALE_MONTHS = 3
USD_SOURCE = "USD (no conversion)"
SHIPPED_SOURCE = "Federal Reserve H.10"

RATES_SCHEMA: dict[str, pl.DataType] = {
    "currency": pl.String(),
    "month": pl.Date(),
    "units_per_usd": schema.RATE,
    "source": pl.String(),
}

# H.10 series names in the datahub file -> ISO 4217 code. Legacy European codes stop
# in 2001. Venezuela is left out on purpose: its series mixes three denominations
# (VEB, VEF, VES) under one name, so no single ISO code is right for it.
FED_CURRENCIES: dict[str, str] = {
    "Australia": "AUD",
    "Austria": "ATS",
    "Belgium": "BEF",
    "Brazil": "BRL",
    "Canada": "CAD",
    "China": "CNY",
    "Denmark": "DKK",
    "Euro": "EUR",
    "Finland": "FIM",
    "France": "FRF",
    "Germany": "DEM",
    "Greece": "GRD",
    "Hong Kong": "HKD",
    "India": "INR",
    "Ireland": "IEP",
    "Italy": "ITL",
    "Japan": "JPY",
    "Malaysia": "MYR",
    "Mexico": "MXN",
    "Netherlands": "NLG",
    "New Zealand": "NZD",
    "Norway": "NOK",
    "Portugal": "PTE",
    "Singapore": "SGD",
    "South Africa": "ZAR",
    "South Korea": "KRW",
    "Spain": "ESP",
    "Sri Lanka": "LKR",
    "Sweden": "SEK",
    "Switzerland": "CHF",
    "Taiwan": "TWD",
    "Thailand": "THB",
    "United Kingdom": "GBP",
}


def build_reference(source_csv: Path, dest_csv: Path = FX_CSV) -> pl.DataFrame:
    """Derive `fx_rates_monthly.csv` from the datahub H.10 `monthly.csv`.

    The source's SOURCE.md says AUD, EUR, IEP, NZD and GBP are quoted as USD per
    unit, but the values in this file are already units per USD for every series
    (EUR 2008-07 is 0.6346, i.e. 1.576 USD per euro; GBP 1980-01 is 0.4417, i.e.
    2.26 USD per pound, both matching H.10), so nothing is inverted.
    """
    src = pl.read_csv(source_csv, infer_schema_length=0)
    frame = (
        src.filter(pl.col("Country").is_in(list(FED_CURRENCIES)))
        .select(
            pl.col("Country").replace_strict(FED_CURRENCIES).alias("currency"),
            pl.col("Date").str.to_date("%Y-%m-%d").dt.month_start().alias("month"),
            pl.col("Exchange rate").str.strip_chars().cast(schema.RATE).alias("units_per_usd"),
            pl.lit(SHIPPED_SOURCE).alias("source"),
        )
        .filter(pl.col("units_per_usd") > 0)
        .sort("currency", "month")
    )
    frame.write_csv(dest_csv)
    return frame


def _read_rates(path: Path, default_source: str) -> pl.DataFrame:
    raw = pl.read_csv(path, infer_schema_length=0)
    missing = [c for c in RATES_SCHEMA if c not in raw.columns and c != "source"]
    if missing:
        raise ValueError(
            f"{path}: rates file needs columns currency, month, units_per_usd, source; "
            f"missing {', '.join(missing)} (found {', '.join(raw.columns)})."
        )
    if "source" not in raw.columns:
        raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias("source"))
    month_text = pl.col("month").str.strip_chars()
    frame = raw.select(
        pl.col("currency").str.strip_chars().str.to_uppercase().alias("currency"),
        pl.coalesce(
            month_text.str.to_date("%Y-%m-%d", strict=False),
            month_text.str.to_date("%Y-%m", strict=False),
        )
        .dt.month_start()
        .alias("month"),
        pl.col("units_per_usd").str.strip_chars().cast(schema.RATE, strict=False),
        pl.col("source").fill_null(default_source).alias("source"),
        month_text.alias("_month_raw"),
        pl.col("units_per_usd").alias("_rate_raw"),
    )
    bad = frame.filter(
        pl.col("month").is_null()
        | pl.col("units_per_usd").is_null()
        | (pl.col("units_per_usd") <= 0)
        | pl.col("currency").is_null()
    )
    if bad.height:
        row = bad.row(0, named=True)
        raise ValueError(
            f"{path}: {bad.height} rate rows are not usable, first: currency "
            f"{row['currency']!r}, month {row['_month_raw']!r}, units_per_usd "
            f"{row['_rate_raw']!r} (need YYYY-MM or YYYY-MM-DD and a positive number)."
        )
    return frame.drop("_month_raw", "_rate_raw").unique(["currency", "month"], keep="last")


@functools.cache
def _shipped() -> pl.DataFrame:
    return _read_rates(FX_CSV, SHIPPED_SOURCE)


def rates(store: Path | str | Store | None = None) -> pl.DataFrame:
    """Return the monthly rates: currency, month (Date), units_per_usd (Decimal 38,6), source.

    With a store whose folder holds a user rates file, its rows replace the shipped
    ones for the same currency and month.
    """
    shipped = _shipped()
    if store is None:
        return shipped
    # Accept a `Store` as well as its folder (a Path's own `.root` is "/", hence the check).
    folder = store if isinstance(store, str | Path) else store.root
    user_path = user_fx_rates_path(Path(folder))
    if not user_path.exists():
        return shipped
    user = _read_rates(user_path, f"user rates file {user_path.name}")
    kept = shipped.join(user.select("currency", "month"), on=["currency", "month"], how="anti")
    return pl.concat([user, kept]).sort("currency", "month")


def convert(df: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """Add amount_usd, fx_rate, fx_rate_date and fx_source to `df`.

    `df` needs `amount` (Decimal), `currency` (ISO 4217) and `award_date` (Date).
    amount_usd = amount / units_per_usd rounded half away from zero to the cent.
    USD converts at 1. Where there is no usable rate the four columns are null and
    the caller rejects the row.
    """
    table = rates.select(
        pl.col("currency").alias("_cur"),
        pl.col("month").alias("_rate_month"),
        pl.col("units_per_usd").cast(schema.RATE).alias("_rate"),
        pl.col("source").alias("_src"),
    )
    latest = table.group_by("_cur").agg(pl.col("_rate_month").max().alias("_last"))
    months_after = (
        (pl.col("_month").dt.year() - pl.col("_last").dt.year()) * 12
        + pl.col("_month").dt.month()
        - pl.col("_last").dt.month()
    )
    # Resolve each distinct (currency, month) once, then join the lines to that small table.
    # Within a series: the award month itself. After its end: the last month, if recent.
    work = df.with_columns(
        pl.col("award_date").dt.month_start().alias("_month"),
        pl.col("currency").alias("_cur"),
    )
    pairs = (
        work.select("_cur", "_month")
        .unique()
        .join(latest, on="_cur", how="left")
        .with_columns(
            pl.when(pl.col("_month") <= pl.col("_last"))
            .then(pl.col("_month"))
            .when(months_after <= MAX_STALE_MONTHS)
            .then(pl.col("_last"))
            .alias("_rate_month")
        )
        .join(table, on=["_cur", "_rate_month"], how="left")
        .drop("_last")
    )
    work = work.join(
        pairs, on=["_cur", "_month"], how="left", nulls_equal=True, maintain_order="left"
    )
    usd = pl.col("currency") == "USD"
    rate = pl.when(usd).then(pl.lit(1, dtype=schema.RATE)).otherwise(pl.col("_rate"))
    # Divide at 14 decimals, then round: exact to the cent for rates under 10^6 per USD.
    quotient = pl.col("amount").cast(pl.Decimal(38, 14)) / rate
    out = work.with_columns(
        quotient.round(2, mode="half_away_from_zero").cast(schema.USD).alias("amount_usd"),
        rate.cast(schema.RATE).alias("fx_rate"),
        pl.when(usd)
        .then(pl.col("_month"))
        .when(pl.col("_rate").is_not_null())
        .then(pl.col("_rate_month"))
        .alias("fx_rate_date"),
        pl.when(usd).then(pl.lit(USD_SOURCE)).otherwise(pl.col("_src")).alias("fx_source"),
    )
    return out.drop("_month", "_cur", "_rate", "_rate_month", "_src")
