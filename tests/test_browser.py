"""End to end: `streamlit run dashboard.py` on a free port, every page in headless Chromium.

Uses Debian's Chromium (`/usr/bin/chromium`, installed by `.ci/run`), never a downloaded
browser. Fails on any Streamlit exception box, browser console error or page error, and
saves a full-page screenshot of every page under `tests/output/screenshots/`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "tests" / "output" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# url path -> (screenshot name, the page title every page shows once it has run)
PAGES = {
    "": ("overview", "Overview"),
    "contracts": ("contracts", "Contracts"),
    "suppliers": ("suppliers", "Suppliers"),
    "quarterly_report": ("quarterly_report", None),
    "data": ("data", "Data"),
    "methodology": ("methodology", None),
}

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
    port = _free_port()
    env = {**os.environ, "TRANSPARENCY_STORE": str(root)}
    log = open(root.parent / "streamlit.log", "wb")  # noqa: SIM115 - closed below
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
                text = (root.parent / "streamlit.log").read_text(errors="replace")
                pytest.fail(f"streamlit did not start:\n{text}")
            time.sleep(0.3)
        yield url, Store(root)
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


def _open(browser, url: str, shot: str) -> tuple[object, object, list[str]]:
    """Open `url`, wait for Streamlit, save a screenshot; return context, page, problems."""
    # Tall viewport: Streamlit scrolls inside its own container, so a full-page shot of a
    # normal window would stop at the fold.
    context = browser.new_context(viewport={"width": 1440, "height": 2400})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: _console(msg, problems))
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
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
        # The category chart is the first Plotly chart; its third bar is "High".
        bar = page.locator(".js-plotly-plot").first.locator("g.point path").nth(2)
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
        chart = page.locator(".js-plotly-plot").nth(1)
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
