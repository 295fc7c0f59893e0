"""The Screening page through Streamlit's AppTest: the queue side by side, a decision, flags."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from screening_fixtures import supplier_lines
from streamlit.testing.v1 import AppTest

from transparency import schema
from transparency.screening import decisions
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]


def _store(root: Path) -> Store:
    s = Store(root)
    lines = supplier_lines([("S1", "Grand Motors LLC", "AZE", date(2025, 3, 1)),
                            ("S2", "Acme Widgets", "FRA", date(2025, 3, 1))])  # fmt: skip
    s.add_batch(lines, pl.DataFrame(schema=schema.REJECTION), source_file="t.csv",
                content_hash="h", rows_read=2)  # fmt: skip
    return s


def test_queue_shows_both_records_and_records_a_decision(tmp_path, monkeypatch):
    s = _store(tmp_path / "store")
    monkeypatch.setenv("TRANSPARENCY_STORE", str(s.root))
    at = AppTest.from_file(str(REPO / "pages/screening.py"), default_timeout=120)
    at.run()
    assert [e.message for e in at.exception] == []
    assert {m.label: m.value for m in at.metric}["Open candidates"] == "1"
    text = " ".join(m.value for m in at.markdown)
    assert "Grand Motors LLC" in text and "GRAND MOTORS LLC" in text and "Score **100.0**" in text
    assert "2024-12-10 to 2027-08-09" in text  # the entry's period, beside our awards
    at.radio(key="sc_verdict").set_value("Confirm")
    at.text_area(key="sc_reason").input("Same address in Baku")
    at.button(key="sc_submit").click().run()
    assert [e.message for e in at.exception] == []
    got = decisions.read(s)
    assert got[["decision", "reason", "role"]].rows() == [
        ("confirmed", "Same address in Baku", "steward")
    ]
    again = AppTest.from_file(str(REPO / "pages/screening.py"), default_timeout=120)
    again.run()
    assert {m.label: m.value for m in again.metric}["Open candidates"] == "0"
    confirmed = next(f.value for f in again.dataframe if "Reason" in f.value.columns)
    assert confirmed["Entry"].tolist() == ["GRAND MOTORS LLC"]
    flags_table = next(f.value for f in again.dataframe if "Flag" in f.value.columns)
    status = dict(zip(flags_table["Flag"], flags_table["Status"], strict=True))
    assert status["Single bid received"] == "not computable"
