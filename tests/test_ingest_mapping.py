"""Column mapping: synonyms without configuration; missing, doubled and bare-Country headings
stop the import with a message; a TOML mapping file fixes each case."""

from __future__ import annotations

import polars as pl
import pytest

from transparency.ingest import ImportRefused, import_file
from transparency.ingest.mapping import SYNONYMS, Mapping, MappingError, heading_key, resolve

ISSUE_HEADINGS = {
    "PO Number": "contract_id",
    "Contract No.": "contract_id",
    "Purchase Order Number": "contract_id",
    "Vendor Name": "supplier_name",
    "Supplier": "supplier_name",
    "Vendor Country": "supplier_country",
    "Country of Supplier": "supplier_country",
    "Amount": "amount",
    "Total Price": "amount",
    "Line Item Value": "amount",
    "Value (USD)": "amount_usd",
    "Currency": "currency",
    "PO Date": "award_date",
    "Award Date": "award_date",
    "UNSPSC": "category_code",
    "Normalized UNSPSC": "category_code",
    "Commodity Code": "category_code",
    "Procurement Method": "procurement_method",
    "Acquisition Method": "procurement_method",
    "Business Unit": "buyer",
    "Department Name": "buyer",
}


@pytest.mark.parametrize(("heading", "canonical"), ISSUE_HEADINGS.items())
def test_every_heading_named_in_the_issue_is_recognised(heading: str, canonical: str) -> None:
    from transparency.ingest.mapping import SYNONYM_INDEX

    assert SYNONYM_INDEX[heading_key(heading)] == canonical


def test_heading_key_ignores_case_punctuation_and_spacing() -> None:
    assert heading_key("PO No.") == heading_key("po_no") == heading_key(" P.O. No ") == "po no"
    assert heading_key("PO / SO #") == "po so"


def test_synonyms_do_not_overlap() -> None:
    seen: dict[str, str] = {}
    for canonical, headings in SYNONYMS.items():
        for heading in headings:
            key = heading_key(heading)
            assert seen.setdefault(key, canonical) == canonical, heading


def test_canonical_names_map_to_themselves() -> None:
    headings = ["contract_id", "award_date", "supplier_name", "amount", "currency"]
    assert resolve(headings).columns == {h: [h] for h in headings}


def test_missing_required_column_lists_found_and_needed() -> None:
    with pytest.raises(MappingError) as info:
        resolve(["PO Number", "Vendor Name", "Amount", "Currency", "Colour"], file="a.csv")
    message = str(info.value)
    assert "a.csv" in message
    assert "award_date" in message
    assert "'Colour'" in message
    assert "mapping file" in message


def test_two_candidates_for_one_column_stop() -> None:
    with pytest.raises(MappingError, match=r"amount could be 'Amount' or 'Total Price'"):
        resolve(["PO Number", "Vendor", "PO Date", "Amount", "Total Price", "Currency"])


def test_mapping_picks_one_candidate_and_ignores_another() -> None:
    mapping = Mapping(columns={"amount": ["Total Price"]}, ignore=["Amount"])
    out = resolve(["PO Number", "Vendor", "PO Date", "Amount", "Total Price", "Currency"], mapping)
    assert out.columns["amount"] == ["Total Price"]


def test_bare_country_is_never_taken_as_supplier_country() -> None:
    headings = ["PO Number", "Vendor", "PO Date", "Amount", "Currency", "Country"]
    with pytest.raises(MappingError, match=r"'Country'.*not clear whose country"):
        resolve(headings)
    ignored = resolve(headings, Mapping(ignore=["Country"]))
    assert "supplier_country" not in ignored.columns
    told = resolve(headings, Mapping(columns={"supplier_country": ["Country"]}))
    assert told.columns["supplier_country"] == ["Country"]


def test_usd_only_export_gets_currency_usd() -> None:
    out = resolve(["PO Number", "Vendor", "PO Date", "Value (USD)"])
    assert out.columns["amount"] == ["Value (USD)"]
    assert out.constants == {"currency": "USD"}


