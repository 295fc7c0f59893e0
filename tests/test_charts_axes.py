"""Chart axes and money ticks, checked on the figure objects (no browser needed)."""

from __future__ import annotations

import polars as pl

from transparency.app import charts


def test_supplier_trend_keeps_quarters_without_spend_on_its_axis():
    frame = pl.DataFrame(
        {
            "award_quarter": ["2024Q4", "2025Q3"],
            "risk_category": ["Low", "High"],
            "spend_usd": [100.0, 250.0],
        }
    )
    fig = charts.quarter_trend(frame, {"Low": "#009E73", "High": "#E69F00"})
    assert list(fig.layout.xaxis.categoryarray) == ["2024Q4", "2025Q1", "2025Q2", "2025Q3"]


def _quarter_risk(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["award_quarter", "risk_category", "spend_usd"], orient="row")


def test_high_risk_share_per_quarter_inherent_and_residual():
    inherent = _quarter_risk(
        [
            ("2025Q1", "Low", 600.0),
            ("2025Q1", "High", 300.0),
            ("2025Q1", "Very high", 100.0),  # 400 of 1000 high
            ("2025Q2", "Low", 900.0),
            ("2025Q2", "Not assessable", 100.0),  # none of 1000 high
        ]
    )
    residual = _quarter_risk(
        [
            ("2025Q1", "Low", 800.0),
            ("2025Q1", "High", 200.0),  # steps recorded: 200 of 1000 high
            ("2025Q2", "Low", 900.0),
            ("2025Q2", "Not assessable", 100.0),
        ]
    )
    shares = charts.high_share_by_quarter(inherent, residual)
    assert shares.rows() == [("2025Q1", 0.4, 0.2), ("2025Q2", 0.0, 0.0)]
    fig = charts.high_share_trend(shares, {"Very high": "#D55E00"})
    assert [t.name for t in fig.data] == ["Inherent risk", "Residual risk"]
    assert list(fig.data[1].y) == [0.2, 0.0]


def test_money_axes_say_billions_never_giga():
    frame = _quarter_risk([("2025Q1", "Low", 2.5e9), ("2025Q2", "High", 1.0e9)])
    for fig in (
        charts.quarter_trend(frame, {}),
        charts.category_bars(
            pl.DataFrame(
                {
                    "risk_category": ["Low"],
                    "spend_usd": [2.5e9],
                    "share_of_spend": [1.0],
                    "count_lines": [10],
                }
            ),
            {},
        ),
    ):
        axis = fig.layout.yaxis if fig.layout.yaxis.tickprefix else fig.layout.xaxis
        assert axis.tickprefix == "$"
        assert axis.exponentformat == "B"
        assert axis.tickformat is None  # "~s" would print $2.5G


def test_sector_bars_rank_sectors_and_sum_the_rest():
    frame = pl.DataFrame(
        {
            "segment_label": ["10 A", "10 A", "20 B", "30 C", "40 D"],
            "spend_usd": [100.0, 50.0, 400.0, 30.0, 20.0],
            "high_share": [1.0, 0.0, 0.25, 0.0, 0.5],
        }
    )
    fig = charts.sector_bars(frame, {"Very high": "#D55E00"}, top=3)
    high, other = fig.data
    assert list(high.y) == ["20 B", "10 A", "2 other sectors"]
    assert list(high.x) == [100.0, 100.0, 10.0]  # 400 x 25%; 100 x 100%; 20 x 50%
    assert list(other.x) == [300.0, 50.0, 40.0]
    assert fig.layout.font.size >= 11
