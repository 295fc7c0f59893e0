"""Amounts written as text: decimal comma or point, thousands separators, detected per column.

>>> detect_style(pl.Series(["1.234,50", "12,5"]))
(',', '.')
>>> pl.select(parse_amount(pl.lit("1.234,50"), ",", ".")).item()
Decimal('1234.5000')
"""

from __future__ import annotations

import re

import polars as pl

from transparency import schema

# Spaces of any kind and apostrophes group thousands in many locales ("1 234,50", "1'234.50").
_GROUPING = r"[\s\u00a0\u202f']"
_SYMBOLS = r"[$€£¥]|US\$|USD|EUR"

# Evidence for a decimal comma, and for a decimal point; a value like "1,234" is neither.
_COMMA_DECIMAL = [
    r"^[-+]?\d{1,3}(\.\d{3})+,\d*$",  # 1.234,5
    r"^[-+]?\d+,(\d{1,2}|\d{4,})$",  # 12,5  12,50  0,12345
    r"^[-+]?\d{1,3}(\.\d{3}){2,}$",  # 1.234.567
]
_POINT_DECIMAL = [
    r"^[-+]?\d{1,3}(,\d{3})+\.\d*$",  # 1,234.5
    r"^[-+]?\d+\.(\d{1,2}|\d{4,})$",  # 12.5  12.50  0.12345
    r"^[-+]?\d{1,3}(,\d{3}){2,}$",  # 1,234,567
]


class AmbiguousNumbers(ValueError):
    """A column mixes decimal commas and decimal points."""


def _clean(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars()
    text = text.str.replace_all(_SYMBOLS, "").str.replace_all(_GROUPING, "")
    # Accounting negatives: (1,234.50) -> -1,234.50
    return text.str.replace(r"^\((.*)\)$", "-$1")


def style_evidence(values: pl.Series, *, always: bool = False) -> tuple[str | None, str | None]:
    """Return (a value only a decimal comma reads, one only a decimal point reads), or None.

    Returns (None, None) without looking further when no value has a comma or a
    1.234.567 grouping (then nothing suggests a decimal comma), unless `always`: a
    file read in chunks looks at every chunk once one has shown a comma, so that the
    evidence of its chunks, each kind's first example kept, decides as the whole file
    would (`style_from`).
    """
    text = values.drop_nulls()
    if (
        not always
        and not text.str.contains(",", literal=True).any()
        and not text.str.contains(r"\.\d{3}\.").any()
    ):
        return (None, None)
    # In file order, so the examples a refusal names are the first such values.
    cleaned = pl.select(_clean(pl.lit(text.unique(maintain_order=True))).alias("v")).to_series()
    comma = cleaned.str.contains("|".join(f"(?:{p})" for p in _COMMA_DECIMAL))
    point = cleaned.str.contains("|".join(f"(?:{p})" for p in _POINT_DECIMAL))
    return (
        cleaned.filter(comma).head(1).item() if comma.any() else None,
        cleaned.filter(point).head(1).item() if point.any() else None,
    )


def style_from(evidence: tuple[str | None, str | None]) -> tuple[str, str]:
    """Return (decimal, thousands) for `style_evidence`; raise `AmbiguousNumbers` on both kinds."""
    comma, point = evidence
    if comma is not None and point is not None:
        raise AmbiguousNumbers(
            f"some amounts use a decimal comma ({comma!r}) and others a decimal point ({point!r})"
        )
    return (",", ".") if comma is not None else (".", ",")


def detect_style(values: pl.Series) -> tuple[str, str]:
    """Return (decimal separator, thousands separator) for a column of amounts as text.

    Raises `AmbiguousNumbers` when some values can only be decimal-comma and others only
    decimal-point. With no evidence either way the column is decimal-point.
    """
    return style_from(style_evidence(values))


def parse_amount(expr: pl.Expr, decimal: str = ".", thousands: str | None = ",") -> pl.Expr:
    """Return `expr` (text) as Decimal(38, 4); null where the text is not a number.

    Currency symbols, spaces and apostrophes are dropped, `(x)` means `-x`; values with
    more than 4 decimals round to 4.
    """
    text = _clean(expr)
    grouped = pl.lit(True)
    if thousands:
        # A thousands separator must group threes ("1.234.567,8"), else "1..2" would
        # silently read as 12.
        t, d = re.escape(thousands), re.escape(decimal)
        grouped = ~text.str.contains(t) | text.str.contains(
            rf"^[-+]?\d{{1,3}}({t}\d{{3}})+({d}\d*)?$"
        )
        text = text.str.replace_all(thousands, "", literal=True)
    if decimal != ".":
        text = text.str.replace_all(decimal, ".", literal=True)
    valid = grouped & text.str.contains(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
    return pl.when(valid).then(text.cast(pl.Decimal(38, 10), strict=False).cast(schema.MONEY))
