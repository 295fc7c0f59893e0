"""Warnings before figures (issue 17): the share of values and spend recognised per scored
column, and a warning naming the column, the top unrecognised values and the spend when
less than 90% of the spend is recognised."""

from __future__ import annotations

import json

import polars as pl

from transparency.cli import main
from transparency.ingest import import_file
from transparency.ingest.summary import recognised_shares, scoring_warnings

EXPORT = (
    "PO Number,Vendor Name,PO Date,Amount,Currency,Vendor Country,UNSPSC,Procurement Method\n"
    "C1,Acme,2024-03-15,600,USD,France,43211501,Open tender\n"
    "C2,Beta,2024-03-15,300,USD,Atlantis,Medical kits,Open tender\n"  # country, category
    "C3,Gamma,2024-03-15,-50,USD,France,42,Sole source\n"  # a credit note: |50| counts
    "C4,Delta,2024-03-15,50,USD,Narnia,Medical kits,Open tender\n"
)
# Spend (absolute USD): 600 + 300 + 50 + 50 = 1000.
# Country recognised: C1, C3 = 650 (65%); not: Atlantis 300, Narnia 50.
# Category recognised: C1, C3 = 650 (65%); not: 'Medical kits' 350.
# Method recognised: all four (open, direct) = 100%.


def _batch(tmp_path, tmp_store):
    path = tmp_path / "po.csv"
    path.write_text(EXPORT)
    result = import_file(path, tmp_store)
    assert (result.rows_read, result.rows_accepted) == (4, 4)
    return pl.scan_parquet(tmp_store.batch_path(result.batch.batch_id))


def test_shares_of_values_and_spend(tmp_path, tmp_store) -> None:
    shares = recognised_shares(_batch(tmp_path, tmp_store))
    assert shares == {
        "supplier_country": {"values": 0.5, "spend": 0.65},
        "category_code": {"values": 0.5, "spend": 0.65},
        "procurement_method": {"values": 1.0, "spend": 1.0},
    }


def test_warnings_name_column_values_and_spend(tmp_path, tmp_store) -> None:
    lines = _batch(tmp_path, tmp_store)
    warnings = scoring_warnings(lines)
    assert len(warnings) == 2
    assert warnings[0].startswith(
        "only 65% of the spend has a recognised country (column supplier_country); USD 350.00 "
        "will not be assessable on it. Top unrecognised values: 'Atlantis' (USD 300.00); "
        "'Narnia' (USD 50.00)."
    )
    assert "'Medical kits' (USD 350.00)" in warnings[1]
    assert scoring_warnings(lines, least=0.6) == []


def test_the_command_reports_shares_and_warns(tmp_path, capsys) -> None:
    path = tmp_path / "po.csv"
    path.write_text(EXPORT)
    store = ["--store", str(tmp_path / "s"), "--no-prepare"]
    assert main(["import", str(path), *store]) == 0
    out = capsys.readouterr().out
    assert "po.csv: warning: only 65% of the spend has a recognised country" in out
    assert main(["import", str(path), "--store", str(tmp_path / "t"), "--json"]) == 0
    shares = json.loads(capsys.readouterr().out)["recognised"]
    assert shares["category_code"] == {"values": 0.5, "spend": 0.65}


def test_category_titles_are_recognised_as_codes(tmp_path, tmp_store) -> None:
    path = tmp_path / "titles.csv"
    path.write_text(
        "PO Number,Vendor,PO Date,Amount,Currency,Category\n"
        "C1,Acme,2024-03-15,1,USD,Live animals\n"  # a family title: 1010
        "C2,Beta,2024-03-15,1,USD,LIVE PLANT AND ANIMAL MATERIAL AND ACCESSORIES AND SUPPLIES\n"
        "C3,Gamma,2024-03-15,1,USD,Medical kits\n"  # no such title: unknown
    )
    result = import_file(path, tmp_store)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.select("category_code", "segment_code").rows() == [
        ("1010", "10"),
        ("10", "10"),
        (None, None),
    ]
