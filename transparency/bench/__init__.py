"""The benchmark: figures and ratios for import, queries, pages, report and memory.

Nothing here passes or fails on time; it prints a table and writes JSON so runs at
different sizes can be compared (README "Scaling"). Outside the library's core: only
`transparency.commands.bench` imports it, and no library module imports it back.

Modules: `measure` (phases, timings, machine), `runner` (the phases in order),
`import_phase`, `queries`, `risk_phase`, `pages` (raw timings from
`transparency.app.bench_pages`, the only part that needs Streamlit), `pandas_side`
(the same figures with pandas) and `tables` (text and Markdown).

>>> results = run(rows=100_000, workdir=Path("/tmp/bench"))   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path  # noqa: F401  (used in the doctest)

from transparency.bench.measure import machine, percentiles, phase, timed, write_json
from transparency.bench.queries import STREAMED, bench_queries, query_param_sets
from transparency.bench.runner import run
from transparency.bench.tables import markdown, render

__all__ = [
    "STREAMED",
    "bench_queries",
    "machine",
    "markdown",
    "percentiles",
    "phase",
    "query_param_sets",
    "render",
    "run",
    "timed",
    "write_json",
]
