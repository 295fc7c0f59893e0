"""The Overview in headless Chromium at 1280 px: the high-risk share per quarter, the map
coloured by spend or by high-risk share, sector labels of 11 px or more, money ticks in
one style ($1.5B, never G), tiles not cut, and the "data as of" line.
"""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM, SCREENSHOTS, _serve, _wait_until_done

from transparency.store import Store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def overview_server(tmp_path_factory):
    from transparency import demo

    root = tmp_path_factory.mktemp("overview") / "store"
    demo.add_to_store(Store(root), rows=20_000)
    with _serve(root) as url:
        yield url, Store(root)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def _texts(locator) -> list[str]:
    """Return the text of SVG elements (Plotly's labels; `inner_text` is for HTML)."""
    return locator.evaluate_all("els => els.map(e => e.textContent)")


def test_overview_at_1280_px(overview_server, chromium):
    url, store = overview_server
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        _wait_until_done(page)
        main = page.locator('[data-testid="stMain"]')
        text = main.inner_text()
        # Data as of: the latest award date of the store and its import.
        import polars as pl

        latest = max(pl.read_parquet(p)["award_date"].max() for p in store.batch_files())
        assert f"Data as of {latest.isoformat()} (latest award date); last import " in text
        # Tiles: no value or label cut with an ellipsis.
        for locator in ('[data-testid="stMetricValue"]', '[data-testid="stMetricLabel"]'):
            tiles = page.locator(locator)
            for i in range(tiles.count()):
                cut = tiles.nth(i).evaluate(
                    "e => [e, ...e.querySelectorAll('*')]"
                    ".some(x => x.scrollWidth > x.clientWidth + 1)"
                )
                assert not cut, tiles.nth(i).inner_text()
        # The high-risk share per quarter: two lines, inherent and residual.
        share = page.locator(".js-plotly-plot").first
        assert share.locator(".scatterlayer .trace").count() == 2
        legend = _texts(share.locator(".legendtext"))
        assert legend == ["Inherent risk", "Residual risk"]
        # One money style: no SI giga anywhere in the chart ticks.
        ticks = page.locator(".js-plotly-plot .xtick text, .js-plotly-plot .ytick text")
        labels = _texts(ticks)
        assert any(t.startswith("$") for t in labels)
        assert not [t for t in labels if t.endswith("G")]
        # Sector labels of the ranked bars: 11 px or more.
        sizes = page.locator(".js-plotly-plot .ytick text").evaluate_all(
            "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
        )
        assert sizes and min(sizes) >= 11
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "overview_1280.png"), full_page=True)

        # The map colours by high-risk share on request, and says so in its scale and URL.
        radio = page.get_by_role("radiogroup", name="Colour countries by")
        radio.get_by_text("Share in High or Very high").click()
        _wait_until_done(page)
        assert "ov_map_by=Share+in+High+or+Very+high" in page.url
        titles = _texts(page.locator(".js-plotly-plot .colorbar .cbtitle"))
        assert "High or Very high" in titles, titles
        cb_ticks = _texts(page.locator(".js-plotly-plot .colorbar .cbaxis text"))
        assert "100%" in cb_ticks
    finally:
        context.close()
