"""CSV reading: encodings, BOM, line endings, delimiters, decimal commas, all detected."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from transparency.ingest import import_file
from transparency.ingest.readers.csv_reader import read_csv, sniff_delimiter

ROWS = [
    ["PO Number", "Vendor Name", "Vendor Country", "PO Date", "Amount", "Currency"],
    ["P-1", "Société Générale Équipement", "Côte d'Ivoire", "2024-01-31", "1234.50", "USD"],
    ["P-2", "Müller GmbH", "Deutschland", "2024-02-29", "10", "USD"],
]


def _write(path, rows, *, delimiter=",", newline="\n", encoding="utf-8", bom=False) -> None:
    text = newline.join(delimiter.join(row) for row in rows) + newline
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


@pytest.mark.parametrize(
    ("encoding", "bom", "newline", "delimiter"),
    [
        ("utf-8", False, "\n", ","),
        ("utf-8", True, "\r\n", ";"),
        ("utf-8", True, "\r", ","),  # old Mac, like the SCMS file
        ("cp1252", False, "\r\n", "\t"),
        ("latin-1", False, "\r", "|"),
    ],
)
def test_encoding_line_endings_and_delimiter_detected(
    tmp_path, encoding, bom, newline, delimiter
) -> None:
    path = tmp_path / "po.csv"
    _write(path, ROWS, delimiter=delimiter, newline=newline, encoding=encoding, bom=bom)
    frame, info = read_csv(path)
    assert frame.columns == ROWS[0]
    assert frame.rows() == [tuple(r) for r in ROWS[1:]]
    assert info["delimiter"] == delimiter
    assert info["bom"] is bom
    assert info["line_endings"] == {"\n": "lf", "\r\n": "crlf", "\r": "cr"}[newline]
    expected_encoding = "utf-8" if encoding == "utf-8" else "cp1252"
    assert info["encoding"] == expected_encoding


def test_sniff_ignores_delimiters_inside_quotes() -> None:
    sample = 'a;b;c\n"x, y";2;3\n"p, q";5;6\n'
    assert sniff_delimiter(sample) == ";"


def test_ragged_rows_are_rejected_one_by_one_and_the_rest_kept(tmp_path, tmp_store) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "PO Number,Vendor,PO Date,Amount,Currency\n"
        "A,B,2024-01-01,1,USD,extra\n"  # too many fields
        "C,D,2024-01-01,2,USD\n"
        "E,F,2024-01-01\n"  # too few
        "G,H,2024-01-01,4,USD,\n"  # a trailing delimiter only: read
    )
    result = import_file(path, tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (4, 2, 2)
    assert result.batch.total_usd == "6.00"
    report = tmp_store.rejections(result.batch.batch_id)
    assert report.select("source_row", "column", "value").rows() == [
        (1, "(whole row)", "A,B,2024-01-01,1,USD,extra"),
        (3, "(whole row)", "E,F,2024-01-01"),
    ]
    reasons = report.get_column("reason").to_list()
    assert reasons[0].startswith("the row has 6 field(s) but the heading line has 5")
    assert reasons[1].startswith("the row has 3 field(s) but the heading line has 5")


def test_decimal_comma_and_thousands_points_detected(tmp_path, tmp_store) -> None:
    path = tmp_path / "eu.csv"
    path.write_text(
        "PO Number;Vendor Name;Vendor Country;PO Date;Amount;Currency\n"
        "A;X;FR;2024-03-01;1.234.567,89;USD\n"
        "B;X;FR;2024-03-01;12,5;USD\n"
        "C;X;FR;2024-03-01;(1.000,00);USD\n",
        encoding="utf-8",
    )
    result = import_file(path, tmp_store)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.get_column("amount").to_list() == [
        Decimal("1234567.89"),
        Decimal("12.5"),
        Decimal("-1000"),
    ]


def test_thousands_commas_with_decimal_point(tmp_path, tmp_store) -> None:
    path = tmp_path / "us.csv"
    path.write_text(
        "PO Number,Vendor Name,Vendor Country,PO Date,Amount,Currency\n"
        'A,X,US,2024-03-01,"1,234,567.89",USD\n'
        'B,X,US,2024-03-01,"$2,500",USD\n',
        encoding="utf-8",
    )
    result = import_file(path, tmp_store)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.get_column("amount").to_list() == [Decimal("1234567.89"), Decimal("2500")]


def test_mixed_decimal_styles_are_refused(tmp_path, tmp_store) -> None:
    from transparency.ingest import ImportRefused

    path = tmp_path / "mixed.csv"
    path.write_text(
        "PO Number;Vendor Name;Vendor Country;PO Date;Amount;Currency\n"
        "A;X;FR;2024-03-01;12,50;USD\n"
        "B;X;FR;2024-03-01;12.50;USD\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused, match=r"'Amount'.*decimal comma.*mapping file"):
        import_file(path, tmp_store)


def test_mapping_file_states_csv_options(tmp_path, tmp_store) -> None:
    path = tmp_path / "x.csv"
    # "1,234" alone is ambiguous; the mapping says the comma is decimal.
    path.write_bytes(
        "PO Number;Vendor Name;Vendor Country;PO Date;Amount;Currency\n"
        "A;Zoë;FR;2024-03-01;1,234;USD\n".encode("cp1252")
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[csv]\ndelimiter = ";"\nencoding = "cp1252"\ndecimal = ","\nthousands = "."\n'
    )
    result = import_file(path, tmp_store, mapping=mapping)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.select("supplier_name", "amount").rows() == [("Zoë", Decimal("1.234"))]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path) -> None:
    path = tmp_path / "odd.csv"
    # 0x81 is undefined in cp1252; 0xe9 is é in both.
    path.write_bytes(b"a,b\n\xe9,\x81\n")
    frame, info = read_csv(path)
    assert info["encoding"] == "latin-1"
    assert frame.rows() == [("é", "\x81")]
