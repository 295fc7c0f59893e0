"""A small hand-made store for the dashboard tests, and a DuckDB with hand-assigned risk.

`fixture_lines()` is eight canonical contract lines whose totals are easy to add up by
hand. `stub_connection(store)` gives a connection whose `scored_lines` carries hand-chosen
categories (not the real model), so query results can be checked against hand-computed rows.

Hand totals (USD): 2024Q4 100.00; 2025Q1 1500.00; 2025Q2 2333.33; 2025Q3 3000.00;
all 6933.33. Inherent: Very high 2300.00, High 2100.00, Medium 700.00, Low 333.33,
Not assessable 1500.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import polars as pl

from transparency import database, filters, schema
from transparency.risk import categories
from transparency.store import Store

D = Decimal

# (contract, line, date, buyer, supplier id, name, country, segment, seg title, family,
#  fam title, method, amount, currency, amount_usd, fx_rate, description)
# fmt: off
_ROWS = [
    ("C1", "1", date(2025, 1, 15), "Headquarters", "S1", "Alpha Textiles", "CHN", "53",
     "Apparel and Luggage and Personal Care Products", "5310", "Clothing", "open",
     D("1000"), "USD", D("1000.00"), D("1"), "Uniform shirts"),
    ("C1", "2", date(2025, 2, 10), "Headquarters", "S1", "Alpha Textiles", "CHN", "53",
     "Apparel and Luggage and Personal Care Products", "5310", "Clothing", "open",
     D("500"), "USD", D("500.00"), D("1"), "Uniform trousers"),
    ("C2", "1", date(2025, 4, 20), "Field Office Nairobi", "S2", "Beta Cleaning", "KEN", "76",
     "Industrial Cleaning Services", "7611", "Janitorial services", "limited",
     D("258000"), "KES", D("2000.00"), D("129"), "Office cleaning"),
    ("C3", "1", date(2025, 5, 5), "Headquarters", "S3", "Gamma Office", "FRA", "44",
     "Office Equipment and Accessories and Supplies", "4412", "Office supplies", "direct",
     D("300"), "EUR", D("333.33"), D("0.9"), "Paper"),
    ("C4", "1", date(2025, 7, 1), "Field Office Nairobi", "S4", "Delta Solar", None, "26",
     "Power Generation and Distribution Machinery and Accessories", "2611", "Batteries",
     "selective", D("1500"), "USD", D("1500.00"), D("1"), "Solar panels"),
    ("C5", "1", date(2025, 8, 15), "Headquarters", "S5", "Epsilon IT", "DEU", "43",
     "Information Technology Broadcasting and Telecommunications", "4321", "Computer Equipment",
     "open", D("700"), "USD", D("700.00"), D("1"), "=HYPERLINK(\"http://x\")"),
    ("C6", "1", date(2025, 9, 30), "Headquarters", "S1", "Alpha Textiles", "CHN", "53",
     "Apparel and Luggage and Personal Care Products", "5310", "Clothing", "open",
     D("800"), "USD", D("800.00"), D("1"), "Jackets"),
    ("C7", "1", date(2024, 12, 20), "Field Office Nairobi", "S2", "Beta Cleaning", "KEN", "76",
     "Industrial Cleaning Services", "7611", "Janitorial services", "other",
     D("100"), "USD", D("100.00"), D("1"), "Window cleaning"),
]
# fmt: on

# Hand-assigned risk per source row: inherent, residual, total score.
RISK = {
    1: ("Very high", "High", 9),
    2: ("Very high", "High", 9),
    3: ("High", "High", 7),
    4: ("Low", "Low", 2),
    5: ("Not assessable", "Not assessable", None),
    6: ("Medium", "Medium", 4),
    7: ("Very high", "Medium", 9),
    8: ("High", "High", 7),
}
COUNTRY = {
    "CHN": ("China", "Asia", "Eastern Asia", "Tier 3"),
    "KEN": ("Kenya", "Africa", "Sub-Saharan Africa", "Tier 2"),
    "FRA": ("France", "Europe", "Western Europe", "Tier 1"),
    "DEU": ("Germany", "Europe", "Western Europe", "Tier 1"),
}
BANDS = {"Low": (2, 4), "Medium": (5, 6), "High": (7, 8), "Very high": (9, 10)}
COLOURS = {
    "Low": "#0072B2",
    "Medium": "#F0E442",
    "High": "#E69F00",
    "Very high": "#D55E00",
    "Not assessable": "#999999",
}


def fixture_lines() -> pl.DataFrame:
    """Return the eight canonical contract lines (source rows 1-8)."""
    keys = (
        "contract_id line_id award_date buyer supplier_id supplier_name supplier_country "
        "segment_code segment_title family_code family_title procurement_method amount "
        "currency amount_usd fx_rate description"
    ).split()
    records = [dict(zip(keys, row, strict=True)) for row in _ROWS]
    for i, rec in enumerate(records, start=1):
        rec["source_row"] = i
        rec["supplier_country_raw"] = rec["supplier_country"] or "??"
        rec["category_scheme"] = "UNSPSC"
        rec["category_code"] = rec["family_code"] + "0000"
        rec["category_raw"] = rec["category_code"]
        rec["procurement_method_raw"] = rec["procurement_method"]
        rec["fx_rate_date"] = rec["award_date"].replace(day=1)
        rec["fx_source"] = "fixture rates"
    frame = pl.DataFrame(
        records, schema_overrides={k: v for k, v in schema.CONTRACT_LINE.items() if k in records[0]}
    )
    return schema.conform(frame)


def fixture_store(root) -> Store:
    """Write the fixture lines as one batch into a new store at `root`."""
    store = Store(root)
    lines = fixture_lines()
    store.add_batch(
        lines,
        pl.DataFrame(schema=schema.REJECTION),
        source_file="fixture.csv",
        content_hash="fixture0001",
        rows_read=lines.height,
    )
    return store


def stub_connection(store: Store) -> duckdb.DuckDBPyConnection:
    """Return a connection whose `scored_lines` uses the hand-assigned risk above."""
    con = duckdb.connect()
    database.install_lines(con, store)
    risk = pl.DataFrame(
        [
            {
                "source_row": row,
                "inherent_category": inh,
                "residual_category": res,
                "total_score": score,
            }
            for row, (inh, res, score) in RISK.items()
        ],
        schema={
            "source_row": pl.Int64,
            "inherent_category": pl.String,
            "residual_category": pl.String,
            "total_score": pl.Int64,
        },
    )
    countries = pl.DataFrame(
        [
            {"iso3": k, "name": v[0], "region": v[1], "subregion": v[2], "tier": v[3]}
            for k, v in COUNTRY.items()
        ]
    )
    cats = pl.DataFrame(
        {
            "category": [c.name for c in categories.TABLE],
            "sort_order": [c.sort_order for c in categories.TABLE],
            "label": [c.label for c in categories.TABLE],
            "is_high": [c.is_high for c in categories.TABLE],
            "colour": [COLOURS[c.name] for c in categories.TABLE],
            # the shipped model's score bands (Not assessable has none), as the real table
            "min_score": [BANDS.get(c.name, (None, None))[0] for c in categories.TABLE],
            "max_score": [BANDS.get(c.name, (None, None))[1] for c in categories.TABLE],
        },
        schema={
            "category": pl.String,
            "sort_order": pl.Int32,
            "label": pl.String,
            "is_high": pl.Boolean,
            "colour": pl.String,
            "min_score": pl.Int32,
            "max_score": pl.Int32,
        },
    )
    database.install_frame(con, "fixture_risk", risk)
    database.install_frame(con, "fixture_countries", countries)
    database.install_frame(con, "risk_categories", cats)
    con.execute(
        """
        create view scored_lines as
        select
            l.*,
            c.tier as country_tier,
            2024 as tip_year,
            1 as country_score,
            'fixture' as country_source,
            1 as sector_score,
            'fixture' as sector_source,
            false as is_listed_pair,
            null::varchar as listed_goods,
            r.total_score::integer as total_score,
            r.inherent_category,
            r.residual_category,
            case when r.inherent_category = 'Not assessable'
                 then 'Supplier country unknown' end as not_assessable_reason,
            null::varchar as diligence_steps,
            'fixture drivers' as risk_drivers,
            c.region as supplier_region,
            c.subregion as supplier_subregion,
            c.name as supplier_country_name,
            year(l.award_date)::varchar || 'Q' || quarter(l.award_date)::varchar
                as award_quarter
        from contract_lines as l
        join fixture_risk as r using (source_row)
        left join fixture_countries as c on c.iso3 = l.supplier_country
        """
    )
    filters.install(con)
    return con
