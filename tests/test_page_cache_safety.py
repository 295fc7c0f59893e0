"""The page cache holds one data version, remembers a failed build, and stays private.

On the eight-line dashboard fixture (USD 6,933.33; two more lines of C1 add 1,500.00):
an import committing between the cache's name and its build does not end up in a file
named for the version before it; a build that fails is not retried on every page view
until the data, the model or the code change or a steward asks; the spill folder belongs
to this user alone (0700, files 0600), and one owned by another user is refused.
"""

from __future__ import annotations

import os
import re
import stat
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from dashboard_fixtures import fixture_lines, fixture_store

from transparency import database, schema

D = Decimal
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def spill(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "spill"
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(folder))
    return folder


def _totals(con) -> tuple:
    return con.sql("select count(*), sum(amount_usd) from scored_lines").fetchall()[0]


def _add_more(store):
    more = fixture_lines().head(2).with_columns(pl.col("source_row") + 100)
    return store.add_batch(
        more,
        pl.DataFrame(schema=schema.REJECTION),
        source_file="more.csv",
        content_hash="morelines",
        rows_read=2,
    )


def test_an_import_between_naming_and_building_does_not_enter_the_old_versions_file(
    tmp_path, spill, monkeypatch
):
    store = fixture_store(tmp_path / "store")
    old_name = database.page_cache_path(store)
    real = database._build_page_cache
    landed = []

    def import_lands_first(*args, **kwargs):
        # The forced delay: another process's import commits after the key was computed.
        if not landed:
            landed.append(_add_more(store))
        return real(*args, **kwargs)

    monkeypatch.setattr(database, "_build_page_cache", import_lands_first)
    con = database.connect_for_pages(store)
    assert landed
    # The file named for the version before the import holds that version: 8 lines.
    assert old_name.exists()
    assert _totals(con) == (8, D("6933.33"))
    # The next connection sees the new version: its own file, 10 lines.
    new = database.connect_for_pages(store)
    assert database.page_cache_path(store) != old_name
    assert _totals(new) == (10, D("8433.33"))
    # After an undo the old version's file (rebuilt or kept) shows the 8 lines again.
    store.undo(landed[0].batch_id)
    assert database.page_cache_path(store) == old_name
    assert _totals(database.connect_for_pages(store)) == (8, D("6933.33"))


# --- a failed build is remembered -----------------------------------------------------------

OOM = "Out of Memory Error: failed to allocate data of size 16.0 MiB (2.2 GiB/2.2 GiB used)"


@pytest.fixture
def failing_build(monkeypatch) -> list[int]:
    """Make the page tables' build fail as the 2 GB XLSX did; return the list of attempts."""
    from transparency import rollup

    attempts: list[int] = []

    def out_of_memory(*args, **kwargs):
        attempts.append(1)
        raise duckdb.OutOfMemoryException(OOM + "\n\nPossible solutions: ...")

    monkeypatch.setattr(rollup, "build", out_of_memory)
    return attempts


def test_a_failed_build_is_remembered_and_not_tried_on_every_view(
    tmp_path, spill, monkeypatch, failing_build
):
    store = fixture_store(tmp_path / "store")
    before = database.builds
    for _ in range(3):  # three page views
        with pytest.raises(database.PageCacheFailed) as failed:
            database.connect_for_pages(store)
        assert failed.value.reason == OOM
    assert len(failing_build) == 1 and database.builds == before + 1
    said = str(failed.value)
    assert said.startswith(f"The pages cannot be prepared for this data: {OOM}. ")
    assert "A data steward can undo the last import on the Data page" in said
    assert database.page_cache_failure(store) == OOM
    # Nothing half-built is left; only the note of the failure (and the lock).
    names = sorted(p.suffix for p in (spill / "page-cache").iterdir())
    assert names == [".failed", ".lock"]
    # The cause removed, it is still not tried until asked.
    monkeypatch.undo()
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(spill))
    with pytest.raises(database.PageCacheFailed):
        database.connect_for_pages(store)
    assert database.builds == before + 1
    # Asked (a steward's Try again, or the prepare command): built, and the note is gone.
    database.prepare_page_cache(store, retry=True)
    assert database.page_cache_failure(store) is None
    assert _totals(database.connect_for_pages(store)) == (8, D("6933.33"))
    assert database.builds == before + 2


def test_a_new_data_version_is_tried_again(tmp_path, spill, monkeypatch, failing_build):
    store = fixture_store(tmp_path / "store")
    with pytest.raises(database.PageCacheFailed):
        database.connect_for_pages(store)
    failed_version = database.page_cache_path(store)
    monkeypatch.undo()
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(spill))
    _add_more(store)
    assert database.page_cache_failure(store) is None
    assert _totals(database.connect_for_pages(store)) == (10, D("8433.33"))
    # The note of the old version goes with the old version's files.
    assert not failed_version.with_suffix(".failed").exists()


