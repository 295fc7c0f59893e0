"""The benchmark: figures and ratios for import, queries, pages, report and memory.

Nothing here passes or fails on time; it prints a table and writes JSON so runs at
different sizes can be compared (README "Scaling").

>>> results = run(rows=100_000, workdir=Path("/tmp/bench"))   # doctest: +SKIP
"""

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


def _peak_rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> None:
    # Linux resets VmHWM to the current RSS when "5" is written here.
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


@contextmanager
def phase(results: dict, name: str) -> Iterator[dict]:
    """Time a phase and record its peak memory (RSS) into `results["phases"][name]`."""
    _reset_peak_rss()
    entry: dict[str, Any] = {}
    start = time.perf_counter()
    try:
        yield entry
    finally:
        entry["seconds"] = round(time.perf_counter() - start, 3)
        entry["peak_rss_mib"] = round(_peak_rss_kib() / 1024, 1)
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
    """Return p50 and p95 of a list of timings (milliseconds)."""
    ordered = sorted(times_ms)
    p95_index = min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(ordered[p95_index], 1)}


def machine() -> dict[str, Any]:
    """Describe the machine the figures were measured on."""
    import duckdb
    import polars

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


PAGES = (
    "pages/overview.py",
    "pages/contracts.py",
    "pages/suppliers.py",
    "pages/quarterly_report.py",
    "pages/data.py",
    "pages/methodology.py",
)


def query_param_sets(con) -> dict[str, dict[str, Any]]:
    """Return the parameter sets the pages use, by name: no filter, and a typical narrowing.

    Keys that a query does not use are ignored by `sql.run`, so every query can take
    every set.
    """
    from transparency import filters

    latest = con.sql("select max(award_quarter) from scored_lines").fetchall()[0][0]
    sample = con.sql(
        "select batch_id, source_row, coalesce(supplier_id, supplier_name) "
        "from contract_lines order by amount_usd desc limit 1"
    ).fetchall()
    batch_id, source_row, supplier_key = sample[0] if sample else ("", 0, "")
    extra = {
        "sort": "amount_usd",
        "descending": True,
        "page_size": 50,
        "page_offset": 0,
        "limit": 10,
        "batch_id": batch_id,
        "source_row": source_row,
        "supplier_key": supplier_key,
        "date_from": _quarter_start(latest or "2025Q1"),
        "date_to": _quarter_start(_next_quarter(latest or "2025Q1")),
    }
    try:
        from transparency import figures, quarters

        q = quarters.parse(latest or "2025Q1")
        extra.update(figures._params(q))
        # The figures' page-cache queries name the three quarters by label.
        extra.update(
            quarter=q.label, previous=q.previous().label, year_earlier=q.year_earlier().label
        )
    except (ImportError, AttributeError):
        pass  # the figures queries then report the parameters they miss
    everything = {**filters.Filters().sql_params(), **extra}
    narrowed = {
        **filters.Filters(
            quarter_from=latest, quarter_to=latest, categories=("High", "Very high")
        ).sql_params(),
        **extra,
    }
    return {"all lines": everything, "latest quarter, high risk": narrowed}


def _quarter_start(label: str):
    import datetime as dt

    year, q = int(label[:4]), int(label[-1])
    return dt.date(year, 3 * q - 2, 1)


def _next_quarter(label: str) -> str:
    year, q = int(label[:4]), int(label[-1])
    return f"{year + q // 4}Q{q % 4 + 1}"


# Query files that return every matching line: timed streamed in Arrow batches, as the
# export reads them, never fetched whole.
STREAMED = ("contract_lines_export",)


def _stream_rows(con, name: str, params: dict) -> tuple[int, int]:
    """Stream query `name` in the export's batches; return (rows, largest batch)."""
    from transparency import export

    rows = largest = 0
    for batch in export.record_batches(con, params, query=name):
        rows += batch.num_rows
        largest = max(largest, batch.num_rows)
    return rows, largest


def bench_queries(con, repeat: int = 7, budget_s: float = 6.0) -> list[dict[str, Any]]:
    """Time every `queries/*.sql` with every parameter set; p50, p95 and rows returned.

    Each query runs once to warm, then up to `repeat` times, stopping early (after at least
    three runs) once it has taken `budget_s` seconds, so a 10M-line run ends in minutes.
    `cpu_ms_p50` is the process CPU time (all DuckDB threads) per run, a figure that a busy
    shared machine disturbs less than wall time.
    """
    from transparency import sql

    rows = []
    for set_name, params in query_param_sets(con).items():
        for name in sql.names():
            missing = sql.load(name).used_params() - params.keys()
            if missing:
                rows.append(
                    {
                        "query": name,
                        "params": set_name,
                        "rows": 0,
                        "p50_ms": 0.0,
                        "p95_ms": 0.0,
                        "note": f"no parameter set for {sorted(missing)}",
                    }
                )
                continue
            if name in STREAMED:

                def call(n=name, p=params):
                    return _stream_rows(con, n, p)
            else:

                def call(n=name, p=params):
                    return sql.run(con, n, p)

            call()  # warm: first run reads Parquet metadata
            times, cpu, out = [], [], None
            started = time.perf_counter()
            while len(times) < repeat:
                c0, t0 = time.process_time(), time.perf_counter()
                out = call()
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                if len(times) >= 3 and time.perf_counter() - started > budget_s:
                    break
            entry = {"query": name, "params": set_name, "runs": len(times)}
            if name in STREAMED:
                entry.update(rows=out[0], largest_batch=out[1], note="streamed in batches")
            else:
                entry["rows"] = out.height
            entry.update(percentiles(times), cpu_ms_p50=round(statistics.median(cpu), 1))
            rows.append(entry)
    return rows


