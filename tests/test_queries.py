"""Every query file: header (returns, grain, params), declared == used parameters, and a run.

The dashboard's queries are checked row by row against hand-computed results on the
eight-line fixture with hand-assigned risk (`dashboard_fixtures`). Every other query file
is at least run on the same fixture store with the real risk model installed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from dashboard_fixtures import fixture_store, stub_connection

from transparency import database, filters, sql
from transparency.filters import Filters

D = Decimal
ALL = sql.names()
NO_FILTER = Filters().sql_params()
RESIDUAL = Filters(risk_basis="residual").sql_params()
PAGE = {"sort": "amount_usd", "descending": True, "page_size": 3, "page_offset": 0}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("queries") / "store")


@pytest.fixture(scope="module")
def stub(store):
    return stub_connection(store)


@pytest.fixture(scope="module")
def real(store):
    con = database.connect(store)
    filters.install(con)
    return con


def test_there_are_query_files():
    assert "spend_by_risk_category" in ALL
    assert len(ALL) >= 15


@pytest.mark.parametrize("name", ALL)
def test_header_and_declared_params_match_used(name):
    query = sql.load(name)
    assert query.returns and query.grain.startswith("one row")
    assert set(query.params) == query.used_params(), name
    for pname, ptype in query.params.items():
        assert ptype.strip(), f"{name}: ${pname} has no type"


@pytest.mark.parametrize("name", ALL)
def test_sql_is_lower_case_and_binds_values(name):
    text = sql.load(name).text
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    assert not re.search(r"\b(SELECT|FROM|WHERE|GROUP BY|ORDER BY)\b", body), name
    assert "{" not in body and "%s" not in body, f"{name}: values must be $parameters"


def _sample(name: str, ptype: str) -> object:
    """A value for a parameter of another room's query, from its name and declared type."""
    known = {
        "date_from": date(2024, 10, 1),
        "date_to": date(2025, 10, 1),
        "quarter": "2025Q3",
        "supplier_key": "S1",
        "supplier_id": "S1",
        "limit": 10,
        "page_size": 10,
        "page_offset": 0,
        "sort": "amount_usd",
        "descending": True,
        "source_row": 1,
    }
    if name in known:
        return known[name]
    if name in NO_FILTER:
        return NO_FILTER[name]
    t = ptype.lower()
    if "[]" in t or "list" in t:
        return []
    if "date" in t:
        return date(2025, 1, 1)
    if "int" in t:
        return 1
    if "bool" in t:
        return False
    if "decimal" in t or "double" in t or "numeric" in t:
        return D("0")
    return "x"


@pytest.mark.parametrize("name", ALL)
def test_every_query_runs_on_the_fixture_with_the_real_risk_model(real, store, name):
    query = sql.load(name)
    params = {p: _sample(p, t) for p, t in query.params.items()}
    if "batch_id" in params:
        params["batch_id"] = store.batches()[0].batch_id
    frame = sql.run(real, name, params)
    assert isinstance(frame, pl.DataFrame)


def rows(frame: pl.DataFrame, *columns: str) -> list[tuple]:
    return list(frame.select(columns).iter_rows())


def test_kpis_for_period(stub):
    assert sql.run(stub, "kpis_for_period", NO_FILTER).row(0, named=True) == {
        "total_usd": D("6933.33"),
        "high_usd": D("4400.00"),
        "count_lines": 8,
        "count_contracts": 7,
        "count_suppliers": 5,
    }
    q3 = Filters(quarter_from="2025Q3", quarter_to="2025Q3", risk_basis="residual")
    assert sql.run(stub, "kpis_for_period", q3.sql_params()).row(0) == (
        D("3000.00"),
        D("0.00"),
        3,
        3,
        3,
    )


def test_kpis_of_an_empty_selection_are_zero(stub):
    empty = Filters(search="nothing matches").sql_params()
    assert sql.run(stub, "kpis_for_period", empty).row(0) == (D("0.00"), D("0.00"), 0, 0, 0)


def test_spend_by_risk_category_inherent_and_residual(stub):
    inherent = sql.run(stub, "spend_by_risk_category", NO_FILTER)
    assert rows(inherent, "risk_category", "spend_usd", "count_lines") == [
        ("Low", D("333.33"), 1),
        ("Medium", D("700.00"), 1),
        ("High", D("2100.00"), 2),
        ("Very high", D("2300.00"), 3),
        ("Not assessable", D("1500.00"), 1),
    ]
    assert inherent["spend_usd"].sum() == D("6933.33")
    assert inherent["colour"][4] == "#999999"
    residual = sql.run(stub, "spend_by_risk_category", RESIDUAL)
    assert rows(residual, "risk_category", "spend_usd", "count_lines") == [
        ("Low", D("333.33"), 1),
        ("Medium", D("1500.00"), 2),
        ("High", D("3600.00"), 4),
        ("Very high", D("0.00"), 0),
        ("Not assessable", D("1500.00"), 1),
    ]
    assert residual["share_of_spend"][3] == 0


