"""Row checks and value normalisation shared by every reader: methods, currency codes,
and the rejection report rows.

>>> normalise_method(pl.Series(["Open Tender", "Sole source", "RFQ", "Framework", None])).to_list()
['open', 'direct', 'limited', 'other', None]
"""

from __future__ import annotations

import re

import polars as pl

from transparency import schema

# First match wins, so "non-competitive" is direct before "competitive" is open.
METHOD_RULES: list[tuple[str, str]] = [
    (
        "direct",
        r"\bdirect\b|sole.?source|single.?source|\bsole\b|waiver|exempt|non.?competitive"
        r"|no competition|without competition|emergency|\bda\b",
    ),
    (
        "limited",
        r"\blimited\b|negotiat|request for quotation|\brfq\b|low value|shopping|informal"
        r"|small value|micro",
    ),
    ("selective", r"selective|restricted|pre.?qualif|short.?list|two.?stage|invited"),
    (
        "open",
        r"\bopen\b|competitive|public|tender|\bicb\b|\bncb\b|\bitb\b|\brfp\b|invitation to bid"
        r"|request for proposal|international bidding|national bidding",
    ),
]

CURRENCY_ALIASES: dict[str, str] = {
    "US$": "USD",
    "US DOLLAR": "USD",
    "US DOLLARS": "USD",
    "U.S. DOLLAR": "USD",
    "€": "EUR",
    "EURO": "EUR",
    "EUROS": "EUR",
    "£": "GBP",
    "POUND STERLING": "GBP",
    "STERLING": "GBP",
    "CHF.": "CHF",
    "SFR": "CHF",
    "YEN": "JPY",
    "¥": "JPY",
    "RUPEE": "INR",
    "INDIAN RUPEE": "INR",
}


def _method(value: str) -> str:
    text = value.strip().lower()
    if text in schema.PROCUREMENT_METHODS:
        return text
    for method, pattern in METHOD_RULES:
        if re.search(pattern, text):
            return method
    return "other"


def normalise_method(raw: pl.Series, overrides: dict[str, str] | None = None) -> pl.Series:
    """Map raw procurement methods to `schema.PROCUREMENT_METHODS`; null stays null.

    `overrides` (from a mapping file's [values.procurement_method]) win over the rules.
    Unrecognised text is 'other' (the raw value is kept beside it).
    """
    overrides = {k: v.strip().lower() for k, v in (overrides or {}).items()}
    uniques = raw.drop_nulls().unique().to_list()
    table = {v: overrides.get(v) or _method(v) for v in uniques if v.strip()}
    return raw.replace_strict(table, default=None, return_dtype=pl.String)


def normalise_currency(raw: pl.Expr) -> pl.Expr:
    """Return ISO 4217-looking codes: trimmed, upper case, common names mapped."""
    text = raw.cast(pl.String).str.strip_chars().str.to_uppercase()
    return text.replace(CURRENCY_ALIASES)


def rejections_where(
    frame: pl.DataFrame,
    condition: pl.Expr,
    *,
    file: str,
    column: str,
    value: pl.Expr,
    reason: pl.Expr | str,
) -> pl.DataFrame:
    """Return rejection rows (schema.REJECTION) for the rows of `frame` meeting `condition`."""
    reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
    return frame.filter(condition).select(
        pl.lit(file, dtype=pl.String).alias("file"),
        pl.col("source_row").cast(pl.Int64),
        pl.lit(column, dtype=pl.String).alias("column"),
        value.cast(pl.String).alias("value"),
        reason_expr.cast(pl.String).alias("reason"),
    )


def empty_rejections() -> pl.DataFrame:
    """Return an empty rejection report."""
    return pl.DataFrame(schema=schema.REJECTION)


WHOLE_ROW = "(whole row)"


def row_rejections(rows: list[tuple[int, str, str]], file: str) -> pl.DataFrame:
    """Return rejection rows for (source row, raw value, reason) found by a reader."""
    if not rows:
        return empty_rejections()
    return pl.DataFrame(
        [(file, row, WHOLE_ROW, value, reason) for row, value, reason in rows],
        schema=schema.REJECTION,
        orient="row",
    )