# Filter changes timed on the pages that follow the sidebar: each is a selection not
# seen before in the run, so its queries really run (no cached result).
FILTER_PAGES = ("pages/overview.py", "pages/contracts.py", "pages/suppliers.py")


def _filter_changes() -> list:
    from transparency.filters import Filters

    return [
        Filters(risk_basis="residual"),
        Filters(categories=("High", "Very high")),
        Filters(methods=("open",)),
        Filters(countries=("CHN",), risk_basis="residual"),
    ]


def bench_pages(store_root: str, repeat: int = 3) -> list[dict[str, Any]]:
    """Time each page's server run (AppTest) against the store.

    `first_ms` is the first run (the connection for the data version is built then, once
    per process, so only the first page pays for it); p50/p95 are reruns (cached results);
    `filter_change_ms` are runs after the sidebar selection changed (new queries).
    """
    from streamlit.testing.v1 import AppTest

    from transparency.settings import ROOT

    os.environ["TRANSPARENCY_STORE"] = store_root
    out = []
    changes = _filter_changes()
    for page in PAGES:
        path = ROOT / page
        at = AppTest.from_file(str(path), default_timeout=600)
        start = time.perf_counter()
        at.run()
        first_ms = round((time.perf_counter() - start) * 1000, 1)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
        entry = {"page": page, "first_ms": first_ms, **percentiles(times)}
        if page in FILTER_PAGES:
            changed = []
            for selection in changes:
                at.session_state["filters"] = selection  # transparency.app.sidebar.STATE
                start = time.perf_counter()
                at.run()
                changed.append(round((time.perf_counter() - start) * 1000, 1))
            entry["filter_change_ms"] = changed
        entry["errors"] = [str(e.value)[:200] for e in at.exception]
        out.append(entry)
    return out


def pandas_comparison(con, store) -> list[dict[str, Any]]:
    """Compute the Overview's aggregations and quarterly figures with DuckDB and with pandas.

    See `transparency.bench_pandas` (pandas computes every table of the figures from the
    scored lines in memory; the results must be equal).
    """
    from transparency.bench_pandas import pandas_comparison as compare

    return compare(con, store)


