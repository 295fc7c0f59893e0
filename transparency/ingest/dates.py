"""Dates written as text: ISO, day-first, month-first and month-name forms.

A column's numeric day/month order is decided from its own values (a day above 12
settles it). When every value could be either, the column is ambiguous and
`AmbiguousDates` is raised: the import stops and asks for a mapping-file format,
rather than guessing.

>>> s = pl.Series(["31/01/2024", "02/03/2024"])
>>> detect_order(s)
'dmy'
>>> pl.DataFrame({"d": s}).select(parse_dates(pl.col("d"), order="dmy")).to_series().to_list()
[datetime.date(2024, 1, 31), datetime.date(2024, 3, 2)]
"""

from __future__ import annotations

import polars as pl

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)$"

# Forms that never depend on day/month order: (pattern, strftime format).
_UNAMBIGUOUS: list[tuple[str, str]] = [
    (r"^\d{4}-\d{1,2}-\d{1,2}$", "%Y-%m-%d"),
    (r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d"),
    (r"^\d{4}\.\d{1,2}\.\d{1,2}$", "%Y.%m.%d"),
    (r"^\d{8}$", "%Y%m%d"),
    (r"^\d{1,2}-[A-Za-z]{3}-\d{2}$", "%d-%b-%y"),
    (r"^\d{1,2}-[A-Za-z]{3}-\d{4}$", "%d-%b-%Y"),
    (r"^\d{1,2} [A-Za-z]{3} \d{4}$", "%d %b %Y"),
    (r"^\d{1,2} [A-Za-z]{4,} \d{4}$", "%d %B %Y"),
    (r"^[A-Za-z]{3} \d{1,2}, \d{4}$", "%b %d, %Y"),
    (r"^[A-Za-z]{4,} \d{1,2}, \d{4}$", "%B %d, %Y"),
]
# Numeric forms whose order must be known; separators are normalised to "/" first.
_NUMERIC_4 = r"^\d{1,2}/\d{1,2}/\d{4}$"
_NUMERIC_2 = r"^\d{1,2}/\d{1,2}/\d{2}$"
ORDERS = {"dmy": ("%d/%m/%Y", "%d/%m/%y"), "mdy": ("%m/%d/%Y", "%m/%d/%y")}


class AmbiguousDates(ValueError):
    """A date column's day/month order cannot be told from its values."""


def _prepare(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.strip_chars().str.replace(_TIME, "")


def _numeric(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(r"^(\d{1,2})[.\-](\d{1,2})[.\-](\d{2,4})$", "$1/$2/$3")


def _by_order(text: pl.Expr, order: str) -> pl.Expr:
    long_fmt, short_fmt = ORDERS[order]
    num = _numeric(text)
    return (
        pl.when(num.str.contains(_NUMERIC_4))
        .then(num.str.to_date(long_fmt, strict=False))
        .when(num.str.contains(_NUMERIC_2))
        .then(num.str.to_date(short_fmt, strict=False))
    )


def order_evidence(values: pl.Series) -> pl.DataFrame:
    """Return the distinct numeric dates of `values` read both ways: columns v, dmy, mdy.

    The evidence of chunks of one column combines by concatenation, so a file read in
    chunks is decided as if read whole (`order_from`).
    """
    # In file order, so the example a refusal names is the first such date in the file.
    distinct = values.cast(pl.String).drop_nulls().unique(maintain_order=True)
    frame = pl.DataFrame({"v": distinct}).select(_prepare(pl.col("v")).alias("v"))
    return frame.select(
        pl.col("v"),
        _by_order(pl.col("v"), "dmy").alias("dmy"),
        _by_order(pl.col("v"), "mdy").alias("mdy"),
    ).filter(pl.col("dmy").is_not_null() | pl.col("mdy").is_not_null())


def order_from(parsed: pl.DataFrame) -> str | None:
    """Return 'dmy', 'mdy' or None for `order_evidence`; raise as `detect_order` does."""
    if parsed.height == 0:
        return None
    only_dmy = parsed.filter(pl.col("mdy").is_null())
    only_mdy = parsed.filter(pl.col("dmy").is_null())
    if only_dmy.height and only_mdy.height:
        raise AmbiguousDates(
            f"some dates are day-first ({only_dmy.item(0, 'v')!r}) and others month-first "
            f"({only_mdy.item(0, 'v')!r})"
        )
    if only_dmy.height:
        return "dmy"
    if only_mdy.height:
        return "mdy"
    differ = parsed.filter(pl.col("dmy") != pl.col("mdy"))
    if differ.height:
        raise AmbiguousDates(
            f"every date could be day-first or month-first (for example "
            f"{differ.item(0, 'v')!r}); no day is above 12"
        )
    return "dmy"  # every value reads the same both ways (day == month)


def settled(parsed: pl.DataFrame) -> bool:
    """Return True when more values cannot change `order_from(parsed)` except to refuse.

    Only a column whose every numeric date reads either way may still be settled by a
    later value (a day above 12); then the whole column must be seen first.
    """
    try:
        order_from(parsed)
    except AmbiguousDates:
        return parsed.filter(pl.col("dmy").is_null() | pl.col("mdy").is_null()).height > 0
    return True


def detect_order(values: pl.Series) -> str | None:
    """Return 'dmy' or 'mdy' for the numeric dates in `values`, or None if it has none.

    Raises `AmbiguousDates` when both orders fit every value (all days 12 or less and at
    least one value reads differently each way), or when the column mixes both orders.
    """
    return order_from(order_evidence(values))


def parse_dates(expr: pl.Expr, *, order: str | None = None, fmt: str | None = None) -> pl.Expr:
    """Return `expr` (text) as Date; null where it is not a date in a known form.

    `fmt` (a strftime format from a mapping file) replaces detection; `order`
    ('dmy' or 'mdy') says how to read numeric forms such as 03/04/2024.
    """
    text = _prepare(expr)
    if fmt:
        return text.str.to_date(fmt, strict=False)
    out = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.Date))
    for pattern, form in _UNAMBIGUOUS:
        out = out.when(text.str.contains(pattern)).then(text.str.to_date(form, strict=False))
    parsed = out.otherwise(pl.lit(None, dtype=pl.Date))
    if order:
        parsed = pl.coalesce(parsed, _by_order(text, order))
    return parsed
