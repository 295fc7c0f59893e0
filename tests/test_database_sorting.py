"""The Contracts page's one-branch-per-sort query returns exactly the page of a plain sort.

`queries/contract_lines_page.sql` runs one top-N branch per sort column and direction (the
others fold away). On 3,000 demo lines (ties in dates, risk categories and countries) its
rows must equal, row for row, those of the single ORDER BY over the filtered lines that it
replaced, for every sort, direction, page and a few filters.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from transparency import database, demo, filters, sql
from transparency.filters import MACRO_CALL, Filters
from transparency.store import Store

# Sort name -> the column it orders by in the reference query (test constants only).
KEYS = {
    "award_date": "l.award_date",
    "amount_usd": "l.amount_usd",
    "supplier_name": "l.supplier_name",
    # severity: Not assessable has none and comes last both ways
    "risk": "case when l.risk_category = 'Not assessable' then null else rc.sort_order end",
    "contract_id": "l.contract_id",
    "country": "coalesce(l.supplier_country_name, l.supplier_country, 'Unknown country')",
}
SELECTIONS = [
    Filters(),
    Filters(categories=("High", "Very high"), risk_basis="residual"),
    Filters(min_usd=Decimal("20000")),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("sorting") / "store")
    demo.add_to_store(store, 3_000, 2388, "2026Q3")
    connection = database.connect(store)
    filters.install(connection)
    return connection


def _reference(con, f: Filters, sort: str, descending: bool, size: int, offset: int) -> list:
    direction = "desc" if descending else "asc"
    query = (
        f"select l.batch_id, l.source_row from {MACRO_CALL} as l "  # noqa: S608 - constants
        "left join risk_categories as rc on rc.category = l.risk_category "
        f"order by {KEYS[sort]} {direction} nulls last, "
        "l.contract_id, l.line_id, l.batch_id, l.source_row "
        "limit $size offset $offset"
    )
    params = {**f.sql_params(), "size": size, "offset": offset}
    return con.sql(query, params=params).fetchall()


@pytest.mark.parametrize("sort", list(KEYS))
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("f", SELECTIONS)
def test_each_sort_returns_the_rows_of_a_plain_sort(con, sort, descending, f):
    for size, offset in ((50, 0), (50, 50), (7, 1234)):
        params = {
            **f.sql_params(),
            "sort": sort,
            "descending": descending,
            "page_size": size,
            "page_offset": offset,
        }
        page = sql.run(con, "contract_lines_page", params)
        got = list(zip(page["batch_id"], page["source_row"], strict=True))
        assert got == _reference(con, f, sort, descending, size, offset)


def test_ties_on_a_date_are_broken_by_contract_and_line(con):
    params = {
        **Filters().sql_params(),
        "sort": "award_date",
        "descending": False,
        "page_size": 3_000,
        "page_offset": 0,
    }
    page = sql.run(con, "contract_lines_page", params)
    keys = list(zip(page["award_date"], page["contract_id"], page["line_id"], strict=True))
    assert keys == sorted(keys)
    assert page.height == 3_000 and page["award_date"].n_unique() < 3_000  # ties exist


def test_lines_without_a_value_come_last_and_are_paged_like_a_plain_sort(tmp_path):
    store = Store(tmp_path / "store")
    demo.add_to_store(store, 500, 7, "2026Q3")
    con = database.connect(store)
    filters.install(con)
    # 71 of the 500 lines lose their supplier name (source rows divisible by 7).
    con.execute("update page_lines set supplier_name = null where source_row % 7 = 0")
    assert con.sql("select count(*) from page_lines where supplier_name is null").fetchall() == [
        (71,)
    ]
    f = Filters()
    for descending in (True, False):
        for size, offset in ((50, 400), (50, 429), (500, 0), (10, 495)):
            params = {
                **f.sql_params(),
                "sort": "supplier_name",
                "descending": descending,
                "page_size": size,
                "page_offset": offset,
            }
            page = sql.run(con, "contract_lines_page", params)
            got = list(zip(page["batch_id"], page["source_row"], strict=True))
            assert got == _reference(con, f, "supplier_name", descending, size, offset)


@pytest.mark.parametrize(
    ("descending", "expected"),
    [
        (True, ["Very high", "High", "Medium", "Low", "Not assessable"]),
        (False, ["Low", "Medium", "High", "Very high", "Not assessable"]),
    ],
)
def test_the_risk_sort_follows_severity_with_not_assessable_last(con, descending, expected):
    params = {
        **Filters().sql_params(),
        "sort": "risk",
        "descending": descending,
        "page_size": 3_000,
        "page_offset": 0,
    }
    seen: list[str] = []
    for category in sql.run(con, "contract_lines_page", params)["risk_category"].to_list():
        if not seen or seen[-1] != category:
            seen.append(category)
    assert seen == expected
