"""UNSPSC codes: separators stripped, prefixes allowed, titles attached, invalid kept null."""

from __future__ import annotations

import polars as pl
from conftest import SHARED_DATA

from transparency import categories


def _classify(raw: list[str | None]) -> list[tuple]:
    df = pl.DataFrame({"category_raw": raw}, schema={"category_raw": pl.String})
    df = df.with_columns(category_code=categories.normalise_code(pl.col("category_raw")))
    out = categories.classify(df)
    return out.select("category_code", "segment_code", "family_code", "family_title").rows()


def test_codes_and_prefixes() -> None:
    assert _classify(["43211501", "43 21 15 01", "43.21.15.01", "5310", "531015", "50"]) == [
        ("43211501", "43", "4321", "Computer Equipment and Accessories"),
        ("43211501", "43", "4321", "Computer Equipment and Accessories"),
        ("43211501", "43", "4321", "Computer Equipment and Accessories"),
        ("5310", "53", "5310", "Clothing"),
        ("531015", "53", "5310", "Clothing"),
        ("50", "50", None, None),
    ]


def test_spreadsheet_and_ten_digit_forms() -> None:
    assert _classify(["43211501.0", "4321150112", "43000000"]) == [
        ("43211501", "43", "4321", "Computer Equipment and Accessories"),
        ("43211501", "43", "4321", "Computer Equipment and Accessories"),
        ("43000000", "43", None, None),
    ]


def test_invalid_codes_stay_null() -> None:
    assert (
        _classify(["bogus", "431", "4321150", "00123456", None, "", "A43211501"])
        == [(None, None, None, None)] * 7
    )


def test_segment_not_in_reference_is_unknown_but_code_kept() -> None:
    # Segment 99 does not exist: the code is well formed, the category is unknown.
    assert _classify(["99101500"]) == [("99101500", None, None, None)]


def test_later_segments_have_titles() -> None:
    segs = dict(categories.segments().rows())
    assert segs["95"].startswith("Land and Buildings")
    assert segs["64"].startswith("Financial Instruments")
    assert segs["53"] == "Apparel and Luggage and Personal Care Products"
    assert len(segs) == 57


def test_reference_rebuilds_identically(tmp_path) -> None:
    dest = tmp_path / "u.csv"
    categories.build_reference(
        SHARED_DATA / "unspsc_v7_openacs" / "unspsc_segments_families_en.csv", dest
    )
    assert dest.read_bytes() == categories.UNSPSC_CSV.read_bytes()
