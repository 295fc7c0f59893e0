"""The page cache and the page tables' whole-number keys.

On the eight-line dashboard fixture (7 contracts, 5 suppliers, USD 6,933.33): the page
connection's cache file is built once per data version and reused by a second connection
and by another process; a new batch or a due-diligence record makes a new file and removes
the old one; the dense keys count exactly what `count(distinct ...)` counts, also when the
keys cross a 65,536-key block of the bitmap count.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from dashboard_fixtures import fixture_lines, fixture_store, stub_connection

from transparency import database, schema, sql
from transparency.filters import Filters
from transparency.risk import diligence

D = Decimal
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def spill(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "spill"
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(folder))
    return folder


def _cache_files(spill: Path) -> list[Path]:
    return sorted((spill / "page-cache").glob("pages-*.duckdb"))


def _totals(con) -> tuple:
    return con.sql("select count(*), sum(amount_usd) from scored_lines").fetchall()[0]


def test_second_connection_reuses_the_cache_file(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    first = database.connect_for_pages(store)
    files = _cache_files(spill)
    assert len(files) == 1
    built = files[0].stat().st_mtime_ns
    second = database.connect_for_pages(store)
    assert _cache_files(spill) == files and files[0].stat().st_mtime_ns == built
    assert _totals(first) == _totals(second) == (8, D("6933.33"))
    kpis = sql.run(second, "kpis_for_period", Filters().sql_params()).row(0, named=True)
    assert (kpis["count_lines"], kpis["count_contracts"], kpis["count_suppliers"]) == (8, 7, 5)


def test_cache_holds_the_scored_lines_of_a_fresh_connection(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    con = database.connect_for_pages(store)
    plain = database.connect(store)
    columns = ", ".join(plain.sql("select * from scored_lines").columns)
    assert (
        con.sql("select * from scored_lines").columns
        == plain.sql("select * from scored_lines").columns
    )
    query = f"select {columns} from scored_lines order by batch_id, source_row"  # noqa: S608
    assert con.sql(query).fetchall() == plain.sql(query).fetchall()
    assert con.sql("select sum(count_lines) from lines_rollup").fetchall() == [(8,)]
    assert con.sql("select sum(count_lines) from lines_rollup_country").fetchall() == [(8,)]


def test_another_process_reuses_the_cache_without_building(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    database.connect_for_pages(store)
    code = (
        "import sys\n"
        "from transparency import database\n"
        "from transparency.store import Store\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('built again')\n"
        "database._build_page_cache = refuse\n"
        "con = database.connect_for_pages(Store(sys.argv[1]))\n"
        "print(con.sql('select count(*) from scored_lines').fetchall()[0][0])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(store.root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "8"


def test_a_new_batch_builds_a_new_file_and_removes_the_old(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    old = database.connect_for_pages(store)
    (before,) = _cache_files(spill)
    more = fixture_lines().head(2).with_columns(pl.col("source_row") + 100)
    store.add_batch(
        more,
        pl.DataFrame(schema=schema.REJECTION),
        source_file="more.csv",
        content_hash="morelines",  # batch ids use its first 8 characters
        rows_read=2,
    )
    new = database.connect_for_pages(store)
    (after,) = _cache_files(spill)
    assert after != before and not before.exists()
    # Lines 1 and 2 again: 1,000.00 + 500.00 more, same contract C1 and supplier S1.
    assert _totals(new) == (10, D("8433.33"))
    kpis = sql.run(new, "kpis_for_period", Filters().sql_params()).row(0, named=True)
    assert (kpis["count_contracts"], kpis["count_suppliers"]) == (7, 5)
    # The old connection still reads its own (removed) file.
    assert _totals(old) == (8, D("6933.33"))


def test_a_diligence_record_builds_a_new_file(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    database.connect_for_pages(store)
    (before,) = _cache_files(spill)
    diligence.add(
        store,
        supplier_id="S1",
        supplier_name="Alpha Textiles",
        step="audit",
        recorded_by="tester",
        step_date="2025-01-01",
        evidence="report 1",
    )
    database.connect_for_pages(store)
    (after,) = _cache_files(spill)
    assert after != before


def test_half_built_files_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = tmp_path / "page-cache"
    folder.mkdir()
    keep = folder / "pages-aaaa-new.duckdb"
    names = [
        keep.name,
        "pages-aaaa-old.duckdb",
        "pages-aaaa-old.lock",
        f"pages-aaaa-old.{dead.pid}.building",
        f"pages-aaaa-old.{os.getpid()}.building",
        "pages-bbbb-other.duckdb",
    ]
    for name in names:
        (folder / name).write_bytes(b"x")
    removed = database.remove_old_page_caches(folder, keep)
    assert sorted(p.name for p in removed) == [
        f"pages-aaaa-old.{dead.pid}.building",
        "pages-aaaa-old.duckdb",
        "pages-aaaa-old.lock",
    ]
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([keep.name, f"pages-aaaa-old.{os.getpid()}.building", names[-1]])


def test_dense_keys_count_what_count_distinct_counts(tmp_path):
    con = stub_connection(fixture_store(tmp_path / "store"))
    keys = con.sql(
        "select count(distinct contract_key), max(contract_key), "
        "count(distinct supplier_ix), max(supplier_ix) from page_lines"
    ).fetchall()
    assert keys == [(7, 7, 5, 5)]
    # Move the keys across a 65,536-key block of the bitmap count: still 7 and 5.
    con.execute(
        "update page_lines set contract_key = contract_key * 30000, "
        "supplier_ix = supplier_ix * 40000"
    )
    kpis = sql.run(con, "kpis_for_period", Filters().sql_params()).row(0, named=True)
    assert (kpis["count_lines"], kpis["count_contracts"], kpis["count_suppliers"]) == (8, 7, 5)
    assert kpis["total_usd"] == D("6933.33") and kpis["high_usd"] == D("4400.00")
    # Headquarters only: C1 (two lines), C3, C5, C6 of S1, S3, S5.
    hq = Filters(buyers=("Headquarters",)).sql_params()
    kpis = sql.run(con, "kpis_for_period", hq).row(0, named=True)
    assert (kpis["count_lines"], kpis["count_contracts"], kpis["count_suppliers"]) == (5, 4, 3)


def test_kpis_of_an_empty_selection_are_zero(tmp_path):
    con = stub_connection(fixture_store(tmp_path / "store"))
    nothing = Filters(quarter_from="2030Q1").sql_params()
    kpis = sql.run(con, "kpis_for_period", nothing).row(0)
    assert kpis == (D("0.00"), D("0.00"), 0, 0, 0)


def test_with_diligence_on_record_the_cache_serves_one_day(tmp_path, spill, monkeypatch):
    import datetime as dt

    store = fixture_store(tmp_path / "store")
    without = fixture_store(tmp_path / "without")
    before = database.page_cache_key(without)
    diligence.add(
        store,
        supplier_id="S2",
        supplier_name="Beta Cleaning",
        step="questionnaire",
        recorded_by="tester",
        step_date="2025-01-01",
        evidence="form 7",
        valid_until="2099-12-31",
    )
    recorded = database.page_cache_key(store)

    class Tomorrow(dt.date):
        @classmethod
        def today(cls):
            return dt.date.fromordinal(dt.date.toordinal(dt.date.today()) + 1)

    monkeypatch.setattr(database, "date", Tomorrow)
    # Residual categories count the steps in force on the day: a new day, a new file.
    assert database.page_cache_key(store) != recorded
    # Without records the day plays no part.
    assert database.page_cache_key(without) == before


def test_a_change_in_the_scoring_code_changes_the_key(tmp_path, monkeypatch):
    from transparency import risk

    store = fixture_store(tmp_path / "store")
    before = database.page_cache_key(store)
    changed = tmp_path / "risk.py"
    changed.write_bytes(Path(risk.__file__).read_bytes() + b"\n# a new release\n")
    monkeypatch.setattr(risk, "__file__", str(changed))
    assert database.page_cache_key(store) != before


def test_files_of_a_store_whose_folder_is_gone_are_removed(tmp_path):
    folder = tmp_path / "page-cache"
    folder.mkdir()
    kept_store = tmp_path / "kept"
    kept_store.mkdir()
    keep = folder / "pages-aaaa-new.duckdb"
    (folder / "pages-aaaa.store").write_text(str(kept_store))
    (folder / "pages-bbbb.store").write_text(str(tmp_path / "deleted"))
    (folder / "pages-cccc.store").write_text(str(kept_store))
    for name in (keep.name, "pages-bbbb-v1.duckdb", "pages-bbbb-v1.lock", "pages-cccc-v1.duckdb"):
        (folder / name).write_bytes(b"x")
    removed = database.remove_old_page_caches(folder, keep)
    assert sorted(p.name for p in removed) == [
        "pages-bbbb-v1.duckdb",
        "pages-bbbb-v1.lock",
        "pages-bbbb.store",
    ]
    assert sorted(p.name for p in folder.iterdir()) == [
        "pages-aaaa-new.duckdb",
        "pages-aaaa.store",
        "pages-cccc-v1.duckdb",
        "pages-cccc.store",
    ]


def test_the_build_notes_which_store_a_file_is_for(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    path = database.prepare_page_cache(store)
    note = path.parent / f"pages-{path.name.split('-')[1]}.store"
    assert note.read_text() == store.url


def test_a_file_removed_between_finding_and_attaching_opens_the_current_version(
    tmp_path, spill, monkeypatch
):
    # Another process's import builds a newer version and removes the file this process
    # just found: the connection opens the version current then instead of failing.
    store = fixture_store(tmp_path / "store")
    database.connect_for_pages(store)
    (found,) = _cache_files(spill)
    more = fixture_lines().head(2).with_columns(pl.col("source_row") + 100)
    store.add_batch(
        more,
        pl.DataFrame(schema=schema.REJECTION),
        source_file="more.csv",
        content_hash="morelines",
        rows_read=2,
    )
    real = database._prepare
    calls = []

    def racing(s, **kwargs):
        calls.append(s)
        if len(calls) == 1:
            found.unlink()  # removed after it was found
            return found, s.batches()
        return real(s, **kwargs)

    monkeypatch.setattr(database, "_prepare", racing)
    con = database.connect_for_pages(store)
    assert len(calls) == 2
    assert _totals(con) == (10, D("8433.33"))
