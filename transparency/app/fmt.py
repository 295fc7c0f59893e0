"""Formatting helpers for figures shown on the pages (no Streamlit needed).

>>> usd(1234567.891), usd_compact(1234567), pct(0.1234), count(12345)
('$1,234,567.89', '$1.2M', '12.3%', '12,345')
"""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl

Number = int | float | Decimal | None


def usd(value: Number) -> str:
    """Return a USD amount with thousands separators and cents."""
    if value is None:
        return "–"
    return f"${float(value):,.2f}" if value >= 0 else f"−${-float(value):,.2f}"


def usd_compact(value: Number) -> str:
    """Return a short USD amount for tiles: $950, $12.3K, $1.2M, $3.4B."""
    if value is None:
        return "–"
    v = float(value)
    sign = "−" if v < 0 else ""
    v = abs(v)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= limit:
            return f"{sign}${v / limit:,.1f}{suffix}"
    return f"{sign}${v:,.0f}"


def pct(value: Number, digits: int = 1) -> str:
    """Return a share (0-1) as a percentage."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.{digits}f}%"


def count(value: Number) -> str:
    """Return a whole number with thousands separators."""
    return "–" if value is None else f"{int(value):,}"


def plural(n: Number, noun: str) -> str:
    """Return a count with its noun.

    >>> plural(1, "row"), plural(1200, "row")
    ('1 row', '1,200 rows')
    """
    return f"{count(n)} {noun}" + ("" if n == 1 else "s")


def change(current: Number, previous: Number) -> str | None:
    """Return the relative change from `previous` to `current`, or None when undefined.

    >>> change(110, 100), change(5, 0)
    ('+10.0%', None)
    """
    if current is None or previous is None or float(previous) == 0:
        return None
    ratio = float(current) / float(previous) - 1
    return f"{ratio * 100:+.1f}%"


def floats(frame: pl.DataFrame) -> pl.DataFrame:
    """Return `frame` for display: Decimals as floats, dates as ISO text (charts and tables)."""
    return frame.with_columns(
        [pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal)]
        + [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date]
    )


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def md(text: object) -> str:
    """Return data text escaped for Streamlit markdown: shown as typed, never as links,
    images, formatting, LaTeX or emoji codes.

    >>> print(md("![x](http://e) **A** $1"))
    \\!\\[x\\]\\(http\\://e\\) \\*\\*A\\*\\* \\$1
    """
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\n", " ")


def value(v: object) -> str:
    """Return one field value as plain text for a detail table.

    >>> value(Decimal("1809.8300")), value(Decimal("0.123456")), value(None), value(True)
    ('1,809.83', '0.123456', '–', 'Yes')
    """
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, Decimal):
        exponent = v.normalize().as_tuple().exponent
        return f"{v:,.2f}" if isinstance(exponent, int) and exponent >= -2 else f"{v.normalize():,}"
    return str(v)
