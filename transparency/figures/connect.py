"""How the figures connect to a store: the one place that decides it (`connection_for`).

The computing functions (`transparency.figures.core`) take a connection; this module
chooses it. Today's page cache is attached when it exists (the dashboard scored every line
already); otherwise a connection without risk is opened and only the reported quarter and
its two comparison quarters are scored (`score_periods`).

>>> con = connection_for(Store("data/store"), quarters.parse("2025Q4"))   # doctest: +SKIP
>>> compute(con, Store("data/store"), quarters.parse("2025Q4"))          # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from transparency import database, risk, sql
from transparency.figures.available import no_data
from transparency.figures.breakdowns import period_params
from transparency.quarters import Quarter
from transparency.store import Store


def connection_for(store: Store, q: Quarter) -> duckdb.DuckDBPyConnection:
    """Return a connection over `store` on which the figures of `q` can be computed.

    Today's page cache when it exists (attaching it costs less than scoring); else a new
    connection whose `contract_lines` holds only `q` and its comparison quarters, scored.
    Raises `NoData` for a quarter without lines before scoring, while the connection still
    sees every quarter the message names.
    """
    if page_cache_ready_today(store):
        return database.connect_for_pages(store)
    con = database.connect(store, with_risk=False)
    found = sql.run(con, "period_has_lines", {"date_from": q.start, "date_to": q.end})
    if not found.item():
        raise no_data(con, q)
    score_periods(con, store, q)
    return con


def page_cache_ready_today(store: Store) -> bool:
    """Return True when the page cache file of the store's current data version exists and
    was written today (`database.connect_for_pages` then only attaches it).

    Only today's: the residual categories in it count the due-diligence steps in force on
    the day it was built, and the figures count those in force today.
    """
    try:
        written = datetime.fromtimestamp(database.page_cache_path(store).stat().st_mtime).date()
    except OSError:
        return False
    return written == date.today()  # the local day, as DuckDB's current_date


def score_periods(con: duckdb.DuckDBPyConnection, store: Store, q: Quarter) -> None:
    """Restrict `contract_lines` on `con` to `q` and its two comparison quarters, then score them.

    For a connection opened without risk (`database.connect(store, with_risk=False)`): a
    line's risk depends only on its own columns and its supplier's due diligence, so scoring
    the three quarters' lines gives the same categories as scoring the whole store, at a
    fraction of the cost (the report needs 3 of, say, 12 quarters). The restriction is the
    macro `queries/views/report_period_lines.sql` with the files and dates bound.
    """
    sql.install_view(con, "report_period_lines")
    params = {"files": store.batch_files(), **period_params(q)}
    con.sql(
        "select * from report_period_lines("
        "$files, $q_from, $q_to, $prev_from, $prev_to, $year_from, $year_to)",
        params=params,
    ).create_view("contract_lines", replace=True)
    risk.install(con, store)