def test_spend_by_country(stub):
    frame = sql.run(stub, "spend_by_country", NO_FILTER)
    assert rows(
        frame, "supplier_country", "country_name", "spend_usd", "count_lines", "main_category"
    ) == [
        ("CHN", "China", D("2300.00"), 3, "Very high"),
        ("KEN", "Kenya", D("2100.00"), 2, "High"),
        (None, "Unknown country", D("1500.00"), 1, "Not assessable"),
        ("DEU", "Germany", D("700.00"), 1, "Medium"),
        ("FRA", "France", D("333.33"), 1, "Low"),
    ]
    assert frame["high_share"].to_list() == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert frame["country_tier"][0] == "Tier 3"


def test_spend_by_segment_family(stub):
    frame = sql.run(stub, "spend_by_segment_family", NO_FILTER)
    assert rows(frame, "segment_code", "family_code", "spend_usd") == [
        ("53", "5310", D("2300.00")),
        ("76", "7611", D("2100.00")),
        ("26", "2611", D("1500.00")),
        ("43", "4321", D("700.00")),
        ("44", "4412", D("333.33")),
    ]
    assert frame["segment_label"][0] == "53 Apparel and Luggage and Personal Care Products"
    assert frame["family_label"][1] == "7611 Janitorial services"


def test_spend_by_quarter_risk(stub):
    frame = sql.run(stub, "spend_by_quarter_risk", NO_FILTER)
    assert rows(frame, "award_quarter", "risk_category", "spend_usd") == [
        ("2024Q4", "High", D("100.00")),
        ("2025Q1", "Very high", D("1500.00")),
        ("2025Q2", "Low", D("333.33")),
        ("2025Q2", "High", D("2000.00")),
        ("2025Q3", "Medium", D("700.00")),
        ("2025Q3", "Very high", D("800.00")),
        ("2025Q3", "Not assessable", D("1500.00")),
    ]


def test_spend_by_quarter(stub):
    frame = sql.run(stub, "spend_by_quarter", NO_FILTER)
    assert rows(frame, "award_quarter", "spend_usd", "count_lines") == [
        ("2024Q4", D("100.00"), 1),
        ("2025Q1", D("1500.00"), 2),
        ("2025Q2", D("2333.33"), 2),
        ("2025Q3", D("3000.00"), 3),
    ]


def test_top_high_risk_suppliers(stub):
    frame = sql.run(stub, "top_high_risk_suppliers", {**NO_FILTER, "limit": 5})
    assert rows(frame, "supplier_key", "high_usd", "spend_usd", "count_contracts") == [
        ("S1", D("2300.00"), D("2300.00"), 2),
        ("S2", D("2100.00"), D("2100.00"), 2),
    ]
    one = sql.run(stub, "top_high_risk_suppliers", {**NO_FILTER, "limit": 1})
    assert one["supplier_name"].to_list() == ["Alpha Textiles"]
    assert sql.run(stub, "top_high_risk_suppliers", {**RESIDUAL, "limit": 5}).height == 2


def test_contract_lines_page_sorts_and_pages(stub):
    first = sql.run(stub, "contract_lines_page", {**NO_FILTER, **PAGE})
    assert first["source_row"].to_list() == [3, 5, 1]
    second = sql.run(stub, "contract_lines_page", {**NO_FILTER, **PAGE, "page_offset": 3})
    assert second["source_row"].to_list() == [7, 6, 2]
    by_risk = sql.run(
        stub,
        "contract_lines_page",
        {**NO_FILTER, **PAGE, "sort": "risk", "descending": False, "page_size": 10},
    )
    assert by_risk["source_row"].to_list() == [4, 6, 3, 8, 1, 2, 7, 5]
    by_name = sql.run(
        stub,
        "contract_lines_page",
        {**NO_FILTER, **PAGE, "sort": "supplier_name", "descending": True, "page_size": 2},
    )
    assert by_name["supplier_name"].to_list() == ["Gamma Office", "Epsilon IT"]
    by_date = sql.run(
        stub,
        "contract_lines_page",
        {**NO_FILTER, **PAGE, "sort": "award_date", "descending": False, "page_size": 1},
    )
    assert by_date["contract_id"].to_list() == ["C7"]
    # Not an allowed column: the tie-breakers alone order the rows; nothing is pasted in.
    odd = sql.run(
        stub,
        "contract_lines_page",
        {**NO_FILTER, **PAGE, "sort": "amount_usd; drop table x", "page_size": 2},
    )
    assert odd["contract_id"].to_list() == ["C1", "C1"]


