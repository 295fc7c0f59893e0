"""The whole import: every row accepted or rejected with a reason, normalisation, FX,
formats (CSV, XLSX, Parquet), duplicates, the `import` command and `finish_lines`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from transparency import schema
from transparency.cli import main
from transparency.ingest import ImportRefused, finish_lines, import_file
from transparency.settings import user_fx_rates_path

HEADER = (
    "PO Number,Line No,Vendor Name,Vendor Country,PO Date,Amount,Currency,UNSPSC,"
    "Procurement Method\n"
)
BODY = (
    "P1,1,Acme,Viet Nam,2024-03-15,100,EUR,43211501,Open tender\n"  # 1 accepted
    "P2,1,Beta,UK,2024-03-15,1000,JPY,53-10,Sole source\n"  # 2 accepted
    ",1,Gamma,FR,2024-03-15,5,USD,,\n"  # 3 missing contract id
    "P4,1,Delta,Atlantis,2024-03-15,abc,USD,bogus,Framework\n"  # 4 not a number
    "P5,1,Eps,DE,2024-03-15,10,XOF,,\n"  # 5 no FX rate
    "P6,1,Zeta,DE,2099-01-15,10,EUR,,\n"  # 6 award date in the far future
    "P7,1,Eta,Atlantis,2024-03-15,7.5,usd,bogus,Framework\n"  # 7 accepted, unknowns kept
    "P8,1,Theta,DE,2024-03-15,7,E,,\n"  # 8 bad currency code
)


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "po.csv"
    path.write_text(HEADER + BODY, encoding="utf-8")
    return path


def test_every_row_accounted_for_with_reasons(export, tmp_store) -> None:
    result = import_file(export, tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (8, 3, 5)
    assert result.rejections_path == tmp_store.rejections_path(result.batch.batch_id)
    report = tmp_store.rejections(result.batch.batch_id)
    assert report.select("file", "source_row", "column", "value").rows() == [
        ("po.csv", 3, "PO Number", None),
        ("po.csv", 4, "Amount", "abc"),
        ("po.csv", 5, "Currency", "XOF"),
        ("po.csv", 6, "PO Date", "2099-01-15"),
        ("po.csv", 8, "Currency", "E"),
    ]
    reasons = report.get_column("reason").to_list()
    assert reasons[0] == "missing contract id"
    assert reasons[1] == "not a number"
    assert reasons[2].startswith("no exchange rate for XOF in 2024-03")
    assert reasons[3].startswith("award date more than 366 days after the import date")
    assert reasons[4] == "not an ISO 4217 currency code"


def test_accepted_lines_are_normalised(export, tmp_store) -> None:
    result = import_file(export, tmp_store)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.columns == schema.COLUMNS
    rows = {r["contract_id"]: r for r in lines.iter_rows(named=True)}
    assert rows["P1"]["supplier_country"] == "VNM"
    assert rows["P1"]["amount_usd"] == Decimal("108.70")  # 100 EUR at 0.9200 per USD
    assert rows["P1"]["fx_rate_date"] == date(2024, 3, 1)
    assert rows["P1"]["fx_source"] == "Federal Reserve H.10"
    assert rows["P1"]["segment_title"].startswith("Information Technology")
    assert rows["P1"]["procurement_method"] == "open"
    assert rows["P2"]["supplier_country"] == "GBR"
    assert rows["P2"]["category_code"] == "5310"
    assert rows["P2"]["procurement_method"] == "direct"
    # Unknown country and category stay unknown with the raw value kept.
    p7 = rows["P7"]
    assert (p7["supplier_country"], p7["supplier_country_raw"]) == (None, "Atlantis")
    assert (p7["category_code"], p7["segment_code"], p7["category_raw"]) == (None, None, "bogus")
    assert (p7["procurement_method"], p7["procurement_method_raw"]) == ("other", "Framework")
    assert (p7["currency"], p7["amount_usd"]) == ("USD", Decimal("7.50"))
    assert p7["source_row"] == 7
    assert result.batch.total_usd == str(
        rows["P1"]["amount_usd"] + rows["P2"]["amount_usd"] + Decimal("7.50")
    )


def test_duplicate_file_is_refused_clearly(export, tmp_store) -> None:
    first = import_file(export, tmp_store)
    with pytest.raises(ImportRefused, match=rf"already imported as batch {first.batch.batch_id}"):
        import_file(export, tmp_store)
    assert len(tmp_store.batches()) == 1


def test_user_rates_file_fills_a_missing_currency(export, tmp_store) -> None:
    tmp_store.root.mkdir(parents=True)
    user_fx_rates_path(tmp_store.root).write_text(
        "currency,month,units_per_usd,source\nXOF,2024-03,600,UN operational rates 2024-03\n"
    )
    result = import_file(export, tmp_store)
    assert result.rows_accepted == 4
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    p5 = lines.filter(pl.col("contract_id") == "P5").row(0, named=True)
    assert (p5["amount_usd"], p5["fx_source"]) == (Decimal("0.02"), "UN operational rates 2024-03")


def test_export_usd_column_is_used_as_given(tmp_path, tmp_store) -> None:
    path = tmp_path / "usd.csv"
    path.write_text(
        "PO Number,Vendor,Vendor Country,PO Date,Amount,Currency,Value (USD)\n"
        "A,X,KE,2024-03-05,1300,KES,10.00\n"
    )
    result = import_file(path, tmp_store)
    line = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id)).row(0, named=True)
    assert (line["amount"], line["currency"], line["amount_usd"]) == (
        Decimal("1300"),
        "KES",
        Decimal("10.00"),
    )
    assert line["fx_rate"] == Decimal("130")
    assert line["fx_source"] == "export column Value (USD)"


def test_xlsx_and_parquet_read_like_csv(tmp_path, tmp_store) -> None:
    import xlsxwriter

    xlsx = tmp_path / "po.xlsx"
    book = xlsxwriter.Workbook(xlsx)
    sheet = book.add_worksheet()
    sheet.write_row(
        0, 0, ["PO Number", "Supplier", "Supplier Country", "Award Date", "Total Price", "Currency"]
    )
    from datetime import datetime

    sheet.write_row(1, 0, ["X1", "Acme", "IND"])
    sheet.write_datetime(1, 3, datetime(2024, 2, 29), book.add_format({"num_format": "dd/mm/yyyy"}))
    sheet.write_number(1, 4, 1234.56)
    sheet.write(1, 5, "USD")
    sheet.write_row(2, 0, [12345, "Beta", "Brazil", "2024-03-01", 0.1, "USD"])
    book.close()
    result = import_file(xlsx, tmp_store)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.select("contract_id", "supplier_country", "award_date", "amount").rows() == [
        ("X1", "IND", date(2024, 2, 29), Decimal("1234.56")),
        ("12345", "BRA", date(2024, 3, 1), Decimal("0.1")),
    ]
    parquet = tmp_path / "po.parquet"
    lines.drop("batch_id").write_parquet(parquet)
    again = import_file(parquet, tmp_store)
    relines = pl.read_parquet(tmp_store.batch_path(again.batch.batch_id))
    assert relines.drop("batch_id").equals(lines.drop("batch_id"))


def test_blank_lines_are_not_rows(tmp_path, tmp_store) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(
        HEADER + "P1,1,Acme,FR,2024-03-15,1,USD,,\n\n,,,,,,,,\nP2,1,B,FR,2024-03-15,2,USD,,\n"
    )
    result = import_file(path, tmp_store)
    assert (result.rows_read, result.rows_accepted) == (2, 2)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.get_column("source_row").to_list() == [1, 4]


def test_import_command_json(export, tmp_path, capsys) -> None:
    store = tmp_path / "cli_store"
    assert main(["import", str(export), "--store", str(store), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "batch_id",
        "rows_read",
        "rows_accepted",
        "rows_rejected",
        "rejections",
        "rejected_usd",
        "rejected_without_usd",
        "recognised",
    }
    assert (out["rows_read"], out["rows_accepted"], out["rows_rejected"]) == (8, 3, 5)
    # Row 3's 5 USD; rows 4 (abc), 5 (no XOF rate), 6 (no rate in 2099) and 8 (E) have none.
    assert (out["rejected_usd"], out["rejected_without_usd"]) == ("5.00", 4)
    assert out["rejections"].endswith(f"{out['batch_id']}.csv")
    # The second time: refused with a message and exit code 2, no traceback.
    assert main(["import", str(export), "--store", str(store)]) == 2
    assert "already imported" in capsys.readouterr().err


def test_finish_lines_takes_a_parsed_frame() -> None:
    raw = pl.DataFrame(
        {
            "source_row": [1, 2, 3],
            "contract_id": ["c1", "c2", "c3"],
            "supplier_name": ["A", "B", "C"],
            "supplier_country": ["Kenya", "ken", None],
            "award_date": [date(2024, 3, 1), date(2024, 3, 2), None],
            "amount": [Decimal("10"), Decimal("20"), Decimal("1")],
            "currency": ["USD", "GBP", "USD"],
            "category_scheme": ["UNSPSC", "CPV", None],
            "category_code": ["5310", "03000000", None],
            "procurement_method": ["open", "limited", None],
        },
        schema_overrides={"amount": schema.MONEY, "source_row": pl.Int64},
    )
    prior = pl.DataFrame(
        {"file": ["f"], "source_row": [2], "column": ["x"], "value": ["y"], "reason": ["z"]},
        schema=schema.REJECTION,
    )
    lines, rejections = finish_lines(raw, prior, source_file="f.json")
    assert lines.columns == schema.COLUMNS
    assert lines.get_column("contract_id").to_list() == ["c1"]
    assert lines.row(0, named=True)["supplier_country"] == "KEN"
    assert lines.row(0, named=True)["segment_code"] == "53"
    assert rejections.get_column("source_row").to_list() == [2, 3]
    assert rejections.row(1, named=True)["reason"] == "missing award date"


def test_ocds_files_are_dispatched_to_the_ocds_reader(tmp_path, tmp_store, monkeypatch) -> None:
    from transparency.ingest import pipeline

    class FakeOcds:
        @staticmethod
        def looks_like_ocds(path):
            return path.suffix == ".json"

        @staticmethod
        def read_ocds(path):
            frame = pl.DataFrame(
                {
                    "source_row": [1, 2],
                    "contract_id": ["ocds-1", "ocds-2"],
                    "supplier_name": ["A", "B"],
                    "supplier_country": ["PY", "PY"],
                    "award_date": ["2024-03-01", "2024-03-01"],
                    "amount": ["100", "5"],
                    "currency": ["USD", "PYG"],
                },
                schema_overrides={"source_row": pl.Int64},
            )
            return frame, pl.DataFrame(schema=schema.REJECTION), 2

    monkeypatch.setattr(pipeline, "_ocds_module", lambda: FakeOcds)
    path = tmp_path / "release.json"
    path.write_text("{}")
    result = import_file(path, tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 1, 1)
    report = tmp_store.rejections(result.batch.batch_id)
    assert report.get_column("reason").to_list()[0].startswith("no exchange rate for PYG")


def test_empty_and_header_only_files_are_refused(tmp_path, tmp_store) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportRefused, match="the file is empty"):
        import_file(empty, tmp_store)
    header_only = tmp_path / "header.csv"
    header_only.write_text(HEADER)
    with pytest.raises(ImportRefused, match="heading line but no data rows"):
        import_file(header_only, tmp_store)
    assert tmp_store.batches() == []


def test_malformed_user_rates_file_is_a_clear_refusal(export, tmp_store) -> None:
    tmp_store.root.mkdir(parents=True)
    user_fx_rates_path(tmp_store.root).write_text("currency,month,units_per_usd\nEUR,March,x\n")
    with pytest.raises(ImportRefused, match=r"fx_rates.csv: 1 rate rows are not usable.*'March'"):
        import_file(export, tmp_store)
