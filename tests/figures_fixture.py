"""A hand-made store for the figures and report tests, with its figures worked out by hand.

Nine contract lines over three quarters (2024Q4, 2025Q3, 2025Q4), in EUR, GBP and USD
already converted, one supplier without an id, one line with an unknown country and one
without a category. Supplier S1 (garments from China) has an audit and a certification
on record. Inherent categories follow `data/risk_model.toml`:

- CHN (TIP Tier 3: 5) x UNSPSC 53 apparel (UFLPA sector: 4), garments listed for China
  (forced labour: +2): 11, capped at 10 -> Very high; audit + certification lower the
  residual two bands -> Medium.
- DNK (Tier 1: 1) x UNSPSC 80 management services (no group: 1): 2 -> Low.
- Unknown country, or no category -> Not assessable.

2025Q4, by hand:
  lines 6, contracts 4 (C1-C4), suppliers 4 (S1, S2, S3 and 'Delta Services' by name)
  total 1100.50 + 250.25 + 3000.00 + 620.01 + 1234.56 + 10.01 = 6215.33
  Very high (S1, CHN)  1100.50 + 250.25          = 1350.75 (2 lines)
  Low (DNK, 80)        3000.00 + 1234.56         = 4234.56 (2 lines)
  Not assessable       620.01 (country) + 10.01 (category) = 630.02 (2 lines)
  high-risk share      1350.75 / 6215.33 = 0.21732... -> 0.2173
2025Q3: 500.00 (S1, Very high) + 1000.00 (S2, Low) = 1500.00, 2 lines
2024Q4: 2000.00 (S1, Very high), 1 line
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from transparency import schema
from transparency.risk import diligence
from transparency.store import Store

APPAREL = ("53101502", "53", "Apparel and Luggage and Personal Care Products", "5310", "Clothing")
CONSULTING = (
    "80101500",
    "80",
    "Management and Business Professionals and Administrative Services",
    "8010",
    "Management advisory services",
)
NONE = (None, None, None, None, None)

# contract, line, award date, supplier id, name, country, raw country, category,
# method, amount, currency, rate (units per USD), amount in USD
LINES_Q4 = [
    (
        "C1",
        "1",
        date(2025, 10, 3),
        "S1",
        "Alpha Garments",
        "CHN",
        "China",
        APPAREL,
        "open",
        "1000.0000",
        "EUR",
        "0.908677",
        "1100.50",
    ),
    (
        "C1",
        "2",
        date(2025, 10, 3),
        "S1",
        "Alpha Garments",
        "CHN",
        "China",
        APPAREL,
        "open",
        "227.4000",
        "EUR",
        "0.908677",
        "250.25",
    ),
    (
        "C2",
        "1",
        date(2025, 11, 30),
        "S2",
        "Beta Advisory",
        "DNK",
        "Denmark",
        CONSULTING,
        "selective",
        "3000.0000",
        "USD",
        "1.000000",
        "3000.00",
    ),
    (
        "C3",
        "1",
        date(2025, 12, 31),
        "S3",
        "Gamma Textiles",
        None,
        "N/A",
        APPAREL,
        "direct",
        "499.9900",
        "GBP",
        "0.806400",
        "620.01",
    ),
    (
        "C4",
        "1",
        date(2025, 12, 1),
        None,
        "Delta Services",
        "DNK",
        "DK",
        CONSULTING,
        "limited",
        "1234.5600",
        "USD",
        "1.000000",
        "1234.56",
    ),
    (
        "C4",
        "2",
        date(2025, 12, 1),
        None,
        "Delta Services",
        "DNK",
        "DK",
        NONE,
        "limited",
        "10.0100",
        "USD",
        "1.000000",
        "10.01",
    ),
]
LINES_OLDER = [
    (
        "C5",
        "1",
        date(2025, 9, 30),
        "S1",
        "Alpha Garments",
        "CHN",
        "China",
        APPAREL,
        "open",
        "500.0000",
        "USD",
        "1.000000",
        "500.00",
    ),
    (
        "C6",
        "1",
        date(2025, 7, 1),
        "S2",
        "Beta Advisory",
        "DNK",
        "Denmark",
        CONSULTING,
        "open",
        "1000.0000",
        "USD",
        "1.000000",
        "1000.00",
    ),
    (
        "C7",
        "1",
        date(2024, 11, 1),
        "S1",
        "Alpha Garments",
        "CHN",
        "China",
        APPAREL,
        "open",
        "2000.0000",
        "USD",
        "1.000000",
        "2000.00",
    ),
]

EXPECTED_Q4 = {
    "total_usd": Decimal("6215.33"),
    "lines": 6,
    "contracts": 4,
    "suppliers": 4,
    "high_risk_usd": Decimal("1350.75"),
    "high_risk_share": Decimal("0.2173"),
    "residual_high_risk_usd": Decimal("0.00"),
    "not_assessable_usd": Decimal("630.02"),
    "not_assessable_share": Decimal("0.1014"),
}


def lines_frame(rows: list[tuple], *, first_row: int = 1) -> pl.DataFrame:
    """Return canonical contract lines from the compact rows above."""
    records = []
    for i, (cid, lid, day, sid, name, iso3, raw, cat, method, amount, cur, rate, usd) in enumerate(
        rows, start=first_row
    ):
        code, seg, seg_title, fam, fam_title = cat
        records.append(
            {
                "contract_id": cid,
                "line_id": lid,
                "award_date": day,
                "buyer": "Procurement Division",
                "supplier_id": sid,
                "supplier_name": name,
                "supplier_country": iso3,
                "supplier_country_raw": raw,
                "description": f"line {cid}/{lid}",
                "category_scheme": "UNSPSC" if code else None,
                "category_code": code,
                "category_raw": code or "MISC",
                "segment_code": seg,
                "segment_title": seg_title,
                "family_code": fam,
                "family_title": fam_title,
                "procurement_method": method,
                "procurement_method_raw": method,
                "amount": Decimal(amount),
                "currency": cur,
                "amount_usd": Decimal(usd),
                "fx_rate": Decimal(rate),
                "fx_rate_date": day.replace(day=1),
                "fx_source": "test rates",
                "source_row": i,
            }
        )
    return schema.conform(pl.DataFrame(records, infer_schema_length=None))


def build(
    root, *, with_diligence: bool = True, source_q4: str = "q4.csv", hash_q4: str = "q4"
) -> Store:
    """Write the fixture store (two batches, due-diligence records) under `root`."""
    store = Store(root)
    empty = pl.DataFrame(schema=schema.REJECTION)
    store.add_batch(
        lines_frame(LINES_OLDER),
        empty,
        source_file="older.csv",
        content_hash="older",
        rows_read=len(LINES_OLDER),
    )
    store.add_batch(
        lines_frame(LINES_Q4),
        empty,
        source_file=source_q4,
        content_hash=hash_q4,
        rows_read=len(LINES_Q4),
    )
    if with_diligence:
        for step in ("audit", "certification"):
            diligence.add(
                store,
                supplier_id="S1",
                supplier_name="Alpha Garments",
                step=step,
                recorded_by="compliance officer",
                step_date="2025-01-15",
                evidence=f"{step} report 2025-01",
            )
    return store
