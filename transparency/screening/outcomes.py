"""What confirmed matches change: the supplier's record, the line's risk, the coverage text.

- `confirmed_suppliers(store)`: the suppliers whose latest decision is "confirmed", from the
  decisions file alone (for a supplier profile; no screening run needed);
- `install_raise(con, store)`: the view `screening_raised_lines` (`queries/views/`), the scored
  lines with `raised_category`, raised to `[risk] confirmed_match_category` of
  `data/screening.toml` for those suppliers;
- `coverage_text(result, confirmed)`: the sentence the figures and the report can print.

>>> from transparency.screening.candidates import Screening
>>> cov = pl.DataFrame({"list_title": ["UN SC"], "edition": ["2025-11-20"], "screened": [True]})
>>> coverage_text(Screening(pl.DataFrame(), cov, 12, 3400.5), 1)
'Screened 12 suppliers (USD 3,400.50 of spend) against UN SC (2025-11-20); 1 confirmed match(es).'
"""

from __future__ import annotations

import duckdb
import polars as pl

from transparency import sql
from transparency.risk.categories import CATEGORIES, NOT_ASSESSABLE
from transparency.screening import decisions
from transparency.screening.candidates import Screening
from transparency.screening.config import ScreeningConfig, ScreeningConfigError, load


def confirmed_suppliers(store: object) -> pl.DataFrame:
    """Return one row per supplier with a confirmed match: its lists and entries."""
    latest = decisions.latest(store).filter(pl.col("decision") == "confirmed")
    return (
        latest.group_by("supplier_key")
        .agg(
            pl.col("list_key").unique().sort().str.join(", ").alias("lists"),
            pl.col("entry_name").unique().sort().str.join("; ").alias("entries"),
            pl.col("decided_at").max().alias("last_decided_at"),
        )
        .sort("supplier_key")
    )


def install_raise(
    con: duckdb.DuckDBPyConnection, store: object, cfg: ScreeningConfig | None = None
) -> None:
    """Create `screening_confirmed`, `screening_raise` and the view `screening_raised_lines`."""
    cfg = cfg or load()
    category = cfg.confirmed_match_category
    if category not in CATEGORIES or category == NOT_ASSESSABLE:
        raise ScreeningConfigError(
            f"[risk] confirmed_match_category: {category!r} is not one of {list(CATEGORIES[:-1])}"
        )
    confirmed = confirmed_suppliers(store).select("supplier_key", "lists")
    con.execute("create or replace table screening_confirmed (supplier_key varchar, lists varchar)")
    if confirmed.height:
        con.executemany("insert into screening_confirmed values (?, ?)", confirmed.rows())
    con.execute(
        "create or replace table screening_raise (category varchar, not_assessable varchar)"
    )
    con.execute("insert into screening_raise values (?, ?)", [category, NOT_ASSESSABLE])
    sql.install_view(con, "screening_raised_lines")


def coverage_text(result: Screening, confirmed: int) -> str:
    """Return how many suppliers and how much spend were screened, against which editions."""
    used = result.coverage.filter(pl.col("screened"))
    lists = "; ".join(f"{r['list_title']} ({r['edition']})" for r in used.iter_rows(named=True))
    return (
        f"Screened {result.suppliers_screened:,} suppliers (USD {result.spend_screened_usd:,.2f} "
        f"of spend) against {lists or 'no list'}; {confirmed} confirmed match(es)."
    )
