"""`--mapping` with an OCDS file (issue 17): applied where it makes sense, else refused;
never silently ignored."""

from __future__ import annotations

import polars as pl
import pytest
from test_ocds import award, item, release, write_release_package

from transparency.cli import main
from transparency.ingest import ImportRefused, import_file
from transparency.ingest.mapping import Mapping


def _file(tmp_path):
    releases = [
        release(
            "ocds-1",
            awards=[award("A1", items=[item("XYZ", "MED-7")])],
            method="Sole source by decree",
        )
    ]
    return write_release_package(tmp_path / "feed.json", releases)


def test_values_tables_apply_to_an_ocds_file(tmp_path, tmp_store) -> None:
    mapping = Mapping(
        values={
            "category_code": {"XYZ:MED-7": "42000000"},  # a scheme the tool cannot read
            "supplier_country": {"Bangladesh": "IND"},  # the steward's correction
            "procurement_method": {"Sole source by decree": "direct"},
        },
        source="m.toml",
    )
    result = import_file(_file(tmp_path), tmp_store, mapping=mapping)
    assert (result.rows_read, result.rows_accepted) == (1, 1)
    batch = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert batch.select("category_code", "supplier_country", "procurement_method").row(0) == (
        "42000000",
        "IND",
        "direct",
    )
    assert result.batch.extra["mapping"] == "m.toml"


def test_sections_that_cannot_apply_are_refused_by_name(tmp_path, tmp_store) -> None:
    mapping = Mapping(columns={"contract_id": ["PO"]}, date_order="dmy", source="m.toml")
    with pytest.raises(ImportRefused) as refused:
        import_file(_file(tmp_path), tmp_store, mapping=mapping)
    assert str(refused.value).startswith(
        "feed.json: is an OCDS file, whose fields are read by their OCDS names; the mapping "
        "file m.toml's [columns], [dates] cannot apply to it and is not ignored silently."
    )
    assert tmp_store.batches() == []


def test_command_refuses_a_csv_mapping_for_an_ocds_file(tmp_path, capsys) -> None:
    toml = tmp_path / "m.toml"
    toml.write_text('[csv]\ndelimiter = ";"\n')
    code = main(
        ["import", str(_file(tmp_path)), "--mapping", str(toml), "--store", str(tmp_path / "s")]
    )
    assert code != 0
    assert "[csv]/[excel] cannot apply to it" in capsys.readouterr().err
