"""The DuckDB connection: views over the store's batches and the reference tables.

One connection per process; each query runs on its own `cursor()` so Streamlit's
threads never share a cursor. Views are built through the relation API, so no path
or value is ever pasted into SQL text.

>>> con = connect(Store("data/store"))            # doctest: +SKIP
>>> con.sql("select count(*) from contract_lines").fetchall()  # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from transparency import cache_folder, filters, quarters, risk, rollup, schema, settings, sql
from transparency.risk import diligence, reference
from transparency.risk import model as risk_model
from transparency.store import Batch, Store, fsync_dir

# Known here to callers and tests.
PageCacheFailed = cache_folder.PageCacheFailed
PrivateFolderError = cache_folder.PrivateFolderError
remove_old_page_caches = cache_folder.remove_old_page_caches
remove_stale_scratch = cache_folder.remove_stale_scratch


def _config() -> dict[str, str]:
    return settings.duckdb_config()


def connect(
    store: Store, *, with_risk: bool = True, batches: list[Batch] | None = None
) -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB connection with `contract_lines` over the store.

    With `with_risk`, the reference tables and risk views of `transparency.risk` are
    installed too (see that module for their names). `batches` (one read of the manifest
    the caller made) fixes which batches are read; by default the manifest is read now.
    The spill folder is made this user's own first (`cache_folder.ensure_private_dir`).
    """
    config = _config()
    cache_folder.ensure_private_dir(Path(config["temp_directory"]))
    con = duckdb.connect(config=config)
    con.execute("set enable_progress_bar = false")  # commands print their own output
    install_lines(con, store, batches)
    if with_risk:
        risk.install(con, store)
    return con


# Bump when the page tables change shape, so an older cache file is never read.
PAGE_CACHE_FORMAT = "7"
# Risk tables copied into the page cache (the per-line ones are in `page_lines` already,
# and `risk_lines`/`risk_lists` use ENUM types that live on the building connection only).
_NOT_CACHED = ("risk_lines", "risk_lists", "risk_line_ids", "period_settings")


# Page cache files built by this process (tests count builds with it).
builds = 0
# Background preparations started by this process, by cache file.
_BACKGROUND: dict[Path, threading.Thread] = {}
_BACKGROUND_LOCK = threading.Lock()
# Connections building a cache file now: interrupted at exit (see `_stop_builds`).
_BUILDING: set[duckdb.DuckDBPyConnection] = set()
_EXITING = False
# Build seconds per million lines when no build has been timed yet (10M demo lines on 2
# busy cores: about 150 s); each build records its own rate beside the files.
DEFAULT_SECONDS_PER_MILLION = 15.0
_RATE_FILE = "build-rate.json"


def page_cache_dir() -> Path:
    """Return the folder of the page cache files (`page-cache` in the spill folder)."""
    return Path(_config()["temp_directory"]) / "page-cache"


def page_cache_key(store: Store, batches: list[Batch] | None = None) -> tuple[str, str]:
    """Return (store part, version part) of the page cache file name (of `batches`, one
    read of the manifest, when given; else of the manifest now).

    The version part changes when a batch lands or is undone, the risk model or a reference
    file changes, a due-diligence record is added, (with records) the day changes, or the
    scoring code or the page tables' code (Python or `queries/views/`) changes; the store part
    names the store.
    """
    record = diligence.path(store)
    steps = record.read_bytes() if record.exists() else b""
    # The code that scores and shapes the lines: a release that changes it rebuilds the file.
    code = hashlib.sha256()
    for path in _code_files():
        code.update(path.read_bytes())
    parts = [
        PAGE_CACHE_FORMAT,
        duckdb.__version__,
        code.hexdigest(),
        store.version(batches),
        risk.model_fingerprint(),
        hashlib.sha256(steps).hexdigest(),
        # the quarter labels of the lines follow the fiscal year's first month
        f"fiscal-{quarters.fiscal_year_start()}",
    ]
    if steps.strip():
        # Residual categories count the steps in force today (DuckDB's current_date, the
        # local day): with steps on record, a file serves the day it was built only.
        parts.append(date.today().isoformat())
    where = hashlib.sha256(store.url.encode()).hexdigest()[:12]
    return where, hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _code_files() -> list[Path]:
    """Return the files whose text decides the page cache's contents: the scoring and
    page-table modules (every module of a package) and the definitions in `queries/views/`."""
    files = []
    for module in (risk, risk_model, reference, diligence, rollup, schema):
        path = Path(module.__file__)
        files += sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
    return files + sorted(sql.VIEWS_DIR.glob("*.sql"))


