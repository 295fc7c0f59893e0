"""How the bench measures: phases with wall time and peak memory, repeated timings, machine."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars


def peak_rss_kib() -> int:
    """Return the process's peak resident memory (VmHWM) in KiB, 0 where /proc lacks it."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def reset_peak_rss() -> None:
    """Reset the peak to the current RSS, so the next phase's peak is its own (Linux only)."""
    # Linux resets VmHWM to the current RSS when "5" is written here.
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


@contextmanager
def phase(results: dict, name: str) -> Iterator[dict]:
    """Time a phase and record its peak memory (RSS) into `results["phases"][name]`."""
    reset_peak_rss()
    entry: dict[str, Any] = {}
    start = time.perf_counter()
    try:
        yield entry
    finally:
        entry["seconds"] = round(time.perf_counter() - start, 3)
        entry["peak_rss_mib"] = round(peak_rss_kib() / 1024, 1)
        results["phases"][name] = entry


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Call `fn` `repeat` times; return the wall times in milliseconds and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def percentiles(times_ms: list[float]) -> dict[str, float]:
    """Return p50 and p95 of a list of timings (milliseconds).

    >>> percentiles([1.0, 2.0, 3.0, 10.0])
    {'p50_ms': 2.5, 'p95_ms': 10.0}
    """
    ordered = sorted(times_ms)
    p95_index = min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(ordered[p95_index], 1)}


def machine() -> dict[str, Any]:
    """Describe the machine the figures were measured on."""
    # lazy: duckdb takes about 0.2 s to import, and the spawned CSV-import process, which
    # imports this module for its memory figures, never needs it
    import duckdb

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "platform": platform.platform(),
    }


def write_json(results: dict, path: Path) -> None:
    """Write the results as indented JSON."""
    Path(path).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
