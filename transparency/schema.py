"""The canonical contract line: the columns every batch in the store has, and their types.

Every reader (CSV, XLSX, Parquet, OCDS) and the demo generator produce exactly these columns,
so any engine can read the store without this tool.

>>> CONTRACT_LINE["amount_usd"]
Decimal(precision=38, scale=2)
"""

from __future__ import annotations

import polars as pl

MONEY = pl.Decimal(38, 4)
USD = pl.Decimal(38, 2)
RATE = pl.Decimal(38, 6)

CONTRACT_LINE: dict[str, pl.DataType] = {
    "contract_id": pl.String(),
    "line_id": pl.String(),
    "award_date": pl.Date(),
    "buyer": pl.String(),  # organisational unit
    "supplier_id": pl.String(),
    "supplier_name": pl.String(),
    "supplier_country": pl.String(),  # ISO 3166 alpha-3, null = unknown (never guessed)
    "supplier_country_raw": pl.String(),  # the value as it stood in the export
    "description": pl.String(),
    "category_scheme": pl.String(),  # UNSPSC, CPV, or the raw scheme name; null = none given
    "category_code": pl.String(),  # UNSPSC 8 digits or a shorter prefix (2, 4, 6 digits)
    "category_raw": pl.String(),
    "segment_code": pl.String(),  # UNSPSC segment, 2 digits
    "segment_title": pl.String(),
    "family_code": pl.String(),  # UNSPSC family, 4 digits
    "family_title": pl.String(),
    "procurement_method": pl.String(),  # open / selective / limited / direct / other
    "procurement_method_raw": pl.String(),
    "amount": MONEY,  # in the original currency
    "currency": pl.String(),  # ISO 4217
    "amount_usd": USD,
    "fx_rate": RATE,  # units of `currency` per 1 USD
    "fx_rate_date": pl.Date(),  # first day of the month the rate is for
    "fx_source": pl.String(),  # which rates table the rate came from
    "batch_id": pl.String(),
    "source_row": pl.Int64(),  # 1-based data row number in the source file (header excluded)
}

COLUMNS: list[str] = list(CONTRACT_LINE)

# Columns an import cannot do without; the rest may be null.
REQUIRED: tuple[str, ...] = (
    "contract_id",
    "award_date",
    "supplier_name",
    "amount",
)

PROCUREMENT_METHODS: tuple[str, ...] = ("open", "selective", "limited", "direct", "other")

# Rejection report columns: one row per rejected input row and reason.
REJECTION: dict[str, pl.DataType] = {
    "file": pl.String(),
    "source_row": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "reason": pl.String(),
}

# The value of each rejected row, beside its reason (issue 17): the amount and currency as
# the file gave them, and the USD value where the amount and a rate could be read. Empty
# for rows whose fields were never read (a ragged row, an exact duplicate of row N: its
# value is row N's) and in reports written before these columns existed.
REJECTION_VALUE: dict[str, pl.DataType] = {
    "amount_raw": pl.String(),
    "currency_raw": pl.String(),
    "amount_usd": pl.Decimal(38, 2),
}
REJECTION_REPORT: dict[str, pl.DataType] = {**REJECTION, **REJECTION_VALUE}


def empty_lines() -> pl.DataFrame:
    """Return an empty frame with the canonical schema."""
    return pl.DataFrame(schema=CONTRACT_LINE)


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Return `df` with exactly the canonical columns, in order, cast to their types.

    Missing columns become null; the cast is strict, so a wrong type fails loudly.
    """
    exprs = []
    for name, dtype in CONTRACT_LINE.items():
        if name in df.columns:
            exprs.append(pl.col(name).cast(dtype, strict=True))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return df.select(exprs)
