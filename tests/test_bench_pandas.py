"""The bench's pandas side: the quarterly figures with plain pandas equal DuckDB's, exactly."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from figures_fixture import build

from transparency import database, demo, figures
from transparency.bench import pandas_side as bench_pandas
from transparency.schema import REJECTION
from transparency.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("bench_pandas") / "store")


@pytest.fixture(scope="module")
def con(store):
    return database.connect(store)


@pytest.fixture(scope="module")
def lines(con):
    return bench_pandas.read_lines(con)


@pytest.fixture(scope="module")
def steps(con):
    return bench_pandas.read_steps(con)


@pytest.fixture(scope="module")
def by_pandas(lines, steps):
    return bench_pandas.pandas_figures(lines, steps, "2025Q4")


def test_pandas_figures_match_hand_computation(by_pandas):
    # figures_fixture.py: 2025Q4 totals 6215.33 over 6 lines, 4 contracts, 4 suppliers;
    # Very high 1100.50 + 250.25 = 1350.75 -> share 0.2173; Not assessable 630.02.
    assert by_pandas["top"] == {
        "total_usd": 621533,
        "lines": 6,
        "contracts": 4,
        "suppliers": 4,
        "high_risk_usd": 135075,
        "high_risk_share": 2173,
        "residual_high_risk_usd": 0,
        "residual_high_risk_share": 0,
        "not_assessable_usd": 63002,
        "not_assessable_share": 1014,  # 630.02 / 6215.33 = 0.10136... -> 0.1014
    }
    cats = {r["category"]: r for r in by_pandas["tables"]["by_risk_category"]}
    assert list(cats) == ["Low", "Medium", "High", "Very high", "Not assessable"]
    assert (cats["Low"]["inherent_usd"], cats["Low"]["inherent_lines"]) == (423456, 2)
    assert cats["Medium"]["residual_usd"] == 135075  # audit + certification: two bands
    countries = {r["country"]: r for r in by_pandas["tables"]["by_country"]}
    assert list(countries) == ["Denmark", "China", "Unknown"]  # largest spend first
    assert countries["Unknown"]["country_code"] == ""
    assert countries["China"]["high_risk_usd"] == 135075
    segments = {r["segment_code"]: r for r in by_pandas["tables"]["by_segment"]}
    assert segments[""]["segment"] == "Unclassified"
    assert segments[""]["spend_usd"] == 1001
    steps = {r["step"]: r for r in by_pandas["tables"]["diligence_coverage"]}
    assert steps["Any step"] == {
        "step": "Any step",
        "count_lines": 2,
        "covered_usd": 135075,
        "share": 10000,
    }
    previous = by_pandas["comparisons"]["previous_quarter"]
    assert (previous["total_usd"], previous["lines"], previous["high_risk_share"]) == (
        150000,
        2,
        3333,  # 500.00 / 1500.00
    )
    assert by_pandas["comparisons"]["year_earlier"]["total_usd"] == 200000


def test_pandas_figures_equal_duckdb_figures(store, con, by_pandas):
    fig = figures.figures(store, "2025Q4", con=con)
    assert bench_pandas.differences(by_pandas, bench_pandas.canonical(fig)) == []


def test_a_quarter_without_comparison_data(store, con, lines, steps):
    by_pandas = bench_pandas.pandas_figures(lines, steps, "2025Q3")
    assert by_pandas["comparisons"]["year_earlier"] is None  # 2024Q3 has no lines
    fig = figures.figures(store, "2025Q3", con=con)
    assert bench_pandas.differences(by_pandas, bench_pandas.canonical(fig)) == []


def test_a_cent_more_on_one_line_is_reported(store, con, lines, steps):
    changed = lines.copy()
    row = changed.index[changed["contract_id"] == "C2"][0]  # Denmark, Low, 3000.00
    changed.loc[row, "cents"] += 1
    diff = bench_pandas.differences(
        bench_pandas.pandas_figures(changed, steps, "2025Q4"),
        bench_pandas.canonical(figures.figures(store, "2025Q4", con=con)),
    )
    assert "top.total_usd: 621534 != 621533" in diff
    assert any(d.startswith("by_country row 1:") for d in diff)
    assert any(d.startswith("by_risk_category row 1:") for d in diff)  # Low


def test_a_missing_line_is_reported(store, con, lines, steps):
    fewer = lines[lines["contract_id"] != "C4"]
    diff = bench_pandas.differences(
        bench_pandas.pandas_figures(fewer, steps, "2025Q4"),
        bench_pandas.canonical(figures.figures(store, "2025Q4", con=con)),
    )
    assert any(d.startswith("top.lines:") for d in diff)
    assert any(d.startswith("top.contracts: 3 != 4") for d in diff)


def test_share_units_round_half_away_from_zero_like_figures_share():
    assert bench_pandas.share_units(1, 3) == 3333
    assert bench_pandas.share_units(2, 3) == 6667
    assert bench_pandas.share_units(1, 20_000) == 1  # 0.00005 -> 0.0001
    assert bench_pandas.share_units(-1, 20_000) == -1
    assert bench_pandas.share_units(5, 0) is None
    assert bench_pandas.share_units(np.array([1, 1, 0]), 8).tolist() == [1250, 1250, 0]


def test_bench_comparison_reports_every_aggregation_equal(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path / "spill"))  # its page cache
    store = Store(tmp_path / "demo")
    lines = demo.generate(rows=5_000, seed=3, end_quarter="2026Q3")
    store.add_batch(
        lines,
        pl.DataFrame(schema=REJECTION),
        source_file="demo",
        content_hash="demo",
        rows_read=lines.height,
        is_demo=True,
    )
    con = database.connect_for_pages(store)
    results = bench_pandas.pandas_comparison(con, store, repeat=1)
    assert [r["aggregation"] for r in results][-1] == "Quarterly figures (all tables)"
    assert all(r["equal"] for r in results), results
    # the page connection's figures are summed from its cells, and the bench says so
    assert results[-1]["duckdb_source"].startswith("page cache cells")
    assert results[-1]["duckdb_first_ms"] > 0


def test_pandas_figures_equal_figures_from_the_page_cache_cells(
    store, lines, steps, tmp_path, monkeypatch
):
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path / "spill"))
    pages = database.connect_for_pages(store)
    for quarter in ("2025Q4", "2025Q3"):
        fig = figures.figures(store, quarter, con=pages)
        assert fig.source == "cells"
        by_pandas = bench_pandas.pandas_figures(lines, steps, quarter)
        assert bench_pandas.differences(by_pandas, bench_pandas.canonical(fig)) == []
    pages.close()
