"""Import throughput: the full import of an N-line CSV against a plain `pandas.read_csv`.

A figure and a ratio, never a pass/fail on time. Target: the import (parse, map,
normalise, validate, write) within 3x of pandas merely reading the file.

>>> bench_import(100_000, Path("/tmp/bench"))   # doctest: +SKIP
{'rows': 100000, 'import_seconds': 0.61, 'import_cpu_seconds': 0.74, ...}
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import polars as pl

from transparency.bench.measure import peak_rss_kib, reset_peak_rss
from transparency.ingest import import_file
from transparency.store import Store

HEADINGS = [
    "PO Number",
    "Line No",
    "PO Date",
    "Business Unit",
    "Vendor ID",
    "Vendor Name",
    "Vendor Country",
    "Item Description",
    "UNSPSC",
    "Procurement Method",
    "Amount",
    "Currency",
]


def write_csv(rows: int, path: Path, seed: int = 7, block: int = 1_000_000) -> Path:
    """Write an export-like CSV of `rows` lines (vectorised; deterministic for a seed).

    Written `block` rows at a time, so the generator's memory does not count against
    the import measured after it.
    """
    rng = np.random.default_rng(seed)
    countries = np.array(["India", "Viet Nam", "DEU", "France", "Kenya", "BD", "China", "USA"])
    currencies = np.array(["USD", "EUR", "GBP", "CHF", "INR", "JPY"])
    methods = np.array(["Open tender", "Direct contracting", "RFQ", "Restricted", "Other"])
    units = np.array(["Supply Division", "Country Office A", "HQ Procurement", "Field Ops"])
    codes = np.array(["43211501", "53101502", "50121537", "72101500", "80111600", "42131600"])
    n_sup = max(rows // 50, 10)
    with open(path, "wb") as fh:
        for start in range(0, max(rows, 1), block):
            n = min(block, rows - start)
            supplier = rng.integers(0, n_sup, n)
            days = rng.integers(0, 1000, n)
            dates = (np.datetime64("2023-01-01") + days).astype("datetime64[D]")
            amounts = np.round(rng.lognormal(8, 1.5, n), 2)
            frame = pl.DataFrame(
                {
                    "PO Number": pl.Series(rng.integers(100000, 999999, n)).cast(pl.String),
                    "Line No": pl.Series(rng.integers(1, 20, n)).cast(pl.String),
                    "PO Date": pl.Series(dates).dt.strftime("%Y-%m-%d"),
                    "Business Unit": units[rng.integers(0, len(units), n)],
                    "Vendor ID": pl.Series(supplier).cast(pl.String),
                    "Vendor Name": "Supplier " + pl.Series(supplier).cast(pl.String),
                    "Vendor Country": countries[supplier % len(countries)],
                    "Item Description": "Item "
                    + pl.Series(rng.integers(0, 500, n)).cast(pl.String),
                    "UNSPSC": codes[rng.integers(0, len(codes), n)],
                    "Procurement Method": methods[rng.integers(0, len(methods), n)],
                    "Amount": pl.Series(amounts).cast(pl.String),
                    "Currency": currencies[rng.integers(0, len(currencies), n)],
                }
            )
            frame.select(HEADINGS).write_csv(fh, include_header=start == 0)
    return path


def bench_import(rows: int, workdir: Path) -> dict:
    """Time the full import of an N-line CSV and `pandas.read_csv` of the same file.

    Returns {"rows", "import_seconds", "import_cpu_seconds", "lines_per_second",
    "import_peak_rss_mib", "pandas_read_seconds", "ratio"} (ratio = import time / pandas
    read time). The import runs first, so its peak memory (VmHWM, reset before it) is its
    own and not pandas'; CPU seconds count every thread and are steadier than wall time
    on a shared machine.
    """
    # lazy: pandas takes about 0.5 s to import; `write_csv`, which tests use alone, needs none
    import pandas as pd

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = write_csv(rows, workdir / f"bench_{rows}.csv")
    store_dir = workdir / "bench_store"
    shutil.rmtree(store_dir, ignore_errors=True)

    reset_peak_rss()
    start, cpu = time.perf_counter(), time.process_time()
    result = import_file(path, Store(store_dir))
    import_seconds = time.perf_counter() - start
    import_cpu = time.process_time() - cpu
    peak_mib = peak_rss_kib() / 1024
    shutil.rmtree(store_dir, ignore_errors=True)

    start = time.perf_counter()
    pd.read_csv(path)
    pandas_seconds = time.perf_counter() - start
    return {
        "rows": result.rows_read,
        "import_seconds": round(import_seconds, 3),
        "import_cpu_seconds": round(import_cpu, 3),
        "lines_per_second": round(result.rows_read / import_seconds),
        "import_peak_rss_mib": round(peak_mib, 1),
        "pandas_read_seconds": round(pandas_seconds, 3),
        "ratio": round(import_seconds / pandas_seconds, 2),
    }
