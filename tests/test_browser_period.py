"""The Period slider in headless Chromium: each thumb moved by keyboard and by drag changes
the figures and the URL; a period outside the data is reported and clamped.

Shares the server and browser helpers of `test_browser.py` (its own demo store of 20,000
lines, so the expected totals are summed here from the store's files, by hand).
"""

from __future__ import annotations

import urllib.parse
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from test_browser import CHROMIUM, SCREENSHOTS, _serve, _wait_until_done

from transparency import quarters
from transparency.app import fmt
from transparency.store import Store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def period_server(tmp_path_factory):
    from transparency import demo

    root = tmp_path_factory.mktemp("period") / "store"
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


def _total(store: Store, q_from: str, q_to: str) -> str:
    """Return the Total spend tile for the period, summed from the batch files."""
    start: date = quarters.parse(q_from, start_month=1).start
    end: date = quarters.parse(q_to, start_month=1).end
    lines = pl.concat([pl.read_parquet(p) for p in store.batch_files()])
    inside = lines.filter((pl.col("award_date") >= start) & (pl.col("award_date") < end))
    return fmt.usd_compact(Decimal(str(inside["amount_usd"].sum())))


def _thumbs(page) -> list[str]:
    inputs = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input')
    return [inputs.nth(i).get_attribute("aria-valuetext") for i in range(inputs.count())]


def _tile(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def _params(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)


def _drag(page, thumb: int, steps: int, n_options: int) -> None:
    """Drag one thumb `steps` options to the right (negative: left), as a mouse does."""
    slider = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')
    handle = slider.locator("input").nth(thumb).locator("xpath=../..")
    track = slider.locator('[data-orientation="horizontal"]').nth(1).bounding_box()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    step = track["width"] / (n_options - 1)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + steps * step / 2, y, steps=5)
    page.mouse.move(x + steps * step, y, steps=5)
    page.mouse.up()


def test_each_thumb_moves_by_keyboard_and_drag(period_server, chromium):
    url, store = period_server
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        _wait_until_done(page)
        first, last = _thumbs(page)
        options = quarters.span(first, last)
        assert _tile(page) == _total(store, first, last)
        q = options  # shorthand for the expected positions below
        # Opened on a shared link: start 2 quarters in, end 2 before the last.
        page.goto(f"{url}/?from={q[2]}&to={q[-3]}", wait_until="domcontentloaded")
        _wait_until_done(page)
        assert _thumbs(page) == [q[2], q[-3]]
        assert _tile(page) == _total(store, q[2], q[-3])

        inputs = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input')
        # Keyboard: the end thumb one quarter left, then the start thumb one right.
        inputs.nth(1).focus()
        page.keyboard.press("ArrowLeft")
        _wait_until_done(page)
        assert _thumbs(page) == [q[2], q[-4]]
        assert _params(page) == {"from": [q[2]], "to": [q[-4]]}
        assert _tile(page) == _total(store, q[2], q[-4])
        inputs.nth(0).focus()
        page.keyboard.press("ArrowRight")
        _wait_until_done(page)
        assert _thumbs(page) == [q[3], q[-4]]
        assert _params(page) == {"from": [q[3]], "to": [q[-4]]}
        assert _tile(page) == _total(store, q[3], q[-4])

        # Drag: the start thumb back to the first quarter, the end thumb to the last.
        _drag(page, 0, -3, len(q))
        _wait_until_done(page)
        assert _thumbs(page) == [q[0], q[-4]]
        assert _params(page) == {"to": [q[-4]]}
        assert _tile(page) == _total(store, q[0], q[-4])
        _drag(page, 1, 3, len(q))
        _wait_until_done(page)
        assert _thumbs(page) == [q[0], q[-1]]
        assert "from" not in _params(page) and "to" not in _params(page)
        assert _tile(page) == _total(store, q[0], q[-1])
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "period_after_drag.png"), full_page=True)
    finally:
        context.close()


def test_a_period_after_the_data_is_reported_and_clamped(period_server, chromium):
    url, store = period_server
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{url}/?from=2090Q1", wait_until="domcontentloaded")
        _wait_until_done(page)
        first, last = _thumbs(page)
        assert first == last  # both thumbs on the data's last quarter
        assert _params(page) == {"from": [last]}
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert f"starts in 2090Q1, after the data ends ({last})" in sidebar
        assert _tile(page) == _total(store, last, last)
    finally:
        context.close()