def connect_for_pages(store: Store) -> duckdb.DuckDBPyConnection:
    """Return a connection ready for the page queries: `scored_lines`, `contract_lines`,
    the risk tables, the page tables of `transparency.rollup` (`page_lines`, the key tables,
    `lines_rollup` and its coarser cells, `supplier_cells`, `supplier_lines`) and the
    `filtered_*` macros of `transparency.filters`.

    Scoring runs once per data version, not once per process: the scored lines and the page
    tables are written to a DuckDB file in the page cache folder (`page_cache_dir()`), named
    by the store and its data version (`page_cache_key`). It is built under a temporary name
    and renamed when complete, so another process (a second dashboard, `report`) either finds
    the whole file or builds it (one at a time: a lock file per version), and then attaches
    it read-only (about 0.1 s). DuckDB's file storage compresses the lines (about 95 bytes a
    line with the page tables: 0.95 GB at 10M) and its buffer manager keeps only what fits
    under the memory limit. Files of older versions of the same store, and half-built files
    of processes that no longer run, are removed when a new one is built.
    """
    con, path = _attach_page_cache(store)
    try:
        tables = con.sql(
            "select table_name from duckdb_tables() where database_name = 'line_cache'"
        ).fetchall()
        for (name,) in tables:
            if not name.isidentifier():
                raise ValueError(f"unexpected table in the page cache {path}: {name!r}")
            if name == "page_lines":
                continue
            con.execute(
                f"create or replace view {name} as select * from line_cache.{name}"  # noqa: S608
            )
        con.execute("create or replace view page_lines as select * from line_cache.page_lines")
        con.execute(
            "create or replace view scored_lines as "
            "select * exclude (contract_key, supplier_ix) from line_cache.page_lines"
        )
        con.execute("create or replace view scored_lines_cached as select * from scored_lines")
        filters.install(con, "scored_lines_cached", build=False)
    except BaseException:
        con.close()
        raise
    return con


def _attach_page_cache(store: Store, attempts: int = 3) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """Return a connection over the store with its current page cache attached read-only.

    The connection's `contract_lines` reads the batches the cache was built from (one
    read of the manifest). Between finding the file and attaching it, a build of a newer
    data version (an import in another process) may remove it; the cache of the version
    current then is opened instead. An attached file stays readable after its removal.
    """
    for attempt in range(attempts):
        path, batches = _prepare(store)
        con = connect(store, with_risk=False, batches=batches)
        try:
            con.execute("attach $path as line_cache (read_only)", {"path": str(path)})
        except duckdb.IOException:
            con.close()
            if path.exists() or attempt == attempts - 1:
                raise
            continue
        except BaseException:
            con.close()
            raise
        return con, path
    raise AssertionError("unreachable")  # the loop returns or raises


def prepare_page_cache(store: Store, *, retry: bool = False) -> Path:
    """Build the page cache file of the store's current data version unless it exists;
    return its path.

    `connect_for_pages` calls it; calling it right after a batch lands (or a due-diligence
    record is added) moves the build off the first page view. A failed build is remembered
    for its data version (`cache_folder.record_failure`) and raises `PageCacheFailed`; later
    calls raise it again without building, until the data, the risk model or the code
    change (a new version) or `retry` asks for a new attempt. The folder must be this
    user's own (`PrivateFolderError` otherwise).

    >>> prepare_page_cache(Store("data/store"))      # doctest: +SKIP
    PosixPath('/tmp/transparency-spill-0/page-cache/pages-1a2b3c4d5e6f-0123456789abcdef.duckdb')
    """
    return _prepare(store, retry=retry)[0]


