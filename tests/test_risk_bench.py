"""The risk benchmark helper runs both aggregates and reports comparable figures."""

from __future__ import annotations

from risk_helpers import build_store, connect, line, write_reference

from transparency.bench.risk_phase import bench_risk


def test_bench_risk_reports_both_timings(tmp_path):
    ref = write_reference(tmp_path / "ref")
    store = build_store(tmp_path / "s", [line(i, "DEU", "43211500") for i in range(1, 21)])
    result = bench_risk(connect(store, reference_dir=ref), repeat=2)
    assert result["lines"] == 20
    assert set(result) == {
        "lines",
        "plain_ms",
        "scored_ms",
        "overhead_pct",
        "plain_two_ms",
        "by_category_ms",
        "by_category_pct",
    }
    assert result["plain_ms"] >= 0 and result["scored_ms"] >= 0
