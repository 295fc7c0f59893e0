"""Bounded memory: DuckDB spills past its memory limit, or fails with a clear message."""

from __future__ import annotations

import duckdb
import pytest

from transparency.database import connect
from transparency.store import Store

# A hash aggregate of 3M distinct text keys needs far more than 40 MB of working memory.
HEAVY = (
    "select count(*) from (select i::varchar || 'x' as k, count(*) "
    "from range(3000000) t(i) group by 1)"
)


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path / "spill"))
    monkeypatch.setenv("TRANSPARENCY_SPILL_LIMIT", "2GB")
    con = connect(Store(tmp_path / "store"), with_risk=False)
    limit, spill_dir = con.sql(
        "select current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchall()[0]
    assert limit in ("286.1 MiB", "300.0 MB")
    assert spill_dir == str(tmp_path / "spill")


def test_query_over_the_memory_limit_spills_and_completes(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_MEMORY_LIMIT", "40MB")
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path / "spill"))
    con = connect(Store(tmp_path / "store"), with_risk=False)
    assert con.cursor().sql(HEAVY).fetchall() == [(3_000_000,)]


def test_query_past_memory_and_spill_caps_fails_clearly_and_the_connection_lives(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("TRANSPARENCY_MEMORY_LIMIT", "40MB")
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path / "spill"))
    monkeypatch.setenv("TRANSPARENCY_SPILL_LIMIT", "1MB")
    con = connect(Store(tmp_path / "store"), with_risk=False)
    with pytest.raises(duckdb.OutOfMemoryException, match="max_temp_directory_size"):
        con.cursor().sql(HEAVY).fetchall()
    # The process and the connection survive: the next query works.
    assert con.cursor().sql("select 42").fetchall() == [(42,)]


def test_scratch_left_by_a_killed_process_is_removed(tmp_path):
    import os
    import subprocess
    import sys

    from transparency.database import remove_stale_scratch

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"lines-{dead.pid}-abc123"
    stale.mkdir()
    (stale / "lines.duckdb").write_bytes(b"x")
    alive = tmp_path / f"lines-{os.getpid()}-def456"
    alive.mkdir()
    assert remove_stale_scratch(tmp_path) == [stale]
    assert not stale.exists() and alive.exists()
