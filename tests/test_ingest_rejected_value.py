"""The value of what is rejected (issue 17): each rejection row carries the amount and
currency as given and the USD value where known; the summary states the value rejected."""

from __future__ import annotations

import json
from decimal import Decimal

from transparency.cli import main
from transparency.ingest import import_file
from transparency.settings import user_fx_rates_path

# The store's own rate: 500 XOF to the dollar in March 2024.
RATES = "currency,month,units_per_usd,source\nXOF,2024-03,500,test rates\n"
EXPORT = (
    "PO Number,Vendor Name,PO Date,Amount,Currency\n"
    "P1,Acme,2024-03-15,100,USD\n"  # 1 accepted
    "P2,,2024-03-15,2500,XOF\n"  # 2 missing supplier: 2500 XOF / 500 = USD 5.00
    "P3,Beta,2024-03-15,abc,USD\n"  # 3 not a number: no USD value
    "P4,Gamma,not a date,20.50,USD\n"  # 4 bad date: USD 20.50 (USD needs no rate)
    "P5,Delta,2024-03-15,7,XYZ\n"  # 5 not ISO 4217: no USD value
    "P2,,2024-03-15,2500,XOF\n"  # 6 duplicate of row 2 (and missing supplier): no value
)


def _export(tmp_path, tmp_store):
    tmp_store.root.mkdir(parents=True)
    user_fx_rates_path(tmp_store.root).write_text(RATES)
    path = tmp_path / "po.csv"
    path.write_text(EXPORT)
    return path


def test_each_rejection_has_its_value(tmp_path, tmp_store) -> None:
    result = import_file(_export(tmp_path, tmp_store), tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (6, 1, 5)
    report = tmp_store.rejections(result.batch.batch_id)
    rows = report.select("source_row", "amount_raw", "currency_raw", "amount_usd").rows()
    assert rows == [
        (2, "2500", "XOF", Decimal("5.00")),
        (3, "abc", "USD", None),
        (4, "20.50", "USD", Decimal("20.50")),
        (5, "7", "XYZ", None),
        (6, None, None, None),
    ]
    # 5.00 + 20.50; rows 3, 5 and 6 have no USD value.
    assert (result.rejected_usd, result.rejected_unvalued) == (Decimal("25.50"), 3)


def test_the_summary_states_the_value_rejected(tmp_path, tmp_store, capsys) -> None:
    path = _export(tmp_path, tmp_store)
    store = ["--store", str(tmp_store.root), "--no-prepare"]
    assert main(["import", str(path), *store, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["rejected_usd"], out["rejected_without_usd"]) == ("25.50", 3)


def test_the_text_summary_states_the_value_rejected(tmp_path, tmp_store, capsys) -> None:
    path = _export(tmp_path, tmp_store)
    assert main(["import", str(path), "--store", str(tmp_store.root), "--no-prepare"]) == 0
    assert (
        "po.csv: rejected value: USD 25.50, not counting 3 rejected row(s) with no USD value"
    ) in capsys.readouterr().out
