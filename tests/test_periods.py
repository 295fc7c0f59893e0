"""One meaning of '2026Q1': the SQL labels, the page filters and the report agree, also under
a fiscal year that starts in July (2026Q1 = July to September 2025)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import polars as pl
import pytest

from transparency import database, demo, figures, filters, quarters, sql
from transparency.store import Store


@pytest.mark.parametrize("start_month", [1, 4, 7, 10, 12])
def test_the_sql_label_of_every_month_equals_the_period_module(start_month):
    con = duckdb.connect()
    sql.install_view(con, "fiscal_quarter")
    for year in (2024, 2025):
        for month in range(1, 13):
            day = date(year, month, 15)
            got = con.execute("select fiscal_quarter($d, $m)", {"d": day, "m": start_month})
            want = quarters.of(day, start_month=start_month).label
            assert got.fetchall()[0][0] == want, (day, start_month)


def test_july_start_labels_by_hand():
    con = duckdb.connect()
    sql.install_view(con, "fiscal_quarter")
    rows = con.execute(
        "select fiscal_quarter(d, 7) from (values (date '2025-06-30'), (date '2025-07-01'),"
        " (date '2025-12-31'), (date '2026-01-01')) t(d)"
    ).fetchall()
    assert [r[0] for r in rows] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    s = Store(tmp_path_factory.mktemp("periods") / "store")
    demo.add_to_store(s, rows=3_000, end_quarter="2026Q3")
    return s


def test_a_fiscal_quarter_is_the_same_months_on_the_overview_and_in_the_report(store, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_FISCAL_YEAR_START", "7")
    lines = pl.read_parquet(store.batch_files())
    july_to_september = lines.filter(
        (pl.col("award_date") >= date(2025, 7, 1)) & (pl.col("award_date") < date(2025, 10, 1))
    )
    want = july_to_september.get_column("amount_usd").sum()
    assert july_to_september.height > 0 and want > Decimal(0)

    con = database.connect(store)
    filters.install(con)
    f = filters.Filters(quarter_from="2026Q1", quarter_to="2026Q1")
    kpis = sql.run(con, "kpis_for_period", f.sql_params())
    assert kpis["total_usd"][0] == want

    q = quarters.parse("2026Q1")
    assert (q.start, q.end) == (date(2025, 7, 1), date(2025, 10, 1))
    fig = figures.figures(store, q)
    assert fig.top["total_usd"] == want
    assert fig.top["lines"] == july_to_september.height


def test_the_page_cache_cells_follow_the_fiscal_year(store, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_FISCAL_YEAR_START", "7")
    lines = pl.read_parquet(store.batch_files())
    q = quarters.parse("2026Q1")
    want = (
        lines.filter((pl.col("award_date") >= q.start) & (pl.col("award_date") < q.end))
        .get_column("amount_usd")
        .sum()
    )
    database.prepare_page_cache(store)
    con = database.connect_for_pages(store)
    quarters_in_cells = set(
        con.sql("select distinct award_quarter from page_lines").pl().get_column("award_quarter")
    )
    # The demo ends in September 2026: fiscal 2027Q1 under a July start, never a calendar label.
    assert {"2026Q1", "2027Q1"} <= quarters_in_cells and "2023Q4" not in quarters_in_cells
    fig = figures.compute(con, store, q)
    assert fig.top["total_usd"] == want
    assert fig.source == "cells"  # summed from the page tables, not re-read from the lines
