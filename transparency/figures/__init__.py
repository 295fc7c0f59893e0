"""Quarterly transparency figures: defined once here and in `queries/figures_*.sql`.

`figures(store, "2025Q4")` returns a `Figures`: the top-line numbers, one table per
breakdown (see `TABLES`), due-diligence coverage of high-risk spend, the change against
the previous quarter and the same quarter a year earlier, the reconciliation of every
breakdown against the total (to the cent, in `Decimal`), and the provenance that makes
the figures reproducible (a `fingerprint` over every input).

It raises `NoData` (naming the quarters that have data) for an empty quarter and
`ReconciliationError` when a breakdown does not add up.

The package, by module:
- `definitions`: the published tables, columns, top line and method text; the errors.
- `result`: `Figures`, `Check`, `Comparison`, the JSON, money and share formatting.
- `available`: the quarters with data and the `NoData` message naming them.
- `breakdowns`: the tables summed from a combination cube or the page cache's cells.
- `reconciliation`: every breakdown against the total; refusal when one does not add up.
- `provenance`: batches, model, editions, due diligence, query files and the fingerprint.
- `core`: `compute(con, store, q)`, the figures on a connection the caller chose.
- `connect`: `connection_for(store, q)`, the one place that decides how to connect.

>>> fig = figures(Store("data/store"), "2025Q4")       # doctest: +SKIP
>>> fig.total_usd, fig.to_json()["high_risk_share"]    # doctest: +SKIP
(Decimal('1234567.89'), '0.1834')
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from transparency import quarters
from transparency.figures import connect
from transparency.figures.available import available_quarters, describe_quarters, no_data
from transparency.figures.breakdowns import (
    METHOD_ORDER,
    PARTS,
    PERIODS,
    period_params,
    step_labels,
)
from transparency.figures.connect import connection_for, page_cache_ready_today, score_periods
from transparency.figures.core import compute
from transparency.figures.definitions import (
    CENT,
    DEFINITIONS_VERSION,
    HIGH_RISK,
    METHOD_LABELS,
    METHODOLOGY,
    SHARE,
    TABLE_BY_KEY,
    TABLES,
    TOP_LINE,
    Column,
    NoData,
    ReconciliationError,
    Table,
)
from transparency.figures.provenance import definitions_hash
from transparency.figures.reconciliation import reconcile
from transparency.figures.result import (
    Check,
    Comparison,
    Figures,
    format_money,
    format_share,
    share,
)
from transparency.quarters import Quarter
from transparency.store import Store

__all__ = [
    "CENT",
    "DEFINITIONS_VERSION",
    "HIGH_RISK",
    "METHODOLOGY",
    "METHOD_LABELS",
    "METHOD_ORDER",
    "PARTS",
    "PERIODS",
    "SHARE",
    "TABLES",
    "TABLE_BY_KEY",
    "TOP_LINE",
    "Check",
    "Column",
    "Comparison",
    "Figures",
    "NoData",
    "ReconciliationError",
    "Table",
    "available_quarters",
    "compute",
    "connect",
    "connection_for",
    "definitions_hash",
    "describe_quarters",
    "figures",
    "format_money",
    "format_share",
    "no_data",
    "page_cache_ready_today",
    "period_params",
    "reconcile",
    "score_periods",
    "share",
    "step_labels",
]


def figures(
    store: Store,
    quarter: str | Quarter,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    start_month: int | None = None,
    now: datetime | None = None,
) -> Figures:
    """Compute the figures of `quarter` from `store` (or from `con`, a connection over it).

    Without `con`, `connection_for` decides how to connect. Raises `NoData` for a quarter
    without lines, `ReconciliationError` if a breakdown does not add up, and
    `quarters.QuarterError` for a malformed quarter.
    """
    q = (
        quarter
        if isinstance(quarter, Quarter)
        else quarters.parse(quarter, start_month=start_month)
    )
    if con is None:
        con = connection_for(store, q)
    return compute(con, store, q, now=now)
