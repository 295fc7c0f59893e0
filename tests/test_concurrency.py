"""Twelve sessions read every page at once while an import lands in the same store.

The sessions are AppTest instances in threads of one process, so they share the
process-wide cached DuckDB connection (`st.cache_resource`) and query cache, as browser
sessions of one `streamlit run` do. AppTest installs a mock Runtime singleton for each run
and removes it afterwards, and compiles the pages in a new script cache each run; neither
is thread-safe, so the sessions share one mock Runtime and one script cache, as the
sessions of one server do. The import runs in another thread through
`transparency.ingest.import_file`. Each session must see no error, and the totals it shows
must equal the store's totals either before or after the import, computed independently
with DuckDB over the store's Parquet files.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from unittest.mock import MagicMock

from dashboard_fixtures import fixture_store
from streamlit import config
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from transparency import database, ingest, page_registry
from transparency.app import fmt
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
DASHBOARD = str(REPO / "dashboard.py")
# Every page, the default one last.
PAGES = [p.path for p in page_registry.PAGES if not p.default] + [
    p.path for p in page_registry.PAGES if p.default
]
SESSIONS = 12
IMPORT_ROWS = 2_000


def totals(s: Store) -> dict[str, str]:
    """What the pages must show, from a fresh DuckDB over the store (not the app's queries)."""
    con = database.connect(s, with_risk=False)
    total, lines, contracts = con.sql(
        "select coalesce(sum(amount_usd), 0), count(*), count(distinct contract_id) "
        "from contract_lines"
    ).fetchall()[0]
    return {
        "compact": fmt.usd_compact(total),
        "contracts": fmt.count(contracts),
        "summary": f"**{fmt.count(lines)}** contract lines in **{fmt.count(contracts)}** "
        f"contracts, **{fmt.usd(total)}** in total",
    }


def shared_runtime(monkeypatch) -> None:
    """Make every AppTest run, in any thread, see one mock Runtime (as in AppTest._run)
    and one script cache (its lock keeps CPython 3.11's `ast.parse` off parallel threads)."""
    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    runtime.dataframe_source_mgr = DataframeSourceManager()
    runtime.cache_storage_manager = MemoryCacheStorageManager()
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    runtime.bidi_component_registry = components
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: runtime))
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    cache = ScriptCache()
    monkeypatch.setattr(app_test, "ScriptCache", lambda: cache)
    monkeypatch.setattr(local_script_runner, "ScriptCache", lambda: cache)
    # Each AppTest run patches `config.get_option` for its duration to turn on
    # `global.appTest`; runs in threads overlap, so one run's exit restored the real option
    # while another ran, whose widgets then missed their test hooks (a KeyError inside
    # AppTest, seen once in CI). The option is on for the whole test instead.
    real_get_option = config.get_option
    monkeypatch.setattr(
        config,
        "get_option",
        lambda key: True if key == "global.appTest" else real_get_option(key),
    )
    monkeypatch.setattr(app_test, "patch_config_options", lambda _: contextlib.nullcontext())


def write_export(path: Path) -> Path:
    rows = "".join(f"Q{i},Supplier {i % 50},2025-08-15,1.25,USD\n" for i in range(IMPORT_ROWS))
    path.write_text("PO Number,Vendor Name,PO Date,Amount,Currency\n" + rows, encoding="utf-8")
    return path


def session(shown: list[dict], errors: list[str], ready: threading.Barrier, done: threading.Event):
    """One user: every page once before the import, then rounds until it has landed, then one
    more round."""
    try:
        at = AppTest.from_file(DASHBOARD, default_timeout=300)
        at.run()
        visit(at, shown, errors)
        ready.wait()  # the import starts when every session has seen the store before it
        while not done.is_set():
            visit(at, shown, errors)
        visit(at, shown, errors)
    except Exception as exc:  # noqa: BLE001 - collected and asserted on below
        import traceback

        errors.append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-2000:]}")
        ready.abort()


def visit(at: AppTest, shown: list[dict], errors: list[str]) -> None:
    """Open every page once; note errors and the totals shown."""
    for path in PAGES:
        at.switch_page(path).run()
        errors.extend(f"{path}: {e.message}" for e in at.exception)
        errors.extend(f"{path}: {e.value}" for e in at.error)
        if path == "pages/overview.py":
            m = {x.label: x.value for x in at.metric}
            shown.append({"compact": m["Total spend (USD)"], "contracts": m["Contracts"]})
        elif path == "pages/contracts.py":
            text = next(x.value for x in at.markdown if "contract lines in" in x.value)
            shown.append({"summary": text.split(" (")[0]})


def test_sessions_read_every_page_while_an_import_lands(tmp_path, monkeypatch):
    if os.environ.get("TRANSPARENCY_CONCURRENCY_INNER") != "1":
        # Run in a fresh interpreter: AppTest runs of earlier tests in this process leave
        # Streamlit's runtime and cache singletons behind, which the shared mock runtime
        # below must not meet. The test body is the same; only the process is new.
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider"]
            + [__file__],
            cwd=REPO,
            env={**os.environ, "TRANSPARENCY_CONCURRENCY_INNER": "1"},
            capture_output=True,
            text=True,
            timeout=1500,
        )
        assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
        assert "1 passed" in proc.stdout
        return
    s = fixture_store(tmp_path / "store")
    monkeypatch.setenv("TRANSPARENCY_STORE", str(s.root))
    shared_runtime(monkeypatch)
    export = write_export(tmp_path / "po.csv")
    before = totals(s)
    assert before["summary"] == "**8** contract lines in **7** contracts, **$6,933.33** in total"

    shown: list[dict] = []
    errors: list[str] = []
    ready, done = threading.Barrier(SESSIONS + 1, timeout=600), threading.Event()
    threads = [
        threading.Thread(target=session, args=(shown, errors, ready, done), daemon=True)
        for _ in range(SESSIONS)
    ]
    for t in threads:
        t.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        raise AssertionError(f"a session failed before the import: {errors}") from None
    seen_before = len(shown)
    result = ingest.import_file(export, s)
    done.set()
    for t in threads:
        t.join(timeout=600)
    assert not any(t.is_alive() for t in threads)

    after = totals(s)
    assert result.rows_accepted == IMPORT_ROWS
    assert after["summary"] == (
        f"**{IMPORT_ROWS + 8:,}** contract lines in **{IMPORT_ROWS + 7:,}** contracts, "
        f"**{fmt.usd(Decimal('6933.33') + Decimal('1.25') * IMPORT_ROWS)}** in total"
    )
    assert errors == []
    assert seen_before == SESSIONS * 2 and len(shown) >= SESSIONS * 6
    for seen in shown:
        matches = [
            state for state in (before, after) if all(state[k] == v for k, v in seen.items())
        ]
        assert matches, f"{seen} is neither {before} nor {after}"
    # Every session saw the store before the import, and in its last round after it.
    summaries = [x["summary"] for x in shown if "summary" in x]
    counts = {k: summaries.count(v["summary"]) for k, v in (("before", before), ("after", after))}
    print(counts)
    assert counts["before"] >= SESSIONS and counts["after"] >= SESSIONS
