"""The cached DuckDB connection and cached small query results.

One connection per store state (`data_version`), shared by all sessions through
`st.cache_resource`; every query takes its own cursor (`sql.run` does so). Small results
are cached with `st.cache_data`, keyed by the data version, the query name and its values.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from transparency import database, settings, sql
from transparency.store import Store


def data_version(store: Store) -> str:
    """Return a key that changes when a batch lands or is undone, the risk model or its
    reference files change, or a file in the store folder changes (the due-diligence record)."""
    parts = [str(store.root.resolve()), store.version()]
    model = settings.risk_model_path()
    if model.exists():
        parts.append(f"model:{model.stat().st_mtime_ns}")
    # The risk reference files (a newer TIP table dropped in) change the scores too.
    if settings.REFERENCE_DIR.exists():
        for path in sorted(settings.REFERENCE_DIR.glob("*.csv")):
            parts.append(f"ref:{path.name}:{path.stat().st_mtime_ns}")
    if store.root.exists():
        for path in sorted(store.root.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                parts.append(f"{path.name}:{path.stat().st_mtime_ns}:{path.stat().st_size}")
            elif path.is_dir() and path.name not in ("batches", "rejections"):
                for sub in sorted(path.rglob("*")):
                    if sub.is_file():
                        parts.append(f"{sub}:{sub.stat().st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


# (store root, version) pairs whose connection this process has opened: no readiness
# check (a hash of the scoring code) on every call.
_OPENED: set[tuple[str, str]] = set()


def preparing_message(seconds: float, lines: int) -> str:
    """Return the words shown while the page cache of a new data version is built.

    >>> preparing_message(150, 10_000_000)[:72]
    'Preparing the pages for the new data: about 2.5 min for 10,000,000 lines'
    """
    about = f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"
    return (
        f"Preparing the pages for the new data: about {about} for {lines:,} lines, "
        "once per data version…"
    )


def connection(store_root: str, version: str) -> duckdb.DuckDBPyConnection:
    """Return a connection with the risk views and the `filtered_lines` macro for this version.

    When the page cache of this data version is not built yet (or is being built in the
    background after an import), a spinner says what is being prepared and for how long.
    A build that failed for this version raises `database.PageCacheFailed` at once.
    """
    key = (store_root, version)
    if key not in _OPENED:
        store = Store(Path(store_root))
        if (reason := database.page_cache_failure(store)) is not None:
            raise database.PageCacheFailed(reason)  # not built again on every page view
        if not database.page_cache_ready(store):
            with st.spinner(preparing_message(*database.page_cache_estimate(store))):
                _connection(store_root, version)
        _OPENED.add(key)
    return _connection(store_root, version)


def prepare_in_background(store: Store) -> str:
    """Start preparing the pages for the store's new data version in a background thread
    (after an import, an undo or a due-diligence record); return the words that say so,
    or "" when there is nothing to prepare."""
    try:
        if not store.batches() or database.page_cache_ready(store):
            return ""  # an empty store's pages show no figures
        seconds, lines = database.page_cache_estimate(store)
        database.prepare_page_cache_in_background(store)
    except Exception:  # noqa: BLE001 - the pages build it on first view and show the error
        return ""
    about = f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"
    return (
        f"The other pages are being prepared for the new data in the background (about "
        f"{about} for {lines:,} lines, once per data version); a page opened before then "
        "waits for it."
    )


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(store_root: str, version: str) -> duckdb.DuckDBPyConnection:
    del version  # part of the cache key only
    return database.connect_for_pages(Store(Path(store_root)))


def _thaw(frozen: tuple) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}


def freeze(params: dict) -> tuple:
    """Return `params` as a hashable, ordered tuple (lists become tuples)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


@st.cache_data(max_entries=512, show_spinner=False)
def cached_query(store_root: str, version: str, name: str, frozen: tuple) -> pl.DataFrame:
    """Return `queries/<name>.sql` run with the frozen parameters (cached per data version)."""
    # The page's setup opened the connection (with its spinner) before any query.
    con = _connection(store_root, version)
    return sql.run(con, name, _thaw(frozen))