def _prepare(store: Store, *, retry: bool = False, attempts: int = 3) -> tuple[Path, list[Batch]]:
    """Return the current version's page cache file, built if needed, and the batches it
    holds: its name and its contents come from the same read of the manifest.

    A build that fails because the data changed under it (an undo removed a batch file)
    is not remembered; the version current then is built instead.
    """
    cache_folder.ensure_private_dir(Path(_config()["temp_directory"]))
    folder = cache_folder.ensure_private_dir(page_cache_dir())
    remove_stale_scratch(folder.parent)
    for attempt in range(attempts):
        batches = store.batches()  # the one read: the file's name and its contents
        path = page_cache_path(store, batches)
        if not path.exists():
            if (reason := cache_folder.read_failure(path)) is not None and not retry:
                raise PageCacheFailed(reason)
            try:
                _build_page_cache(store, folder, path, batches, retry=retry)
            except PageCacheFailed:
                raise
            except Exception:
                if attempt < attempts - 1 and store.version() != store.version(batches):
                    continue
                raise
        cache_folder.check_own_file(path)
        return path, batches
    raise AssertionError("unreachable")  # the loop returns or raises


def page_cache_path(store: Store, batches: list[Batch] | None = None) -> Path:
    """Return the page cache file of the store's current data version (built or not), or
    of `batches` when given."""
    where, version = page_cache_key(store, batches)
    return page_cache_dir() / f"pages-{where}-{version}.duckdb"


def page_cache_ready(store: Store) -> bool:
    """Return True when the page cache file of the current data version exists, so a page
    connection opens without building it."""
    return page_cache_path(store).exists()


def page_cache_failure(store: Store) -> str | None:
    """Return why the build of the current data version's page cache failed, or None when
    no failure is remembered (see `prepare_page_cache`)."""
    return cache_folder.read_failure(page_cache_path(store))


def forget_page_cache_failure(store: Store) -> None:
    """Forget a failed build of the current data version: the next page connection tries
    again (a steward's "Try again")."""
    cache_folder.failure_path(page_cache_path(store)).unlink(missing_ok=True)


