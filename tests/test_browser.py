"""End to end: `streamlit run dashboard.py` on a free port, every page in headless Chromium.

Uses Debian's Chromium (`/usr/bin/chromium`, installed by `.ci/run`), never a downloaded
browser. Fails on any Streamlit exception box, browser console error or page error, and
saves a full-page screenshot of every page under `tests/output/screenshots/`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from transparency import page_registry
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "tests" / "output" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# url path -> (screenshot name, the page title every page shows once it has run)
# (the default page is served at the root)
PAGES = {("" if p.default else p.key): (p.key, p.title) for p in page_registry.PAGES}

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start the dashboard on a demo store in a temporary folder; yield its URL."""
    from transparency import demo

    root = tmp_path_factory.mktemp("browser") / "store"
    demo.add_to_store(Store(root), rows=20_000)
    with _serve(root) as url:
        yield url, Store(root)


@contextlib.contextmanager
def _serve(root: Path, **env: str):
    """Run `streamlit run dashboard.py` on `root` (and extra variables) on a free port."""
    port = _free_port()
    env = {**os.environ, "TRANSPARENCY_STORE": str(root), **env}
    log_path = root.parent / f"streamlit-{port}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"streamlit did not start:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def _wait_until_done(page) -> None:
    """Wait until Streamlit has rendered the page and stayed idle for two seconds."""
    page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=60_000)
    page.wait_for_selector("h1", timeout=60_000)
    # Idle means: no "Running…" status widget, no element left stale from a previous run,
    # no widget still showing its loading skeleton. The status widget appears a moment
    # after a run starts, so one idle glance is not enough: require eight in a row.
    busy = """() => !!(document.querySelector('[data-testid="stStatusWidget"]')
                     || document.querySelector('[data-stale="true"]')
                     || document.querySelector('[data-testid="stSkeletonElement"]'))"""
    deadline = time.monotonic() + 90
    idle = 0
    while idle < 8:
        if time.monotonic() > deadline:
            raise AssertionError("the page did not finish running within 90 seconds")
        idle = 0 if page.evaluate(busy) else idle + 1
        page.wait_for_timeout(250)


def _open(browser, url: str, shot: str) -> tuple[object, object, list[str]]:
    """Open `url`, wait for Streamlit, save a screenshot; return context, page, problems."""
    # Tall viewport: Streamlit scrolls inside its own container, so a full-page shot of a
    # normal window would stop at the fold.
    context = browser.new_context(viewport={"width": 1440, "height": 2400})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: _console(msg, problems))
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("dialog", lambda dialog: _dialog(dialog, problems))
    page.goto(url, wait_until="domcontentloaded")
    _wait_until_done(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        problems.append("exception shown: " + exceptions.first.inner_text()[:2000])
    # dashboard.py's navigation, not Streamlit's file-name menu of the pages/ folder.
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    if "Quarterly report" not in nav or "dashboard" in nav:
        problems.append(f"navigation is not the dashboard's: {nav!r}")
    return context, page, problems


def _dialog(dialog, problems: list[str]) -> None:
    # No page of the dashboard opens a dialog: one means a script ran that should not.
    problems.append(f"dialog ({dialog.type}): {dialog.message}")
    dialog.dismiss()


def _console(msg, problems: list[str]) -> None:
    if msg.type != "error":
        return
    where = (msg.location or {}).get("url", "")
    # Opened on a sub-path (/contracts), Streamlit's client first probes
    # /contracts/_stcore/... to find its base URL and falls back to /_stcore/ on the 404:
    # expected, not an app error.
    if "/_stcore/" in where and "404" in msg.text:
        return
    problems.append(f"console {msg.type}: {msg.text} ({where})")


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_without_errors(server, browser, path):
    url, _ = server
    name, title = PAGES[path]
    context, page, problems = _open(browser, f"{url}/{path}", name)
    try:
        if title:
            assert page.locator("h1").first.inner_text().strip() == title
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "Traceback" not in body
        assert problems == []
    finally:
        context.close()


def test_contract_detail_and_supplier_profile_render(server, browser):
    url, store = server
    import polars as pl

    first = pl.read_parquet(store.batch_files()[0], n_rows=1).row(0, named=True)
    line = f"{first['batch_id']}:{first['source_row']}"
    context, page, problems = _open(browser, f"{url}/contracts?line={line}", "contract_detail")
    try:
        assert f"Contract {first['contract_id']}, line" in " ".join(
            page.locator("h2").all_inner_texts()
        )
        # Wait for the content itself: the status widget can vanish between two reruns.
        page.get_by_text("Amount and currency").wait_for(timeout=30_000)
        page.get_by_text("Inherent risk", exact=True).first.wait_for(timeout=30_000)
        assert problems == []
    finally:
        context.close()
    context, page, problems = _open(
        browser, f"{url}/suppliers?supplier={first['supplier_id']}", "supplier_profile"
    )
    try:
        assert first["supplier_name"] in page.locator("h2").all_inner_texts()
        page.get_by_text("Record a due-diligence step").wait_for(timeout=30_000)
        assert problems == []
    finally:
        context.close()


def test_overview_map_and_charts_draw(server, browser):
    """The world map draws from the bundled shapes (no CDN) and every chart has content."""
    url, _ = server
    context = browser.new_context(viewport={"width": 1440, "height": 2400})
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda req: failed.append(req.url))
    try:
        page.goto(url, wait_until="domcontentloaded")
        _wait_until_done(page)
        page.wait_for_selector(".js-plotly-plot .geo path.choroplethlocation", timeout=30_000)
        assert page.locator(".js-plotly-plot").count() >= 4
        assert failed == []
    finally:
        context.close()


