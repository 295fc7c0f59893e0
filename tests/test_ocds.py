"""OCDS reader: formats recognised from content, mapping, splits, merges, bad input.

Fixtures are built in code: `release(...)` makes one small OCDS 1.1 release and the
`write_*` helpers wrap releases in each published form.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from conftest import SHARED_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from transparency import schema
from transparency.ingest.ocds import (
    NotOcds,
    cpv_table,
    cpv_to_unspsc,
    looks_like_ocds,
    read_ocds,
    split_amount,
)
from transparency.settings import REFERENCE_DIR
from transparency.store import count_rows


def release(
    ocid: str = "ocds-abc-1",
    *,
    rid: str = "r1",
    day: str = "2024-03-01T10:00:00Z",
    awards: list | None = None,
    contracts: list | None = None,
    parties: list | None = None,
    method: str | None = "open",
    tender_items: list | None = None,
) -> dict:
    out: dict = {
        "ocid": ocid,
        "id": rid,
        "date": day,
        "tag": ["award"],
        "buyer": {"id": "B1", "name": "Ministry of Health"},
        "tender": {"id": "t", "procurementMethod": method, "title": "Tender title"},
        "parties": parties
        if parties is not None
        else [
            {"id": "B1", "name": "Ministry of Health", "roles": ["buyer"]},
            {
                "id": "S1",
                "name": "Acme Ltd",
                "roles": ["supplier"],
                "address": {"countryName": "Bangladesh"},
            },
            {
                "id": "S2",
                "name": "Beta SA",
                "roles": ["supplier"],
                "address": {"countryName": "BR"},
            },
            {"id": "S3", "name": "Gamma", "roles": ["supplier"]},
        ],
    }
    if tender_items is not None:
        out["tender"]["items"] = tender_items
    if awards is not None:
        out["awards"] = awards
    if contracts is not None:
        out["contracts"] = contracts
    return out


def award(
    aid: str = "A1",
    amount=Decimal("1000.00"),
    currency: str = "USD",
    suppliers: tuple[str, ...] = ("S1",),
    day: str | None = "2024-02-15T00:00:00Z",
    items: list | None = None,
    **extra,
) -> dict:
    out = {
        "id": aid,
        "title": f"Award {aid}",
        "status": "active",
        "value": {"amount": amount, "currency": currency},
        "suppliers": [{"id": s, "name": ""} for s in suppliers],
        **extra,
    }
    if day is not None:
        out["date"] = day
    if items is not None:
        out["items"] = items
    return out


def item(scheme: str, code: str, **extra) -> dict:
    return {"id": "i1", "description": "thing", "classification": {"scheme": scheme, "id": code}}


def dumps(obj) -> str:
    return json.dumps(obj, default=str, ensure_ascii=False)


def write_release_package(path: Path, releases: list, pretty: bool = True) -> Path:
    package = {"uri": "http://example.org", "version": "1.1", "releases": releases}
    path.write_text(json.dumps(package, default=str, indent=2 if pretty else None))
    return path


def write_jsonl(path: Path, releases: list) -> Path:
    path.write_text("\n".join(dumps(r) for r in releases) + "\n")
    return path


def write_array(path: Path, releases: list) -> Path:
    path.write_text(json.dumps(releases, default=str, indent=1))
    return path


def write_record_package(path: Path, records: list) -> Path:
    path.write_text(json.dumps({"version": "1.1", "records": records}, default=str, indent=2))
    return path


def check_counts(lines: pl.DataFrame, rejections: pl.DataFrame, rows_read: int) -> None:
    accepted, rejected = count_rows(lines, rejections)
    assert rows_read == accepted + rejected
    assert list(rejections.schema) == list(schema.REJECTION)


TWO_RELEASES = [
    release("ocds-abc-1", awards=[award("A1", Decimal("1000.50"), "usd", ("S1",))]),
    release(
        "ocds-abc-2",
        rid="r2",
        awards=[award("A9", 300, "EUR", ("S2",), items=[item("UNSPSC", "53101501")])],
    ),
]


# --- detection and formats -------------------------------------------------------------


@pytest.mark.parametrize(
    "writer", [write_release_package, write_jsonl, write_array], ids=["package", "jsonl", "array"]
)
def test_every_release_form_is_recognised_from_content_and_reads_the_same(tmp_path, writer):
    path = writer(tmp_path / "feed.dat", TWO_RELEASES)  # the name says nothing
    assert looks_like_ocds(path)
    lines, rejections, rows_read = read_ocds(path)
    assert rows_read == 2 and rejections.height == 0
    assert lines.select("contract_id", "supplier_name", "amount", "currency").rows() == [
        ("ocds-abc-1/A1", "Acme Ltd", Decimal("1000.5000"), "USD"),
        ("ocds-abc-2/A9", "Beta SA", Decimal("300.0000"), "EUR"),
    ]
    assert lines.get_column("source_row").to_list() == [1, 2]


def test_compact_one_line_package_and_single_release_are_read(tmp_path):
    package = write_release_package(tmp_path / "one_line.json", TWO_RELEASES, pretty=False)
    assert read_ocds(package)[0].height == 2
    single = tmp_path / "single.json"
    single.write_text(json.dumps(TWO_RELEASES[0], default=str, indent=2))
    assert looks_like_ocds(single)
    assert read_ocds(single)[0].get_column("contract_id").to_list() == ["ocds-abc-1/A1"]


def test_other_files_are_not_ocds(tmp_path):
    (tmp_path / "po.csv").write_text("contract_id,amount\nC1,10\n")
    (tmp_path / "other.json").write_text(json.dumps({"rows": [{"a": 1}]}))
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    for name in ("po.csv", "other.json", "book.xlsx"):
        assert not looks_like_ocds(tmp_path / name)
    with pytest.raises(NotOcds, match="not JSON"):
        read_ocds(tmp_path / "po.csv")


def test_record_package_uses_compiled_release(tmp_path):
    compiled = release("ocds-r-1", awards=[award("A1", 500, "GBP", ("S1",))])
    stale = release("ocds-r-1", awards=[award("A1", 1, "GBP", ("S1",))])
    path = write_record_package(
        tmp_path / "records.json",
        [{"ocid": "ocds-r-1", "releases": [stale], "compiledRelease": compiled}],
    )
    assert looks_like_ocds(path)
    lines, rejections, rows_read = read_ocds(path)
    assert rows_read == 1
    assert lines.select("amount", "source_row").rows() == [(Decimal("500.0000"), 1)]


def test_record_without_compiled_release_merges_its_releases_latest_wins(tmp_path):
    early = release("ocds-r-2", day="2024-01-01T00:00:00Z", awards=[award("A1", 100)])
    late = release("ocds-r-2", rid="r2", day="2024-05-01T00:00:00Z", awards=[award("A1", 250)])
    # Given out of date order on purpose: the date decides, not the position.
    path = write_record_package(
        tmp_path / "records.json", [{"ocid": "ocds-r-2", "releases": [late, early]}]
    )
    lines, _, rows_read = read_ocds(path)
    assert rows_read == 1
    assert lines.get_column("amount").to_list() == [Decimal("250.0000")]


def test_record_with_only_linked_releases_is_rejected_with_reason(tmp_path):
    path = write_record_package(
        tmp_path / "records.json",
        [{"ocid": "x", "releases": [{"url": "http://example.org/r1.json", "date": "2024-01-01"}]}],
    )
    lines, rejections, rows_read = read_ocds(path)
    assert lines.height == 0 and rows_read == 1
    assert "no compiledRelease" in rejections.get_column("reason").item()


# --- compiling releases of one ocid ----------------------------------------------------


def test_an_award_repeated_in_later_releases_counts_once_with_the_latest_value(tmp_path):
    tender = release("ocds-m-1", rid="t", day="2024-01-01T00:00:00Z", awards=None)
    first = release("ocds-m-1", rid="a", day="2024-02-01T00:00:00Z", awards=[award("A1", 900)])
    amended = release(
        "ocds-m-1",
        rid="c",
        day="2024-03-01T00:00:00Z",
        awards=[{"id": "A1", "value": {"amount": 950, "currency": "USD"}}],
    )
    path = write_jsonl(tmp_path / "r.jsonl", [tender, first, amended])
    lines, rejections, rows_read = read_ocds(path)
    # The amended value wins; title, date and supplier come from the earlier release.
    assert lines.select("amount", "supplier_name", "description", "source_row").rows() == [
        (Decimal("950.0000"), "Acme Ltd", "Award A1", 3)
    ]
    reasons = dict(zip(rejections["source_row"], rejections["reason"], strict=True))
    assert reasons[1].startswith("no award or contract")
    assert reasons[2].startswith("nothing of its own to load")
    check_counts(lines, rejections, rows_read)


def test_contracts_carry_the_value_when_the_award_has_none(tmp_path):
    rel = release(
        awards=[award("A1", amount=None, suppliers=("S1", "S2"))],
        contracts=[
            {
                "id": "C1",
                "awardID": "A1",
                "dateSigned": "2024-02-20T00:00:00Z",
                "value": {"amount": "200.00", "currency": "EUR"},
            },
            {"id": "C2", "awardID": "A1", "value": {"amount": 50, "currency": "EUR"}},
        ],
    )
    lines, rejections, rows_read = read_ocds(write_jsonl(tmp_path / "c.jsonl", [rel]))
    assert lines.select("contract_id", "supplier_name", "amount", "award_date").rows() == [
        ("ocds-abc-1/C1", "Acme Ltd", Decimal("100.0000"), date(2024, 2, 20)),
        ("ocds-abc-1/C1", "Beta SA", Decimal("100.0000"), date(2024, 2, 20)),
        ("ocds-abc-1/C2", "Acme Ltd", Decimal("25.0000"), date(2024, 2, 15)),
        ("ocds-abc-1/C2", "Beta SA", Decimal("25.0000"), date(2024, 2, 15)),
    ]
    assert rejections.height == 0


def test_contracts_of_an_award_with_a_value_are_not_counted_twice(tmp_path):
    rel = release(
        awards=[award("A1", 1000)],
        contracts=[{"id": "C1", "awardID": "A1", "value": {"amount": 1000, "currency": "USD"}}],
    )
    lines, rejections, _ = read_ocds(write_jsonl(tmp_path / "c.jsonl", [rel]))
    assert lines.get_column("contract_id").to_list() == ["ocds-abc-1/A1"]


def test_award_date_falls_back_to_the_signed_contract(tmp_path):
    rel = release(
        awards=[award("A1", 10, day=None)],
        contracts=[{"id": "C1", "dateSigned": "2023-12-24T00:00:00-06:00"}],  # no awardID
    )
    lines, _, _ = read_ocds(write_jsonl(tmp_path / "c.jsonl", [rel]))
    assert lines.get_column("award_date").to_list() == [date(2023, 12, 24)]


# --- mapping ---------------------------------------------------------------------------


def test_fields_are_mapped_from_where_the_readme_says(tmp_path):
    rel = release(
        awards=[
            award(
                "A1",
                "12.5",
                " mdl ",
                ("S1",),
                items=[item("CPV", "18330000-1")],
            )
        ],
        method="Cerere a ofertelor de preţuri",
    )
    lines, rejections, _ = read_ocds(write_jsonl(tmp_path / "m.jsonl", [rel]))
    row = lines.row(0, named=True)
    assert row == {
        "contract_id": "ocds-abc-1/A1",
        "line_id": "1",
        "award_date": date(2024, 2, 15),
        "buyer": "Ministry of Health",
        "supplier_id": "S1",
        "supplier_name": "Acme Ltd",
        "supplier_country": "Bangladesh",
        "supplier_country_raw": "Bangladesh",
        "description": "Award A1",
        "category_scheme": "CPV",
        "category_code": "53",
        "category_raw": "CPV:18330000-1",
        "procurement_method_raw": "Cerere a ofertelor de preţuri",
        "amount": Decimal("12.5000"),
        "currency": "MDL",
        "source_row": 1,
    }


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([item("UNSPSC", "43211501")], ("UNSPSC", "43211501", "UNSPSC:43211501")),
        ([item("CPV", "03000000-1")], ("CPV", "10", "CPV:03000000-1")),
        ([item("CUCoP", "21101")], ("CUCoP", None, "CUCoP:21101")),
        ([item("UNSPSC", "bogus")], ("UNSPSC", None, "UNSPSC:bogus")),
        ([], (None, None, None)),
        (
            [
                {
                    "id": "i1",
                    "classification": {"scheme": "CPV-AM", "id": "71241200/3"},
                    "additionalClassifications": [{"scheme": "cpv", "id": "71241000-9"}],
                }
            ],
            ("CPV", "81", "cpv:71241000-9"),
        ),
    ],
    ids=["unspsc", "cpv", "other-scheme", "bad-unspsc", "none", "additional-cpv"],
)
def test_classification(tmp_path, items, expected):
    rel = release(awards=[award(items=items)])
    lines, _, _ = read_ocds(write_jsonl(tmp_path / "c.jsonl", [rel]))
    assert lines.select("category_scheme", "category_code", "category_raw").row(0) == expected


def test_tender_items_classify_an_award_without_items(tmp_path):
    rel = release(awards=[award()], tender_items=[item("UNSPSC", "50101700")])
    lines, _, _ = read_ocds(write_jsonl(tmp_path / "c.jsonl", [rel]))
    assert lines.get_column("category_code").to_list() == ["50101700"]


def test_supplier_country_from_parties_then_supplier_address_unknown_kept_unknown(tmp_path):
    rel = release(
        awards=[
            award("A1", 30, suppliers=("S1", "S2", "S3")),
            {
                "id": "A2",
                "date": "2024-01-01",
                "value": {"amount": 5, "currency": "USD"},
                "suppliers": [
                    {"name": "Own Address Co", "address": {"countryName": "México"}},
                    {"identifier": {"scheme": "MX-RFC", "id": "ABC123", "legalName": "Legal SA"}},
                ],
            },
        ]
    )
    lines, _, _ = read_ocds(write_jsonl(tmp_path / "c.jsonl", [rel]))
    assert lines.select("supplier_name", "supplier_country_raw").rows() == [
        ("Acme Ltd", "Bangladesh"),
        ("Beta SA", "BR"),
        ("Gamma", None),
        ("Own Address Co", "México"),
        ("Legal SA", None),  # the RFC scheme says Mexico, but that is not an address
    ]
    assert lines.get_column("supplier_id").to_list()[-1] == "MX-RFC-ABC123"


def test_joint_award_is_split_equally_and_sums_to_the_award(tmp_path):
    rel = release(awards=[award("A1", Decimal("100.00"), suppliers=("S1", "S2", "S3"))])
    lines, _, _ = read_ocds(write_jsonl(tmp_path / "j.jsonl", [rel]))
    assert lines.select("line_id", "supplier_name", "amount").rows() == [
        ("1", "Acme Ltd", Decimal("33.3400")),
        ("2", "Beta SA", Decimal("33.3300")),
        ("3", "Gamma", Decimal("33.3300")),
    ]
    assert lines.get_column("amount").sum() == Decimal("100.00")


@given(
    amount=st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False),
    parts=st.integers(min_value=1, max_value=12),
)
def test_split_always_sums_exactly(amount, parts):
    shares = split_amount(amount, parts)
    assert len(shares) == parts and sum(shares) == amount
    # Equal shares; only the first differs, by less than one unit per extra part.
    assert len(set(shares[1:])) <= 1
    if parts > 1:
        assert abs(shares[0] - shares[1]) < Decimal("0.01") * parts


def test_unsuccessful_awards_are_not_spend(tmp_path):
    rel = release(awards=[award("A1", 10, status="unsuccessful"), award("A2", 20)])
    lines, rejections, rows_read = read_ocds(write_jsonl(tmp_path / "u.jsonl", [rel]))
    assert lines.get_column("contract_id").to_list() == ["ocds-abc-1/A2"]
    assert rejections.select("column", "value").rows() == [
        ("line 1.awards[0].status", "unsuccessful")
    ]
    check_counts(lines, rejections, rows_read)


def test_cpv_table_covers_every_cpv_division_and_names_real_segments():
    table = cpv_table()
    cpv = pl.read_csv(SHARED_DATA / "cpv_2008" / "cpv_2008_en.csv", infer_schema_length=0)
    segments = set(
        pl.read_csv(REFERENCE_DIR / "unspsc_segments_families.csv", infer_schema_length=0)
        .filter(pl.col("level") == "segment")
        .get_column("segment")
    )
    for code in cpv.get_column("code").to_list():
        assert cpv_to_unspsc(code) in segments, code
    assert set(table.values()) <= segments
    documented = pl.read_csv(REFERENCE_DIR / "cpv_to_unspsc_segment.csv", infer_schema_length=0)
    assert documented.get_column("note").null_count() == 0


# --- bad OCDS --------------------------------------------------------------------------


def test_bad_releases_are_rejected_with_json_path_and_the_rest_loads(tmp_path):
    good = release("ocds-ok-1", awards=[award("A1", 10)])
    releases = [
        good,
        release("", rid="no-ocid", awards=[award("A1", 10)]),
        release("ocds-t-1", awards=[award("A1", "ten")]),
        release("ocds-t-2", awards=[award("A1", 10, day="2105-10-09T05:00:00Z")]),
        release("ocds-t-3", awards=[award("A1", 10, currency="MNX")]),
        release("ocds-t-4", awards={"id": "A1"}),
        ["not", "a", "release"],
        release("ocds-t-5", awards=[award("A1", 10, day="2029-08-20T21:00:00Z")]),
        release("ocds-t-6", awards=[award("A1", 10, currency="")]),
        release("ocds-t-7", awards=[award("A1", 10, suppliers=())]),
        release("ocds-t-8", awards=[award("A1", 10, day=None)]),
        release("ocds-t-9", awards=[award("A1", Decimal("1.23456"))]),
        release("ocds-t-10", awards=[award("A1", Decimal("1E+40"))]),
    ]
    path = write_release_package(tmp_path / "bad.json", releases)
    lines, rejections, rows_read = read_ocds(path)
    assert rows_read == 13
    assert lines.get_column("contract_id").to_list() == ["ocds-ok-1/A1"]
    got = {row[0]: row[1:] for row in rejections.select("source_row", "column", "reason").rows()}
    assert got == {
        2: ("releases[1].ocid", "release has no ocid"),
        3: ("releases[2].awards[0].value.amount", "amount is not a number (found text)"),
        4: ("releases[3].awards[0].date", "impossible date: year 2105"),
        5: ("releases[4].awards[0].value.currency", "currency 'MNX' is not an ISO 4217 code"),
        6: ("releases[5].awards", "expected an array, found an object"),
        7: ("releases[6]", "expected a release object, found an array"),
        8: (
            "releases[7].awards[0].date",
            "impossible date: more than a year after the release date 2024-03-01",
        ),
        9: ("releases[8].awards[0].value.currency", "value has an amount but no currency"),
        10: ("releases[9].awards[0].suppliers", "no supplier is named"),
        11: (
            "releases[10].awards[0].date",
            "no award date, and no contract for it has a dateSigned",
        ),
        12: ("releases[11].awards[0].value.amount", "amount has more than 4 decimal places"),
        13: ("releases[12].awards[0].value.amount", "amount is too large (more than 34 digits)"),
    }
    assert set(rejections.get_column("file")) == {"bad.json"}
    check_counts(lines, rejections, rows_read)


def test_truncated_package_keeps_the_releases_before_the_cut(tmp_path):
    releases = [release(f"ocds-cut-{i}", awards=[award("A1", i + 1)]) for i in range(5)]
    full = json.dumps({"releases": releases}, default=str, indent=2)
    path = tmp_path / "cut.json"
    path.write_text(full[: int(len(full) * 0.7)])
    lines, rejections, rows_read = read_ocds(path)
    assert lines.height == 3 and rows_read == 4
    cut = rejections.row(0, named=True)
    assert (cut["source_row"], cut["column"]) == (4, "releases[3]")
    assert "truncated or corrupt" in cut["reason"]
    check_counts(lines, rejections, rows_read)


def test_broken_json_lines_are_rejected_one_by_one(tmp_path):
    path = tmp_path / "r.jsonl"
    good = [dumps(release(f"ocds-l-{i}", awards=[award("A1", 1)])) for i in range(3)]
    deep = "[" * 100_000 + "]" * 100_000  # hostile nesting
    path.write_text(
        "\n".join([good[0], '{"ocid": "ocds-x", "awards": [', "", good[1], deep, good[2]])
    )
    lines, rejections, rows_read = read_ocds(path)
    assert rows_read == 5 and lines.height == 3
    assert rejections.select("source_row", "column").rows() == [(2, "line 2"), (4, "line 5")]
    assert rejections.get_column("reason").str.starts_with("line is not valid JSON").all()


def test_wrong_types_deep_inside_are_named_by_path(tmp_path):
    rel = release(awards=[award(), award("A2", suppliers=("S2",))])
    rel["awards"][1]["suppliers"][0]["name"] = {"en": "Beta"}
    rel["awards"][0]["items"] = [{"id": "i", "classification": {"scheme": "CPV", "id": ["x"]}}]
    lines, rejections, rows_read = read_ocds(write_jsonl(tmp_path / "t.jsonl", [rel]))
    assert lines.height == 0
    assert rejections.select("column", "reason").rows() == [
        ("line 1.awards[0].items[0].classification.id", "expected text, found an array"),
        ("line 1.awards[1].suppliers[0].name", "expected text, found an object"),
    ]
    check_counts(lines, rejections, rows_read)


# --- memory ----------------------------------------------------------------------------

MEMORY_PROBE = textwrap.dedent(
    """
    import resource, sys
    from transparency.ingest.ocds import read_ocds
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lines, rejections, rows_read = read_ocds(sys.argv[1])
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(rows_read, lines.height, (after - before) * 1024)
    """
)


def test_a_large_release_package_is_streamed(tmp_path):
    """An 80 MB package of releases with bulky documents is read in far less memory
    than the file: `json.load` of it would need several times its size."""
    path = tmp_path / "big.json"
    bulk = [
        {"id": f"d{k}", "title": "x" * 600, "url": "http://example.org/" + "y" * 100}
        for k in range(40)
    ]
    count = 3000
    with open(path, "w") as fh:
        fh.write('{"uri": "http://example.org", "releases": [\n')
        for i in range(count):
            rel = release(f"ocds-big-{i}", awards=[award("A1", i + 1)])
            rel["tender"]["documents"] = bulk
            fh.write(("," if i else "") + dumps(rel) + "\n")
        fh.write("]}\n")
    size = path.stat().st_size
    assert size > 80_000_000
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout.split()
    rows_read, lines, grown = (int(v) for v in out)
    assert (rows_read, lines) == (count, count)
    assert grown < size / 4


def test_json_lines_with_releases_longer_than_the_sniffed_head(tmp_path):
    big = release("ocds-long-1", awards=[award("A1", 7)])
    big["tender"]["description"] = "z" * 400_000  # longer than the first 256 KB read
    path = write_jsonl(tmp_path / "long.jsonl", [big, release("ocds-long-2", awards=[award()])])
    assert looks_like_ocds(path)
    lines, rejections, rows_read = read_ocds(path)
    assert (rows_read, lines.height, rejections.height) == (2, 2, 0)


# --- through the import pipeline and the command line ----------------------------------


def _formats(tmp_path: Path) -> dict[str, Path]:
    """The same two processes in every published form (record package: compiled)."""
    records = [{"ocid": r["ocid"], "releases": [r], "compiledRelease": r} for r in TWO_RELEASES]
    return {
        "package": write_release_package(tmp_path / "a.json", TWO_RELEASES),
        "records": write_record_package(tmp_path / "b.json", records),
        "jsonl": write_jsonl(tmp_path / "c.txt", TWO_RELEASES),
        "array": write_array(tmp_path / "d", TWO_RELEASES),
    }


def test_every_form_imports_through_the_pipeline(tmp_path, tmp_store):
    from transparency.ingest import import_file

    for kind, path in _formats(tmp_path).items():
        result = import_file(path, tmp_store)
        assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 2, 0), kind
        batch = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
        assert batch.select(
            "supplier_country", "category_code", "segment_code", "currency", "amount_usd"
        ).row(1)[:4] == ("BRA", "53101501", "53", "EUR"), kind
        assert batch.get_column("amount_usd").null_count() == 0
        assert batch.get_column("procurement_method").to_list() == ["open", "open"]


def test_import_command_reads_ocds(tmp_path, capsys):
    from transparency.cli import main

    rel = release(
        awards=[
            award("A1", Decimal("99.99"), "usd", ("S1", "S2"), items=[item("CPV", "18800000-7")])
        ]
    )
    bad = release("ocds-bad", rid="r2", awards=[award("A1", 5, currency="MNX")])
    path = write_release_package(tmp_path / "feed.json", [rel, bad, release("ocds-t", awards=None)])
    store = tmp_path / "store"
    assert main(["import", str(path), "--store", str(store), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["rows_read"], out["rows_accepted"], out["rows_rejected"]) == (3, 1, 2)
    from transparency.store import Store

    batch = Store(store).batches()[0]
    assert batch.lines == 2
    lines = pl.read_parquet(Store(store).batch_path(batch.batch_id))
    assert lines.get_column("amount").to_list() == [Decimal("50.0000"), Decimal("49.9900")]
    assert lines.get_column("category_scheme").to_list() == ["CPV", "CPV"]
    assert lines.get_column("segment_code").to_list() == ["53", "53"]  # footwear -> apparel
    report = pl.read_csv(out["rejections"])
    assert report.select("source_row", "column").rows() == [
        (2, "releases[1].awards[0].value.currency"),
        (3, "releases[2]"),
    ]


def test_a_release_keeps_its_good_awards_when_one_is_rejected(tmp_path, tmp_store):
    from transparency.ingest import import_file

    rel = release(awards=[award("A1", 10, status="unsuccessful"), award("A2", 20, currency="usd")])
    result = import_file(write_jsonl(tmp_path / "p.jsonl", [rel]), tmp_store)
    # The release counts as accepted (it yields a line) and its other award is reported.
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (1, 1, 0)
    assert result.batch.lines == 1
    report = tmp_store.rejections(result.batch.batch_id)
    assert report.select("source_row", "column").rows() == [(1, "line 1.awards[0].status")]


def test_deep_nesting_inside_a_package_is_rejected_not_a_crash(tmp_path):
    deep = "[" * 5_000 + "]" * 5_000  # deeper than Python's recursion limit
    good = dumps(release("ocds-ok", awards=[award()]))
    path = tmp_path / "deep.json"
    path.write_text('{"releases": [' + good + ', {"ocid": "x", "awards": ' + deep + "}]}")
    lines, rejections, rows_read = read_ocds(path)
    assert (rows_read, lines.height) == (2, 1)
    # Cut out before ijson reads it (the depth limit): the whole release is reported.
    deep_row = rejections.row(0, named=True)
    assert deep_row["column"] == "releases[1]"
    assert deep_row["reason"].startswith("nested deeper than 64 levels")


# --- property: whatever the mix of good and bad awards, everything is accounted for ---

_award_st = st.fixed_dictionaries(
    {
        "amount": st.one_of(
            st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
            st.sampled_from(["", "n/a", None]),
        ),
        "currency": st.sampled_from(["USD", "eur", "MNX", ""]),
        "suppliers": st.integers(min_value=0, max_value=3),
        "status": st.sampled_from(["active", "unsuccessful", "pending"]),
        "year": st.sampled_from([2023, 2024, 2105]),
    }
)


@settings(deadline=None, max_examples=60)  # the machine is shared; no time limits
@given(st.lists(st.lists(_award_st, max_size=3), max_size=8))
def test_counts_add_up_and_totals_match_the_valid_awards(tmp_path_factory, spec):
    releases, expected_total, expected_lines = [], Decimal(0), 0
    for r, awards in enumerate(spec):
        built = []
        for a, s in enumerate(awards):
            built.append(
                award(
                    f"A{a}",
                    s["amount"],
                    s["currency"],
                    tuple(f"S{k + 1}" for k in range(s["suppliers"])),
                    day=f"{s['year']}-01-01",
                    status=s["status"],
                )
            )
            valid = (
                isinstance(s["amount"], Decimal)
                and s["currency"] in ("USD", "eur")
                and s["suppliers"] > 0
                and s["status"] != "unsuccessful"
                and s["year"] != 2105
            )
            if valid:
                expected_total += s["amount"]
                expected_lines += s["suppliers"]
        releases.append(release(f"ocds-p-{r}", awards=built or None))
    path = write_release_package(tmp_path_factory.mktemp("p") / "p.json", releases)
    lines, rejections, rows_read = read_ocds(path)
    assert rows_read == len(spec)
    check_counts(lines, rejections, rows_read)
    assert lines.height == expected_lines
    assert (lines.get_column("amount").sum() or Decimal(0)) == expected_total
