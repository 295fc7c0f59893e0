"""The query phase: every `queries/*.sql` timed with the parameter sets the pages use."""

from __future__ import annotations

import statistics
import time
from typing import Any

from transparency import export, figures, filters, quarters, sql
from transparency.bench.measure import percentiles
from transparency.risk.categories import HIGH

# Query files that return every matching line: timed streamed in Arrow batches, as the
# export reads them, never fetched whole.
STREAMED = ("contract_lines_export",)


def query_param_sets(con) -> dict[str, dict[str, Any]]:
    """Return the parameter sets the pages use, by name: no filter, and a typical narrowing.

    Keys that a query does not use are ignored by `sql.run`, so every query can take
    every set.
    """
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
        "date_from": quarters.parse(latest or "2025Q1").start,
        "date_to": quarters.parse(latest or "2025Q1").end,
        "names": ["contract_lines", "risk_categories"],
    }
    q = quarters.parse(latest or "2025Q1")
    extra.update(figures.period_params(q))
    # The figures' page-cache queries name the three quarters by label.
    extra.update(quarter=q.label, previous=q.previous().label, year_earlier=q.year_earlier().label)
    everything = {**filters.Filters().sql_params(), **extra}
    narrowed = {
        **filters.Filters(quarter_from=latest, quarter_to=latest, categories=HIGH).sql_params(),
        **extra,
    }
    return {"all lines": everything, "latest quarter, high risk": narrowed}


def _stream_rows(con, name: str, params: dict) -> tuple[int, int]:
    """Stream query `name` in the export's batches; return (rows, largest batch)."""
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
            rows.append(_time_query(con, name, set_name, params, repeat, budget_s))
    return rows


def _time_query(
    con, name: str, set_name: str, params: dict, repeat: int, budget_s: float
) -> dict[str, Any]:
    """Warm query `name`, then time it as `bench_queries` describes."""
    if name in STREAMED:

        def call():
            return _stream_rows(con, name, params)
    else:

        def call():
            return sql.run(con, name, params)

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
    return entry
