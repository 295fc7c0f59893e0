"""Small contract-line fixtures for the screening and red-flag tests, with hand-worked results."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from transparency import schema

# Six contracts (one line each). Worked by hand in tests/test_red_flags.py.
FLAG_LINES = [
    # contract, buyer, supplier, award date, USD, method, tenderers, tender start, tender end
    ("C1", "U1", "A", date(2025, 1, 1), 20000, "direct", 1, date(2024, 12, 1), date(2024, 12, 10)),
    ("C2", "U1", "A", date(2025, 1, 10), 20000, "open", 1, date(2024, 12, 1), date(2024, 12, 16)),
    ("C3", "U1", "A", date(2025, 1, 25), 15000, "limited", 3, date(2024, 12, 1), date(2024, 12, 15)),  # noqa: E501
    ("C4", "U1", "A", date(2025, 3, 1), 40000, "open", None, None, None),
    ("C5", "U2", "B", date(2025, 1, 5), 60000, "selective", 1, None, None),
    ("C6", "U1", "B", date(2025, 1, 5), 30000, "open", None, None, None),
]  # fmt: skip


def flag_frame(*, tender_fields: bool = True) -> pl.DataFrame:
    """Return the fixture as canonical lines, with the OCDS tender columns when asked."""
    rows = []
    for c, buyer, sup, day, usd, method, n, start, end in FLAG_LINES:
        row = {
            "contract_id": c, "line_id": "1", "award_date": day, "buyer": buyer,
            "supplier_id": sup, "supplier_name": f"Supplier {sup}", "segment_code": "43",
            "procurement_method": method, "amount": usd, "currency": "USD", "amount_usd": usd,
        }  # fmt: skip
        if tender_fields:
            row |= {"number_of_tenderers": n, "tender_start_date": start, "tender_end_date": end}
        rows.append(row)
    frame = pl.DataFrame(rows, infer_schema_length=None)
    lines = schema.conform(frame)
    if tender_fields:
        lines = lines.with_columns(
            frame["number_of_tenderers"].cast(pl.Int64),
            frame["tender_start_date"],
            frame["tender_end_date"],
        )
    return lines


def connection_over(lines: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    """Return a DuckDB connection with `contract_lines` as a table of `lines`."""
    con = duckdb.connect()
    con.from_arrow(lines.to_arrow()).to_table("contract_lines")
    return con


def supplier_lines(rows: list[tuple[str, str, str | None, date]]) -> pl.DataFrame:
    """Return canonical lines for (supplier id, name, country, award date), USD 1,000 each."""
    frame = pl.DataFrame(
        [
            {
                "contract_id": f"K{i}",
                "line_id": "1",
                "award_date": d,
                "buyer": "U1",
                "supplier_id": sid,
                "supplier_name": name,
                "supplier_country": country,
                "amount": 1000,
                "currency": "USD",
                "amount_usd": 1000,
                "source_row": i + 1,
            }  # fmt: skip
            for i, (sid, name, country, d) in enumerate(rows)
        ],
        schema_overrides={"supplier_country": pl.String},
    )
    return schema.conform(frame)
