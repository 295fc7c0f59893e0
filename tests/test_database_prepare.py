"""Preparing the page cache when the data changes, not on the first page view.

`import`, `undo` and `diligence add` build the cache file of the new data version (unless
`--no-prepare`), so the next `connect_for_pages` opens it without a build; the Data and
Suppliers pages start the same build in a background thread. Builds are counted with
`database.builds`; small CSV exports and the eight-line dashboard fixture, no times.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dashboard_fixtures import fixture_store

from transparency import database, settings
from transparency.cli import main
from transparency.store import Store

HEADER = "PO Number,Vendor Name,PO Date,Amount,Currency\n"


@pytest.fixture
def spill(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "spill"
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(folder))
    return folder


def _cache_files(spill: Path) -> list[Path]:
    return sorted((spill / "page-cache").glob("pages-*.duckdb"))


def _csv(path: Path, first: int, rows: int) -> Path:
    body = "".join(f"P{i},Supplier {i},2024-03-15,{i}.25,USD\n" for i in range(first, first + rows))
    path.write_text(HEADER + body)
    return path


def _import(tmp_path: Path, store: Path, name: str, first: int, *extra: str) -> None:
    path = _csv(tmp_path / name, first, 3)
    assert main(["import", str(path), "--store", str(store), *extra]) == 0


def test_import_prepares_the_new_version_and_the_page_connection_does_not_build(
    tmp_path, spill, capsys
):
    _import(tmp_path, tmp_path / "store", "a.csv", 1)
    out = capsys.readouterr().out
    assert "Prepared the dashboard pages for the new data (3 lines) in " in out
    store = Store(tmp_path / "store")
    files = _cache_files(spill)
    assert files == [database.page_cache_path(store)]
    assert database.page_cache_ready(store)
    before = database.builds
    con = database.connect_for_pages(store)
    assert database.builds == before
    # 1.25 + 2.25 + 3.25
    assert con.sql("select count(*), sum(amount_usd) from scored_lines").fetchall() == [
        (3, Decimal("6.75"))
    ]


def test_no_prepare_leaves_no_cache_file(tmp_path, spill, capsys):
    _import(tmp_path, tmp_path / "store", "a.csv", 1, "--no-prepare")
    assert "Prepared" not in capsys.readouterr().out
    assert _cache_files(spill) == []
    store = Store(tmp_path / "store")
    assert not database.page_cache_ready(store)
    before = database.builds
    database.connect_for_pages(store)  # the first page builds it instead
    assert database.builds == before + 1
    assert database.page_cache_ready(store)


def test_json_output_stays_one_object_per_file(tmp_path, spill, capsys):
    import json

    _import(tmp_path, tmp_path / "store", "a.csv", 1, "--json")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["rows_accepted"] == 3
    assert "Prepared the dashboard pages" in captured.err


def test_undo_removes_the_old_file_and_prepares_the_new_version(tmp_path, spill, capsys):
    root = tmp_path / "store"
    _import(tmp_path, root, "a.csv", 1)
    _import(tmp_path, root, "b.csv", 10)
    store = Store(root)
    old = database.page_cache_path(store)
    assert _cache_files(spill) == [old]
    second = store.batches()[-1].batch_id
    capsys.readouterr()
    assert main(["undo", second, "--store", str(root)]) == 0
    assert "Prepared the dashboard pages for the new data (3 lines)" in capsys.readouterr().out
    new = database.page_cache_path(store)
    assert new != old and not old.exists()
    assert _cache_files(spill) == [new]
    before = database.builds
    con = database.connect_for_pages(store)
    assert database.builds == before
    assert con.sql("select count(*) from scored_lines").fetchall() == [(3,)]


def test_undo_with_no_prepare_leaves_the_new_version_unbuilt(tmp_path, spill):
    root = tmp_path / "store"
    _import(tmp_path, root, "a.csv", 1)
    _import(tmp_path, root, "b.csv", 10)
    store = Store(root)
    assert main(["undo", store.batches()[-1].batch_id, "--store", str(root), "--no-prepare"]) == 0
    assert not database.page_cache_ready(store)


def _diligence(root: Path, *extra: str) -> int:
    day = (date.today() - timedelta(days=1)).isoformat()
    args = ["diligence", "add", "--store", str(root), "--supplier-name", "Supplier 1"]
    args += ["--step", "audit", "--by", "j.doe", "--date", day, "--evidence", "report 7"]
    return main([*args, *extra])


def test_a_diligence_record_prepares_the_new_version(tmp_path, spill, capsys):
    root = tmp_path / "store"
    _import(tmp_path, root, "a.csv", 1)
    store = Store(root)
    old = database.page_cache_path(store)
    assert _diligence(root) == 0
    out = capsys.readouterr().out
    assert "Recorded audit for Supplier 1" in out and "Prepared the dashboard pages" in out
    assert database.page_cache_ready(store) and not old.exists()
    assert _diligence(root, "--no-prepare") == 0
    assert not database.page_cache_ready(store)


def test_background_preparation_builds_once_and_the_page_connection_reuses_it(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    before = database.builds
    first = database.prepare_page_cache_in_background(store)
    again = database.prepare_page_cache_in_background(store)
    # A page opened meanwhile waits for the same build (the file's lock), never a second.
    con = database.connect_for_pages(store)
    first.join()
    again.join()
    assert database.builds == before + 1
    assert con.sql("select count(*), sum(amount_usd) from scored_lines").fetchall() == [
        (8, Decimal("6933.33"))
    ]


def test_the_estimate_uses_the_line_count_and_the_noted_rate(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    assert database.page_cache_estimate(store) == (1.0, 8)  # at least a second
    folder = spill / "page-cache"
    folder.mkdir(parents=True)
    database._note_rate(folder, 100_000.0, 200_000)  # 500,000 s per million lines
    assert database.page_cache_estimate(store) == (4.0, 8)
    database._note_rate(folder, 1.0, 10)  # too small a build to say anything: ignored
    assert database.page_cache_estimate(store) == (4.0, 8)


def test_exit_during_a_background_build_interrupts_it_cleanly(tmp_path, spill):
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from transparency import database, demo\n"
        "from transparency.store import Store\n"
        "store = Store(Path(sys.argv[1]))\n"
        "demo.add_to_store(store, rows=300_000)\n"
        "database.prepare_page_cache_in_background(store)\n"
        "import time\n"
        "for _ in range(6000):  # exit while DuckDB is writing the file\n"
        "    if list(database.page_cache_dir().glob('*.building')):\n"
        "        break\n"
        "    time.sleep(0.01)\n"
        "else:\n"
        "    raise SystemExit('the build never started')\n"
    )
    env = {**os.environ, "TRANSPARENCY_SPILL_DIR": str(spill)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "store")],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Python finalising under a thread inside DuckDB would abort ("terminate called ...").
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # Interrupted: neither a whole file nor a half-built one (300k lines take seconds).
    left = [p.suffix for p in (spill / "page-cache").glob("pages-*")]
    assert left == [".lock"], "half-built file left"


def test_undo_of_the_last_batch_prepares_nothing(tmp_path, spill, capsys):
    root = tmp_path / "store"
    _import(tmp_path, root, "a.csv", 1, "--no-prepare")
    batch = Store(root).batches()[0].batch_id
    assert main(["undo", batch, "--store", str(root)]) == 0
    assert "Prepared" not in capsys.readouterr().out
    assert _cache_files(spill) == []


@pytest.mark.parametrize(
    ("configured", "build"),
    [("4GB", "3000MB"), ("300MB", "225MB"), ("2GiB", "1610MB"), ("1.5GB", "1125MB")],
)
def test_the_build_runs_under_three_quarters_of_the_memory_limit(monkeypatch, configured, build):
    monkeypatch.setenv("TRANSPARENCY_MEMORY_LIMIT", configured)
    assert settings.build_memory_limit() == build


REPO = Path(__file__).resolve().parents[1]


def _join_background() -> None:
    for thread in list(database._BACKGROUND.values()):
        thread.join(timeout=120)


def test_the_data_page_prepares_after_an_undo_and_says_so(tmp_path, spill, monkeypatch):
    from streamlit.testing.v1 import AppTest

    store = fixture_store(tmp_path / "store")
    _import(tmp_path, store.root, "a.csv", 1, "--no-prepare")
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    at = AppTest.from_file(str(REPO / "pages/data.py"), default_timeout=60)
    at.run()
    at.button(key="dt_undo").click().run()  # the newest batch is chosen first
    at.button(key="dt_undo_yes").click().run()
    assert [e.message for e in at.exception] == []
    assert len(store.batches()) == 1
    said = " ".join(i.value for i in at.info)
    assert "being prepared for the new data in the background" in said
    assert "for 8 lines" in said
    _join_background()
    assert database.page_cache_ready(store)
    before = database.builds
    database.connect_for_pages(store)
    assert database.builds == before


def test_the_page_connection_says_what_it_prepares(tmp_path, spill, monkeypatch):
    import contextlib
    import sys

    import transparency.app.connection  # noqa: F401 - the module, not the function

    module = sys.modules["transparency.app.connection"]
    shown = []

    @contextlib.contextmanager
    def spinner(text: str = "", **_: object):
        shown.append(text)
        yield

    monkeypatch.setattr(module.st, "spinner", spinner)
    store = fixture_store(tmp_path / "store")
    version = module.data_version(store)
    module.connection(str(store.root), version)
    assert shown == [
        "Preparing the pages for the new data: about 1 s for 8 lines, once per data version…"
    ]
    module._OPENED.clear()
    module.connection(str(store.root), version)  # the file is there: no spinner
    assert len(shown) == 1


def test_prepare_command_builds_the_cache_once(tmp_path, spill, capsys):
    _import(tmp_path, tmp_path / "store", "a.csv", 1, "--no-prepare")
    capsys.readouterr()
    store = Store(tmp_path / "store")
    assert main(["prepare", "--store", str(tmp_path / "store")]) == 0
    assert "Prepared the dashboard pages for the new data (3 lines) in " in capsys.readouterr().out
    assert _cache_files(spill) == [database.page_cache_path(store)]
    before = database.builds
    assert main(["prepare", "--store", str(tmp_path / "store")]) == 0  # ready: no build
    assert database.builds == before


def test_prepare_command_on_an_empty_store_says_so(tmp_path, spill, capsys):
    assert main(["prepare", "--store", str(tmp_path / "empty")]) == 0
    assert "has no data: nothing to prepare" in capsys.readouterr().out
    assert _cache_files(spill) == []


def test_prepare_command_exits_non_zero_with_one_line_when_the_build_fails(
    tmp_path, spill, capsys, monkeypatch
):
    import duckdb

    from transparency import rollup

    _import(tmp_path, tmp_path / "store", "a.csv", 1, "--no-prepare")
    capsys.readouterr()

    def out_of_memory(*args, **kwargs):
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed\n\nPossible solutions")

    with monkeypatch.context() as patch:
        patch.setattr(rollup, "build", out_of_memory)
        assert main(["prepare", "--store", str(tmp_path / "store")]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: The pages cannot be prepared for this data: Out of Memory Error: failed. "
        "A data steward can undo the last import on the Data page, or remove the cause (for "
        "example raise TRANSPARENCY_MEMORY_LIMIT) and prepare the pages again (Try again on "
        "this page, or `python -m transparency prepare`).\n"
    )
    assert _cache_files(spill) == []
    # Asked again once the cause is gone: the remembered failure is tried again.
    assert main(["prepare", "--store", str(tmp_path / "store")]) == 0
    assert "Prepared the dashboard pages for the new data (3 lines)" in capsys.readouterr().out
    assert _cache_files(spill) == [database.page_cache_path(Store(tmp_path / "store"))]
