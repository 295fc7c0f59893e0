"""Page timings for the bench: each page's server run under Streamlit's AppTest.

Here because the app package is the only place that imports Streamlit; the bench
(`transparency.bench.pages`) turns these raw timings into its results.
"""

from __future__ import annotations

import os
import time
from typing import Any

from streamlit.testing.v1 import AppTest

from transparency import page_registry
from transparency.filters import Filters
from transparency.risk.categories import HIGH
from transparency.settings import ROOT

PAGES = tuple(p.path for p in page_registry.PAGES)

# Filter changes timed on the pages that follow the sidebar: each is a selection not
# seen before in the run, so its queries really run (no cached result).
FILTER_PAGES = ("pages/overview.py", "pages/contracts.py", "pages/suppliers.py")


def _filter_changes() -> list[Filters]:
    return [
        Filters(risk_basis="residual"),
        Filters(categories=HIGH),
        Filters(methods=("open",)),
        Filters(countries=("CHN",), risk_basis="residual"),
    ]


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def time_pages(store_root: str, repeat: int = 3) -> list[dict[str, Any]]:
    """Run each page against the store at `store_root`; return its raw timings (ms).

    Per page: `first_ms` (the first run, which builds the connection for the data version
    once per process), `rerun_ms` (`repeat` reruns, cached results), `filter_change_ms`
    (runs after the sidebar selection changed, on `FILTER_PAGES` only) and `errors`.
    """
    os.environ["TRANSPARENCY_STORE"] = store_root
    out = []
    changes = _filter_changes()
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / page), default_timeout=600)
        start = time.perf_counter()
        at.run()
        timing: dict[str, Any] = {"page": page, "first_ms": round(_ms_since(start), 1)}
        reruns = []
        for _ in range(repeat):
            start = time.perf_counter()
            at.run()
            reruns.append(_ms_since(start))
        timing["rerun_ms"] = reruns
        if page in FILTER_PAGES:
            changed = []
            for selection in changes:
                at.session_state["filters"] = selection  # transparency.app.sidebar.STATE
                start = time.perf_counter()
                at.run()
                changed.append(round(_ms_since(start), 1))
            timing["filter_change_ms"] = changed
        timing["errors"] = [str(e.value)[:200] for e in at.exception]
        out.append(timing)
    return out
