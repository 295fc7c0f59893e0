"""Every phase of the bench, in order, at a given number of demo lines."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from transparency import database, demo, settings
from transparency.bench.hostile_phase import bench_hostile
from transparency.bench.import_phase import bench_import
from transparency.bench.measure import machine, phase
from transparency.bench.pages import bench_pages
from transparency.bench.queries import STREAMED, bench_queries
from transparency.bench.report_phase import bench_report
from transparency.bench.risk_phase import bench_risk
from transparency.bench.screening_phase import bench_screening
from transparency.ingest import import_file
from transparency.store import Store


def run(rows: int, workdir: Path, seed: int = 2388, end_quarter: str = "2026Q3") -> dict:
    """Run every phase at `rows` lines in `workdir`; return the results (see the package doc)."""
    workdir = Path(workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    results: dict[str, Any] = {"rows": rows, "machine": machine(), "phases": {}}
    store = Store(workdir / "store")
    # The bench's own files pass the upload limit (10M CSV lines are about 1 GB); it is
    # restored after the run.
    upload_limit = settings.env("TRANSPARENCY_MAX_UPLOAD_MB")
    os.environ["TRANSPARENCY_MAX_UPLOAD_MB"] = str(max(200, rows // 5_000))
    try:
        return _run(results, store, rows, workdir, seed, end_quarter)
    finally:
        if not upload_limit:
            os.environ.pop("TRANSPARENCY_MAX_UPLOAD_MB", None)
        else:
            os.environ["TRANSPARENCY_MAX_UPLOAD_MB"] = upload_limit


def _run(results: dict, store, rows: int, workdir: Path, seed: int, end_quarter: str) -> dict:
    with phase(results, "generate demo store") as entry:
        batch = demo.add_to_store(store, rows, seed, end_quarter)
        entry["lines"] = batch.lines
    with phase(results, "import CSV") as entry:
        # In a fresh interpreter, as `python -m transparency import` runs: after the demo
        # phase this process's allocator state slowed the same import by a quarter.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            entry.update(pool.submit(bench_import, rows, workdir / "csv").result())
        entry["process"] = "fresh"
    with phase(results, "import Parquet") as entry:
        entry.update(_import_parquet(rows, workdir, seed, end_quarter))
    with phase(results, "connect") as entry:
        # As the dashboard connects (transparency.app.connection): risk views, rollup, and
        # the scored lines written once to a compressed scratch table.
        con = database.connect_for_pages(store)
        entry["rollup_rows"] = con.sql("select count(*) from lines_rollup").fetchall()[0][0]
    with phase(results, "queries") as entry:
        results["queries"] = bench_queries(con)
        entry["slowest_p95_ms"] = max(
            q["p95_ms"] for q in results["queries"] if q["query"] not in STREAMED
        )
    with phase(results, "risk overhead") as entry:
        entry.update(bench_risk(con))
    with phase(results, "screening and red flags") as entry:
        # Flags run on a plain connection (contract_lines), as `screening flags` does.
        plain = database.connect(store, with_risk=False)
        entry.update(bench_screening(plain, results["phases"]["connect"]["seconds"]))
        plain.close()
    with phase(results, "pages") as entry:
        results["pages"] = bench_pages(str(store.root))
        entry["slowest_p50_ms"] = max(p["p50_ms"] for p in results["pages"])
    with phase(results, "report") as entry:
        entry.update(bench_report(store, end_quarter))
    with phase(results, "hostile files") as entry:
        results["hostile"] = bench_hostile(workdir / "hostile")
        entry["largest_peak_rss_mib"] = max(h["peak_rss_mib"] for h in results["hostile"])
    with phase(results, "pandas comparison"):
        # lazy: pandas takes about 0.5 s to import and only this last phase uses it
        from transparency.bench.pandas_side import pandas_comparison

        results["pandas"] = pandas_comparison(con, store)
    return results


def _import_parquet(rows: int, workdir: Path, seed: int, end_quarter: str) -> dict[str, Any]:
    """Write the demo lines as a Parquet export and time its import into a scratch store."""
    path = workdir / "export.parquet"
    demo.write_export(path, rows, seed, end_quarter)
    start = time.perf_counter()
    result = import_file(path, Store(workdir / "parquet_store"))
    seconds = time.perf_counter() - start
    shutil.rmtree(workdir / "parquet_store", ignore_errors=True)
    path.unlink()
    return {"rows": result.rows_read, "lines_per_second": round(result.rows_read / seconds)}