def test_contract_detail(stub, store):
    batch = store.batches()[0].batch_id
    frame = sql.run(stub, "contract_detail", {"batch_id": batch, "source_row": 3})
    line = frame.row(0, named=True)
    assert (line["contract_id"], line["currency"], line["amount"]) == ("C2", "KES", D("258000"))
    assert (line["amount_usd"], line["fx_rate"]) == (D("2000.00"), D("129"))
    assert (line["inherent_category"], line["residual_category"]) == ("High", "High")
    assert sql.run(stub, "contract_detail", {"batch_id": batch, "source_row": 99}).height == 0


def test_contracts_for_supplier(stub):
    frame = sql.run(stub, "contracts_for_supplier", {"supplier_key": "S1"})
    assert rows(
        frame, "contract_id", "count_lines", "spend_usd", "inherent_category", "residual_category"
    ) == [
        ("C6", 1, D("800.00"), "Very high", "Medium"),
        ("C1", 2, D("1500.00"), "Very high", "High"),
    ]


def test_supplier_list(stub):
    frame = sql.run(stub, "supplier_list", {**NO_FILTER, "page_size": 10, "page_offset": 0})
    assert rows(frame, "supplier_key", "spend_usd", "count_contracts", "highest_category") == [
        ("S1", D("2300.00"), 2, "Very high"),
        ("S2", D("2100.00"), 2, "High"),
        ("S4", D("1500.00"), 1, "Not assessable"),
        ("S5", D("700.00"), 1, "Medium"),
        ("S3", D("333.33"), 1, "Low"),
    ]
    assert frame["countries"][2] == "Unknown country"
    page2 = sql.run(stub, "supplier_list", {**NO_FILTER, "page_size": 2, "page_offset": 2})
    assert page2["supplier_key"].to_list() == ["S4", "S5"]


def test_supplier_profile(stub):
    p = sql.run(stub, "supplier_profile", {"supplier_key": "S2"}).row(0, named=True)
    assert p["supplier_name"] == "Beta Cleaning"
    assert (p["spend_usd"], p["count_lines"], p["count_contracts"]) == (D("2100.00"), 2, 2)
    assert (p["first_award_date"], p["last_award_date"]) == (date(2024, 12, 20), date(2025, 4, 20))
    assert (p["inherent_category"], p["residual_category"], p["countries"]) == (
        "High",
        "High",
        "Kenya",
    )
    assert sql.run(stub, "supplier_profile", {"supplier_key": "nobody"}).height == 0


def test_spend_by_supplier_quarter(stub):
    frame = sql.run(
        stub, "spend_by_supplier_quarter", {"supplier_key": "S1", "risk_basis": "residual"}
    )
    assert rows(frame, "award_quarter", "risk_category", "spend_usd") == [
        ("2025Q1", "High", D("1500.00")),
        ("2025Q3", "Medium", D("800.00")),
    ]


def test_contract_lines_export(stub):
    frame = sql.run(stub, "contract_lines_export", Filters(countries=("CHN",)).sql_params())
    assert frame["source_row"].to_list() == [1, 2, 7]
    assert frame["amount_usd"].sum() == D("2300.00")


def test_colour_by_risk_category(stub):
    frame = sql.run(stub, "colour_by_risk_category")
    assert frame["risk_category"].to_list() == [
        "Low",
        "Medium",
        "High",
        "Very high",
        "Not assessable",
    ]


def test_filter_options_by_kind(stub):
    frame = sql.run(stub, "filter_options_by_kind")
    by_kind = {
        k: sorted(g["value"].to_list()) for (k,), g in frame.group_by("kind", maintain_order=True)
    }
    assert by_kind == {
        "buyer": ["Field Office Nairobi", "Headquarters"],
        "country": ["CHN", "DEU", "FRA", "KEN", "unknown"],
        "method": ["direct", "limited", "open", "other", "selective"],
        "quarter": ["2024Q4", "2025Q1", "2025Q2", "2025Q3"],
        "region": ["Africa", "Asia", "Europe", "Unknown"],
        "segment": ["26", "43", "44", "53", "76"],
    }
    labels = dict(frame.filter(pl.col("kind") == "country").select("value", "label").iter_rows())
    assert labels["unknown"] == "Unknown country"
    assert labels["CHN"] == "China"
