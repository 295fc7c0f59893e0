"""Computing the figures of one quarter on a connection the caller chose.

`compute(con, store, q)` needs a connection whose lines are scored: `database.connect`
(every line scored), `database.connect_for_pages` (the page cache) or
`connect.connection_for` (only the three quarters the figures read). With the page tables
and a calendar quarter, the breakdowns are summed from the page cache's cells; otherwise
from the scored lines. Either way every breakdown must reconcile with the totals read from
the lines as imported.

>>> compute(database.connect(store), store, quarters.parse("2025Q4"))   # doctest: +SKIP
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from typing import Any

import duckdb
import polars as pl

from transparency import quarters, sql
from transparency.figures.available import no_data
from transparency.figures.breakdowns import (
    breakdowns,
    by_risk_category,
    comparison,
    period_params,
    split_parts,
    top_line,
)
from transparency.figures.provenance import provenance
from transparency.figures.reconciliation import reconcile, refuse_unreconciled
from transparency.figures.result import Figures
from transparency.quarters import Quarter
from transparency.store import Store


def compute(
    con: duckdb.DuckDBPyConnection, store: Store, q: Quarter, *, now: datetime | None = None
) -> Figures:
    """Compute the figures of `q` on `con`, a connection with the store's lines scored.

    `store` gives the batch manifest and due-diligence records of the provenance; `now`
    the time published as generated (default: now, UTC). Raises `NoData` for a quarter
    without lines and `ReconciliationError` if a breakdown does not add up.
    """
    params = period_params(q)
    if _cells_ready(con, q):
        totals, cube = _totals_and_cells(con, q, params)
        source = "cells"
    else:
        totals, cube = _totals_and_lines(con, q, params)
        source = "lines"
    categories = sql.run(con, "colour_by_risk_category").rename({"risk_category": "category"})
    parts = split_parts(cube)
    cats = by_risk_category(parts["quarter"]["country"], categories)
    top = top_line(totals["quarter"], cats)
    tables = breakdowns(parts["quarter"], cats, top)
    checks = reconcile(top, tables)
    refuse_unreconciled(q, checks)
    comparisons = [
        comparison(
            kind,
            other,
            totals.get(kind),
            by_risk_category(parts[kind]["country"], categories),
            top,
        )
        for kind, other in (("previous_quarter", q.previous()), ("year_earlier", q.year_earlier()))
    ]
    batch_ids = {bid for row in totals.values() for bid in row["batch_ids"]}
    prov = provenance(store, q, batch_ids, now)
    return Figures(q, top, tables, comparisons, checks, prov, source)


def _totals_and_lines(
    con: duckdb.DuckDBPyConnection, q: Quarter, params: dict[str, Any]
) -> tuple[dict[str, Any], pl.DataFrame]:
    """Return the totals per period (`figures_totals_by_period`, read from the lines as
    imported) and the combination cube (`figures_spend_by_combination`, the scored lines).

    Raises `NoData` when `q` has no lines.
    """
    # The cube (scored lines) runs on its own cursor while the totals read the Parquet
    # files; neither keeps both cores busy alone.
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(sql.run, con, "figures_spend_by_combination", params)
    pool.shutdown(wait=False)
    totals = {r["period"]: r for r in sql.run(con, "figures_totals_by_period", params).to_dicts()}
    if "quarter" not in totals:
        pending.result()  # finish with the connection before the next query
        raise no_data(con, q)
    return totals, pending.result()


# The page tables the cells path reads (`transparency.rollup`, `database.connect_for_pages`).
_CELL_TABLES = frozenset(
    (
        "lines_rollup",
        "lines_rollup_country",
        "lines_rollup_family",
        "supplier_cells",
        "imported_days",
        "page_supplier_keys",
        "page_lines",
        "risk_countries",
        "risk_diligence_steps",
    )
)


def _cells_ready(con: duckdb.DuckDBPyConnection, q: Quarter) -> bool:
    """Return True when the figures of `q` can be summed from the page tables' cells.

    The cells are per `award_quarter`, labelled for the fiscal year set when they were
    built (`transparency.quarters`), so `q` must follow the same setting; a quarter of
    another fiscal year (an explicit `start_month`) reads the lines. The connection must
    hold the page tables (`database.connect_for_pages`, or `rollup.install` over its
    scored lines).
    """
    if q.start_month != quarters.fiscal_year_start():
        return False
    found = sql.run(con, "tables_present", {"names": sorted(_CELL_TABLES)})
    return set(found.get_column("table_name")) == set(_CELL_TABLES)


def _totals_and_cells(
    con: duckdb.DuckDBPyConnection, q: Quarter, params: dict[str, Any]
) -> tuple[dict[str, Any], pl.DataFrame]:
    """Return the totals per period (as `figures_totals_by_period`) and the cells of
    `figures_spend_by_cell`, from a connection with the page tables.

    Why the reconciliation still proves that no line is lost: the line count and spend of
    each period are read from `imported_days`, summed from `contract_lines` (the lines as
    imported) when the page cache was built, apart from the scored lines. The total is that
    imported spend, and every breakdown is summed from the scored cells and must match it
    to the cent and the line, so a line that scoring or the cache build dropped, doubled or
    changed refuses the figures.
    Distinct contracts and suppliers, which no breakdown reconciles against, are counted
    over the cache's whole-number keys instead of the ids' text. Raises `NoData` when `q`
    has no lines.
    """
    cell_params = {
        **params,
        "quarter": q.label,
        "previous": q.previous().label,
        "year_earlier": q.year_earlier().label,
    }
    # The distinct counts (the largest of the three) on their own cursor beside the line
    # counts and the cells: each alone mostly keeps one core busy.
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(sql.run, con, "figures_counts_by_period", cell_params)
    pool.shutdown(wait=False)
    try:
        lines = sql.run(con, "figures_lines_by_period", params)
        cells = sql.run(con, "figures_spend_by_cell", cell_params)
    finally:
        counts = {r["period"]: r for r in pending.result().to_dicts()}
    totals: dict[str, Any] = {}
    for row in lines.to_dicts():
        found = counts.get(row["period"], {})
        imported = row.pop("imported_usd")
        totals[row["period"]] = {
            **row,
            "spend_usd": imported if imported is not None else Decimal("0.00"),
            "count_contracts": found.get("count_contracts", 0),
            "count_suppliers": found.get("count_suppliers", 0),
            "batch_ids": found.get("batch_ids") or [],
        }
    if "quarter" not in totals:
        raise no_data(con, q)
    return totals, cells
