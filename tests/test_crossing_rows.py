"""Only small results cross from DuckDB to Python (issue 7.4), at the 200k demo size.

Every query file has an explicit bound here: a page of rows (`PAGE_SIZE`), a fixed small
number, or the natural size of its aggregate counted in the data (countries + 1, quarters,
...). A new query file without a bound fails `test_every_query_has_a_bound`. The export is
the one query that returns every matching line; it is streamed in Arrow batches, and the
test checks that no batch is larger than asked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from transparency import bench, database, demo, export, filters, sql
from transparency.store import Store

PAGE_SIZE = 50  # the pages' table size (bench.query_param_sets binds page_size=50)
LIMIT = 10  # top-N lists (bench.query_param_sets binds limit=10)
LINES = 200_000
CATEGORIES = 5  # Low, Medium, High, Very high, Not assessable


def _count(con: duckdb.DuckDBPyConnection, select: str) -> int:
    return con.sql(select).fetchall()[0][0]


def _distinct(expression: str, source: str = "scored_lines") -> Callable:
    """Bound: the number of distinct values of `expression` in the data (nulls as one)."""

    def bound(con: duckdb.DuckDBPyConnection) -> int:
        select = f"select count(distinct coalesce(({expression})::varchar, '-')) from {source}"  # noqa: S608
        return _count(con, select)

    return bound


def _fixed(n: int) -> Callable:
    return lambda con: n


def _filter_options(con: duckdb.DuckDBPyConnection) -> int:
    kinds = (
        "award_quarter",
        "buyer",
        "supplier_country",
        "supplier_region",
        "segment_code",
        "procurement_method",
    )
    return sum(_distinct(k)(con) for k in kinds)


def _combinations(con: duckdb.DuckDBPyConnection) -> int:
    # The quarterly figures' one aggregated frame: each period's distinct breakdown
    # combinations, times the due-diligence step lists in force (+1 for none).
    params = bench.query_param_sets(con)["all lines"]
    select = (
        "select count(distinct (date_trunc('quarter', award_date), supplier_country, "
        "segment_code, procurement_method, inherent_category, residual_category, "
        "not_assessable_reason)) from scored_lines "
        "where (award_date >= $q_from and award_date < $q_to) "
        "or (award_date >= $prev_from and award_date < $prev_to) "
        "or (award_date >= $year_from and award_date < $year_to)"
    )
    combos = con.sql(
        select,
        params={
            k: params[k] for k in ("q_from", "q_to", "prev_from", "prev_to", "year_from", "year_to")
        },
    ).fetchall()[0][0]
    step_lists = _count(con, "select count(distinct diligence_steps) + 1 from risk_diligence_now")
    return combos * step_lists


# The most contracts any one supplier has.
SUPPLIER_SCOPED_MAX_CONTRACTS = (
    "select max(n) from (select count(distinct contract_id) as n from scored_lines "
    "group by coalesce(supplier_id, supplier_name))"
)

# Query file -> the most rows it may return (a function of the connection's data).
BOUNDS: dict[str, Callable[[duckdb.DuckDBPyConnection], int]] = {
    "colour_by_risk_category": _fixed(CATEGORIES),
    "contract_detail": _fixed(1),
    "contract_lines_page": _fixed(PAGE_SIZE),
    # one supplier's contracts: bounded by the supplier with most contracts
    "contracts_for_supplier": lambda con: _count(con, SUPPLIER_SCOPED_MAX_CONTRACTS),
    "coverage_by_reason": lambda con: _distinct("not_assessable_reason")(con) + 1,
    "figures_quarters_available": _distinct("date_trunc('month', award_date)", "contract_lines"),
    "figures_spend_by_combination": _combinations,
    "figures_totals_by_period": _fixed(3),
    "latest_award_date": _fixed(1),
    "figures_counts_by_period": _fixed(3),
    "figures_lines_by_period": _fixed(3),
    # four parts of cells per period: bounded by those cells in the latest five quarters
    # (the reported quarter, the one before and the one a year earlier are among them)
    "figures_spend_by_cell": lambda con: _count(
        con,
        "with recent as (select * from lines_rollup where award_quarter in ("
        " select distinct award_quarter from lines_rollup order by 1 desc limit 5))"
        " select (select count(distinct (award_quarter, supplier_country, inherent_category,"
        " residual_category, not_assessable_reason)) from recent)"
        " + (select count(distinct (award_quarter, segment_code, inherent_category)) from recent)"
        " + (select count(distinct (award_quarter, procurement_method, inherent_category))"
        " from recent)"
        " + 3 * (select count(distinct diligence_steps) + 1 from risk_diligence_now)",
    ),
    "filter_options_by_kind": _filter_options,
    "kpis_for_period": _fixed(1),
    "period_has_lines": _fixed(1),
    "tables_present": _fixed(2),  # the bench asks for two names
    "spend_by_country": lambda con: _distinct("supplier_country")(con) + 1,
    "spend_by_quarter": _distinct("award_quarter"),
    "spend_by_quarter_risk": lambda con: _distinct("award_quarter")(con) * CATEGORIES,
    "spend_by_risk_category": _fixed(CATEGORIES),
    "spend_by_segment_family": _distinct("(segment_code, family_code)"),
    "spend_by_supplier_quarter": lambda con: _distinct("award_quarter")(con) * CATEGORIES,
    "supplier_list": _fixed(PAGE_SIZE),
    "supplier_profile": _fixed(1),
    "top_high_risk_suppliers": _fixed(LIMIT),
}
# Streamed whole in batches of at most `export.BATCH_ROWS` rows (checked separately).
STREAMED = {"contract_lines_export"}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    root: Path = tmp_path_factory.mktemp("crossing") / "store"
    store = Store(root)
    demo.add_to_store(store, LINES, 2388, "2026Q3")
    connection = database.connect(store)
    filters.install(connection)
    return connection


def test_every_query_has_a_bound() -> None:
    missing = set(sql.names()) - set(BOUNDS) - STREAMED
    assert not missing, f"query files without a crossing-rows bound in this test: {missing}"
    assert not (set(BOUNDS) | STREAMED) - set(sql.names()), "bound for a query that is gone"


# Bounds of query files not (or no longer) in queries/ are skipped, not failed: the test
# above makes sure every file has one.
@pytest.mark.parametrize("name", sorted(set(BOUNDS) & set(sql.names())))
def test_rows_crossing_stay_within_the_bound(con: duckdb.DuckDBPyConnection, name: str) -> None:
    bound = BOUNDS[name](con)
    # The natural sizes are small next to the 200k lines: a bound near the line count
    # would make this test meaningless.
    small = LINES // 10 if name == "figures_spend_by_combination" else 5_000
    assert bound <= small, f"{name}: bound {bound} is not small"
    for set_name, params in bench.query_param_sets(con).items():
        rows = sql.run(con, name, params).height
        assert rows <= bound, f"{name} with '{set_name}': {rows} rows cross, bound {bound}"


def test_pages_of_rows_are_full_pages(con: duckdb.DuckDBPyConnection) -> None:
    # The bound is reached, so the page-size limit is what holds the row count down.
    params = bench.query_param_sets(con)["all lines"]
    assert sql.run(con, "contract_lines_page", params).height == PAGE_SIZE
    assert sql.run(con, "supplier_list", params).height == PAGE_SIZE


def test_export_streams_in_bounded_batches(con: duckdb.DuckDBPyConnection) -> None:
    params = bench.query_param_sets(con)["all lines"]
    batch_rows = 20_000
    sizes = [b.num_rows for b in export.record_batches(con, params, batch_rows=batch_rows)]
    assert max(sizes) <= batch_rows
    assert sum(sizes) == 200_000  # every line, in batches
    assert len(sizes) >= 200_000 // batch_rows
    assert export.BATCH_ROWS <= 100_000
