"""Forced-labour risk: reference tables and risk views (being written; see issue 3)."""

from __future__ import annotations

import duckdb

from transparency.store import Store


def install(con: duckdb.DuckDBPyConnection, store: Store) -> None:
    """Install the reference tables and risk views on `con`."""
