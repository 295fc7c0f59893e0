"""Benchmark helper: what risk scoring at query time adds to an aggregate query.

Times the same aggregate over `contract_lines` and over `scored_lines` (and one grouped by
the risk category, which needs the whole scoring), and returns the medians and the ratio.
Nothing passes or fails on time; the caller prints the figures.

>>> bench_risk(database.connect(store))      # doctest: +SKIP
{'lines': 10000000, 'plain_ms': 95.1, 'scored_ms': 118.3, 'overhead_pct': 24.4, ...}
"""

from __future__ import annotations

import statistics
import time

import duckdb

# The same aggregate over both views: spend and lines per quarter and segment.
_AGGREGATE = """
select year(award_date) as y, quarter(award_date) as q, segment_code,
       sum(amount_usd) as spend_usd, count(*) as count_lines
from {view}
group by all
"""
# A two-text-column aggregate over the lines, the fair comparison for the category one.
_PLAIN_TWO = """
select year(award_date) as y, quarter(award_date) as q, segment_code, procurement_method,
       sum(amount_usd) as spend_usd, count(*) as count_lines
from contract_lines
group by all
"""
# What the Overview asks: spend per quarter and inherent and residual category.
_BY_CATEGORY = """
select year(award_date) as y, quarter(award_date) as q, inherent_category, residual_category,
       sum(amount_usd) as spend_usd, count(*) as count_lines
from scored_lines
group by all
"""
VIEWS = ("contract_lines", "scored_lines")


def _run_ms(con: duckdb.DuckDBPyConnection, query: str) -> float:
    cur = con.cursor()
    try:
        start = time.perf_counter()
        cur.sql(query).fetchall()
        return (time.perf_counter() - start) * 1000
    finally:
        cur.close()


def bench_risk(con: duckdb.DuckDBPyConnection, repeat: int = 7) -> dict:
    """Return timings (median ms) of an aggregate over contract_lines vs scored_lines.

    The queries run interleaved (plain, scored, by category, plain, ...) so a busy machine
    slows all of them alike. Keys: lines, plain_ms, scored_ms, overhead_pct (the same
    aggregate over both views), plain_two_ms (spend per quarter, segment and procurement
    method over contract_lines), by_category_ms (spend per quarter and inherent and residual
    category over scored_lines) and by_category_pct (by_category against plain_two: both
    group by two text columns).
    """
    lines = con.cursor().sql("select count(*) from contract_lines").fetchall()[0][0]
    queries = {
        "plain": _AGGREGATE.format(view="contract_lines"),
        "scored": _AGGREGATE.format(view="scored_lines"),
        "plain_two": _PLAIN_TWO,
        "by_category": _BY_CATEGORY,
    }
    for query in queries.values():  # warm-up: file metadata and caches
        _run_ms(con, query)
    times: dict[str, list[float]] = {name: [] for name in queries}
    for _ in range(repeat):
        for name, query in queries.items():
            times[name].append(_run_ms(con, query))
    med = {name: round(statistics.median(values), 1) for name, values in times.items()}
    plain = med["plain"]
    return {
        "lines": lines,
        "plain_ms": plain,
        "scored_ms": med["scored"],
        "overhead_pct": round((med["scored"] / plain - 1) * 100, 1) if plain else None,
        "plain_two_ms": med["plain_two"],
        "by_category_ms": med["by_category"],
        "by_category_pct": (
            round((med["by_category"] / med["plain_two"] - 1) * 100, 1)
            if med["plain_two"]
            else None
        ),
    }
