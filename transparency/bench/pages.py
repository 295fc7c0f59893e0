"""The pages phase: each page's first run, reruns and filter changes, as the bench reports them."""

from __future__ import annotations

from typing import Any

from transparency.bench.measure import percentiles


def bench_pages(store_root: str, repeat: int = 3) -> list[dict[str, Any]]:
    """Time each page's server run (AppTest) against the store.

    `first_ms` is the first run (the connection for the data version is built then, once
    per process, so only the first page pays for it); p50/p95 are reruns (cached results);
    `filter_change_ms` are runs after the sidebar selection changed (new queries).
    """
    # lazy: only the app package imports Streamlit (about 1 s); only this phase needs it
    from transparency.app.bench_pages import time_pages

    out = []
    for timing in time_pages(store_root, repeat):
        entry = {
            "page": timing["page"],
            "first_ms": timing["first_ms"],
            **percentiles(timing["rerun_ms"]),
        }
        if "filter_change_ms" in timing:
            entry["filter_change_ms"] = timing["filter_change_ms"]
        entry["errors"] = timing["errors"]
        out.append(entry)
    return out