def test_the_page_says_what_happened_and_a_steward_can_try_again(tmp_path, spill, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from transparency import cache_folder

    store = fixture_store(tmp_path / "store")
    cache_folder.ensure_private_dir(cache_folder.ensure_private_dir(spill) / "page-cache")
    cache_folder.record_failure(database.page_cache_path(store), RuntimeError(OOM + "\nmore"))
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    before = database.builds
    at = AppTest.from_file(str(REPO / "pages/overview.py"), default_timeout=60)
    at.run()
    at.run()  # a second view: still no build
    assert [e.message for e in at.exception] == []
    # Shown as text: the markdown escapes taken off.
    (error,) = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert error.startswith(f"The pages cannot be prepared for this data: {OOM}. ")
    assert "A data steward can undo the last import on the Data page" in error
    assert database.builds == before and not database.page_cache_ready(store)
    # Local mode is a steward: the button asks for a new attempt, which builds the file.
    at.button(key="page_cache_retry").click().run()
    assert [e.message for e in at.exception] == []
    assert [e.value for e in at.error] == []
    assert database.builds == before + 1 and database.page_cache_ready(store)


# --- the folder is this user's own --------------------------------------------------------

NOBODY = 65534
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder away needs root")


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in sorted(folder.iterdir())}


def test_the_default_spill_folder_is_per_user(monkeypatch):
    from transparency import settings

    monkeypatch.delenv("TRANSPARENCY_SPILL_DIR", raising=False)
    assert settings.spill_dir().name == f"transparency-spill-{os.geteuid()}"


def test_the_folder_is_made_0700_and_the_files_0600(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    assert _totals(database.connect_for_pages(store)) == (8, D("6933.33"))
    assert stat.S_IMODE(spill.stat().st_mode) == 0o700
    cache = spill / "page-cache"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    modes = _modes(cache)
    suffixes = sorted(Path(name).suffix for name in modes)
    assert suffixes == [".duckdb", ".lock", ".store"]
    assert set(modes.values()) == {0o600}


def test_a_folder_of_ours_open_to_all_is_set_to_0700(tmp_path, spill):
    spill.mkdir()
    (spill / "page-cache").mkdir()
    for folder in (spill, spill / "page-cache"):
        folder.chmod(0o777)
    store = fixture_store(tmp_path / "store")
    assert _totals(database.connect_for_pages(store)) == (8, D("6933.33"))
    assert stat.S_IMODE(spill.stat().st_mode) == 0o700
    assert stat.S_IMODE((spill / "page-cache").stat().st_mode) == 0o700


def test_a_shared_folder_like_tmp_itself_is_refused_not_narrowed(tmp_path, spill):
    spill.mkdir()
    spill.chmod(0o1777)
    with pytest.raises(database.PrivateFolderError, match="is shared by all users"):
        database.connect(fixture_store(tmp_path / "store"))
    assert stat.S_IMODE(spill.stat().st_mode) == 0o1777


@as_root
def test_a_spill_folder_of_another_user_is_refused(tmp_path, spill):
    spill.mkdir(mode=0o777)
    os.chown(spill, NOBODY, NOBODY)
    store = fixture_store(tmp_path / "store")
    for opening in (database.connect_for_pages, database.connect):
        with pytest.raises(database.PrivateFolderError) as refused:
            opening(store)
        said = str(refused.value)
        assert said.startswith(f"The folder {spill} belongs to ")
        assert f"(uid {NOBODY}), not to this user (" in said
        assert "set TRANSPARENCY_SPILL_DIR to a folder of your own" in said
    assert list(spill.iterdir()) == []  # nothing of ours was written there
    assert spill.stat().st_uid == NOBODY


@as_root
def test_a_cache_folder_or_file_of_another_user_is_refused(tmp_path, spill):
    store = fixture_store(tmp_path / "store")
    cache = spill / "page-cache"
    cache.mkdir(parents=True)
    os.chown(cache, NOBODY, NOBODY)
    with pytest.raises(database.PrivateFolderError, match=f"The folder {cache} belongs to "):
        database.connect_for_pages(store)
    # A file put in our folder (while it was open to all) under the current version's name.
    os.chown(cache, os.geteuid(), os.getegid())
    planted = database.page_cache_path(store)
    duckdb.connect(str(planted)).close()
    os.chown(planted, NOBODY, NOBODY)
    with pytest.raises(database.PrivateFolderError) as refused:
        database.connect_for_pages(store)
    assert str(refused.value).startswith(f"The page cache file {planted} belongs to ")
    assert f"(uid {NOBODY})" in str(refused.value)


def test_a_half_built_file_of_this_version_is_removed_under_its_lock(tmp_path, spill):
    # A killed build left its .building file (its pid alive again, or reused): the next
    # build of the version holds the version's lock, so no other build can be writing it.
    store = fixture_store(tmp_path / "store")
    cache = cache_folder_of(spill)
    path = database.page_cache_path(store)
    left = cache / f"{path.stem}.{os.getppid()}.building"
    left.write_bytes(b"half a file")
    assert _totals(database.connect_for_pages(store)) == (8, D("6933.33"))
    assert not left.exists()
    assert sorted(p.suffix for p in cache.iterdir()) == [".duckdb", ".lock", ".store"]


def cache_folder_of(spill: Path) -> Path:
    from transparency import cache_folder

    return cache_folder.ensure_private_dir(cache_folder.ensure_private_dir(spill) / "page-cache")
