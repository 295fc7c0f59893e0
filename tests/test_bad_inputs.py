"""The bad-input corpus (tests/data/bad/): every file imports with exactly the expected
rows, values and rejection reasons, or is refused with a message naming it; and the
import limits (size, rows, XLSX unpacked size and ratio, JSON depth) are settings."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import polars as pl
import pytest

from transparency import settings
from transparency.ingest import ImportRefused, import_file

CORPUS = Path(__file__).resolve().parent / "data" / "bad"
EXPECTED = tomllib.loads((CORPUS / "EXPECTED.toml").read_text(encoding="utf-8"))
NOT_CORPUS = {"make_corpus.py", "EXPECTED.toml", ".gitattributes"}
FILES = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in NOT_CORPUS)
# Too large to commit: written by make_corpus.generated_files() into a temporary folder.
GENERATED = sorted(name for name, want in EXPECTED.items() if want.get("generated"))
HEADER = "PO Number,Vendor Name,PO Date,Amount,Currency\n"


def make_corpus():
    import importlib.util  # the generator is a script beside the corpus, not a module

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_corpus_file_has_an_expectation_and_every_expectation_a_file() -> None:
    assert len(FILES) >= 30
    assert sorted(set(FILES) - set(EXPECTED)) == [], "corpus files without an expectation"
    missing = set(EXPECTED) - set(FILES) - set(GENERATED)
    assert sorted(missing) == [], "expectations without a corpus file"
    assert not set(GENERATED) & set(FILES), "a generated file is committed too"


def test_the_generated_files_are_those_expected(generated_corpus) -> None:
    assert sorted(p.name for p in generated_corpus.iterdir()) == GENERATED


def test_corpus_files_are_small() -> None:
    # The zip bombs are bombs only when unpacked; on disk everything stays small.
    assert max((CORPUS / name).stat().st_size for name in FILES) < 128 * 1024


@pytest.mark.parametrize("name", FILES + GENERATED)
def test_corpus_file(name: str, tmp_store, request) -> None:
    want = EXPECTED[name]
    folder = request.getfixturevalue("generated_corpus") if name in GENERATED else CORPUS
    path = folder / name
    if want["outcome"] == "refused":
        with pytest.raises(ImportRefused) as caught:
            import_file(path, tmp_store)
        message = str(caught.value)
        assert name in message
        assert re.search(want["message"], message), message
        assert tmp_store.batches() == []
        return
    assert want["outcome"] == "imports"
    result = import_file(path, tmp_store)
    counts = (result.rows_read, result.rows_accepted, result.rows_rejected)
    assert counts == (want["rows_read"], want["accepted"], want["rejected"])
    assert result.rows_read == result.rows_accepted + result.rows_rejected
    assert result.batch.total_usd == want["total_usd"]

    report = tmp_store.rejections(result.batch.batch_id)
    assert set(report.get_column("file")) <= {name}
    got = report.select("source_row", "column", "reason").rows()
    assert [(r, c) for r, c, _ in got] == [(r, c) for r, c, _ in want["rejections"]], got
    for (_, _, reason), (_, _, pattern) in zip(got, want["rejections"], strict=True):
        assert re.search(pattern, reason), reason

    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    # Every row is accounted for exactly once: a line, or only in the report.
    accepted_rows = set(lines.get_column("source_row"))
    rejected_rows = set(report.get_column("source_row")) - accepted_rows
    assert len(accepted_rows) + len(rejected_rows) == result.rows_read
    assert (
        lines.get_column("amount_usd").sum()
        == pl.Series([want["total_usd"]]).cast(pl.Decimal(38, 2)).item()
    )
    for row, column, value in want["values"]:
        cells = lines.filter(pl.col("source_row") == row).get_column(column).to_list()
        assert cells, f"no stored line for row {row}"
        assert all(str(cell) == value for cell in cells), (row, column, cells)


# --- limits ---------------------------------------------------------------------------


def _csv(path: Path, rows: int, pad: int = 0) -> Path:
    body = "".join(f"P{i},Supplier {i},2024-03-15,{i}.25,USD\n" for i in range(1, rows + 1))
    path.write_text(HEADER.replace("\n", ",Notes\n") + body.replace("\n", "," + "x" * pad + "\n"))
    return path


def test_a_file_above_the_upload_limit_is_refused(tmp_path, tmp_store, monkeypatch) -> None:
    monkeypatch.setenv("TRANSPARENCY_MAX_UPLOAD_MB", "1")
    big = _csv(tmp_path / "big.csv", 2000, pad=600)  # about 1.3 MB
    assert big.stat().st_size > 1024 * 1024
    with pytest.raises(ImportRefused) as caught:
        import_file(big, tmp_store)
    message = str(caught.value)
    assert message.startswith("big.csv: the file is 1.")
    assert "above the upload limit of 1 MB (TRANSPARENCY_MAX_UPLOAD_MB)" in message
    assert tmp_store.batches() == []
    # Just under the limit, the same rows import.
    small = _csv(tmp_path / "small.csv", 1500, pad=600)
    assert small.stat().st_size < 1024 * 1024
    assert import_file(small, tmp_store).rows_accepted == 1500


def test_the_default_upload_limit_is_200_mb(monkeypatch) -> None:
    monkeypatch.delenv("TRANSPARENCY_MAX_UPLOAD_MB", raising=False)
    monkeypatch.delenv("TRANSPARENCY_MAX_IMPORT_ROWS", raising=False)
    assert settings.max_upload_bytes() == 200 * 1024 * 1024
    assert settings.max_import_rows() == 20_000_000


def test_a_file_above_the_row_limit_is_refused(tmp_path, tmp_store, monkeypatch) -> None:
    monkeypatch.setenv("TRANSPARENCY_MAX_IMPORT_ROWS", "3")
    with pytest.raises(ImportRefused, match=r"has 4 rows, more than the import limit of 3 rows"):
        import_file(_csv(tmp_path / "four.csv", 4), tmp_store)
    assert import_file(_csv(tmp_path / "three.csv", 3), tmp_store).rows_read == 3


def test_the_row_limit_counts_ocds_releases(tmp_store, monkeypatch) -> None:
    monkeypatch.setenv("TRANSPARENCY_MAX_IMPORT_ROWS", "2")
    with pytest.raises(ImportRefused, match=r"ocds_deep_nesting.json: has 3 rows, more than"):
        import_file(CORPUS / "ocds_deep_nesting.json", tmp_store)


def test_xlsx_unpacked_size_and_ratio_limits_are_settings(tmp_store, monkeypatch) -> None:
    monkeypatch.setenv("TRANSPARENCY_MAX_XLSX_UNPACKED_MB", "0.001")
    with pytest.raises(ImportRefused, match=r"real_workbook.xlsx: the workbook would unpack"):
        import_file(CORPUS / "real_workbook.xlsx", tmp_store)
    monkeypatch.setenv("TRANSPARENCY_MAX_XLSX_UNPACKED_MB", "4000")
    monkeypatch.setenv("TRANSPARENCY_MAX_XLSX_RATIO", "5000")
    # Within a raised ratio the bomb is opened and found to be no workbook at all.
    with pytest.raises(ImportRefused, match=r"zip_bomb_ratio.xlsx: cannot read the workbook"):
        import_file(CORPUS / "zip_bomb_ratio.xlsx", tmp_store)


def test_json_depth_limit_is_a_setting(tmp_store, monkeypatch) -> None:
    # At 5 levels even an ordinary release (package > releases > release > awards >
    # award > value) is too deep: every release is reported, none is read.
    monkeypatch.setenv("TRANSPARENCY_MAX_JSON_DEPTH", "5")
    result = import_file(CORPUS / "ocds_deep_nesting.json", tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 0, 3)
    reasons = tmp_store.rejections(result.batch.batch_id).get_column("reason")
    assert reasons.str.starts_with("nested deeper than 5 levels").all()


def test_line_value_and_date_limits_are_settings(tmp_path, tmp_store, monkeypatch) -> None:
    monkeypatch.setenv("TRANSPARENCY_MAX_LINE_USD", "2.5")
    monkeypatch.setenv("TRANSPARENCY_MIN_AWARD_DATE", "2024-03-15")
    path = tmp_path / "p.csv"
    path.write_text(
        HEADER + "P1,A,2024-03-15,2.5,USD\nP2,B,2024-03-15,2.51,USD\nP3,C,2024-03-14,1,USD\n"
    )
    result = import_file(path, tmp_store)
    assert (result.rows_accepted, result.rows_rejected) == (1, 2)
    report = tmp_store.rejections(result.batch.batch_id)
    assert report.get_column("reason").to_list() == [
        "2.51 USD is above the largest plausible line value, 2.5 USD (TRANSPARENCY_MAX_LINE_USD)",
        "award date before 2024-03-15 (TRANSPARENCY_MIN_AWARD_DATE): not a plausible award date",
    ]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TRANSPARENCY_MAX_UPLOAD_MB", "lots"),
        ("TRANSPARENCY_MAX_IMPORT_ROWS", "-5"),
        ("TRANSPARENCY_MAX_JSON_DEPTH", "1.5"),
        ("TRANSPARENCY_MAX_LINE_USD", "NaN"),
        ("TRANSPARENCY_MIN_AWARD_DATE", "1990"),
    ],
)
def test_a_malformed_limit_is_a_clear_refusal(tmp_path, tmp_store, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ImportRefused, match=rf"p.csv: not imported: {variable}="):
        import_file(_csv(tmp_path / "p.csv", 1), tmp_store)


def test_the_import_command_reports_a_limit_in_words(tmp_path, monkeypatch, capsys) -> None:
    from transparency.cli import main

    monkeypatch.setenv("TRANSPARENCY_MAX_IMPORT_ROWS", "1")
    path = _csv(tmp_path / "two.csv", 2)
    assert main(["import", str(path), "--store", str(tmp_path / "store")]) == 2
    err = capsys.readouterr().err
    assert "two.csv: has 2 rows, more than the import limit of 1 rows" in err
    assert "Traceback" not in err


def test_the_generator_reproduces_the_committed_corpus(tmp_path) -> None:
    make_corpus().main(tmp_path, slow=False)  # the bzip2 bomb takes a minute to write
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [name for name in FILES if name != "zip_bomb_total.xlsx"]
    for name in written:
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name


# --- issue 20: columns and expanding text -----------------------------------------------


def test_the_column_limit_is_a_setting_and_refuses_before_the_rows(
    tmp_path, tmp_store, monkeypatch
):
    monkeypatch.setenv("TRANSPARENCY_MAX_COLUMNS", "5")
    path = tmp_path / "six.csv"
    # Every row is ragged (one field): read, each would be rejected; the heading line
    # alone refuses the file first.
    path.write_text("PO Number,Vendor Name,PO Date,Amount,Currency,Notes\n" + "x\n" * 100)
    for chunk_rows in (0, 2):
        with pytest.raises(ImportRefused) as caught:
            import_file(path, tmp_store, chunk_rows=chunk_rows)
        assert str(caught.value).startswith(
            "six.csv has 6 columns; the limit is 5 (TRANSPARENCY_MAX_COLUMNS)."
        )
    # Parquet from its schema, XLSX from the sheet read.
    with pytest.raises(ImportRefused, match=r"^typed.parquet has 5 columns; the limit is 4 "):
        monkeypatch.setenv("TRANSPARENCY_MAX_COLUMNS", "4")
        import_file(CORPUS / "typed.parquet", tmp_store)
    with pytest.raises(ImportRefused, match=r"^real_workbook.xlsx has 5 columns; the limit is 4"):
        import_file(CORPUS / "real_workbook.xlsx", tmp_store)
    monkeypatch.setenv("TRANSPARENCY_MAX_COLUMNS", "5")
    assert import_file(CORPUS / "typed.parquet", tmp_store).rows_accepted == 2
    assert settings.import_limits()["TRANSPARENCY_MAX_COLUMNS"] == 5


def test_the_default_column_and_text_limits(monkeypatch) -> None:
    monkeypatch.delenv("TRANSPARENCY_MAX_COLUMNS", raising=False)
    monkeypatch.delenv("TRANSPARENCY_MAX_TEXT_MB", raising=False)
    assert settings.max_columns() == 500
    assert settings.max_text_bytes() == 1000 * 1024 * 1024


def test_shared_strings_are_counted_where_they_are_used(tmp_path, tmp_store, monkeypatch):
    corpus = make_corpus()
    corpus.OUT = tmp_path
    heads = ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"]
    strings = [*heads, "2024-03-15", "10", "USD", "V" * 2000] + [f"P{i}" for i in range(1, 41)]
    rows = [[0, 1, 2, 3, 4]] + [[8 + i, 8, 5, 6, 7] for i in range(1, 41)]
    path = corpus.shared_string_workbook("long.xlsx", strings, rows)
    # 40 copies of 2,000 characters and the sheet's XML: about 85 KB of text.
    monkeypatch.setenv("TRANSPARENCY_MAX_TEXT_MB", "0.05")  # 52,429 bytes
    with pytest.raises(ImportRefused) as caught:
        import_file(path, tmp_store)
    message = str(caught.value)
    assert message.startswith(
        "long.xlsx: the sheet's text expands to more than 0 MB (TRANSPARENCY_MAX_TEXT_MB), "
        "past it at cell B2"
    )
    assert "shared string 8 (2,000 bytes) has been copied into" in message
    monkeypatch.setenv("TRANSPARENCY_MAX_TEXT_MB", "1")
    result = import_file(path, tmp_store)  # the same hand-made workbook, within the limit
    assert (result.rows_read, result.rows_accepted) == (40, 40)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert set(lines.get_column("supplier_name")) == {"V" * 2000}


def test_ocds_party_names_are_counted_in_every_line(tmp_path, tmp_store, monkeypatch):
    import json

    party = {"id": "P1", "name": "N" * 5000}
    awards = [
        {
            "id": f"A{i}",
            "date": "2024-03-15",
            "value": {"amount": 1, "currency": "USD"},
            "suppliers": [{"id": "P1"}],
        }
        for i in range(1, 31)
    ]
    release = {
        "ocid": "ocds-x-1",
        "id": "r1",
        "date": "2024-03-15",
        "parties": [party],
        "awards": awards,
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"releases": [release]}))
    monkeypatch.setenv("TRANSPARENCY_MAX_TEXT_MB", "0.1")  # 104,858 bytes: 20 lines' worth
    with pytest.raises(ImportRefused) as caught:
        import_file(path, tmp_store)
    assert str(caught.value).startswith(
        "feed.json: the lines' text expands to more than 0 MB (TRANSPARENCY_MAX_TEXT_MB), "
        "past it at releases[0].awards[20].suppliers[0] (release 1), whose supplier_name has "
        "5,000 characters"
    )
    monkeypatch.setenv("TRANSPARENCY_MAX_TEXT_MB", "1")
    assert import_file(path, tmp_store).rows_accepted == 1  # one release, 30 lines
