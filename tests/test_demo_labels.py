"""Honest demo labels (#16 point 2): a store with any demo batch says so on every page, with
the demo share of lines and spend, and the Data page offers to remove the demo data once a
real file is in."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from transparency import demo, ingest, page_registry
from transparency.app import demo_share
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
PAGES = [p.path for p in page_registry.PAGES]
REAL = (
    "contract_id,award_date,buyer,supplier_id,supplier_name,supplier_country,"
    "description,category_code,procurement_method,amount,currency\n"
    "P-1,2025-03-01,HQ,V1,Acme Ltd,KEN,Cleaning services,76111500,open,1000.00,USD\n"
    "P-2,2025-03-02,HQ,V2,Beta SA,FRA,Paper,44121600,direct,250.50,USD\n"
)


@pytest.fixture
def mixed(tmp_path) -> Store:
    s = Store(tmp_path / "store")
    demo.add_to_store(s, rows=1_000)
    export = tmp_path / "po.csv"
    export.write_text(REAL, encoding="utf-8")
    ingest.import_file(export, s, source_name="po.csv")
    return s


def _app(s: Store, monkeypatch, script: str = "dashboard.py") -> AppTest:
    monkeypatch.setenv("TRANSPARENCY_STORE", str(s.root))
    return AppTest.from_file(str(REPO / script), default_timeout=60)


def test_demo_share_of_a_mixed_store_by_hand(mixed):
    demo_usd = Decimal(next(b.total_usd for b in mixed.batches() if b.is_demo))
    lines, spend = demo_share(mixed.batches())
    assert lines == 1_000 / 1_002
    assert spend == pytest.approx(float(demo_usd / (demo_usd + Decimal("1250.50"))))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_of_a_mixed_store_says_how_much_is_demo(mixed, monkeypatch, path):
    demo_usd = Decimal(next(b.total_usd for b in mixed.batches() if b.is_demo))
    spend = float(demo_usd / (demo_usd + Decimal("1250.50")))
    at = _app(mixed, monkeypatch)
    at.run()
    at.switch_page(path).run()
    assert [e.message for e in at.exception] == []
    # 1,000 of 1,002 lines; $1,250.50 real beside millions generated: not rounded to 100%
    assert 0.999 < spend < 1
    words = "99.8% of the lines and over 99.9% of the spend"
    assert any(words in w.value for w in at.sidebar.warning)
    assert any(words in c.value for c in at.caption)


def test_data_page_offers_to_remove_the_demo_data(mixed, monkeypatch):
    # The page on its own: AppTest does not follow a button's st.rerun inside navigation.
    at = _app(mixed, monkeypatch, "pages/data.py")
    at.run()
    box = " ".join(m.value for m in at.markdown)
    assert "The store still holds generated demo data" in box
    assert "1,000 demo lines in 1 batch (99.8% of all lines)" in box
    at.button(key="dt_demo_remove").click().run()
    at.button(key="dt_demo_yes").click().run()
    assert [e.message for e in at.exception] == []
    assert [b.source_file for b in mixed.batches()] == ["po.csv"]
    assert not any("Demo data" in w.value for w in at.sidebar.warning)
    assert "dt_demo_remove" not in [b.key for b in at.button]


def test_the_report_of_a_mixed_quarter_says_demo_data(mixed):
    from transparency import database, figures, quarters
    from transparency.report.text import provenance_rows

    # The real file's lines are in 2025Q1, among that quarter's generated lines.
    fig = figures.figures(mixed, quarters.parse("2025Q1"), con=database.connect(mixed))
    assert fig.provenance["is_demo"] is True
    rows = dict(provenance_rows(fig))
    assert rows["Demo data"] == "yes: 1 of the 2 batches of these figures is generated demo data"
