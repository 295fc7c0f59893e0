"""FX rates and conversion: month rates, precedence of the user's file, the staleness rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from conftest import SHARED_DATA

from transparency import currency, schema
from transparency.settings import user_fx_rates_path


def _lines(rows: list[tuple[str, str, date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "amount": [Decimal(a) for a, _, _ in rows],
            "currency": [c for _, c, _ in rows],
            "award_date": [d for _, _, d in rows],
        },
        schema={"amount": schema.MONEY, "currency": pl.String, "award_date": pl.Date},
    )


def _rates(rows: list[tuple[str, date, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "currency": [r[0] for r in rows],
            "month": [r[1] for r in rows],
            "units_per_usd": [Decimal(r[2]) for r in rows],
            "source": [r[3] for r in rows],
        },
        schema=currency.RATES_SCHEMA,
    )


def test_shipped_table_columns_and_known_values() -> None:
    rates = currency.rates()
    assert rates.schema == pl.Schema(currency.RATES_SCHEMA)
    eur = rates.filter((pl.col("currency") == "EUR") & (pl.col("month") == date(2008, 7, 1)))
    # H.10: 1.576 USD per euro in July 2008, i.e. 0.6346 euro per USD (not inverted).
    assert eur.get_column("units_per_usd").to_list() == [Decimal("0.634600")]
    gbp = rates.filter((pl.col("currency") == "GBP") & (pl.col("month") == date(1980, 1, 1)))
    assert gbp.get_column("units_per_usd").to_list() == [Decimal("0.441700")]
    assert "VEF" not in rates.get_column("currency").to_list()
    assert rates.filter(pl.col("currency") == "EUR").get_column("month").max() == date(2026, 6, 1)


def test_convert_rounds_half_away_from_zero_to_the_cent() -> None:
    rates = _rates(
        [("XAA", date(2024, 3, 1), "2.000000", "T"), ("XAB", date(2024, 3, 1), "3", "T")]
    )
    lines = _lines(
        [
            ("0.0500", "XAA", date(2024, 3, 31)),  # 0.025 -> 0.03
            ("-0.0500", "XAA", date(2024, 3, 1)),  # -0.025 -> -0.03
            ("100.0050", "XAB", date(2024, 3, 9)),  # 33.335 -> 33.34
            ("2", "XAB", date(2024, 3, 9)),  # 0.6667 -> 0.67
        ]
    )
    out = currency.convert(lines, rates)
    assert out.get_column("amount_usd").to_list() == [
        Decimal("0.03"),
        Decimal("-0.03"),
        Decimal("33.34"),
        Decimal("0.67"),
    ]
    assert out.schema["amount_usd"] == schema.USD
    assert out.schema["fx_rate"] == schema.RATE
    assert out.get_column("fx_rate_date").to_list() == [date(2024, 3, 1)] * 4


def test_usd_converts_at_one_and_unknown_currency_gets_no_rate() -> None:
    out = currency.convert(
        _lines([("12.3456", "USD", date(2030, 1, 5)), ("5", "XOF", date(2024, 1, 1))]),
        currency.rates(),
    )
    first, second = out.rows(named=True)
    assert first["amount_usd"] == Decimal("12.35")
    assert first["fx_rate"] == Decimal("1")
    assert first["fx_rate_date"] == date(2030, 1, 1)
    assert first["fx_source"] == currency.USD_SOURCE
    assert [second[k] for k in ("amount_usd", "fx_rate", "fx_rate_date", "fx_source")] == [None] * 4


def test_months_after_the_table_use_latest_rate_only_within_three_months() -> None:
    rates = _rates([("XAA", date(2026, 5, 1), "4", "T"), ("XAA", date(2026, 6, 1), "2", "T")])
    lines = _lines(
        [
            ("10", "XAA", date(2026, 6, 20)),  # in the table
            ("10", "XAA", date(2026, 9, 30)),  # 3 months after June: June's rate
            ("10", "XAA", date(2026, 10, 1)),  # 4 months after: no rate
            ("10", "XAA", date(2026, 4, 1)),  # before the series: no rate
            ("10", "XAA", None),  # no date: no rate
        ]
    )
    out = currency.convert(lines, rates)
    assert out.get_column("amount_usd").to_list() == [
        Decimal("5.00"),
        Decimal("5.00"),
        None,
        None,
        None,
    ]
    assert out.get_column("fx_rate_date").to_list() == [
        date(2026, 6, 1),
        date(2026, 6, 1),
        None,
        None,
        None,
    ]


def test_gap_inside_a_series_is_not_filled() -> None:
    rates = _rates([("XAA", date(2024, 1, 1), "2", "T"), ("XAA", date(2024, 3, 1), "2", "T")])
    out = currency.convert(_lines([("10", "XAA", date(2024, 2, 10))]), rates)
    assert out.get_column("amount_usd").to_list() == [None]


def test_user_rates_file_takes_precedence_and_is_named(tmp_path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    user_fx_rates_path(store).write_text(
        "currency,month,units_per_usd,source\n"
        "EUR,2024-03,0.5,UN operational rates\n"
        "AMD,2024-03-01,400,UN operational rates\n",
        encoding="utf-8",
    )
    rates = currency.rates(store)
    out = currency.convert(
        _lines(
            [
                ("10", "EUR", date(2024, 3, 3)),
                ("10", "EUR", date(2024, 4, 3)),
                ("4000", "AMD", date(2024, 3, 3)),
            ]
        ),
        rates,
    )
    assert out.get_column("amount_usd").to_list() == [
        Decimal("20.00"),
        Decimal("10.72"),  # shipped April 2024 rate 0.9325 is not replaced
        Decimal("10.00"),
    ]
    assert out.get_column("fx_source").to_list() == [
        "UN operational rates",
        currency.SHIPPED_SOURCE,
        "UN operational rates",
    ]


def test_reference_rebuilds_identically(tmp_path) -> None:
    dest = tmp_path / "fx.csv"
    currency.build_reference(SHARED_DATA / "fx_rates_fed" / "monthly.csv", dest)
    assert dest.read_bytes() == currency.FX_CSV.read_bytes()
