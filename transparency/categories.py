"""Categories: UNSPSC codes, their segment (2 digits) and family (4 digits) titles.

Titles come from `data/reference/unspsc_segments_families.csv` (UNSPSC v7.0901 as
packaged by OpenACS, plus segments 64 and 95 from later versions; see SOURCES.md).

>>> df = pl.DataFrame({"category_raw": ["43-21-15-01", "5310", "bogus"]})
>>> classify(df.with_columns(category_code=normalise_code(pl.col("category_raw")))).select(
...     "category_code", "segment_code", "family_code").rows()
[('43211501', '43', '4321'), ('5310', '53', '5310'), (None, None, None)]
"""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl

from transparency.settings import REFERENCE_DIR

UNSPSC_CSV = REFERENCE_DIR / "unspsc_segments_families.csv"

# Segments added after v7.0901; titles as in current UNSPSC releases.
LATER_SEGMENTS = {
    "64": "Financial Instruments, Products, Contracts and Agreements",
    "95": "Land and Buildings and Structures and Thoroughfares",
}


def build_reference(source_csv: Path, dest_csv: Path = UNSPSC_CSV) -> pl.DataFrame:
    """Derive the segment/family table from `unspsc_segments_families_en.csv`."""
    src = pl.read_csv(source_csv, infer_schema_length=0)
    frame = src.select(
        "level",
        pl.col("segment"),
        pl.col("family"),
        pl.col("title"),
        pl.lit("UNSPSC v7.0901").alias("edition"),
    )
    later = pl.DataFrame(
        {
            "level": ["segment"] * len(LATER_SEGMENTS),
            "segment": list(LATER_SEGMENTS),
            "family": [None] * len(LATER_SEGMENTS),
            "title": list(LATER_SEGMENTS.values()),
            "edition": ["UNSPSC later versions (segment title only)"] * len(LATER_SEGMENTS),
        },
        schema=frame.schema,
    )
    frame = pl.concat([frame, later]).sort("segment", "family", nulls_last=False)
    frame.write_csv(dest_csv)
    return frame


@functools.cache
def _reference() -> pl.DataFrame:
    return pl.read_csv(UNSPSC_CSV, infer_schema_length=0)


def segments() -> pl.DataFrame:
    """Return one row per UNSPSC segment: segment_code, segment_title."""
    ref = _reference().filter(pl.col("level") == "segment")
    return ref.select(
        pl.col("segment").alias("segment_code"), pl.col("title").alias("segment_title")
    )


def title_key(text: pl.Expr) -> pl.Expr:
    """Return the matching key of a category title: lower case, words only."""
    return text.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()


@functools.cache
def title_codes() -> dict[str, str]:
    """Return title key -> code for the shipped segment and family titles ("Medical
    Equipment and Accessories and Supplies" -> "42"); a title two entries share is left out.

    >>> title_codes()["live animals"]
    '1010'
    """
    ref = _reference().select(
        title_key(pl.col("title")).alias("key"),
        pl.coalesce(pl.col("family"), pl.col("segment")).alias("code"),
    )
    unique = ref.filter(pl.len().over("key") == 1)
    return dict(unique.iter_rows())


def families() -> pl.DataFrame:
    """Return one row per UNSPSC family: family_code, family_title, segment_code."""
    ref = _reference().filter(pl.col("level") == "family")
    return ref.select(
        pl.col("family").alias("family_code"),
        pl.col("title").alias("family_title"),
        pl.col("segment").alias("segment_code"),
    )


def normalise_code(raw: pl.Expr) -> pl.Expr:
    """Return an expression giving the UNSPSC code of `raw`, or null when it is not one.

    Spaces, dots, dashes and slashes between digits are dropped ("43 21 15 01",
    "43.21.15.01"); a spreadsheet's ".0" suffix is dropped; 2, 4, 6 and 8 digits are
    codes or prefixes; 10 digits (code plus business-function suffix) keep the first 8.
    Anything else is not a UNSPSC code and gives null (the caller keeps the raw value).
    """
    text = raw.cast(pl.String).str.strip_chars().str.replace(r"\.0+$", "")
    digits = text.str.replace_all(r"[\s.\-/]", "")
    well_formed = text.str.contains(r"^[0-9][0-9\s.\-/]*$") & digits.str.contains(
        r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{8}|[0-9]{10})$"
    )
    code = pl.when(digits.str.len_chars() == 10).then(digits.str.slice(0, 8)).otherwise(digits)
    return pl.when(well_formed & (code.str.slice(0, 2) != "00")).then(code)


def classify(df: pl.DataFrame) -> pl.DataFrame:
    """Fill segment_code/segment_title/family_code/family_title from `category_code`.

    A segment not in the reference leaves all four null (the category counts as
    unknown); a family not in the reference leaves the family pair null. Codes that
    end in "00" pairs are segment or family level ("43000000" is segment 43).
    """
    drop = [
        c
        for c in ("segment_code", "segment_title", "family_code", "family_title")
        if c in df.columns
    ]
    code = pl.col("category_code")
    out = df.drop(drop).with_columns(
        code.str.slice(0, 2).alias("_seg"),
        pl.when((code.str.len_chars() >= 4) & (code.str.slice(2, 2) != "00"))
        .then(code.str.slice(0, 4))
        .alias("_fam"),
    )
    out = out.join(
        segments(), left_on="_seg", right_on="segment_code", how="left", maintain_order="left"
    )
    out = out.join(
        families().drop("segment_code"),
        left_on="_fam",
        right_on="family_code",
        how="left",
        maintain_order="left",
    )
    return out.with_columns(
        pl.when(pl.col("segment_title").is_not_null()).then(pl.col("_seg")).alias("segment_code"),
        pl.when(pl.col("segment_title").is_not_null() & pl.col("family_title").is_not_null())
        .then(pl.col("_fam"))
        .alias("family_code"),
        pl.when(pl.col("segment_title").is_not_null())
        .then(pl.col("family_title"))
        .alias("family_title"),
    ).drop("_seg", "_fam")


def unknown_family_count(lines: pl.LazyFrame | pl.DataFrame) -> int:
    """Return how many UNSPSC lines have a known segment but a family the shipped edition
    (v7.0901) lacks, for example a newer edition's bananas 50301500 (family 5030). They are
    kept and scored through their nearest parent the reference knows (the segment).

    >>> unknown_family_count(pl.DataFrame({"category_scheme": ["UNSPSC", "UNSPSC"],
    ...     "category_code": ["50301500", "53101500"], "segment_code": ["50", "53"],
    ...     "family_code": [None, "5310"]}))
    1
    """
    code = pl.col("category_code")
    hit = (
        (pl.col("category_scheme") == "UNSPSC")
        & pl.col("segment_code").is_not_null()
        & pl.col("family_code").is_null()
        & (code.str.len_chars() >= 4)
        & (code.str.slice(2, 2) != "00")
    )
    return int(lines.lazy().select(hit.sum()).collect().item() or 0)
