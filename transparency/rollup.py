"""Pre-aggregated lines: table `lines_rollup`, built once per connection (data version).

The Overview's aggregates group by a few low-cardinality columns (quarter, organisational
unit, supplier country, sector, method, risk category). `lines_rollup` holds the exact
decimal sum and the line count of every combination of them, so those queries read a
table tens of times smaller than the lines. `filters.install` builds it and the
`filtered_rollup(...)` macro that reads it whenever no line-level filter (a minimum
amount or a search text) is set, and the lines otherwise.

Sums stay exact: `amount_usd` is a decimal, and a sum of sums of decimals is the sum.

>>> install(con, "scored_lines")      # doctest: +SKIP
>>> con.sql("select sum(count_lines) from lines_rollup").fetchall()  # doctest: +SKIP
[(200000,)]
"""

from __future__ import annotations

import duckdb

# The grouping columns. Names, regions and titles follow from their codes (so they add
# no rows) but are kept so a query never needs to join back to the lines.
KEYS: tuple[str, ...] = (
    "award_quarter",
    "buyer",
    "supplier_country",
    "supplier_country_name",
    "supplier_region",
    "country_tier",
    "segment_code",
    "segment_title",
    "family_code",
    "family_title",
    "procurement_method",
    "inherent_category",
    "residual_category",
    "not_assessable_reason",
)

# Relations the rollup may be built from (as `filters.SOURCES`).
SOURCES = ("scored_lines", "scored_lines_cached")

ROLLUP_SQL = """
create or replace table lines_rollup as
select
    {keys},
    sum(amount_usd) as spend_usd,
    count(*) as count_lines
from scored_lines
group by all
""".format(keys=",\n    ".join(KEYS))  # noqa: S608 - code constants only


def install(con: duckdb.DuckDBPyConnection, source: str = "scored_lines") -> None:
    """Create or replace table `lines_rollup` from `source` (see `SOURCES`)."""
    if source not in SOURCES:
        raise ValueError(f"the rollup cannot read {source!r}; allowed: {SOURCES}")
    con.execute(ROLLUP_SQL.replace("from scored_lines", f"from {source}"))
