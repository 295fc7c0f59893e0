"""The pre-aggregated rollup and the page connection's scratch table.

On the eight-line dashboard fixture (hand-assigned risk, `dashboard_fixtures`):
`lines_rollup` reconciles to the lines to the cent; `filtered_rollup` selects exactly the
same money and lines as `filtered_lines` for every kind of filter, reading the rollup
when no line-level filter is set and the lines when one is; the page connection's
cache file is tested in `test_database_cache.py`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from dashboard_fixtures import fixture_store, stub_connection

from transparency import rollup
from transparency.filters import (
    COUNTRY_CALL,
    FAMILY_CALL,
    MACRO_CALL,
    ROLLUP_CALL,
    SUPPLIER_CALL,
    SUPPLIER_LINES_CALL,
    Filters,
)

D = Decimal


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("rollup") / "store")


@pytest.fixture(scope="module")
def con(store):
    return stub_connection(store)  # installs the macros and builds lines_rollup


def _totals(con, call: str, f: Filters) -> tuple:
    """Spend and line count per (quarter, risk category) through `call`, sorted."""
    money = "amount_usd" if call == MACRO_CALL else "spend_usd"
    if call == SUPPLIER_CALL:  # no quarter column: per supplier key instead
        query = (
            "select supplier_ix, risk_category, sum(spend_usd), sum(count_lines)::bigint "  # noqa: S608
            f"from {call} group by all order by all"
        )
        return tuple(con.sql(query, params=f.sql_params()).fetchall())
    if call in ("lines by supplier", SUPPLIER_LINES_CALL):
        source = MACRO_CALL if call == "lines by supplier" else call
        query = (
            "select supplier_ix, risk_category, sum(amount_usd), count(*) "  # noqa: S608
            f"from {source} group by all order by all"
        )
        return tuple(con.sql(query, params=f.sql_params()).fetchall())
    lines = "count(*)" if call == MACRO_CALL else "sum(count_lines)"
    query = (
        f"select award_quarter, risk_category, sum({money}), {lines}::bigint "  # noqa: S608
        f"from {call} group by all order by all"
    )
    return tuple(con.sql(query, params=f.sql_params()).fetchall())


def test_rollup_reconciles_to_the_lines(con):
    lines = con.sql("select sum(amount_usd), count(*) from scored_lines").fetchall()[0]
    cells = con.sql("select sum(spend_usd), sum(count_lines) from lines_rollup").fetchall()[0]
    assert cells == lines
    assert cells[1] == 8


def test_high_risk_spend_from_the_rollup_is_hand_computed(con):
    # Fixture: S1's lines are Very high (2,300.00), S2's High (2,100.00); nothing else is.
    query = f"select sum(spend_usd) from {ROLLUP_CALL}"  # noqa: S608
    f = Filters(categories=("High", "Very high"))
    assert con.sql(query, params=f.sql_params()).fetchall() == [(D("4400.00"),)]


def test_rollup_groups_hold_their_lines(con):
    # Every cell equals the sum of the lines with its key values.
    mismatches = con.sql(
        """
        select count(*) from lines_rollup r
        where r.spend_usd is distinct from (
            select sum(l.amount_usd) from scored_lines l
            where l.award_quarter = r.award_quarter
              and l.buyer is not distinct from r.buyer
              and l.supplier_country is not distinct from r.supplier_country
              and l.segment_code is not distinct from r.segment_code
              and l.family_code is not distinct from r.family_code
              and l.procurement_method is not distinct from r.procurement_method
              and l.inherent_category = r.inherent_category
              and l.residual_category = r.residual_category
        )
        """
    ).fetchall()[0][0]
    assert mismatches == 0


FILTERS = [
    Filters(),
    Filters(risk_basis="residual"),
    Filters(quarter_from="2025Q2", quarter_to="2025Q3"),
    Filters(categories=("High", "Very high")),
    Filters(categories=("Medium",), risk_basis="residual"),
    Filters(countries=("unknown",)),
    Filters(countries=("KEN", "FRA")),
    Filters(regions=("Europe",)),
    Filters(segments=("53",)),
    Filters(methods=("open",)),
    Filters(buyers=("HQ",)),
    # line-level filters: the macro reads the lines
    Filters(min_usd=D("1000.00")),
    Filters(search="ALPHA"),
    Filters(search="c2", countries=("KEN",)),
]


@pytest.mark.parametrize("f", FILTERS)
def test_rollup_selects_what_the_lines_select(con, f):
    assert _totals(con, ROLLUP_CALL, f) == _totals(con, MACRO_CALL, f)


def test_line_level_filter_reads_lines_not_cells(con):
    # With a minimum amount, each row of filtered_rollup is one line (count_lines = 1).
    f = Filters(min_usd=D("1000.00"))
    query = f"select count_lines from {ROLLUP_CALL}"  # noqa: S608
    counts = con.sql(query, params=f.sql_params()).fetchall()
    assert counts and all(c == (1,) for c in counts)
    # Without, the rows are the rollup's cells.
    query = f"select count(*) from {ROLLUP_CALL}"  # noqa: S608
    cells = con.sql(query, params=Filters().sql_params())
    assert cells.fetchall()[0][0] == con.sql("select count(*) from lines_rollup").fetchall()[0][0]


def test_rollup_refuses_an_unknown_source(con):
    with pytest.raises(ValueError, match="cannot read"):
        rollup.install(con, "contract_lines; drop table x")


@pytest.mark.parametrize("f", FILTERS)
def test_country_cells_select_what_the_lines_select(con, f):
    assert _totals(con, COUNTRY_CALL, f) == _totals(con, MACRO_CALL, f)


@pytest.mark.parametrize("f", FILTERS)
def test_supplier_cells_select_what_the_lines_select(con, f):
    assert _totals(con, SUPPLIER_CALL, f) == _totals(con, "lines by supplier", f)


def test_small_cells_are_read_when_no_unit_sector_or_method_is_set(con):
    # Without those filters, each row of the country macro is a cell of the small rollup.
    rows = con.sql(f"select count(*) from {COUNTRY_CALL}", params=Filters().sql_params())  # noqa: S608
    small = con.sql("select count(*) from lines_rollup_country").fetchall()[0][0]
    assert rows.fetchall()[0][0] == small
    # Fixture: one cell per line but C1's two lines (same quarter, country, categories).
    assert small == 7


def test_supplier_cells_are_hand_computed(con):
    # S1: 1,000.00 + 500.00 (2025Q1) and 800.00 (2025Q3), all Very high inherent.
    rows = con.sql(
        "select c.award_quarter, c.spend_usd, c.count_lines from supplier_cells c "
        "join page_supplier_keys k using (supplier_ix) where k.supplier_key = 'S1' order by 1"
    ).fetchall()
    assert rows == [("2025Q1", D("1500.00"), 2), ("2025Q3", D("800.00"), 1)]


@pytest.mark.parametrize("f", FILTERS)
def test_family_cells_select_what_the_lines_select(con, f):
    assert _totals(con, FAMILY_CALL, f) == _totals(con, MACRO_CALL, f)


@pytest.mark.parametrize("f", FILTERS)
def test_stored_supplier_lines_select_what_the_lines_select(con, f):
    assert _totals(con, SUPPLIER_LINES_CALL, f) == _totals(con, "lines by supplier", f)


def test_suppliers_are_numbered_by_spend(con):
    # S1 2,300.00; S2 2,100.00; S4 1,500.00; S5 700.00; S3 333.33.
    rows = con.sql("select supplier_key from page_supplier_keys order by supplier_ix").fetchall()
    assert [r[0] for r in rows] == ["S1", "S2", "S4", "S5", "S3"]
    stored = con.sql("select supplier_ix from supplier_lines").fetchall()
    assert [r[0] for r in stored] == [1, 1, 1, 2, 2, 3, 4, 5]