def test_data_page_upload_report_and_undo(server, browser, tmp_path):
    """Upload a small export, see its summary and rejection report, then undo it."""
    url, store = server
    export = tmp_path / "po.csv"
    export.write_text(
        "contract_id,award_date,buyer,supplier_id,supplier_name,supplier_country,"
        "description,category_code,procurement_method,amount,currency\n"
        "P-1,2025-03-01,HQ,V1,Acme Ltd,KEN,Cleaning services,76111500,open,1000.00,USD\n"
        "P-2,2025-03-02,HQ,V2,Beta SA,FRA,Paper,44121600,direct,250.50,USD\n"
        "P-3,2025-03-03,HQ,V3,Gamma,DEU,Widgets,44121600,open,abc,USD\n",
        encoding="utf-8",
    )
    before = len(store.batches())
    context, page, problems = _open(browser, f"{url}/data", "data_before_upload")
    try:
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(export))
        page.get_by_role("button", name="Import this file").click()
        page.get_by_text("2 accepted, 1 rejected").wait_for(timeout=60_000)
        _wait_until_done(page)
        assert len(store.batches()) == before + 1
        main = page.locator('[data-testid="stMain"]')
        assert "1 row of po.csv rejected" in main.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "data_after_upload.png"), full_page=True)

        page.get_by_role("button", name="Undo this import…").click()
        page.get_by_role("button", name="Yes, remove it").click()
        deadline = time.monotonic() + 60
        while len(store.batches()) != before and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        _wait_until_done(page)
        assert len(store.batches()) == before
        assert "Yes, remove it" not in page.locator('[data-testid="stMain"]').inner_text()
        assert problems == []
    finally:
        context.close()


