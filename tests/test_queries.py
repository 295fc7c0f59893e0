"""Every query file: header (returns, grain, params), declared == used parameters, and a run.

The dashboard's queries are checked row by row against hand-computed results on the
eight-line fixture with hand-assigned risk (`dashboard_fixtures`). Every query file is also
run on the same fixture store with the real risk model installed and its rows compared with
rows worked out by hand (the risk of each fixture line under the shipped model is derived in
the comment above `_expected`); a new query file fails until its rows are added there.
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


SCREENING = sql.QUERIES_DIR / "screening"


@pytest.mark.parametrize(
    ("name", "folder"),
    [(n, sql.QUERIES_DIR) for n in ALL] + [(n, SCREENING) for n in sql.names(SCREENING)],
)
def test_header_and_declared_params_match_used(name, folder):
    query = sql.load(name, folder)
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


# The three periods of the figures queries: the reported quarter 2025Q3, the previous
# quarter 2025Q2, and 2024Q4 in the year-earlier slot (the fixture has no 2024Q3 line; any
# third period exercises the same branch, and this one has a line).
PERIODS = {
    "q_from": date(2025, 7, 1),
    "q_to": date(2025, 10, 1),
    "prev_from": date(2025, 4, 1),
    "prev_to": date(2025, 7, 1),
    "year_from": date(2024, 10, 1),
    "year_to": date(2025, 1, 1),
    "quarter": "2025Q3",
    "previous": "2025Q2",
    "year_earlier": "2024Q4",
}

# Risk of the eight fixture lines under the shipped model (data/risk_model.toml) and
# reference data (data/reference/), worked out by hand; no diligence records, so residual =
# inherent. Bands: Low 2-4, Medium 5-6, High 7-8, Very high 9-10.
#   rows 1, 2, 7 (C1, C1, C6)  CHN: TIP 2025 Tier 3 = 5, ILAB No Assessment +0; UNSPSC 5310
#       UFLPA priority = 4; Garments listed for China, forced labour +2 -> 11, capped 10:
#       Very high
#   rows 3, 8 (C2, C7)  KEN: TIP 2023 Tier 2 = 2, ILAB Minimal Advancement +1 = 3; 7611
#       PPN 02/23 service = 3 -> 6: Medium
#   row 4 (C3)  FRA: Tier 1 = 1; 4412 no group, default 1 -> 2: Low
#   row 5 (C4)  no supplier country: Not assessable (2611 batteries: no sector group since
#       issue 13, lithium is the UFLPA sector; default 1 still shown)
#   row 6 (C5)  DEU: TIP 2025 Tier 1 = 1 (not on the partial 2025 list: its 2023 Tier 1);
#       family 4321 alone is no longer a DOL-listed category (Electronics maps to class
#       432115 Computers and narrower since issue 13): default 1 -> 2: Low
# Hence inherent: Very high 1000 + 500 + 800 = 2300.00 (3 lines); Medium 2000 + 100 =
# 2100.00 (2); Low 333.33 + 700 = 1033.33 (2); High 0; Not assessable 1500.00 (1); all
# 6933.33 over 8 lines, 7 contracts, 5 suppliers. Shares are rounded to 6 places.
TIER_3 = "Tier 3"
APPAREL = "Apparel and Luggage and Personal Care Products"
CLEANING = "Industrial Cleaning Services"
POWER = "Power Generation and Distribution Machinery and Accessories"
IT = "Information Technology Broadcasting and Telecommunications"
OFFICE = "Office Equipment and Accessories and Supplies"
# The category table with data/risk_model.toml's colours: High and Very high are the
# high-risk group.
COLOURS_OF_MODEL = [
    ("Low", 1, "Low", False, "#009E73"),
    ("Medium", 2, "Medium", False, "#F0E442"),
    ("High", 3, "High", True, "#E69F00"),
    ("Very high", 4, "Very high", True, "#D55E00"),
    ("Not assessable", 5, "Not assessable", False, "#999999"),
]
NA = "Not assessable"
VH = "Very high"
MED = "Medium"
UNKNOWN = "Supplier country unknown"
P, Q, Y = "previous_quarter", "quarter", "year_earlier"
CELL_COLUMNS = (
    "part",
    "period",
    "supplier_country",
    "segment_code",
    "procurement_method",
    "inherent_category",
    "residual_category",
    "not_assessable_reason",
    "count_lines",
    "spend_usd",
)


def _expected(batch: str) -> dict[str, tuple[dict, tuple[str, ...], list[tuple]]]:
    """Per query: parameters beyond `_sample`'s, the columns checked, the rows by hand."""
    by_period = {
        "figures_lines_by_period": (
            ("period", "count_lines", "imported_usd"),
            [
                ("previous_quarter", 2, D("2333.33")),
                ("quarter", 3, D("3000.00")),
                ("year_earlier", 1, D("100.00")),
            ],
        ),
        "figures_totals_by_period": (
            ("period", "spend_usd", "count_lines", "count_contracts", "count_suppliers"),
            [
                ("previous_quarter", D("2333.33"), 2, 2, 2),
                ("quarter", D("3000.00"), 3, 3, 3),
                ("year_earlier", D("100.00"), 1, 1, 1),
            ],
        ),
        "figures_counts_by_period": (
            ("period", "count_contracts", "count_suppliers", "batch_ids"),
            [
                ("previous_quarter", 2, 2, [batch]),
                ("quarter", 3, 3, [batch]),
                ("year_earlier", 1, 1, [batch]),
            ],
        ),
    }
    expected = {name: (PERIODS, cols, rows) for name, (cols, rows) in by_period.items()}
    expected |= {
        "colour_by_risk_category": (
            {},
            ("risk_category", "sort_order", "label", "is_high", "colour"),
            COLOURS_OF_MODEL,
        ),
        "contract_detail": (
            {"batch_id": batch, "source_row": 1},
            (
                "contract_id",
                "line_id",
                "country_tier",
                "country_score",
                "sector_score",
                "is_listed_pair",
                "total_score",
                "inherent_category",
                "residual_category",
            ),
            [("C1", "1", TIER_3, 5, 4, True, 10, VH, VH)],
        ),
        "contract_lines_export": (
            {},
            ("source_row", "award_quarter", "total_score", "inherent_category", "amount_usd"),
            [
                (8, "2024Q4", 6, "Medium", D("100.00")),
                (1, "2025Q1", 10, VH, D("1000.00")),
                (2, "2025Q1", 10, VH, D("500.00")),
                (3, "2025Q2", 6, "Medium", D("2000.00")),
                (4, "2025Q2", 2, "Low", D("333.33")),
                (5, "2025Q3", None, NA, D("1500.00")),
                (6, "2025Q3", 2, "Low", D("700.00")),
                (7, "2025Q3", 10, VH, D("800.00")),
            ],
        ),
        "contract_lines_page": (
            {},  # `_sample`: by amount_usd, descending, ten to a page
            ("source_row", "risk_category", "total_score"),
            [
                (3, "Medium", 6),
                (5, NA, None),
                (1, VH, 10),
                (7, VH, 10),
                (6, "Low", 2),
                (2, VH, 10),
                (4, "Low", 2),
                (8, "Medium", 6),
            ],
        ),
        "contracts_for_supplier": (
            {"supplier_key": "S1"},
            (
                "contract_id",
                "first_award_date",
                "count_lines",
                "spend_usd",
                "inherent_category",
                "residual_category",
            ),
            [
                ("C6", date(2025, 9, 30), 1, D("800.00"), VH, VH),
                ("C1", date(2025, 1, 15), 2, D("1500.00"), VH, VH),
            ],
        ),
        "coverage_by_reason": (
            {},
            ("reason", "is_assessable", "count_lines", "spend_usd", "share_lines", "share_spend"),
            [
                ("Assessable", True, 7, D("5433.33"), 0.875, 0.783654),  # 5433.33 / 6933.33
                (UNKNOWN, False, 1, D("1500.00"), 0.125, 0.216346),  # 1500 / 6933.33
            ],
        ),
        "figures_quarters_available": (
            {},
            ("month", "count_lines", "spend_usd"),
            [
                (date(2024, 12, 1), 1, D("100.00")),
                (date(2025, 1, 1), 1, D("1000.00")),
                (date(2025, 2, 1), 1, D("500.00")),
                (date(2025, 4, 1), 1, D("2000.00")),
                (date(2025, 5, 1), 1, D("333.33")),
                (date(2025, 7, 1), 1, D("1500.00")),
                (date(2025, 8, 1), 1, D("700.00")),
                (date(2025, 9, 1), 1, D("800.00")),
            ],
        ),
        "figures_spend_by_cell": (
            PERIODS,
            CELL_COLUMNS,
            [
                ("country", P, "FRA", None, None, "Low", "Low", None, 1, D("333.33")),
                ("country", P, "KEN", None, None, "Medium", "Medium", None, 1, D("2000.00")),
                ("country", Q, "CHN", None, None, VH, VH, None, 1, D("800.00")),
                ("country", Q, "DEU", None, None, "Low", "Low", None, 1, D("700.00")),
                ("country", Q, None, None, None, NA, NA, UNKNOWN, 1, D("1500.00")),
                ("country", Y, "KEN", None, None, "Medium", "Medium", None, 1, D("100.00")),
                ("method", P, None, None, "direct", "Low", None, None, 1, D("333.33")),
                ("method", P, None, None, "limited", "Medium", None, None, 1, D("2000.00")),
                ("method", Q, None, None, "open", "Low", None, None, 1, D("700.00")),
                ("method", Q, None, None, "open", VH, None, None, 1, D("800.00")),
                ("method", Q, None, None, "selective", NA, None, None, 1, D("1500.00")),
                ("method", Y, None, None, "other", "Medium", None, None, 1, D("100.00")),
                ("segment", P, None, "44", None, "Low", None, None, 1, D("333.33")),
                ("segment", P, None, "76", None, "Medium", None, None, 1, D("2000.00")),
                ("segment", Q, None, "26", None, NA, None, None, 1, D("1500.00")),
                ("segment", Q, None, "43", None, "Low", None, None, 1, D("700.00")),
                ("segment", Q, None, "53", None, VH, None, None, 1, D("800.00")),
                ("segment", Y, None, "76", None, "Medium", None, None, 1, D("100.00")),
                # Only lines of inherent High or Very high count towards steps: C6 alone.
                ("steps", Q, None, None, None, VH, None, None, 1, D("800.00")),
            ],
        ),
        "figures_spend_by_combination": (
            PERIODS,
            (*CELL_COLUMNS[1:4], "supplier_country_name", *CELL_COLUMNS[4:], "step_keys"),
            [
                (P, "FRA", "44", "France", "direct", "Low", "Low", None, 1, D("333.33"), None),
                (P, "KEN", "76", "Kenya", "limited", MED, MED, None, 1, D("2000.00"), None),
                (Q, "CHN", "53", "China", "open", VH, VH, None, 1, D("800.00"), None),
                (Q, "DEU", "43", "Germany", "open", "Low", "Low", None, 1, D("700.00"), None),
                (Q, None, "26", None, "selective", NA, NA, UNKNOWN, 1, D("1500.00"), None),
                (Y, "KEN", "76", "Kenya", "other", MED, MED, None, 1, D("100.00"), None),
            ],
        ),
        "filter_options_by_kind": (
            {},
            ("kind", "value", "label"),
            [
                ("buyer", "Field Office Nairobi", "Field Office Nairobi"),
                ("buyer", "Headquarters", "Headquarters"),
                ("country", "CHN", "China"),
                ("country", "FRA", "France"),
                ("country", "DEU", "Germany"),
                ("country", "KEN", "Kenya"),
                ("country", "unknown", "Unknown country"),
                *[("method", m, m) for m in ("direct", "limited", "open", "other", "selective")],
                *[("quarter", q, q) for q in ("2024Q4", "2025Q1", "2025Q2", "2025Q3")],
                *[("region", r, r) for r in ("Africa", "Asia", "Europe", "Unknown")],
                ("segment", "26", f"26 {POWER}"),
                ("segment", "43", f"43 {IT}"),
                ("segment", "44", f"44 {OFFICE}"),
                ("segment", "53", f"53 {APPAREL}"),
                ("segment", "76", f"76 {CLEANING}"),
            ],
        ),
        "latest_award_date": (
            {},
            ("latest_award_date",),
            [(date(2025, 9, 30),)],  # C6, the last of the eight lines
        ),
        "kpis_for_period": (
            {},
            ("total_usd", "high_usd", "count_lines", "count_contracts", "count_suppliers"),
            [(D("6933.33"), D("2300.00"), 8, 7, 5)],
        ),
        "spend_by_country": (
            {},
            (
                "supplier_country",
                "country_name",
                "region",
                "country_tier",
                "spend_usd",
                "count_lines",
                "high_share",
                "main_category",
            ),
            [
                ("CHN", "China", "Asia", TIER_3, D("2300.00"), 3, 1.0, VH),
                ("KEN", "Kenya", "Africa", "Tier 2", D("2100.00"), 2, 0.0, "Medium"),
                (None, "Unknown country", "Unknown", None, D("1500.00"), 1, 0.0, NA),
                ("DEU", "Germany", "Europe", "Tier 1", D("700.00"), 1, 0.0, "Low"),
                ("FRA", "France", "Europe", "Tier 1", D("333.33"), 1, 0.0, "Low"),
            ],
        ),
        "spend_by_quarter": (
            {},
            ("award_quarter", "spend_usd", "count_lines"),
            [
                ("2024Q4", D("100.00"), 1),
                ("2025Q1", D("1500.00"), 2),
                ("2025Q2", D("2333.33"), 2),
                ("2025Q3", D("3000.00"), 3),
            ],
        ),
        "spend_by_quarter_risk": (
            {},
            ("award_quarter", "risk_category", "spend_usd", "count_lines"),
            [
                ("2024Q4", "Medium", D("100.00"), 1),
                ("2025Q1", VH, D("1500.00"), 2),
                ("2025Q2", "Low", D("333.33"), 1),
                ("2025Q2", "Medium", D("2000.00"), 1),
                ("2025Q3", "Low", D("700.00"), 1),
                ("2025Q3", VH, D("800.00"), 1),
                ("2025Q3", NA, D("1500.00"), 1),
            ],
        ),
        "spend_by_risk_category": (
            {},
            ("risk_category", "colour", "spend_usd", "count_lines", "share_of_spend"),
            [
                ("Low", "#009E73", D("1033.33"), 2, 0.149038),
                ("Medium", "#F0E442", D("2100.00"), 2, 0.302885),
                ("High", "#E69F00", D("0.00"), 0, 0.0),
                (VH, "#D55E00", D("2300.00"), 3, 0.331731),
                (NA, "#999999", D("1500.00"), 1, 0.216346),
            ],
        ),
        "spend_by_segment_family": (
            {},
            ("segment_label", "family_label", "spend_usd", "count_lines", "high_share"),
            [
                (f"53 {APPAREL}", "5310 Clothing", D("2300.00"), 3, 1.0),
                (f"76 {CLEANING}", "7611 Janitorial services", D("2100.00"), 2, 0.0),
                (f"26 {POWER}", "2611 Batteries", D("1500.00"), 1, 0.0),
                (f"43 {IT}", "4321 Computer Equipment", D("700.00"), 1, 0.0),
                (f"44 {OFFICE}", "4412 Office supplies", D("333.33"), 1, 0.0),
            ],
        ),
        "spend_by_supplier_quarter": (
            {"supplier_key": "S1", "risk_basis": "residual"},
            ("award_quarter", "risk_category", "spend_usd"),
            [("2025Q1", VH, D("1500.00")), ("2025Q3", VH, D("800.00"))],
        ),
        "supplier_list": (
            {},
            (
                "supplier_key",
                "countries",
                "sectors",
                "spend_usd",
                "count_contracts",
                "highest_category",
                "high_share",
            ),
            [
                ("S1", "China", APPAREL, D("2300.00"), 2, VH, 1.0),
                ("S2", "Kenya", CLEANING, D("2100.00"), 2, "Medium", 0.0),
                ("S4", "Unknown country", POWER, D("1500.00"), 1, NA, 0.0),
                ("S5", "Germany", IT, D("700.00"), 1, "Low", 0.0),
                ("S3", "France", OFFICE, D("333.33"), 1, "Low", 0.0),
            ],
        ),
        "supplier_profile": (
            {"supplier_key": "S1"},
            (
                "supplier_name",
                "countries",
                "spend_usd",
                "count_lines",
                "count_contracts",
                "first_award_date",
                "last_award_date",
                "inherent_category",
                "residual_category",
            ),
            [
                (
                    "Alpha Textiles",
                    "China",
                    D("2300.00"),
                    3,
                    2,
                    date(2025, 1, 15),
                    date(2025, 9, 30),
                    VH,
                    VH,
                )
            ],
        ),
        # 2025Q3 holds three of the fixture's lines.
        "period_has_lines": (
            {"date_from": date(2025, 7, 1), "date_to": date(2025, 10, 1)},
            ("has_lines",),
            [(True,)],
        ),
        # Of the names asked for, the scoring tables exist; a made-up name does not.
        "tables_present": (
            {"names": ["risk_categories", "scored_lines", "no_such_table"]},
            ("table_name",),
            [("risk_categories",), ("scored_lines",)],
        ),
        "top_high_risk_suppliers": (
            {"limit": 10},
            ("supplier_key", "countries", "high_usd", "spend_usd", "count_contracts"),
            # Only S1 has High or Very high lines under the real model (KEN is Medium).
            [("S1", "China", D("2300.00"), D("2300.00"), 2)],
        ),
    }
    return expected


def _rounded(rows: list[tuple]) -> list[tuple]:
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]


@pytest.mark.parametrize("name", ALL)
def test_every_query_gives_the_hand_computed_rows_with_the_real_risk_model(real, store, name):
    batch = store.batches()[0].batch_id
    expected = _expected(batch)
    assert name in expected, (
        f"queries/{name}.sql has no hand-computed rows: add them to _expected() "
        "(worked out from dashboard_fixtures' eight lines and the risk table above)"
    )
    extra, columns, want = expected[name]
    query = sql.load(name)
    params = {p: extra.get(p, _sample(p, t)) for p, t in query.params.items()}
    frame = sql.run(real, name, params)
    assert _rounded(list(frame.select(columns).iter_rows())) == want, name


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
