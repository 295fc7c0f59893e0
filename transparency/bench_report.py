"""Benchmark of the quarterly report: time to compute the figures and to render each file.

Wired into `python -m transparency bench` by `transparency.bench`; nothing here passes or
fails on time.

>>> bench_report(Store("/tmp/bench/store"), "2026Q3")      # doctest: +SKIP
{'quarter': '2026Q3', 'lines': 1_000_000, 'connect_s': 0.2, 'figures_s': 1.9, ...}
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

from transparency import database, figures, report
from transparency.quarters import Quarter
from transparency.store import Store


def bench_report(store: Store, quarter: str | Quarter | None = None) -> dict[str, Any]:
    """Time connect, figures, XLSX, HTML, PDF and the whole `report` command for one quarter.

    Without `quarter`, the latest quarter with data is used. Returns seconds per phase,
    the quarter's line count and the total (`report_s`: figures plus all three files).
    """
    start = time.perf_counter()
    con = database.connect(store)
    connected = time.perf_counter()
    if quarter is None:
        found = figures.available_quarters(con)
        if not found:
            raise figures.NoData(f"The store {store.root} has no contract lines.")
        quarter = found[-1]
    fig = figures.figures(store, quarter, con=con)
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
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        report.write_report(figures.figures(store, quarter, con=con), out)
        write_s = time.perf_counter() - t0
    return {
        "quarter": fig.quarter.label,
        "lines": fig.top["lines"],
        "connect_s": round(connected - start, 3),
        "figures_s": round(computed - connected, 3),
        **timings,
        "report_s": round(write_s, 3),
        "fingerprint": fig.fingerprint,
    }
