"""Benchmark helper: supplier screening at 100,000 suppliers, and red flags beside the page cache.

Issue #18 asks for screening 100,000 suppliers against all shipped lists in under a minute
on 2 cores, and for the red flags to add no more than 10% to the page-cache build. Both are
figures for the bench report, not tests. The 100,000 names are made up from syllables
(seeded), with a few list names among them so the matcher has real hits to confirm.

>>> len(synthetic_suppliers(10)), synthetic_suppliers(3)["supplier_key"].to_list()
(10, ['B0', 'B1', 'B2'])
"""

from __future__ import annotations

import random
import time
from datetime import date

import duckdb
import polars as pl

from transparency.screening import flags, lists, matcher
from transparency.screening.config import load

_SYLLABLES = (
    "ka", "lo", "mi", "an", "ter", "zhong", "hua", "tex", "nor", "vel", "sun", "ri", "bo",
    "den", "gar", "ash", "el", "ix", "om", "tra", "quan", "lin", "mar", "so", "ve", "dal",
)  # fmt: skip
_TAILS = ("Trading", "Industry Co Ltd", "Group", "Services LLC", "Construction", "GmbH", "S.A.")
_LISTED = ("GRAND MOTORS L.L.C.", "Gezhouba Dangyang Cement Company Limited", "Timir LLP")


def synthetic_suppliers(n: int, seed: int = 2388) -> pl.DataFrame:
    """Return `n` made-up suppliers (key, name, no country, one award date in 2025)."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    names = [f"{word()} {word()} {rng.choice(_TAILS)}" for _ in range(n)]
    for i, name in enumerate(_LISTED[: min(n, len(_LISTED))]):
        names[i * max(1, n // len(_LISTED))] = name
    return pl.DataFrame(
        {
            "supplier_key": [f"B{i}" for i in range(n)],
            "supplier_name": names,
            "supplier_country": pl.Series([None] * n, dtype=pl.String),
            "award_dates": [[date(2025, 1, 15)]] * n,
        }
    )


def bench_screening(con: duckdb.DuckDBPyConnection, build_seconds: float, n: int = 100_000) -> dict:
    """Return the screening time at `n` suppliers and the flags' time beside the cache build."""
    cfg = load()
    start = time.perf_counter()
    entries = lists.load_entries(cfg)
    load_s = time.perf_counter() - start
    suppliers = synthetic_suppliers(n)
    start = time.perf_counter()
    found = matcher.match(suppliers, entries, cfg)
    match_s = time.perf_counter() - start
    start = time.perf_counter()
    results = flags.compute(con)
    flags_s = time.perf_counter() - start
    return {
        "suppliers": n,
        "list_entries": entries.height,
        "lists_load_s": round(load_s, 2),
        "screening_s": round(match_s, 2),
        "candidates": found.height,
        "flags_s": round(flags_s, 2),
        "flags_computed": sum(r.status == flags.COMPUTED for r in results),
        "flags_vs_cache_build_pct": round(100 * flags_s / build_seconds, 1)
        if build_seconds
        else None,
    }
