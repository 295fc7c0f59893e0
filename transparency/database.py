"""The DuckDB connection: views over the store's batches and the reference tables.

One connection per process; each query runs on its own `cursor()` so Streamlit's
threads never share a cursor. Views are built through the relation API, so no path
or value is ever pasted into SQL text.

>>> con = connect(Store("data/store"))            # doctest: +SKIP
>>> con.sql("select count(*) from contract_lines").fetchall()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import polars as pl

from transparency import schema
from transparency.store import Store


def _config() -> dict[str, str]:
    spill = os.environ.get("TRANSPARENCY_SPILL_DIR") or str(
        Path(tempfile.gettempdir()) / "transparency-spill"
    )
    return {
        "memory_limit": os.environ.get("TRANSPARENCY_MEMORY_LIMIT", "4GB"),
        "temp_directory": spill,
        "max_temp_directory_size": os.environ.get("TRANSPARENCY_SPILL_LIMIT", "20GB"),
        "threads": os.environ.get("TRANSPARENCY_THREADS", str(os.cpu_count() or 2)),
    }


def connect(store: Store, *, with_risk: bool = True) -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB connection with `contract_lines` over the store.

    With `with_risk`, the reference tables and risk views of `transparency.risk` are
    installed too (see that module for their names).
    """
    con = duckdb.connect(config=_config())
    con.execute("set enable_progress_bar = false")  # commands print their own output
    install_lines(con, store)
    if with_risk:
        from transparency import risk

        risk.install(con, store)
    return con


def cache_limit() -> int:
    """Return the most lines materialised in memory (`TRANSPARENCY_CACHE_LINES`, 1,000,000)."""
    raw = os.environ.get("TRANSPARENCY_CACHE_LINES", "1000000")
    try:
        return int(raw)
    except ValueError:
        return 1_000_000


def connect_for_pages(store: Store) -> duckdb.DuckDBPyConnection:
    """Return a connection ready for the page queries: risk views, the `filtered_lines` and
    `filtered_rollup` macros and the pre-aggregated `lines_rollup` (see `transparency.rollup`).

    Scoring joins run once here instead of in every query: up to `cache_limit()` lines the
    scored lines are materialised (about 1 KB of memory per line), ten to twenty times
    faster per line-level query. Above it the line-level queries read the view.
    """
    from transparency import filters

    con = connect(store)
    lines = con.sql("select count(*) from contract_lines").fetchall()[0][0]
    if lines <= cache_limit():
        con.execute("create or replace table scored_lines_cached as select * from scored_lines")
        filters.install(con, "scored_lines_cached")
    else:
        filters.install(con, "scored_lines")
    return con


def install_lines(con: duckdb.DuckDBPyConnection, store: Store) -> None:
    """Create or replace the `contract_lines` view over the store's committed batches."""
    files = store.batch_files()
    if store.fs is not None and store.fs.protocol[0] not in con.list_filesystems():
        con.register_filesystem(store.fs)
    if files:
        rel = con.read_parquet(files)
    else:
        rel = con.from_arrow(schema.empty_lines().to_arrow())
    rel.create_view("contract_lines", replace=True)


def install_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Create or replace table `name` from a Polars frame (visible to every cursor).

    `name` must be a plain identifier chosen by the code, never by a user.
    """
    if not name.isidentifier():
        raise ValueError(f"not a table name: {name!r}")
    rel = con.from_arrow(frame.to_arrow())
    con.execute(f"drop table if exists {name}")  # noqa: S608 - identifier checked above
    rel.create(name)
