"""Country code and name disagreeing (issue 17): shown with their spend, never settled
silently; a mapping says which wins."""

from __future__ import annotations

import polars as pl
import pytest

from transparency.cli import main
from transparency.ingest import import_file
from transparency.ingest.mapping import Mapping

EXPORT = (
    "PO Number,Vendor Name,PO Date,Amount,Currency,Vendor Country Code,Vendor Country\n"
    "C1,Acme,2024-03-15,100,USD,MX,Myanmar\n"  # MX is Mexico in ISO: disagree
    "C2,Beta,2024-03-15,40,USD,FR,France\n"  # agree
    "C3,Gamma,2024-03-15,8,USD,HR,Hong Kong\n"  # HR is Croatia in ISO: disagree
    "C4,Delta,2024-03-15,2,USD,,Chad\n"  # only the name
)
COLUMNS = {"supplier_country": ["Vendor Country Code", "Vendor Country"]}


@pytest.mark.parametrize(
    ("prefer", "countries"),
    [
        (None, [None, "FRA", None, "TCD"]),
        ("code", ["MEX", "FRA", "HRV", "TCD"]),
        ("name", ["MMR", "FRA", "HKG", "TCD"]),
    ],
)
def test_disagreeing_lines_are_unknown_unless_told(tmp_path, tmp_store, prefer, countries):
    path = tmp_path / "po.csv"
    path.write_text(EXPORT)
    result = import_file(path, tmp_store, mapping=Mapping(columns=COLUMNS, country_prefer=prefer))
    assert (result.rows_read, result.rows_accepted) == (4, 4)  # none rejected for it
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.get_column("supplier_country").to_list() == countries
    assert lines.get_column("supplier_country_raw").to_list() == [
        "MX ≠ Myanmar",
        "FR",
        "HR ≠ Hong Kong",
        "Chad",
    ]


def test_the_report_lists_the_disagreements_with_spend(tmp_path, capsys) -> None:
    path = tmp_path / "po.csv"
    path.write_text(EXPORT)
    toml = tmp_path / "m.toml"
    toml.write_text('[columns]\nsupplier_country = ["Vendor Country Code", "Vendor Country"]\n')
    store = ["--store", str(tmp_path / "s"), "--no-prepare"]
    assert main(["import", str(path), "--mapping", str(toml), *store]) == 0
    assert (
        "po.csv: country code and name disagree on 2 line(s), USD 108.00: MX ≠ Myanmar "
        "(1 line(s), USD 100.00); HR ≠ Hong Kong (1 line(s), USD 8.00)"
    ) in capsys.readouterr().out
