"""Which quarters have contract lines, and the `NoData` error that names them.

>>> describe_quarters([quarters.parse(q) for q in ("2024Q1", "2024Q2", "2024Q4")])
'2024Q1 to 2024Q2, 2024Q4'
"""

from __future__ import annotations

import duckdb

from transparency import quarters, sql
from transparency.figures.definitions import NoData
from transparency.quarters import Quarter


def available_quarters(
    con: duckdb.DuckDBPyConnection, *, start_month: int | None = None
) -> list[Quarter]:
    """Return the quarters that have contract lines, oldest first."""
    months = sql.run(con, "figures_quarters_available")
    found = {quarters.of(m, start_month=start_month) for m in months.get_column("month")}
    return sorted(found)


def describe_quarters(found: list[Quarter]) -> str:
    """Return quarters as ranges of consecutive quarters: '2024Q1 to 2024Q4, 2025Q2'."""
    if not found:
        return "none (the store has no contract lines)"
    runs: list[list[Quarter]] = [[found[0]]]
    for q in found[1:]:
        if runs[-1][-1].next() == q:
            runs[-1].append(q)
        else:
            runs.append([q])
    return ", ".join(r[0].label if len(r) == 1 else f"{r[0].label} to {r[-1].label}" for r in runs)


def no_data(con: duckdb.DuckDBPyConnection, q: Quarter) -> NoData:
    """Return the `NoData` error for `q`, naming the quarters that have lines on `con`."""
    found = available_quarters(con, start_month=q.start_month)
    return NoData(
        f"No contract lines were awarded in {q.describe()}. "
        f"Quarters with data: {describe_quarters(found)}."
    )
