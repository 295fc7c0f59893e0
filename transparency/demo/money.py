"""Demo amounts in each line's currency, at exactly the rates the import applies."""

from __future__ import annotations

import functools
from datetime import date

import numpy as np
import polars as pl

from transparency import currency, schema
from transparency.demo.profile import load_profile


@functools.cache
def rate_grid(start: date, months: int) -> tuple[tuple[str, ...], np.ndarray, pl.DataFrame]:
    """Return the currencies, a (currency x month) 'converts' mask, and each pair's rate.

    The rate is whatever `transparency.currency.convert` applies (including its rule for
    months after a series ends), found by converting one unit per pair, so every demo
    line converts and at exactly the rate the import path would use.
    """
    rates = currency.rates()
    wanted = sorted(set(load_profile().currency_of.values()) | {"USD"})
    have = set(rates.get_column("currency").unique().to_list()) | {"USD"}
    curs = tuple(c for c in wanted if c in have)
    month_starts = [
        date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1)
        for k in range(months)
    ]
    probe = pl.DataFrame(
        {
            "currency": [c for c in curs for _ in month_starts],
            "award_date": [m for _ in curs for m in month_starts],
            "amount": [1] * (len(curs) * months),
        },
        schema={"currency": pl.String(), "award_date": pl.Date(), "amount": schema.MONEY},
    )
    converted = currency.convert(probe, rates).select(
        pl.col("currency"),
        pl.int_range(pl.len()).mod(months).alias("month_index"),
        pl.col("fx_rate"),
    )
    ok = converted.get_column("fx_rate").is_not_null().to_numpy().reshape(len(curs), months)
    return curs, ok, converted


def price(lines: pl.DataFrame, start: date, n_months: int) -> pl.DataFrame:
    """Turn each line's USD value into an amount in its currency, then convert it back.

    The amount is the USD value times the rate `currency.convert` uses for that currency
    and month (whole units for JPY and KRW); converting it back gives `amount_usd`.
    """
    _, _, grid = rate_grid(start, n_months)
    month_of = (pl.col("award_date").dt.year() - start.year) * 12 + pl.col("award_date").dt.month()
    month_of = month_of - start.month
    rate = grid.select(
        pl.col("currency"), pl.col("month_index").cast(pl.Int64), pl.col("fx_rate").alias("_rate")
    )
    whole = pl.col("currency").is_in(["JPY", "KRW"])
    value = pl.col("_usd_cents").cast(pl.Decimal(38, 6)) * pl.col("_rate") / 100
    priced = (
        lines.with_columns(month_of.cast(pl.Int64).alias("month_index"))
        .join(rate, on=["currency", "month_index"], how="left", maintain_order="left")
        .with_columns(
            pl.when(whole)
            .then(value.round(0))
            .otherwise(value.round(2))
            .cast(schema.MONEY)
            .alias("amount")
        )
    )
    return currency.convert(priced, currency.rates())
