"""Where the headings are (issue 17): files without a heading row lose no row, title rows
above the headings are skipped and reported, never silently."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from transparency.cli import main
from transparency.ingest import ImportRefused, import_file
from transparency.ingest.mapping import Mapping
from transparency.ingest.readers.heading_row import Layout, locate, looks_like_data

# Three rows, no heading row: the first row is data (a date and an amount).
HEADERLESS = (
    "P1,Acme,2024-03-15,100.50,USD\nP2,Beta,2024-03-16,200,USD\nP3,Gamma,2024-03-17,300,USD\n"
)
BY_POSITION = Mapping(
    columns={
        "contract_id": ["column 1"],
        "supplier_name": ["column 2"],
        "award_date": ["column 3"],
        "amount": ["column 4"],
        "currency": ["column 5"],
    }
)


def test_first_row_of_data_is_not_taken_as_headings() -> None:
    assert looks_like_data(["P1", "Acme", "2024-03-15", "100.50", "USD"])
    assert not looks_like_data(["PO Number", "Vendor", "PO Date", "Amount", "Currency"])
    assert not looks_like_data(["Report date: 2024-03-15"])  # a title row with one date
    assert locate([["P1", "Acme", "2024-03-15", "100.50", "USD"]]) == Layout(None, True, True)


@pytest.mark.parametrize("chunk_rows", [0, 2])
def test_headerless_file_by_position_loses_no_row(tmp_path, tmp_store, chunk_rows) -> None:
    path = tmp_path / "noheadings.csv"
    path.write_text(HEADERLESS, encoding="utf-8")
    result = import_file(path, tmp_store, mapping=BY_POSITION, chunk_rows=chunk_rows)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 3, 0)
    assert Decimal(result.batch.total_usd) == Decimal(
        "600.50"
    )  # 100.50 + 200 + 300, the first row kept
    assert result.batch.extra["heading_row"] is None
    assert "first row looks like data" in result.batch.extra["heading_note"]


def test_headerless_file_without_mapping_is_refused_saying_why(tmp_path, tmp_store) -> None:
    path = tmp_path / "noheadings.csv"
    path.write_text(HEADERLESS, encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_file(path, tmp_store)
    message = str(refused.value)
    assert message.startswith("noheadings.csv: the file has no heading row")
    assert "'column 1' to 'column 5'" in message
    assert '[columns] contract_id = "column 1"' in message
    assert tmp_store.batches() == []


def test_mapping_says_no_heading_row(tmp_path, tmp_store) -> None:
    # A first row that does not look like data (no amount): only the mapping can say so.
    path = tmp_path / "text.csv"
    path.write_text("P1,Acme,15 March 2024,EUR 100\nP2,Beta,16 March 2024,USD 200\n")
    mapping = Mapping(
        columns={
            "contract_id": ["column 1"],
            "supplier_name": ["column 2"],
            "award_date": ["column 3"],
            "amount": ["column 4"],
        },
        constants={"currency": "USD"},
        heading_row=0,
    )
    result = import_file(path, tmp_store, mapping=mapping, chunk_rows=0)
    assert result.rows_read == 2  # both rows read as data
    assert result.batch.extra["heading_row"] is None


TITLED = (
    "Contracts awarded in 2024\n"
    "Published by the Ministry of Works\n"
    "\n"
    "PO Number;Vendor;PO Date;Amount;Currency\n"
    "P1;Acme;2024-03-15;100;USD\n"
    "P2;Beta;2024-03-16;250;USD\n"
)


@pytest.mark.parametrize("chunk_rows", [0, 1])
def test_title_rows_above_headings_are_skipped_and_reported(tmp_path, tmp_store, chunk_rows):
    path = tmp_path / "titled.csv"
    path.write_text(TITLED, encoding="utf-8")
    result = import_file(path, tmp_store, chunk_rows=chunk_rows)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 2, 0)
    assert Decimal(result.batch.total_usd) == Decimal("350")
    assert result.batch.extra["heading_row"] == 4
    assert result.batch.extra["skipped_rows"] == [
        "Contracts awarded in 2024",
        "Published by the Ministry of Works",
        "",
    ]


def test_mapping_states_the_heading_row(tmp_path, tmp_store) -> None:
    path = tmp_path / "titled.csv"
    path.write_text("Export\nContract ref;Firm;When;Sum;Ccy\nC1;Acme;2024-01-02;10;USD\n")
    mapping = Mapping(
        columns={
            "contract_id": ["Contract ref"],
            "supplier_name": ["Firm"],
            "award_date": ["When"],
            "amount": ["Sum"],
            "currency": ["Ccy"],
        },
        heading_row=2,
    )
    result = import_file(path, tmp_store, mapping=mapping, chunk_rows=0)
    assert (result.rows_read, result.rows_accepted) == (1, 1)
    assert result.batch.extra["skipped_rows"] == ["Export"]


def test_xlsx_title_rows_and_headerless_sheet(tmp_path, tmp_store) -> None:
    titled = tmp_path / "titled.xlsx"
    rows = [
        ["Purchase orders, FY2024", None, None, None, None],
        [None, None, None, None, None],
        ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"],
        ["P1", "Acme", "2024-03-15", "100", "USD"],
        ["P2", "Beta", "2024-03-16", "40", "USD"],
        ["P3", "Gamma", "2024-03-17", "2", "USD"],
    ]
    _workbook(titled, rows)
    result = import_file(titled, tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 3, 0)
    assert Decimal(result.batch.total_usd) == Decimal("142")
    assert result.batch.extra["heading_row"] == 3
    assert result.batch.extra["skipped_rows"][0].startswith("Purchase orders, FY2024")

    bare = tmp_path / "bare.xlsx"
    _workbook(bare, rows[3:])
    result = import_file(bare, tmp_store, mapping=BY_POSITION)
    assert (result.rows_read, result.rows_accepted) == (3, 3)  # P1 is data, not headings
    assert Decimal(result.batch.total_usd) == Decimal("142")


def _workbook(path, rows) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def test_command_reports_the_skipped_title_rows(tmp_path, capsys) -> None:
    path = tmp_path / "titled.csv"
    path.write_text(TITLED, encoding="utf-8")
    assert main(["import", str(path), "--store", str(tmp_path / "s"), "--no-prepare"]) == 0
    out = capsys.readouterr().out
    assert "read 2, accepted 2, rejected 0" in out
    assert (
        "headings read from row 4; the 3 row(s) above them were skipped as titles, not data: "
        "'Contracts awarded in 2024'; 'Published by the Ministry of Works'; ''"
    ) in out


def test_month_first_dates_with_times(tmp_path, tmp_store) -> None:
    # A US-style export: month first (13/.. cannot be a month, so 03/13 settles it), times.
    path = tmp_path / "us.csv"
    path.write_text(
        "PO Number,Vendor,PO Date,Amount,Currency\n"
        "P1,Acme,03/13/2024 14:30,1,USD\n"
        "P2,Beta,04/01/2024 09:05:00,2,USD\n"
        "P3,Gamma,12/31/2023 23:59,4,USD\n"
    )
    result = import_file(path, tmp_store)
    assert (result.rows_read, result.rows_accepted) == (3, 3)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert [str(d) for d in lines.get_column("award_date")] == [
        "2024-03-13",
        "2024-04-01",
        "2023-12-31",
    ]
