"""Reconciliation: every breakdown adds up to the quarter's total spend and line count.

`reconcile` returns the checks; `refuse_unreconciled` raises `ReconciliationError`
naming each breakdown that does not add up, so such figures are never published.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from transparency.figures.breakdowns import money_sum
from transparency.figures.definitions import HIGH_RISK, TABLES, ReconciliationError
from transparency.figures.result import Check
from transparency.quarters import Quarter


def reconcile(top: dict[str, Any], tables: dict[str, pl.DataFrame]) -> list[Check]:
    """Return one check per breakdown column pair and per high-risk column.

    Every breakdown must add up to the total spend and line count; every high-risk column
    must add up to the high-risk spend of the risk-category table.
    """
    checks = []
    for table in TABLES:
        frame = tables[table.key]
        for money, count in table.reconciles:
            checks.append(
                Check(
                    table.key,
                    money,
                    top["total_usd"],
                    money_sum(frame.get_column(money)),
                    top["lines"],
                    int(frame.get_column(count).sum() or 0),
                )
            )
        if "high_risk_usd" in frame.columns:
            high_lines = int(
                tables["by_risk_category"]
                .filter(pl.col("category").is_in(HIGH_RISK))
                .get_column("inherent_lines")
                .sum()
                or 0
            )
            # Line counts are not broken down by risk here; the spend must still match.
            checks.append(
                Check(
                    table.key,
                    "high_risk_usd",
                    top["high_risk_usd"],
                    money_sum(frame.get_column("high_risk_usd")),
                    high_lines,
                    high_lines,
                )
            )
    return checks


def refuse_unreconciled(q: Quarter, checks: list[Check]) -> None:
    """Raise `ReconciliationError` naming every check of `q` that fails, with both sums."""
    failed = [c for c in checks if not c.ok]
    if failed:
        detail = "; ".join(
            f"{c.table}.{c.column}: USD {c.actual_usd} in {c.actual_lines} lines against "
            f"USD {c.expected_usd} in {c.expected_lines}"
            for c in failed
        )
        raise ReconciliationError(f"The figures for {q.label} do not reconcile: {detail}.")
