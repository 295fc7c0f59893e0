"""The risk benchmark counts the lines and times aggregates that agree over both views.

No timing is asserted (a busy machine makes any bound flaky): the test checks what the
helper reports besides the medians, that its percentages follow from its medians, and that
the aggregates it times give the same rows over `contract_lines` and `scored_lines`, so the
comparison times the same work.

Hand computation on the fixture (tiny reference folder of `risk_helpers`):
  lines 1-12: DEU, UNSPSC 44121600 (no sector group, default 1), 2024-02-10, 100.00 USD each:
      Tier 1 (TIP 2023) = 1, sector 1 -> 2: Low. 2024Q1, segment 44: 1200.00 over 12 lines.
  lines 13-20: PRK, UNSPSC 53102500 (5310 UFLPA = 4), 2024-05-10, 250.00 USD each:
      Tier 3 (TIP 2023) = 5, ILAB No Advancement +1 = 6 (the country cap), sector 4, Garments
      listed for North Korea (forced labour, high confidence) +2 -> 12, capped 10: Very high.
      2024Q2, segment 53: 2000.00 over 8 lines.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from risk_helpers import build_store, connect, line, write_reference

from transparency.bench.risk_phase import bench_risk

D = Decimal
LOW_LINES = [line(i, "DEU", "44121600", usd="100.00") for i in range(1, 13)]
HIGH_LINES = [
    line(i, "PRK", "53102500", award=date(2024, 5, 10), usd="250.00") for i in range(13, 21)
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench_risk")
    ref = write_reference(root / "ref")
    store = build_store(root / "s", LOW_LINES + HIGH_LINES)
    return connect(store, reference_dir=ref)


class _Spy:
    """A connection or cursor that records each query it runs and the rows fetched from it."""

    def __init__(self, target, log: dict[str, list[tuple]]) -> None:
        self._target, self._log = target, log

    def cursor(self) -> _Spy:
        return _Spy(self._target.cursor(), self._log)

    def sql(self, query: str, *args, **kwargs) -> _Fetched:
        return _Fetched(self._target.sql(query, *args, **kwargs), query, self._log)

    def execute(self, query: str, *args, **kwargs) -> _Fetched:
        return _Fetched(self._target.execute(query, *args, **kwargs), query, self._log)

    def __enter__(self) -> _Spy:
        return self

    def __exit__(self, *exc) -> None:
        self._target.close()

    def __getattr__(self, name: str):
        return getattr(self._target, name)


class _Fetched:
    def __init__(self, result, query: str, log: dict[str, list[tuple]]) -> None:
        self._result, self._query, self._log = result, query, log

    def fetchall(self) -> list[tuple]:
        rows = self._result.fetchall()
        self._log[" ".join(self._query.split())] = sorted(rows, key=repr)
        return rows

    def __getattr__(self, name: str):
        return getattr(self._result, name)


AGGREGATE = [(2024, 1, "44", D("1200.00"), 12), (2024, 2, "53", D("2000.00"), 8)]
BY_CATEGORY = [
    (2024, 1, "Low", "Low", D("1200.00"), 12),
    (2024, 2, "Very high", "Very high", D("2000.00"), 8),
]
# The fair comparison for the category one groups by two text columns (segment and
# procurement method, unset in these lines).
PLAIN_TWO = [(2024, 1, "44", None, D("1200.00"), 12), (2024, 2, "53", None, D("2000.00"), 8)]


def test_bench_risk_counts_the_lines_and_derives_its_percentages_from_its_medians(con):
    result = bench_risk(con, repeat=2)
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
    plain, two = result["plain_ms"], result["plain_two_ms"]
    overhead = round((result["scored_ms"] / plain - 1) * 100, 1) if plain else None
    by_category = round((result["by_category_ms"] / two - 1) * 100, 1) if two else None
    assert result["overhead_pct"] == overhead
    assert result["by_category_pct"] == by_category


def test_the_timed_queries_give_the_hand_computed_rows(con):
    log: dict[str, list[tuple]] = {}
    bench_risk(_Spy(con, log), repeat=1)
    timed = {query: rows for query, rows in log.items() if rows != [(20,)]}
    assert len(timed) == 4, f"expected four timed queries, got {list(timed)}"
    on_lines = {q: rows for q, rows in timed.items() if "from contract_lines" in q}
    on_scored = {q: rows for q, rows in timed.items() if "from scored_lines" in q}
    assert sorted(on_lines.values(), key=repr) == sorted([AGGREGATE, PLAIN_TWO], key=repr)
    assert sorted(on_scored.values(), key=repr) == sorted([AGGREGATE, BY_CATEGORY], key=repr)
    # One aggregate runs over both views, word for word, and gives the same rows there.
    same = [q for q in on_scored if q.replace("scored_lines", "contract_lines") in on_lines]
    assert len(same) == 1 and on_scored[same[0]] == AGGREGATE
