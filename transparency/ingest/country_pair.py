"""A supplier country given twice, as a code and as a name (issue 17): disagreements shown,
never settled silently.

Some exports have both a country code and a country name column, with codes that are not
ISO (MX meaning Myanmar, HR Hong Kong, CG the DR Congo). Where a mapping names both
(`[columns] supplier_country = ["Vendor Country Code", "Vendor Country"]`) and they give
two different countries for a line, the line keeps both raw values in
`supplier_country_raw` ("MX ≠ Myanmar") and its country is unknown, unless the mapping
says which wins: `[countries] prefer = "code"` or `"name"` (the code column is the one
whose values are mostly 2 or 3 letters). Where they agree, or one is empty or unknown,
the first present wins, as for any list of headings.

>>> frame = pl.DataFrame({"c": ["MX", "FR", None], "n": ["Myanmar", "France", "Chad"]})
>>> value, raw = country_pair(frame, ["c", "n"], pl.col, None)
>>> frame.select(value.alias("v"), raw.alias("r")).rows()
[(None, 'MX ≠ Myanmar'), ('FR', 'FR'), ('Chad', 'Chad')]
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from transparency import countries

DISAGREE = " ≠ "


def _code_column(frame: pl.DataFrame, heads: list[str]) -> int:
    """Return the index of the heading whose values are mostly 2-3 letter codes."""
    shares = []
    for head in heads:
        text = frame.get_column(head).cast(pl.String).drop_nulls().str.strip_chars()
        short = text.str.contains(r"^[A-Za-z]{2,3}$").sum() if text.len() else 0
        shares.append(short / max(text.len(), 1))
    return max(range(len(heads)), key=lambda i: shares[i])


def country_pair(
    frame: pl.DataFrame,
    heads: list[str],
    cell: Callable[[str], pl.Expr],
    prefer: str | None,
) -> tuple[pl.Expr, pl.Expr]:
    """Return (value, raw text) expressions for a supplier country named by `heads`."""
    cells = frame.select(cell(h).cast(pl.String).alias(f"_{i}") for i, h in enumerate(heads))
    isos = [countries.to_iso3(cells.get_column(f"_{i}")) for i in range(len(heads))]
    first_iso = pl.coalesce([pl.lit(s) for s in isos])
    disagree = pl.any_horizontal([(pl.lit(s) != first_iso).fill_null(False) for s in isos])
    raws = [pl.lit(cells.get_column(f"_{i}")) for i in range(len(heads))]
    both = pl.concat_str(raws, separator=DISAGREE, ignore_nulls=True)
    value = pl.coalesce(raws)
    if prefer in ("code", "name"):
        code = _code_column(cells.rename(dict(zip(cells.columns, heads, strict=True))), heads)
        chosen = code if prefer == "code" else next(i for i in range(len(heads)) if i != code)
        disagreed = raws[chosen]
    else:
        disagreed = pl.lit(None, dtype=pl.String)
    return (
        pl.when(disagree).then(disagreed).otherwise(value),
        pl.when(disagree).then(both).otherwise(value),
    )
