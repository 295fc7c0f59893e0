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
