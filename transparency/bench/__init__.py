"""The benchmark: figures and ratios for import, queries, pages, report and memory.

Nothing here passes or fails on time; it prints a table and writes JSON so runs at
different sizes can be compared (README "Scaling"). Outside the library's core: only
`transparency.commands.bench` imports it, and no library module imports it back.

Modules: `measure` (phases, timings, machine), `runner` (the phases in order),
`import_phase`, `queries`, `risk_phase`, `report_phase`, `pages` (raw timings from
`transparency.app.bench_pages`, the only part that needs Streamlit), `pandas_side`
(the same figures with pandas) and `tables` (text and Markdown).

>>> results = run(rows=100_000, workdir=Path("/tmp/bench"))   # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from pathlib import Path  # noqa: F401  (used in the doctest)
from typing import Any

# Public name -> the module that defines it. Loaded on first use: the CSV-import phase runs
# in a spawned interpreter that imports this package for `import_phase` alone, and loading
# every phase there (duckdb, figures, report) would add half a second to that timed phase.
_EXPORTS = {
    "STREAMED": "queries",
    "bench_queries": "queries",
    "query_param_sets": "queries",
    "machine": "measure",
    "percentiles": "measure",
    "phase": "measure",
    "timed": "measure",
    "write_json": "measure",
    "run": "runner",
    "markdown": "tables",
    "render": "tables",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Return the public name `name` from its module (see `_EXPORTS`)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
