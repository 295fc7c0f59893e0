"""The Data page's column mapping (issue 17): the form's choices make the mapping that
`--mapping` would read, and a headerless file imports through it with no row lost."""

from __future__ import annotations

from decimal import Decimal

from transparency.app.mapping_form import NONE, build_mapping, to_toml
from transparency.ingest import import_file
from transparency.ingest.mapping import Mapping

CHOICES = {
    "contract_id": "column 1",
    "award_date": "column 3",
    "supplier_name": "column 2",
    "amount": "column 4",
    "currency": NONE,
    "supplier_country": NONE,
}
OPTIONS = {"heading_row": 0, "date_order": "dmy", "currency": "eur", "undisclosed": ["Hidden"]}


def test_the_toml_reads_back_as_the_same_mapping(tmp_path) -> None:
    mapping = build_mapping(CHOICES, OPTIONS)
    path = tmp_path / "m.toml"
    path.write_text(to_toml(mapping))
    loaded = Mapping.load(path)
    assert loaded.columns == {
        "contract_id": ["column 1"],
        "award_date": ["column 3"],
        "supplier_name": ["column 2"],
        "amount": ["column 4"],
    }
    assert (loaded.constants, loaded.heading_row, loaded.date_order) == (
        {"currency": "EUR"},
        0,
        "dmy",
    )
    assert loaded.undisclosed == ["Hidden"]


def test_a_headerless_file_imports_through_the_form_mapping(tmp_path, tmp_store) -> None:
    path = tmp_path / "bare.csv"
    # Day-first dates (03/04 is 3 April), no heading row, amounts in USD via the constant.
    path.write_text("P1,Acme,03/04/2024,10\nP2,Hidden,05/04/2024,5\nP3,Beta,06/04/2024,1\n")
    options = {**OPTIONS, "currency": "USD"}
    result = import_file(path, tmp_store, mapping=build_mapping(CHOICES, options))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 3, 0)
    assert Decimal(result.batch.total_usd) == Decimal("16")
