"""Exports: all matching rows, formula injection neutralised, numbers kept, sheets split."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pyarrow as pa
import pytest
from dashboard_fixtures import fixture_store, stub_connection

from transparency import export
from transparency.filters import Filters


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    store = fixture_store(tmp_path_factory.mktemp("export") / "store")
    return stub_connection(store)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Uniform shirts", "Uniform shirts"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(text, expected):
    assert export.neutralise(text) == expected


def test_csv_holds_every_matching_row_with_readable_headers(con):
    data = export.csv_bytes(con, Filters().sql_params())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 8
    assert "Amount (USD)" in rows[0] and "Inherent risk" in rows[0]
    total = sum(Decimal(r["Amount (USD)"]) for r in rows)
    assert total == Decimal("6933.33")
    # Ordered by award date: the 2024 line first.
    assert rows[0]["Contract"] == "C7"


def test_csv_neutralises_text_but_keeps_numbers(con):
    data = export.csv_bytes(con, Filters(search="Epsilon").sql_params())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 1
    assert rows[0]["Description"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["Amount (USD)"] == "700.00"


def test_csv_of_no_rows_still_has_headers(con):
    data = export.csv_bytes(con, Filters(search="no such supplier").sql_params())
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Contract,Line,Award date")


def test_csv_export_streams_in_batches(con):
    params = Filters().sql_params()
    batches = list(export.record_batches(con, params, batch_rows=3))
    assert sum(b.num_rows for b in batches) == 8
    assert max(b.num_rows for b in batches) <= 3
    buf = io.BytesIO()
    assert export.write_csv(iter(batches), buf) == 8
    assert buf.getvalue() == export.csv_bytes(con, params)


def test_xlsx_keeps_numbers_and_dates_and_neutralises_text(con):
    data = export.xlsx_bytes(con, Filters().sql_params())
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Contract lines"]
    rows = list(book["Contract lines"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 8
    col = {name: i for i, name in enumerate(header)}
    amounts = [r[col["Amount (USD)"]] for r in body]
    assert all(isinstance(a, (int, float)) for a in amounts)
    assert round(sum(amounts), 2) == 6933.33
    assert body[0][col["Award date"]].year == 2024
    descriptions = [r[col["Description"]] for r in body]
    assert '\'=HYPERLINK("http://x")' in descriptions
    assert body[0][col["Row in source file"]] == 8


def test_xlsx_splits_rows_across_sheets_never_cuts(con):
    buf = io.BytesIO()
    written = export.write_xlsx(
        export.record_batches(con, Filters().sql_params(), batch_rows=2),
        buf,
        max_rows_per_sheet=3,
    )
    assert written == 8
    book = openpyxl.load_workbook(io.BytesIO(buf.getvalue()), read_only=True)
    assert book.sheetnames == ["Contract lines", "Contract lines (2)", "Contract lines (3)"]
    counts = [sum(1 for _ in book[name].iter_rows()) - 1 for name in book.sheetnames]
    assert counts == [3, 3, 2]
    contracts = [
        r[0] for name in book.sheetnames for r in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert contracts == ["C7", "C1", "C1", "C2", "C3", "C4", "C5", "C6"]


def test_xlsx_default_limit_is_one_sheet_minus_header():
    assert export.XLSX_MAX_DATA_ROWS == 1_048_576 - 1


def test_xlsx_writes_booleans_and_nulls():
    batch = pa.RecordBatch.from_pylist(
        [{"is_listed_pair": True, "listed_goods": None, "total_score": 7}]
    )
    buf = io.BytesIO()
    export.write_xlsx(iter([batch]), buf)
    sheet = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    assert [c.value for c in sheet[2]] == [True, None, 7]
    assert [c.value for c in sheet[1]] == [
        "Listed good for this country",
        "Listed goods",
        "Risk score",
    ]


def test_every_export_column_has_a_readable_label(con):
    batch = next(export.record_batches(con, Filters().sql_params()))
    missing = [c for c in batch.schema.names if c not in export.LABELS]
    assert missing == []
