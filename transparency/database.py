"""The DuckDB connection: views over the store's batches and the reference tables.

One connection per process; each query runs on its own `cursor()` so Streamlit's
threads never share a cursor. Views are built through the relation API, so no path
or value is ever pasted into SQL text.

>>> con = connect(Store("data/store"))            # doctest: +SKIP
>>> con.sql("select count(*) from contract_lines").fetchall()  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
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


def connect_for_pages(store: Store) -> duckdb.DuckDBPyConnection:
    """Return a connection ready for the page queries: risk views, the `filtered_lines` and
    `filtered_rollup` macros and the pre-aggregated `lines_rollup` (see `transparency.rollup`).

    Scoring joins run once here instead of in every query: the scored lines are written to
    table `scored_lines_cached` in a scratch database file in the spill folder, and
    `scored_lines` then reads that table. DuckDB's file storage compresses them (about
    60 bytes a line against 1 KB in memory) and its buffer manager keeps only what fits
    under the memory limit, so 10M lines need no more memory than 1M. The file is removed
    when the connection is garbage-collected or the process ends.
    """
    from transparency import filters

    folder = Path(_config()["temp_directory"])
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_scratch(folder)
    scratch = Path(tempfile.mkdtemp(prefix=f"lines-{os.getpid()}-", dir=folder))
    try:
        con = connect(store)
        con.execute("attach $path as line_cache", {"path": str(scratch / "lines.duckdb")})
        con.execute("create table line_cache.scored_lines as select * from scored_lines")
        con.execute("checkpoint line_cache")
        con.execute("create or replace view scored_lines as select * from line_cache.scored_lines")
        con.execute("create or replace view scored_lines_cached as select * from scored_lines")
        filters.install(con, "scored_lines_cached")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    weakref.finalize(con, shutil.rmtree, scratch, True)
    return con


def remove_stale_scratch(folder: Path) -> list[Path]:
    """Remove scratch folders left by processes that no longer run (killed, not closed).

    Folders are named `lines-<pid>-<random>`; one whose process is gone is removed.
    Returns the folders removed.
    """
    removed = []
    for path in Path(folder).glob("lines-*-*"):
        pid = path.name.split("-")[1]
        if not pid.isdigit() or Path(f"/proc/{pid}").exists():
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


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
