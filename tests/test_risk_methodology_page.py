"""The Methodology page renders the method from the model file and shows coverage; a broken
model file shows its error message instead of figures."""

from __future__ import annotations

import re
from datetime import date

import pytest
from risk_helpers import build_store, connect, copy_model, line
from streamlit.testing.v1 import AppTest

from transparency import filters, sql
from transparency.settings import ROOT

PAGE = str(ROOT / "pages" / "methodology.py")
ROWS = [
    line(1, "DEU", "43211500", usd="300.00"),
    line(2, None, "53101500", usd="100.00"),
    line(3, "DEU", None, scheme=None, usd="50.00"),
    line(4, "GRL", "43211500", usd="50.00"),
    line(5, "CHN", "53101500", award=date(2024, 5, 1), usd="500.00"),
]


def _frames(at: AppTest) -> dict:
    """Return the page's tables by their first column's name (AppTest exposes no keys)."""
    return {df.value.columns[0]: df.value for df in at.dataframe}


@pytest.fixture
def store(tmp_path, monkeypatch):
    s = build_store(tmp_path / "store", ROWS)
    monkeypatch.setenv("TRANSPARENCY_STORE", str(s.root))
    return s


def test_coverage_by_reason_query(store):
    con = connect(store)
    filters.install(con, "scored_lines")  # the page tables it reads, as the pages have them
    frame = sql.run(con, "coverage_by_reason")
    rows = {r["reason"]: r for r in frame.iter_rows(named=True)}
    # Total 1000.00 USD over 5 lines; Greenland has no TIP placement.
    assert rows["Assessable"]["count_lines"] == 2
    assert str(rows["Assessable"]["spend_usd"]) == "800.00"
    assert rows["Supplier country unknown"]["share_spend"] == pytest.approx(0.10)
    assert rows["Category unknown"]["share_lines"] == pytest.approx(0.20)
    assert rows["Country has no TIP placement"]["share_spend"] == pytest.approx(0.05)
    assert sum(r["count_lines"] for r in rows.values()) == 5
    assert sum(r["spend_usd"] for r in rows.values()) == frame["spend_usd"].sum()


def test_page_renders_method_and_coverage(store):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    frames = _frames(at)
    tiers = frames["TIP tier"]
    assert dict(zip(tiers["TIP tier"], tiers["Country score"], strict=True))["Tier 3"] == 5
    assert list(frames["Category"]["Category"]) == [
        "Low",
        "Medium",
        "High",
        "Very high",
        "Not assessable",
    ]
    mapping = frames["Listed good"]
    assert {"Listed good", "Scheme", "Code", "Title", "Confidence"} <= set(mapping.columns)
    assert "Garments" in set(mapping["Listed good"])
    coverage = frames["Assessment"]
    assert set(coverage["Assessment"]) == {
        "Assessable",
        "Supplier country unknown",
        "Category unknown",
        "Country has no TIP placement",
    }
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Spend not assessable"] == "20.0%"
    assert metrics["Lines not assessable"] == "60.0%"
    assert metrics["DOL list edition"] == "2022"


def test_page_follows_an_edited_model(store, tmp_path, monkeypatch):
    model = copy_model(tmp_path / "m.toml", ('"Tier 3" = 5', '"Tier 3" = 6'))
    monkeypatch.setenv("TRANSPARENCY_RISK_MODEL", str(model))
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    tiers = _frames(at)["TIP tier"]
    assert dict(zip(tiers["TIP tier"], tiers["Country score"], strict=True))["Tier 3"] == 6


def test_page_shows_model_error_instead_of_figures(store, tmp_path, monkeypatch):
    model = copy_model(tmp_path / "bad.toml", ("cap = 10", 'cap = "ten"'))
    monkeypatch.setenv("TRANSPARENCY_RISK_MODEL", str(model))
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1
    shown = re.sub(r"\\(.)", r"\1", at.error[0].value)  # as rendered: markdown escapes removed
    assert "bad.toml" in shown and "total.cap" in shown
    assert "'ten'" in shown
    assert "Assessment" not in _frames(at)