def test_missing_currency_is_asked_for_not_assumed() -> None:
    with pytest.raises(MappingError, match=r"currency.*\[constants\] currency"):
        resolve(["PO Number", "Vendor", "PO Date", "Amount"])


def test_mapping_file_errors_name_the_problem(tmp_path) -> None:
    bad = tmp_path / "m.toml"
    bad.write_text('[columns]\nsupplier = "Vendor"\n')
    with pytest.raises(MappingError, match="'supplier' is not a canonical column"):
        Mapping.load(bad)
    bad.write_text("[colums]\n")
    with pytest.raises(MappingError, match="unknown section"):
        Mapping.load(bad)
    bad.write_text('[columns]\ncontract_id = "Nope"\n')
    with pytest.raises(MappingError, match="no such heading"):
        resolve(["PO Number"], Mapping.load(bad))


def test_import_with_mapping_file_end_to_end(tmp_path, tmp_store) -> None:
    path = tmp_path / "erp.csv"
    path.write_text(
        "Ref,Firm,Made in,Dest. Country,Date,Net,Cur\n"
        "R1,Acme,Bangladesh,Kenya,2024-05-01,100,USD\n"
        "R2,Beta,n/a,Kenya,2024-05-02,50,USD\n"
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        "[columns]\n"
        'contract_id = "Ref"\nsupplier_name = "Firm"\nsupplier_country = "Made in"\n'
        'award_date = "Date"\namount = "Net"\ncurrency = "Cur"\n'
        '[ignore]\ncolumns = ["Dest. Country"]\n'
    )
    with pytest.raises(ImportRefused, match="cannot find the column"):
        import_file(path, tmp_store)
    result = import_file(path, tmp_store, mapping=mapping)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.select("supplier_country", "supplier_country_raw").rows() == [
        ("BGD", "Bangladesh"),
        (None, "n/a"),
    ]


BAD_MAPPINGS = {
    "a number for a heading": (
        b"[columns]\ncontract_id = 5\n",
        "[columns] contract_id must be a text or a list of texts (a heading), "
        "not a whole number (5).",
    ),
    "a list holding a number": (
        b'[columns]\nsupplier_name = ["Vendor", 7]\n',
        "[columns] supplier_name must be a text or a list of texts (a heading), not a list",
    ),
    "a section that is a value": (
        b'columns = "PO"\n',
        "[columns] must be a table, not a text ('PO').",
    ),
    "ignore columns as text": (
        b'[ignore]\ncolumns = "Notes"\n',
        "[ignore] columns must be a list of texts, not a text ('Notes').",
    ),
    "a date format as a number": (
        b"[dates.formats]\n'Award date' = 5\n",
        "[dates.formats] Award date must be a text, not a whole number (5).",
    ),
    "a value table as text": (
        b'[values]\nsupplier_country = "IND"\n',
        "[values.supplier_country] must be a table of raw value = value, not a text ('IND').",
    ),
    "not UTF-8": (
        '[columns]\nsupplier_name = "Fournisseur réf"\n'.encode("cp1252"),
        # é is byte 40: "[columns]\n" (10) + 'supplier_name = "' (17) + "Fournisseur r" (13)
        "is not UTF-8 text (byte 40); save it as UTF-8.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_MAPPINGS))
def test_each_bad_mapping_file_gives_one_line_naming_key_and_type(tmp_path, case, capsys):
    from transparency import cli

    data, words = BAD_MAPPINGS[case]
    path = tmp_path / "mapping.toml"
    path.write_bytes(data)
    with pytest.raises(MappingError) as info:
        Mapping.load(path)
    message = str(info.value)
    assert message.startswith(f"mapping file {path}: ") and words in message
    assert "\n" not in message
    export = tmp_path / "export.csv"
    export.write_text("PO,Vendor\nC1,Acme\n")
    code = cli.main(["import", str(export), "--mapping", str(path), "--store", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code == 2 and words in err and "Traceback" not in err


def test_a_mapping_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "mapping.toml"
    path.write_bytes(b'\xef\xbb\xbf[columns]\ncontract_id = "PO"\n')
    assert Mapping.load(path).columns == {"contract_id": ["PO"]}