def run(rows: int, workdir: Path, seed: int = 2388, end_quarter: str = "2026Q3") -> dict:
    """Run every phase at `rows` lines in `workdir`; return the results (see module doc)."""
    import shutil

    from transparency.store import Store

    workdir = Path(workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    results: dict[str, Any] = {"rows": rows, "machine": machine(), "phases": {}}
    store = Store(workdir / "store")
    # The bench's own files pass the upload limit (10M CSV lines are about 1 GB); it is
    # restored after the run.
    upload_limit = os.environ.get("TRANSPARENCY_MAX_UPLOAD_MB")
    os.environ["TRANSPARENCY_MAX_UPLOAD_MB"] = str(max(200, rows // 5_000))
    try:
        return _run(results, store, rows, workdir, seed, end_quarter)
    finally:
        if upload_limit is None:
            os.environ.pop("TRANSPARENCY_MAX_UPLOAD_MB", None)
        else:
            os.environ["TRANSPARENCY_MAX_UPLOAD_MB"] = upload_limit


def _run(results: dict, store, rows: int, workdir: Path, seed: int, end_quarter: str) -> dict:
    import shutil

    from transparency import database, demo
    from transparency.store import Store

    with phase(results, "generate demo store") as entry:
        batch = demo.add_to_store(store, rows, seed, end_quarter)
        entry["lines"] = batch.lines
    with phase(results, "import CSV") as entry:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from transparency.bench_import import bench_import

        # In a fresh interpreter, as `python -m transparency import` runs: after the demo
        # phase this process's allocator state slowed the same import by a quarter.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            entry.update(pool.submit(bench_import, rows, workdir / "csv").result())
        entry["process"] = "fresh"
    with phase(results, "import Parquet") as entry:
        from transparency.ingest import import_file

        path = workdir / "export.parquet"
        demo.write_export(path, rows, seed, end_quarter)
        start = time.perf_counter()
        result = import_file(path, Store(workdir / "parquet_store"))
        seconds = time.perf_counter() - start
        entry.update(rows=result.rows_read, lines_per_second=round(result.rows_read / seconds))
        shutil.rmtree(workdir / "parquet_store", ignore_errors=True)
        path.unlink()
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
        try:
            from transparency.bench_risk import bench_risk
        except ImportError:
            entry["note"] = "transparency.bench_risk not available"
        else:
            entry.update(bench_risk(con))
    with phase(results, "pages") as entry:
        results["pages"] = bench_pages(str(store.root))
        entry["slowest_p50_ms"] = max(p["p50_ms"] for p in results["pages"])
    with phase(results, "report") as entry:
        from transparency.bench_report import bench_report

        entry.update(bench_report(store, end_quarter))
    with phase(results, "pandas comparison"):
        results["pandas"] = pandas_comparison(con, store)
    return results


def render(results: dict) -> str:
    """Return the results as a plain-text table."""
    out = [f"Benchmark at {results['rows']:,} lines on {results['machine']['cpus']} CPUs", ""]
    out.append(f"{'phase':26} {'seconds':>9} {'peak RSS MiB':>13}  figures")
    for name, entry in results["phases"].items():
        extra = ", ".join(
            f"{k}={v}" for k, v in entry.items() if k not in ("seconds", "peak_rss_mib")
        )
        out.append(f"{name:26} {entry['seconds']:>9.2f} {entry['peak_rss_mib']:>13.0f}  {extra}")
    out += [
        "",
        f"{'query':36} {'parameters':28} {'rows':>8} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8}",
    ]
    for q in results.get("queries", []):
        out.append(
            f"{q['query']:36} {q['params']:28} {q['rows']:>8} "
            f"{q['p50_ms']:>8.1f} {q['p95_ms']:>8.1f} {q.get('cpu_ms_p50', 0):>8.1f}"
        )
    out += [
        "",
        f"{'page':28} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8}  filter change ms  errors",
    ]
    for p in results.get("pages", []):
        changes = ", ".join(f"{v:.0f}" for v in p.get("filter_change_ms", [])) or "-"
        out.append(
            f"{p['page']:28} {p.get('first_ms', 0):>9.1f} {p['p50_ms']:>8.1f} "
            f"{p['p95_ms']:>8.1f}  {changes:16}  {len(p['errors'])}"
        )
    out += ["", f"{'aggregation':34} {'DuckDB ms':>10} {'pandas ms':>10} {'ratio':>7}  equal"]
    for a in results.get("pandas", []):
        out.append(
            f"{a['aggregation']:34} {a['duckdb_p50_ms']:>10.1f} {a['pandas_p50_ms']:>10.1f} "
            f"{a['speedup']:>6.1f}x  {a['equal']}"
        )
    return "\n".join(out)


def markdown(results: dict) -> str:
    """Return the results as Markdown tables (for the README "Scaling" section)."""
    m = results["machine"]
    out = [
        f"### {results['rows']:,} lines ({m['cpus']} CPUs, DuckDB {m['duckdb']}, "
        f"Polars {m['polars']})",
        "",
        "| phase | seconds | peak RSS (MiB) | figures |",
        "|---|---:|---:|---|",
    ]
    for name, entry in results["phases"].items():
        extra = ", ".join(
            f"{k}={v}"
            for k, v in entry.items()
            if k not in ("seconds", "peak_rss_mib", "fingerprint")
        )
        out.append(f"| {name} | {entry['seconds']:.1f} | {entry['peak_rss_mib']:.0f} | {extra} |")
    sets = sorted({q["params"] for q in results.get("queries", [])})
    out += [
        "",
        "| query | " + " | ".join(f"p95 ms ({s})" for s in sets) + " | rows |",
        "|---|" + "---:|" * (len(sets) + 1),
    ]
    by_query: dict[str, dict[str, dict]] = {}
    for q in results.get("queries", []):
        by_query.setdefault(q["query"], {})[q["params"]] = q
    for name, per_set in by_query.items():
        cells = [f"{per_set[s]['p95_ms']:.0f}" if s in per_set else "" for s in sets]
        rows = max(q["rows"] for q in per_set.values())
        label = f"{name} (streamed)" if name in STREAMED else name
        out.append(f"| {label} | " + " | ".join(cells) + f" | {rows:,} |")
    out += [
        "",
        "| page | first run ms | rerun p50 ms | filter change ms |",
        "|---|---:|---:|---|",
    ]
    for p in results.get("pages", []):
        changes = ", ".join(f"{v:.0f}" for v in p.get("filter_change_ms", [])) or "-"
        out.append(f"| {p['page']} | {p.get('first_ms', 0):.0f} | {p['p50_ms']:.0f} | {changes} |")
    out += [
        "",
        "| aggregation | DuckDB ms | pandas ms | ratio | equal |",
        "|---|---:|---:|---:|---|",
    ]
    for a in results.get("pandas", []):
        out.append(
            f"| {a['aggregation']} | {a['duckdb_p50_ms']:.1f} | {a['pandas_p50_ms']:.1f} | "
            f"{a['speedup']:.1f}x | {a['equal']} |"
        )
    return "\n".join(out) + "\n"
