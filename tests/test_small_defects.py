"""The smaller defects of #16 (point 6), one test each (the supplier trend axis is in
test_charts_axes.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from dashboard_fixtures import fixture_store
from streamlit.testing.v1 import AppTest

from transparency import cli, ingest
from transparency.app import tables
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
HEAD = (
    "contract_id,award_date,buyer,supplier_id,supplier_name,supplier_country,"
    "description,category_code,procurement_method,amount,currency\n"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return fixture_store(tmp_path_factory.mktemp("defects") / "store")


def test_xls_is_not_offered_since_it_cannot_be_read(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_STORE", str(tmp_path / "store"))
    at = AppTest.from_file(str(REPO / "pages/data.py"), default_timeout=60)
    at.run()
    uploader = at.get("file_uploader")[0].proto
    assert ".xls" not in list(uploader.type)
    assert ".xlsx" in list(uploader.type)


def test_a_day_that_does_not_exist_is_named_as_such(tmp_path):
    export = tmp_path / "po.csv"
    export.write_text(
        HEAD
        + "P-1,2025-02-30,HQ,V1,Acme Ltd,KEN,Cleaning,76111500,open,10.00,USD\n"
        + "P-2,30 Feb,HQ,V1,Acme Ltd,KEN,Cleaning,76111500,open,10.00,USD\n"
        + "P-3,2025-02-28,HQ,V1,Acme Ltd,KEN,Cleaning,76111500,open,10.00,USD\n",
        encoding="utf-8",
    )
    s = Store(tmp_path / "store")
    result = ingest.import_file(export, s, source_name="po.csv")
    assert result.rows_accepted == 1
    reasons = dict(s.rejections(result.batch.batch_id).select("value", "reason").iter_rows())
    assert reasons["2025-02-30"].startswith("not a date: no such day in the calendar")
    assert reasons["30 Feb"] == "not a date (expected an ISO date (YYYY-MM-DD))"


def test_diligence_table_shows_days_and_a_dash_for_no_end():
    rows = tables.diligence_rows(
        pl.DataFrame(
            {
                "step_date": [datetime(2026, 12, 3)],
                "step": ["audit"],
                "evidence": ["R-1"],
                "valid_until": pl.Series([None], dtype=pl.Datetime),
                "recorded_by": ["ana"],
                "recorded_at": [datetime(2026, 12, 3, 9, 30)],
            }
        )
    )
    row = rows.row(0, named=True)
    assert (row["Date"], row["Valid until"]) == ("2026-12-03", "–")
    assert "None" not in str(rows.rows()) and "00:00:00" not in str(rows.rows())


def test_report_quarter_lives_in_the_url(store, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    at = AppTest.from_file(str(REPO / "pages/quarterly_report.py"), default_timeout=60)
    at.query_params["quarter"] = "2025Q2"
    at.run()
    assert [e.message for e in at.exception] == []
    assert at.selectbox(key="qr_quarter").value == "2025Q2"
    at.selectbox(key="qr_quarter").set_value("2025Q3").run()
    assert at.query_params["quarter"] == ["2025Q3"] or at.query_params["quarter"] == "2025Q3"


def test_figures_into_head_ends_quietly(store):
    cmd = (
        f"{sys.executable} -m transparency figures --store {store.root} --quarter 2025Q3 "
        "| head -n 1"
    )
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd], cwd=REPO, capture_output=True, text=True
    )
    assert done.stdout.startswith("Transparency figures, 2025Q3")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.returncode == 0


def test_bench_out_into_a_missing_folder_is_created_before_the_run(tmp_path, monkeypatch):
    from transparency import bench

    seen: list[bool] = []
    out = tmp_path / "new" / "deeper" / "bench.json"
    monkeypatch.setattr(bench, "run", lambda rows, workdir: seen.append(out.parent.is_dir()) or {})
    monkeypatch.setattr(bench, "render", lambda results: "table")
    monkeypatch.setattr(bench, "markdown", lambda results: "| md |")
    monkeypatch.setattr(bench, "write_json", lambda results, path: path.write_text("{}"))
    assert cli.main(["bench", "--rows", "10", "--out", str(out)]) == 0
    assert seen == [True]
    assert out.read_text() == "{}" and out.with_suffix(".md").read_text() == "| md |"


def test_diligence_add_for_an_unknown_supplier_says_so(store, capsys):
    args = ["diligence", "add", "--store", str(store.root), "--step", "audit", "--by", "ana"]
    args += ["--date", "2025-01-01", "--evidence", "R-1", "--no-prepare"]
    assert cli.main([*args, "--supplier-id", "NO-SUCH-ID"]) == 0
    err = capsys.readouterr().err
    assert "no contract line" in err and "'NO-SUCH-ID'" in err
    assert cli.main([*args, "--supplier-id", "S1"]) == 0
    assert "no contract line" not in capsys.readouterr().err