def page_cache_estimate(store: Store) -> tuple[float, int]:
    """Return (about how many seconds a build takes, the store's line count).

    The rate is the last timed build's (noted in the page cache folder), else
    `DEFAULT_SECONDS_PER_MILLION`.

    >>> page_cache_estimate(Store("data/store"))      # doctest: +SKIP
    (15.0, 1000000)
    """
    lines = sum(batch.lines for batch in store.batches())
    rate = DEFAULT_SECONDS_PER_MILLION
    try:
        noted = json.loads((page_cache_dir() / _RATE_FILE).read_text(encoding="utf-8"))
        rate = float(noted["seconds_per_million"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return max(1.0, rate * lines / 1e6), lines


def prepare_page_cache_in_background(store: Store) -> threading.Thread:
    """Start building the page cache of the current data version in a daemon thread and
    return the thread (an already running one for the same file is returned as is).

    A page connection opened meanwhile waits for this build (the file's lock) instead of
    starting a second one. A failure is logged; the next page connection then builds the
    file and shows the error.
    """
    path = page_cache_path(store)
    with _BACKGROUND_LOCK:
        running = _BACKGROUND.get(path)
        if running is not None and running.is_alive():
            return running

        def work() -> None:
            try:
                prepare_page_cache(store)
            except Exception:  # noqa: BLE001 - a page connection retries and reports it
                if not _EXITING:
                    logging.getLogger(__name__).exception("preparing the page cache %s", path)

        thread = threading.Thread(target=work, name=f"prepare-{path.stem}", daemon=True)
        if not _BACKGROUND:
            atexit.register(_stop_builds)
        for done in [p for p, t in _BACKGROUND.items() if not t.is_alive()]:
            if done != path:  # keep one entry, so the exit handler stays registered once
                del _BACKGROUND[done]
        _BACKGROUND[path] = thread
        thread.start()
    return thread


def _stop_builds() -> None:
    """Interrupt the builds still running when the process exits, and wait for their
    threads: a daemon thread left inside DuckDB when Python finalises aborts the process.
    The half-built file is removed; the next page connection builds it again."""
    global _EXITING
    _EXITING = True
    deadline = time.monotonic() + 60
    for thread in list(_BACKGROUND.values()):
        # An interrupt stops the running statement only: repeat until the build gives up.
        while thread.is_alive() and time.monotonic() < deadline:
            for con in list(_BUILDING):
                try:
                    con.interrupt()
                except Exception:  # noqa: BLE001, S110 - the build may have just finished
                    pass
            thread.join(timeout=0.05)


def _build_page_cache(
    store: Store, folder: Path, path: Path, batches: list[Batch], *, retry: bool = False
) -> None:
    """Build the page cache file `path` of `batches` (see `connect_for_pages`), one process
    at a time, and remember a failure (see `prepare_page_cache`)."""
    global builds
    with cache_folder.open_lock(path.with_suffix(".lock")) as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # another process may be building it: wait, reuse
        if path.exists():
            return
        if retry:
            cache_folder.failure_path(path).unlink(missing_ok=True)
        elif (reason := cache_folder.read_failure(path)) is not None:
            raise PageCacheFailed(reason)  # failed in the process we waited for
        # Under the lock no other build of this version runs: what is there was left.
        for stale in folder.glob(f"{path.stem}.*.building"):
            stale.unlink(missing_ok=True)
        builds += 1
        started = time.monotonic()
        building = folder / f"{path.stem}.{os.getpid()}.building"
        try:
            lines = _write_page_tables(store, batches, building)
        except Exception as exc:
            building.unlink(missing_ok=True)
            # Not remembered: an exit's interrupt, or data that changed under the build.
            if _EXITING or store.version() != store.version(batches):
                raise
            raise PageCacheFailed(cache_folder.record_failure(path, exc)) from exc
        except BaseException:
            building.unlink(missing_ok=True)
            raise
        os.chmod(building, 0o600)
        os.replace(building, path)
        fsync_dir(folder)
        _note_rate(folder, time.monotonic() - started, lines)
    # Which store the files are for, so they can go once its folder is gone.
    note = folder / f"pages-{path.name.split('-')[1]}.store"
    cache_folder.write_private_text(note, store.url)
    remove_old_page_caches(folder, keep=path)


def _write_page_tables(store: Store, batches: list[Batch], building: Path) -> int:
    """Write the scored lines of `batches` and the page tables to the DuckDB file
    `building` (mode 0600); return the line count."""
    # The lines are read once, through the per-line joins (`_parallel_source`): the
    # per-line risk table of `risk.install` would go unused.
    con = connect(store, with_risk=False, batches=batches)
    _BUILDING.add(con)
    try:
        # Order is not needed in the file, and without it the insert runs on every thread.
        con.execute("set preserve_insertion_order = false")
        con.execute("set memory_limit = $limit", {"limit": settings.build_memory_limit()})
        risk.install(con, store, per_line=False)
        con.execute("attach $path as line_cache_build", {"path": str(building)})
        os.chmod(building, 0o600)
        rollup.build(con, _parallel_source(con), "line_cache_build")
        built = con.sql("select count(*) from line_cache_build.page_lines").fetchall()
        if built != con.sql("select count(*) from contract_lines").fetchall():
            # Never expected: the per-line joins lost or doubled lines. Use the
            # per-line risk table (joined by position).
            risk.install(con, store)
            rollup.build(con, "scored_lines", "line_cache_build")
        tables = con.sql(
            "select table_name from duckdb_tables() "
            "where database_name = 'memory' and schema_name = 'main'"
        ).fetchall()
        for (name,) in tables:
            if name in _NOT_CACHED or not name.isidentifier():
                continue
            con.execute(
                f"create table line_cache_build.{name} as select * from {name}"  # noqa: S608
            )
        con.execute("checkpoint line_cache_build")
        con.execute("detach line_cache_build")
    finally:
        _BUILDING.discard(con)
        con.close()
    return built[0][0]


def _note_rate(folder: Path, seconds: float, lines: int) -> None:
    """Note the build's seconds per million lines (for `page_cache_estimate`)."""
    if lines < 100_000:  # small builds are mostly fixed costs: they say little about rate
        return
    rate = json.dumps({"seconds_per_million": seconds * 1e6 / lines})
    cache_folder.write_private_text(folder / _RATE_FILE, rate)


def _parallel_source(con: duckdb.DuckDBPyConnection) -> str:
    """Return the relation the page cache is built from: `scored_lines_joined` when it can
    be made, else `scored_lines`.

    `scored_lines` joins each line to its risk by position, which DuckDB runs on one thread
    (the whole write then runs on that thread: about a minute at 10M lines).
    `queries/views/scored_lines_by_key.sql`, the per-line-join form `risk` keeps as its
    fallback (tested equal, `test_risk_golden`), joins by key to small tables and runs on
    every thread; it is created as `scored_lines_joined_raw` (its `{{view}}` slot), and its
    columns are cast to the types of `scored_lines` so the table is the same.
    """
    risk.install_by_key(con, "scored_lines_joined_raw")
    columns = con.sql("describe scored_lines").fetchall()
    raw = [row[0] for row in con.sql("describe scored_lines_joined_raw").fetchall()]
    if sorted(raw) != sorted(row[0] for row in columns) or not all(
        name.isidentifier() for name in raw
    ):
        return "scored_lines"
    select = ", ".join(f"{name}::{kind} as {name}" for name, kind, *_ in columns)
    con.execute(
        f"create or replace view scored_lines_joined as select {select} "  # noqa: S608
        "from scored_lines_joined_raw"
    )
    return "scored_lines_joined"


def install_lines(
    con: duckdb.DuckDBPyConnection, store: Store, batches: list[Batch] | None = None
) -> None:
    """Create or replace the `contract_lines` view over the store's committed batches (the
    files the manifest lists, never a folder listing; `batches` when given), and the
    `imported_days` view over it."""
    listed = store.batches() if batches is None else batches
    files = [str(store.batch_path(b.batch_id)) for b in listed]
    if store.fs is not None and store.fs.protocol[0] not in con.list_filesystems():
        con.register_filesystem(store.fs)
    if files:
        rel = con.read_parquet(files)
    else:
        rel = con.from_arrow(schema.empty_lines().to_arrow())
    rel.create_view("contract_lines", replace=True)
    sql.install_view(con, "imported_days")
    install_periods(con)


def install_periods(con: duckdb.DuckDBPyConnection) -> None:
    """Create `period_settings` (the fiscal year's first month, from the setting) and the
    `fiscal_quarter(d, start_month)` macro: every quarter label in SQL follows
    `transparency.quarters`, so '2026Q1' means the same months on every page and report."""
    con.execute(
        sql.view("period_settings").text,
        {"fiscal_year_start": quarters.fiscal_year_start()},
    )
    sql.install_view(con, "fiscal_quarter")


def install_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Create or replace table `name` from a Polars frame (visible to every cursor).

    `name` must be a plain identifier chosen by the code, never by a user.
    """
    if not name.isidentifier():
        raise ValueError(f"not a table name: {name!r}")
    rel = con.from_arrow(frame.to_arrow())
    con.execute(f"drop table if exists {name}")  # noqa: S608 - identifier checked above
    rel.create(name)
