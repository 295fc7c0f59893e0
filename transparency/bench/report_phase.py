"""Benchmark of the quarterly report: time to compute the figures and to render each file.

Wired into `python -m transparency bench` by `transparency.bench`; nothing here passes or
fails on time. It measures what `python -m transparency report` does: a connection over
the store's lines, risk scoring of the quarter and its two comparison quarters only
(`figures.score_periods`), the figures, then the three files.

>>> bench_report(Store("/tmp/bench/store"), "2026Q3")      # doctest: +SKIP
{'quarter': '2026Q3', 'lines': 1_000_000, 'connect_s': 0.02, 'score_s': 0.3, ...}
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

from transparency import database, figures, quarters, report
from transparency.quarters import Quarter
from transparency.store import Store


def bench_report(store: Store, quarter: str | Quarter | None = None) -> dict[str, Any]:
    """Time connect, scoring, figures, XLSX, HTML, PDF and the whole `report` for one quarter.

    Without `quarter`, the latest quarter with data is used. Returns seconds per phase
    (connect, score and figures always on the scoring path), the quarter's line count and
    the total (`report_s`: figures and all three files as the command makes them, from the
    page cache when `report_from_page_cache`).
    """
    start = time.perf_counter()
    con = database.connect(store, with_risk=False)
    connected = time.perf_counter()
    if quarter is None:
        found = figures.available_quarters(con)
        if not found:
            raise figures.NoData(f"The store {store.root} has no contract lines.")
        quarter = found[-1]
    q = quarter if isinstance(quarter, Quarter) else quarters.parse(quarter)
    figures.score_periods(con, store, q)
    scored = time.perf_counter()
    fig = figures.compute(con, store, q)
    computed = time.perf_counter()
    timings: dict[str, float] = {}
    for name, render in (
        ("xlsx", report.xlsx_bytes),
        ("html", lambda f: report.html_report(f).encode("utf-8")),
        ("pdf", report.pdf_report),
    ):
        t0 = time.perf_counter()
        render(fig)
        timings[f"{name}_s"] = round(time.perf_counter() - t0, 3)
    del con
    # The command attaches the dashboard's page cache when today's exists (the bench's
    # connect phase builds it), else it scores the three quarters as timed above.
    page_cache = figures.page_cache_ready_today(store)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        report.write_report(figures.figures(store, q), out)
        write_s = time.perf_counter() - t0
    return {
        "quarter": fig.quarter.label,
        "lines": fig.top["lines"],
        "scored_lines": fig.top["lines"] + sum(c.values.get("lines", 0) for c in fig.comparisons),
        "connect_s": round(connected - start, 3),
        "score_s": round(scored - connected, 3),
        "figures_s": round(computed - scored, 3),
        **timings,
        "report_s": round(write_s, 3),
        "report_from_page_cache": page_cache,
        "fingerprint": fig.fingerprint,
    }