def test_clicking_a_bar_leads_to_the_matching_contracts(server, browser):
    url, _ = server
    context, page, problems = _open(browser, url, "overview_before_click")
    try:
        # The category chart is the second Plotly chart (after the high-risk share per
        # quarter); its third bar is "High".
        bar = page.locator(".js-plotly-plot").nth(1).locator("g.point path").nth(2)
        box = bar.bounding_box()
        # Plotly's drag layer covers the bars, so click where the bar is, as a user does.
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function(
            """() => [...document.querySelectorAll('h1')].some(h => h.innerText === 'Contracts')""",
            timeout=60_000,
        )
        _wait_until_done(page)
        assert "risk=High" in page.url
        assert "inherent risk shown" in page.locator('[data-testid="stMain"]').inner_text()
        page.screenshot(path=str(SCREENSHOTS / "contracts_after_click.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_clicking_a_country_leads_to_its_contracts(server, browser):
    url, _ = server
    context, page, problems = _open(browser, url, "overview_before_country_click")
    try:
        chart = page.locator(".js-plotly-plot").filter(has=page.locator(".geo")).first
        chart.locator("path.choroplethlocation").first.wait_for(timeout=30_000)
        # Plotly draws one path per location, in the trace's order: find China's.
        index = chart.evaluate("el => el.data[0].locations.indexOf('CHN')")
        assert index >= 0
        box = chart.locator("path.choroplethlocation").nth(index).bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.55)
        page.wait_for_function(
            """() => [...document.querySelectorAll('h1')].some(h => h.innerText === 'Contracts')""",
            timeout=60_000,
        )
        _wait_until_done(page)
        assert "country=CHN" in page.url
        assert problems == []
    finally:
        context.close()


def test_selecting_a_contract_row_opens_its_detail(server, browser):
    url, _ = server
    context, page, problems = _open(browser, f"{url}/contracts", "contracts_before_select")
    try:
        grid = page.locator('[data-testid="stDataFrame"]').first
        box = grid.bounding_box()
        # The grid is a canvas: click the first row's selection cell (left column, below
        # the 35-pixel header), as a user does.
        page.mouse.click(box["x"] + 14, box["y"] + 35 + 18)
        page.get_by_text("Amount and currency").wait_for(timeout=60_000)
        _wait_until_done(page)
        assert "line=" in page.url
        assert any(h.startswith("Contract ") for h in page.locator("h2").all_inner_texts())
        page.screenshot(path=str(SCREENSHOTS / "contracts_row_selected.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


# --- script injection and access control in a real browser ---------------------------

XSS = {
    "supplier": "<img src=x onerror=alert(1)>",
    "supplier2": "<script>alert(2)</script>",
    "buyer": "<svg onload=alert(3)>HQ",
    "description": '<iframe src="javascript:alert(4)"></iframe>',
    "file": "<img src=x onerror=alert(5)>.csv",
}
INJECTED = """() => document.querySelectorAll(
    'img[src="x"], [onerror], [onload], svg[onload], iframe[src^="javascript"]').length
    + [...document.scripts].filter(s => s.textContent.includes('alert(')).length"""


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Store:
    """The fixture lines with supplier, buyer, description and file names that are HTML."""
    import polars as pl
    from dashboard_fixtures import fixture_lines

    from transparency import schema

    lines = fixture_lines().with_columns(
        pl.when(pl.col("supplier_id") == "S1")
        .then(pl.lit(XSS["supplier"]))
        .when(pl.col("supplier_id") == "S2")
        .then(pl.lit(XSS["supplier2"]))
        .otherwise(pl.col("supplier_name"))
        .alias("supplier_name"),
        pl.when(pl.col("buyer") == "Headquarters")
        .then(pl.lit(XSS["buyer"]))
        .otherwise(pl.col("buyer"))
        .alias("buyer"),
        pl.when(pl.col("source_row") == 1)
        .then(pl.lit(XSS["description"]))
        .otherwise(pl.col("description"))
        .alias("description"),
    )
    store = Store(tmp_path_factory.mktemp("hostile") / "store")
    store.add_batch(
        lines,
        pl.DataFrame(schema=schema.REJECTION),
        source_file=XSS["file"],
        content_hash="xss00001",
        rows_read=lines.height,
    )
    return store


@pytest.fixture(scope="module")
def hostile_server(hostile_store):
    with _serve(hostile_store.root) as url:
        yield url


def test_html_in_names_is_shown_as_text_on_every_page(hostile_server, hostile_store, browser):
    """Supplier, buyer, description and file names that are HTML never run, on any page."""
    import polars as pl

    batch = hostile_store.batches()[0].batch_id
    first = pl.read_parquet(hostile_store.batch_files()[0]).filter(pl.col("source_row") == 1)
    assert first["supplier_name"][0] == XSS["supplier"]
    visits = {f"xss_{PAGES[p][0]}": f"{hostile_server}/{p}" for p in PAGES}
    visits["xss_contract_detail"] = f"{hostile_server}/contracts?line={batch}:1"
    visits["xss_supplier_profile"] = f"{hostile_server}/suppliers?supplier=S1"
    visits["xss_supplier2_profile"] = f"{hostile_server}/suppliers?supplier=S2"
    literal = {
        # The description sits in a canvas-drawn table (not in the page text); the
        # heading "Other contracts of <supplier>" is text.
        "xss_contract_detail": [f"Other contracts of {XSS['supplier']}"],
        "xss_supplier_profile": [XSS["supplier"]],
        "xss_supplier2_profile": [XSS["supplier2"]],
        "xss_data": [XSS["file"]],
    }
    failures = []
    for shot, url in visits.items():
        context, page, problems = _open(browser, url, shot)
        try:
            # Let a delayed handler (onerror after the image fails) fire if it would.
            page.wait_for_timeout(500)
            # The page and, for a contract line, its dialog (drawn outside stMain).
            text = page.locator("body").inner_text()
            missing = [t for t in literal.get(shot, []) if t not in text]
            injected = page.evaluate(INJECTED)
            if problems or missing or injected:
                failures.append((shot, problems, missing, injected))
        finally:
            context.close()
    assert failures == []


@pytest.fixture(scope="module")
def viewer_server(hostile_store, tmp_path_factory):
    roles = tmp_path_factory.mktemp("roles") / "roles.toml"
    roles.write_text('[users]\n"vera@example.org" = "viewer"\n')
    with _serve(
        hostile_store.root,
        TRANSPARENCY_ROLES=str(roles),
        TRANSPARENCY_TEST_HOOKS="1",
        TRANSPARENCY_TEST_USER="vera@example.org",
    ) as url:
        yield url


def test_viewer_sees_only_aggregate_pages_and_direct_urls_refuse(viewer_server, browser):
    context, page, problems = _open(browser, viewer_server, "viewer_overview")
    try:
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text().split("\n")
        assert [n.strip() for n in nav if n.strip()] == [
            "Overview",
            "Quarterly report",
            "Methodology",
        ]
        assert "role: viewer" in page.locator('[data-testid="stSidebar"]').inner_text()
        assert problems == []
    finally:
        context.close()
    for path in ("contracts", "suppliers", "data"):
        context, page, problems = _open(browser, f"{viewer_server}/{path}", f"viewer_{path}")
        try:
            # Streamlit opens the default page for a URL outside the navigation.
            assert page.locator("h1").first.inner_text().strip() == "Overview"
            assert page.locator('[data-testid="stFileUploader"]').count() == 0
            assert "Download CSV" not in page.locator('[data-testid="stMain"]').inner_text()
        finally:
            context.close()


# --- many real browser sessions while an import lands ---------------------------------

IMPORTER = """
import sys
from pathlib import Path
from transparency.ingest import import_file
from transparency.store import Store
print(import_file(Path(sys.argv[1]), Store(sys.argv[2])).rows_accepted, flush=True)
"""


def test_ten_browser_sessions_while_an_import_lands(browser, tmp_path):
    """Ten Chromium sessions open the contracts page at once while another process
    imports 2,000 lines; each shows the totals of the store before or after it."""
    from dashboard_fixtures import fixture_store

    from transparency.app import fmt

    store = fixture_store(tmp_path / "store")
    export = tmp_path / "po.csv"
    rows = "".join(f"Q{i},Supplier {i % 50},2025-08-15,1.25,USD\n" for i in range(2000))
    export.write_text("PO Number,Vendor Name,PO Date,Amount,Currency\n" + rows)
    before = "8 contract lines in 7 contracts, $6,933.33 in total"
    after = f"2,008 contract lines in 2,007 contracts, {fmt.usd(6933.33 + 2500)} in total"
    with _serve(store.root) as url:
        contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(10)]
        try:
            pages, problems = [], []
            for context in contexts:
                page = context.new_page()
                page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
                page.on("dialog", lambda dialog: _dialog(dialog, problems))
                page.goto(f"{url}/contracts", wait_until="commit")
                pages.append(page)
            importer = subprocess.Popen(
                [sys.executable, "-c", IMPORTER, str(export), str(store.root)],
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                stdout=subprocess.PIPE,
            )
            seen = []
            for page in pages:
                _wait_until_done(page)
                seen.append(page.locator('[data-testid="stMain"]').inner_text())
            out, _ = importer.communicate(timeout=120)
            assert out.decode().strip() == "2000"
            # After the import every session, on its next run, shows the new totals.
            for page in pages:
                page.reload(wait_until="commit")
            for page in pages:
                _wait_until_done(page)
                seen.append(page.locator('[data-testid="stMain"]').inner_text())
        finally:
            for context in contexts:
                context.close()
    assert problems == []
    assert all("Traceback" not in text for text in seen)
    totals = [before if before in text else after if after in text else text for text in seen]
    assert set(totals) <= {before, after}, totals
    assert totals[10:] == [after] * 10
