"""Shared test helpers: the path to the real public data and a fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Real public data sets, shared beside the repository (each folder has a SOURCE.md).
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()


@pytest.fixture
def tmp_store(tmp_path: Path):
    """Return an empty `Store` in a temporary folder."""
    from transparency.store import Store

    return Store(tmp_path / "store")
