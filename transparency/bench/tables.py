"""The bench's results as text: a plain table for the terminal, Markdown for the README."""

from __future__ import annotations

from transparency.bench.queries import STREAMED


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
    out += ["", f"{'hostile file':30} {'bytes':>9} {'seconds':>8} {'peak RSS MiB':>13}  outcome"]
    for h in results.get("hostile", []):
        out.append(
            f"{h['file']:30} {h['bytes']:>9} {h['seconds']:>8.2f} {h['peak_rss_mib']:>13.0f}  "
            f"{h['outcome'][:90]}"
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
