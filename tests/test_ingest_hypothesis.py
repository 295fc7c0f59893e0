"""Property: for any generated CSV export (random valid and invalid rows, rows with too
many or too few fields, awkward text, quoting, delimiters, line ends, decimal styles,
date forms and encodings), the import reads every row, accepts exactly the valid ones
with exactly the generated values, and rejects exactly the invalid ones with the
expected column and reason."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transparency.ingest import ImportRefused, import_file
from transparency.store import Store

HEADINGS = ["PO Number", "Line No", "Vendor Name", "PO Date", "Amount", "Currency"]
# Text with the characters that break naive CSV handling: delimiters, quotes, apostrophes,
# formula and markup starts, accents, CJK, emoji and spaces (no control characters: a file
# of them is refused as binary).
TRICKY = ",;|\"'=+-@<>&/\\#%"
TEXT_UTF = st.text(
    alphabet=st.one_of(
        st.sampled_from(TRICKY + " \u00a0éüßÀ北京Ł😀"),
        st.characters(codec="utf-8", categories=["L", "N"]),
    ),
    max_size=12,
)
# cp1252 text: every non-ASCII character a lead byte (0xC0-0xFF), so no run of it is
# ever also valid UTF-8 (which would make the file's encoding undecidable).
TEXT_CP1252 = st.text(alphabet=st.sampled_from(TRICKY + " abcXYZ019éüßÀÖøñç"), max_size=12)

KINDS = [
    "valid",
    "valid",
    "valid",
    "no_supplier",
    "bad_amount",
    "no_amount",
    "bad_date",
    "bad_ccy",
    "too_many_fields",
    "too_few_fields",
]
DATE_FORMS = {"iso": "%Y-%m-%d", "name": "%d %b %Y", "compact": "%Y%m%d"}


def _amount_text(value: Decimal, style: str) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    grouped = f"{int(whole):,}"
    return (
        sign
        + {
            "point": f"{whole}.{frac}",
            "point_grouped": f"{grouped}.{frac}",
            "comma": f"{whole},{frac}",
            "comma_grouped": f"{grouped.replace(',', '.')},{frac}",
        }[style]
    )


@st.composite
def exports(draw):
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    text = TEXT_CP1252 if encoding == "cp1252" else TEXT_UTF
    style = draw(st.sampled_from(["point", "point_grouped", "comma", "comma_grouped"]))
    n = draw(st.integers(min_value=1, max_value=25))
    rows, expected = [], []
    for i in range(1, n + 1):
        kind = draw(st.sampled_from(KINDS))
        name = draw(text)
        if not name.strip():
            name = "Supplier " + name  # a blank name is the no_supplier case
        if kind == "no_supplier":
            name = draw(st.sampled_from(["", " ", "\u00a0"]))
        day = draw(st.dates(min_value=date(1995, 1, 1), max_value=date(2025, 6, 30)))
        form = draw(st.sampled_from(sorted(DATE_FORMS)))
        amount = draw(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
        row = {
            "PO Number": f"C{i}{draw(text)}",
            "Line No": str(i),
            "Vendor Name": name,
            "PO Date": day.strftime(DATE_FORMS[form]),
            "Amount": _amount_text(amount, style),
            "Currency": draw(st.sampled_from(["USD", "usd", " USD "])),
        }
        reason = {
            "no_supplier": ("Vendor Name", "missing supplier name"),
            "bad_amount": ("Amount", "not a number"),
            "no_amount": ("Amount", "missing amount"),
            "bad_date": ("PO Date", "not a date"),
            "bad_ccy": ("Currency", "not an ISO 4217 currency code"),
            "too_many_fields": ("(whole row)", "the row has 7 field(s) but the heading line has 6"),
            "too_few_fields": ("(whole row)", "the row has 4 field(s) but the heading line has 6"),
        }.get(kind)
        if kind == "bad_amount":
            row["Amount"] = draw(st.sampled_from(["abc", "12x", "=1+1", "--5", "1..2"]))
        elif kind == "no_amount":
            row["Amount"] = ""
        elif kind == "bad_date":
            row["PO Date"] = draw(st.sampled_from(["not a date", "2024-13-45", "32 Foo 2020"]))
        elif kind == "bad_ccy":
            row["Currency"] = draw(st.sampled_from(["ZZZ", "Dollars", "U"]))
        fields = [row[h] for h in HEADINGS]
        if kind == "too_many_fields":
            fields.append(draw(text.filter(lambda t: t.strip())))
        elif kind == "too_few_fields":
            fields = fields[:4]
        rows.append(fields)
        expected.append(
            {
                "row": i,
                "reason": reason,
                "contract_id": row["PO Number"].strip(),
                "supplier_name": name.strip(),
                "award_date": day,
                "amount_usd": amount,
            }
        )
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    return rows, expected, encoding, delimiter, newline, quoting


def _write(path, rows, encoding, delimiter, newline, quoting) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


@settings(
    max_examples=80,
    deadline=None,  # the machine is shared; no time limits
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(exports())
def test_generated_exports_import_exactly(tmp_path_factory, export) -> None:
    rows, expected, encoding, delimiter, newline, quoting = export
    folder = tmp_path_factory.mktemp("h")
    path = folder / "export.csv"
    _write(path, rows, encoding, delimiter, newline, quoting)
    store = Store(folder / "store")
    result = import_file(path, store)

    valid = [e for e in expected if e["reason"] is None]
    invalid = [e for e in expected if e["reason"] is not None]
    assert result.rows_read == len(rows)
    assert result.rows_read == result.rows_accepted + result.rows_rejected
    assert (result.rows_accepted, result.rows_rejected) == (len(valid), len(invalid))

    report = store.rejections(result.batch.batch_id)
    got = [
        (r, c, reason) for r, c, reason in report.select("source_row", "column", "reason").rows()
    ]
    assert [(r, c) for r, c, _ in got] == [(e["row"], e["reason"][0]) for e in invalid]
    for (_, _, reason), e in zip(got, invalid, strict=True):
        assert reason.startswith(e["reason"][1]), reason

    lines = pl.read_parquet(store.batch_path(result.batch.batch_id)).sort("source_row")
    stored = lines.select(
        "source_row", "contract_id", "supplier_name", "award_date", "amount_usd", "currency"
    ).rows()
    assert stored == [
        (
            e["row"],
            e["contract_id"],
            e["supplier_name"],
            e["award_date"],
            e["amount_usd"],
            "USD",
        )
        for e in valid
    ]
    assert Decimal(result.batch.total_usd) == sum((e["amount_usd"] for e in valid), Decimal(0))


# --- damaged files: any mutation of a corpus file is imported or refused, never a crash --

CORPUS = Path(__file__).resolve().parent / "data" / "bad"
SEEDS = sorted(
    p.name
    for p in CORPUS.iterdir()
    if p.suffix in (".csv", ".xlsx", ".parquet", ".json", ".jsonl") and p.stat().st_size < 20_000
)
_mutation = st.tuples(
    st.sampled_from(["replace", "delete", "insert", "truncate"]),
    st.floats(min_value=0, max_value=1, exclude_max=True),
    st.sampled_from(
        [b",", b";", b'"', b"\n", b"\r", b"\x00", b"\xff", b"{", b"[", b"1e999", b"\t"]
    ),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(_mutation, min_size=1, max_size=6))
def test_damaged_files_are_imported_or_refused(tmp_path_factory, seed, mutations) -> None:
    data = bytearray((CORPUS / seed).read_bytes())
    for op, where, chunk in mutations:
        if not data:
            break
        i = int(where * len(data))
        if op == "replace":
            data[i] = chunk[0]
        elif op == "delete":
            del data[i : i + 8]
        elif op == "insert":
            data[i:i] = chunk
        else:
            del data[i:]
    folder = tmp_path_factory.mktemp("d")
    path = folder / seed
    path.write_bytes(bytes(data))
    store = Store(folder / "store")
    try:
        result = import_file(path, store)
    except ImportRefused as exc:
        assert seed in str(exc)
        assert store.batches() == []
        return
    assert result.rows_read == result.rows_accepted + result.rows_rejected
    lines = pl.read_parquet(store.batch_path(result.batch.batch_id))
    assert lines.height == result.batch.lines
