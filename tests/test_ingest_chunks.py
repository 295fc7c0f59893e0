"""Chunked import: a file read a few rows at a time gives exactly the lines and the
rejection report of the same file read whole (chunk_rows=0)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_inputs import GENERATED
from test_ingest_hypothesis import _write, exports

from transparency import schema
from transparency.ingest import ImportRefused, import_file
from transparency.ingest.duplicates import Duplicates
from transparency.ingest.readers.csv_stream import stream_csv
from transparency.ingest.text import clean_strings
from transparency.store import Store

HEADER = "PO Number,Vendor Name,PO Date,Amount,Currency,Description\n"


def _row(po: str, vendor: str, day: str, amount: str, text: str) -> str:
    return f"{po},{vendor},{day},{amount},USD,{text}\n"


# Seven rows of equal length, so chunk_rows=3 cuts them 3 + 3 + 1.
ROWS = [
    _row("P1", "Acme", "2024-03-01", "10.00", "desk"),
    _row("P2", "Beta", "2024-03-02", "20.00", "pens"),
    _row("P3", "Cord", "2024-03-03", "30.00", "tape"),
    _row("P4", "Dale", "2024-03-04", "40.00", "lamp"),
    _row("P5", "    ", "2024-03-05", "50.00", "sofa"),  # 2nd chunk: missing supplier
    _row("P2", "Beta", "2024-03-02", "20.00", "pens"),  # 2nd chunk: duplicate of row 2
    _row("P7", "Gold", "2024-03-07", "70.00", "rugs"),  # 3rd chunk
]


def _import_both(path, tmp_path, chunk_rows=3):
    """Import `path` in chunks and whole; return both (result, lines, rejections)."""
    out = []
    for label, rows in (("chunked", chunk_rows), ("whole", 0)):
        store = Store(tmp_path / label)
        result = import_file(path, store, chunk_rows=rows)
        lines = pl.read_parquet(store.batch_path(result.batch.batch_id)).drop("batch_id")
        out.append((result, lines, store.rejections(result.batch.batch_id)))
    return out


def _assert_same(chunked, whole) -> None:
    (r1, lines1, rej1), (r2, lines2, rej2) = chunked, whole
    assert (r1.rows_read, r1.rows_accepted, r1.rows_rejected) == (
        r2.rows_read,
        r2.rows_accepted,
        r2.rows_rejected,
    )
    assert lines1.equals(lines2)
    assert rej1.equals(rej2)


def test_seven_rows_in_three_chunks(tmp_path) -> None:
    path = tmp_path / "po.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    _info, pieces = stream_csv(path, chunk_rows=3)
    assert [frame.height for frame, _ragged, _last in pieces] == [3, 3, 1]

    chunked, whole = _import_both(path, tmp_path)
    _assert_same(chunked, whole)
    result, lines, report = chunked
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (7, 5, 2)
    assert lines.get_column("source_row").to_list() == [1, 2, 3, 4, 7]
    assert lines.get_column("amount").to_list() == [Decimal(f"{n}0.0000") for n in (1, 2, 3, 4, 7)]
    assert report.rows() == [
        # With its value (issue 17): 50.00 USD, and none for a duplicate (row 2 holds it).
        ("po.csv", 5, "Vendor Name", None, "missing supplier name", "50.00", "USD", Decimal("50")),
        (
            "po.csv",
            6,
            "(whole row)",
            "P2 | Beta | 2024-03-02 | 20.00 | USD | pens",
            "duplicate of row 2: every column the same; the first copy is imported, this one "
            "is not counted again",
            None,
            None,
            None,
        ),
    ]


def test_ragged_row_and_quoted_newlines_across_chunks(tmp_path) -> None:
    rows = [
        _row("P1", "Acme", "2024-03-01", "10.00", '"two\nlines"'),
        _row("P2", "Beta", "2024-03-02", "20.00", "pens"),
        "P3,Cord,2024-03-03,30.00,USD,tape,extra\n",  # one field too many
        _row("P4", "Dale", "2024-03-04", "40.00", '"a, b"'),
        _row("P5", "Eric", "2024-03-05", "50.00", '"x\ny\nz"'),
        _row("P1", "Acme", "2024-03-01", "10.00", '"two\nlines"'),  # duplicate of row 1
        _row("P7", "Gold", "2024-03-07", "70.00", "rugs"),
    ]
    path = tmp_path / "q.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    for size in (1, 2, 3):
        (chunked, whole) = _import_both(path, tmp_path / str(size), chunk_rows=size)
        _assert_same(chunked, whole)
    result, lines, report = chunked
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (7, 5, 2)
    assert lines.get_column("description").to_list() == [
        "two\nlines",
        "pens",
        "a, b",
        "x\ny\nz",
        "rugs",
    ]
    assert report.get_column("source_row").to_list() == [3, 6]
    assert report.item(1, "reason").startswith("duplicate of row 1:")


def test_a_later_chunk_settles_the_date_order(tmp_path) -> None:
    # Chunk 1 alone is ambiguous (03/04 reads both ways); row 7 has a day above 12.
    days = ["03/04/2024", "04/03/2024", "05/06/2024", "06/05/2024", "bad date!!", "01/02/2024"]
    rows = [_row(f"P{i}", "Acme", d, "10.00", "desk") for i, d in enumerate(days, start=1)]
    rows.append(_row("P7", "Acme", "25/12/2024", "10.00", "desk"))
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    chunked, whole = _import_both(path, tmp_path)
    _assert_same(chunked, whole)
    _result, lines, report = chunked
    assert str(lines.item(0, "award_date")) == "2024-04-03"  # day first
    assert report.select(list(schema.REJECTION)).rows() == [
        ("d.csv", 5, "PO Date", "bad date!!", "not a date (expected day/month/year)")
    ]


def test_numeric_dates_only_after_the_first_chunk(tmp_path) -> None:
    # Chunk 1 has ISO dates only and an unreadable one: its reason must still name the
    # order the whole file has (day first, from row 6).
    days = ["2024-03-01", "not-a-date", "2024-03-03", "2024-03-04", "2024-03-05", "31/01/2024"]
    rows = [_row(f"P{i}", "Acme", d, "10.00", "desk") for i, d in enumerate(days, start=1)]
    path = tmp_path / "late.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    chunked, whole = _import_both(path, tmp_path)
    _assert_same(chunked, whole)
    assert chunked[2].item(0, "reason") == "not a date (expected day/month/year)"


def test_a_later_chunk_settles_the_decimal_comma(tmp_path) -> None:
    # "1,234" alone is read with a decimal point (thousands comma); row 6's "12,50" shows
    # the file writes decimal commas, so "1,234" is 1.234 in every chunk.
    amounts = ['"1,234"', "7", "8", "9", "10", '"12,50"']
    rows = [_row(f"P{i}", "Acme", "2024-03-01", a, "desk") for i, a in enumerate(amounts, start=1)]
    path = tmp_path / "n.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    chunked, whole = _import_both(path, tmp_path)
    _assert_same(chunked, whole)
    assert chunked[1].get_column("amount").to_list()[0] == Decimal("1.2340")
    assert chunked[1].get_column("amount").to_list()[-1] == Decimal("12.5000")


def test_refusals_are_the_same_in_chunks(tmp_path) -> None:
    mixed = [_row(f"P{i}", "Acme", "13/01/2024", "10.00", "desk") for i in range(1, 5)]
    mixed.append(_row("P5", "Acme", "01/13/2024", "10.00", "desk"))
    comma = [_row(f"P{i}", "Acme", "2024-01-01", "10.5", "desk") for i in range(1, 5)]
    comma.append(_row("P5", "Acme", "2024-01-01", '"10,5"', "desk"))
    for label, rows in (("mixed.csv", mixed), ("comma.csv", comma)):
        path = tmp_path / label
        path.write_text(HEADER + "".join(rows), encoding="utf-8")
        messages = []
        for size in (2, 0):
            with pytest.raises(ImportRefused) as caught:
                import_file(path, Store(tmp_path / f"{label}{size}"), chunk_rows=size)
            messages.append(str(caught.value))
        assert messages[0] == messages[1]


def test_row_limit_is_checked_before_the_mapping_in_chunks(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TRANSPARENCY_MAX_IMPORT_ROWS", "5")
    path = tmp_path / "nomap.csv"
    path.write_text("Foo,Bar\n" + "a,b\n" * 7, encoding="utf-8")
    with pytest.raises(ImportRefused, match="has 7 rows, more than the import limit of 5"):
        import_file(path, Store(tmp_path / "s"), chunk_rows=2)


def test_parquet_in_chunks(tmp_path) -> None:
    table = pa.table(
        {
            "PO Number": ["P1", "P2", "P3", "P4", "P5", "P2", "P7"],
            "Vendor Name": ["Acme", "Beta", "Cord", "Dale", None, "Beta", "Gold"],
            "PO Date": pa.array([19783 + i for i in (0, 1, 2, 3, 4, 1, 6)], pa.date32()),
            "Amount": pa.array(
                [
                    Decimal("10.5"),
                    Decimal("2"),
                    Decimal("3"),
                    Decimal("4"),
                    Decimal("5"),
                    Decimal("2"),
                    Decimal("7.25"),
                ],
                pa.decimal128(12, 2),
            ),
            "Currency": ["USD"] * 7,
        }
    )
    path = tmp_path / "po.parquet"
    pq.write_table(table, path, row_group_size=2)
    chunked, whole = _import_both(path, tmp_path)
    _assert_same(chunked, whole)
    result, lines, report = chunked
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (7, 5, 2)
    assert lines.get_column("amount").to_list()[-1] == Decimal("7.2500")
    assert report.get_column("source_row").to_list() == [5, 6]


def test_a_hash_collision_falls_back_to_the_whole_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "po.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    calls = []

    def differs(self, chunks) -> bool:  # as if row 6 only shared row 2's hash
        calls.append(1)
        return False

    monkeypatch.setattr(Duplicates, "verify", differs)
    chunked = _import_both(path, tmp_path)[0]
    monkeypatch.undo()
    whole = _import_both(path, tmp_path / "again")[1]
    assert calls == [1]
    _assert_same(chunked, whole)


def test_verify_compares_the_rows_for_real() -> None:
    duplicates = Duplicates("f.csv")
    first = pl.DataFrame({"a": ["x", "y"], "b": [None, "z"], "source_row": [1, 2]})
    assert duplicates.check(first).height == 0
    again = pl.DataFrame({"a": ["x"], "b": [None], "source_row": [3]})
    found = duplicates.check(again)
    assert found.get_column("reason").str.starts_with("duplicate of row 1:").to_list() == [True]
    assert duplicates.verify(iter([first, again]))
    # A row that only shares the hash: the cells differ, so it is not a duplicate.
    other = pl.DataFrame({"a": ["x"], "b": ["not null"], "source_row": [3]})
    assert not duplicates.verify(iter([first, other]))


@pytest.mark.parametrize("space", [" ", "\t", "\u00a0", "\r", "\u2003", "\u2029", "\u3000"])
def test_text_is_trimmed_of_any_white_space(space) -> None:
    # Trimming does not depend on which values share a chunk: a column whose only
    # untrimmed value ends in any Unicode white space is trimmed like every other.
    frame = pl.DataFrame({"x": ["Acme", f"Beta{space}", f"{space}Cord", space, None]})
    out = clean_strings(frame).get_column("x").to_list()
    assert out == ["Acme", "Beta", "Cord", None, None]


def test_clean_text_left_alone_when_nothing_to_trim() -> None:
    frame = pl.DataFrame({"x": ["Côte d'Ivoire", "naïve…", "日本", None]})
    assert clean_strings(frame).equals(frame)


def test_bench_csv_is_written_in_blocks_with_one_heading(tmp_path) -> None:
    from transparency.bench.import_phase import HEADINGS, write_csv

    path = write_csv(2_500, tmp_path / "b.csv", block=1_000)
    again = write_csv(2_500, tmp_path / "c.csv", block=1_000)
    text = path.read_text(encoding="utf-8")
    assert text.count(HEADINGS[0]) == 1
    assert len(text.splitlines()) == 2_501
    assert path.read_bytes() == again.read_bytes()  # deterministic for a seed


def test_a_later_chunk_the_chunked_reader_cannot_read_restarts_whole(tmp_path) -> None:
    # Row 5 is cp1252 (not UTF-8) and row 6 has a quote inside an unquoted value: the
    # chunked reader gives up mid-file and the whole-file reader imports it as before.
    rows = [_row(f"P{i}", "Acme", "2024-03-01", "10.00", "desk").encode() for i in range(1, 5)]
    rows.append(_row("P5", "Caf\u00e9", "2024-03-05", "50.00", "sofa").encode("cp1252"))
    rows.append(_row("P6", "Dale", "2024-03-06", "60.00", '15" screen').encode())
    rows.append(_row("P7", "Gold", "2024-03-07", "70.00", "rugs").encode())
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER.encode() + b"".join(rows))
    chunked, whole = _import_both(path, tmp_path, chunk_rows=2)
    _assert_same(chunked, whole)
    assert chunked[0].batch.extra == whole[0].batch.extra
    assert "Café" in chunked[1].get_column("supplier_name").to_list()
    assert chunked[0].rows_read == 7


# --- every file of the bad-input corpus, and generated exports: chunks change nothing --

CORPUS = Path(__file__).resolve().parent / "data" / "bad"
# Every file (XLSX and OCDS are read whole either way: the outcome must not change).
CORPUS_FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix not in (".py", ".toml"))


def _outcome(path: Path, folder: Path, chunk_rows: int):
    """Return what an import does: the refusal message, or counts, lines and report."""
    store = Store(folder / f"store{chunk_rows}")
    try:
        result = import_file(path, store, chunk_rows=chunk_rows)
    except ImportRefused as exc:
        assert store.batches() == []
        return str(exc)
    lines = pl.read_parquet(store.batch_path(result.batch.batch_id)).drop("batch_id")
    counts = (result.rows_read, result.rows_accepted, result.rows_rejected)
    return counts, result.batch.extra, lines.rows(), store.rejections(result.batch.batch_id).rows()


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_bad_corpus_is_the_same_in_chunks(tmp_path, name) -> None:
    path = tmp_path / name
    path.write_bytes((CORPUS / name).read_bytes())
    whole = _outcome(path, tmp_path, 0)
    for size in (1, 3):
        assert _outcome(path, tmp_path, size) == whole, size


@pytest.mark.parametrize("name", GENERATED)
def test_generated_hostile_files_are_the_same_in_chunks(tmp_path, generated_corpus, name):
    path = generated_corpus / name
    whole = _outcome(path, tmp_path, 0)
    assert isinstance(whole, str) and whole.startswith(name)  # each is refused
    for size in (1, 3):
        assert _outcome(path, tmp_path, size) == whole, size


@settings(
    max_examples=40,
    deadline=None,  # the machine is shared; no time limits
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(exports(), st.integers(min_value=1, max_value=6), st.lists(st.integers(0, 40), max_size=5))
def test_generated_exports_are_the_same_in_chunks(
    tmp_path_factory, export, chunk_rows, copies
) -> None:
    rows, _expected, encoding, delimiter, newline, quoting = export
    # Exact copies of earlier rows, landing in later chunks: duplicates across chunks.
    rows = rows + [rows[i % len(rows)] for i in copies]
    folder = tmp_path_factory.mktemp("c")
    path = folder / "export.csv"
    _write(path, rows, encoding, delimiter, newline, quoting)
    assert _outcome(path, folder, chunk_rows) == _outcome(path, folder, 0)


def test_a_refusal_names_the_first_examples_in_the_file(tmp_path) -> None:
    # Chunk 1 has decimal points only (not looked at until a comma appears); chunk 2 has
    # both kinds: the message names the file's first decimal point, as read whole.
    amounts = ["10.5", "11.5", '"12,5"', "13.75"]
    rows = [_row(f"P{i}", "Acme", "2024-01-01", a, "desk") for i, a in enumerate(amounts, 1)]
    path = tmp_path / "first.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    messages = []
    for size in (2, 0):
        with pytest.raises(ImportRefused) as caught:
            import_file(path, Store(tmp_path / f"s{size}"), chunk_rows=size)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "a decimal comma ('12,5') and others a decimal point ('10.5')" in messages[0]
