"""Partial TIP years (issue 13, point 1) on the shipped reference files.

The 2022, 2024 and 2025 tables list only the Watch List, Tier 3 and Special Cases, and
those lists are complete; a country they omit was Tier 1 or Tier 2 that year.
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from transparency import settings
from transparency.risk import sources, tables, tip

PARTIAL_YEARS = (2022, 2024, 2025)


@pytest.fixture(scope="module")
def shipped():
    model, ref = sources.load()
    return model, ref, tables.country_year_frame(model, ref)


def _row(frame: pl.DataFrame, iso3: str, award_year: int) -> dict:
    return frame.filter((pl.col("iso3") == iso3) & (pl.col("award_year") == award_year)).row(
        0, named=True
    )


def test_partial_years_are_recognised(shipped):
    _, ref, _ = shipped
    partial = set(ref.tip.filter(~pl.col("complete")).get_column("report_year").to_list())
    assert partial == set(PARTIAL_YEARS)


@pytest.mark.parametrize("year", PARTIAL_YEARS)
def test_absent_countries_are_never_watch_list_or_tier_3(shipped, year):
    _, ref, cy = shipped
    listed = ref.tip.filter(pl.col("report_year") == year).get_column("iso3").to_list()
    rows = cy.filter((pl.col("award_year") == year) & (pl.col("tip_year") == year))
    absent = rows.filter(~pl.col("iso3").is_in(listed))
    assert absent.height > 100  # every ranked country of the year before is filled in
    # Never Watch List or Tier 3; a Special Case an incomplete list omits stays one.
    assert set(absent.get_column("tier").unique()) <= {"Tier 1", "Tier 2", "Special Case"}
    kept = absent.filter(pl.col("tier") == "Special Case").get_column("iso3").to_list()
    earlier = ref.tip.filter(pl.col("report_year") < year).sort("report_year")
    last = dict(earlier.group_by("iso3").agg(pl.col("tier").last()).iter_rows())
    assert all(last[c] == "Special Case" for c in kept)
    # And the countries listed keep their listed tier.
    on_list = rows.filter(pl.col("iso3").is_in(listed))
    assert set(on_list.get_column("tier").unique()) <= {
        "Tier 2 Watch List",
        "Tier 3",
        "Special Case",
    }


@pytest.mark.parametrize(
    "iso3, year, tier",
    [
        # Named in the issue: moved up, scored on the old Watch List placement before.
        ("VNM", 2024, "Tier 2"),
        ("MYS", 2024, "Tier 2"),
        ("EGY", 2024, "Tier 2"),
        ("THA", 2022, "Tier 2"),
        ("THA", 2024, "Tier 2"),
        ("KOR", 2022, "Tier 2"),  # confirmed downgrade from Tier 1 (Yonhap)
        ("KOR", 2024, "Tier 1"),  # confirmed upgrade
        ("VNM", 2025, "Tier 2"),
        ("MYS", 2026, "Tier 2"),
        ("USA", 2025, "Tier 1"),
        ("CHN", 2025, "Tier 3"),
    ],
)
def test_named_countries(shipped, iso3, year, tier):
    _, _, cy = shipped
    assert _row(cy, iso3, year)["tier"] == tier


def test_driver_says_so_in_words(shipped):
    _, ref, cy = shipped
    # Egypt: Watch List in 2023, confirmed Tier 2 in 2024 (US embassy statement).
    assert "Tier 2 in the 2024 report, confirmed" in _row(cy, "EGY", 2024)["country_driver"]
    # A country on the 2023 Watch List, not on the 2025 list and not confirmed: Tier 2.
    wl_2023 = set(
        ref.tip.filter((pl.col("report_year") == 2023) & (pl.col("tier") == "Tier 2 Watch List"))
        .get_column("iso3")
        .to_list()
    )
    listed = set(ref.tip.filter(pl.col("report_year") == 2025).get_column("iso3").to_list())
    confirmed = set(ref.tip_confirmations.get_column("iso3").to_list())
    candidates = sorted(wl_2023 - listed - confirmed)
    assert candidates
    row = _row(cy, candidates[0], 2024)
    assert row["tier"] == "Tier 2"
    assert tip.note_absent(2024, "Tier 2", None) in row["country_driver"]
    assert row["country_driver"].startswith("Tier 2 (TIP 2024): Tier 1 or 2 in the 2024 report")


def test_year_without_placements_uses_nearest_earlier_report(shipped):
    _, _, cy = shipped
    row = _row(cy, "IND", 2018)
    assert row["tip_year"] == 2015
    assert "TIP 2015, nearest earlier report with placements for 2018" in row["country_driver"]


def test_complete_tables_match_the_published_counts(shipped):
    _, ref, _ = shipped
    counts = pl.read_csv(settings.REFERENCE_DIR / "tip_tier_counts_reported.csv")
    tiers = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")
    partial_tiers = ("Tier 2 Watch List", "Tier 3", "Special Case")
    on_file = ref.tip.group_by("report_year", "tier", "complete").len()
    checked = 0
    for year, metric, value in counts.select("report_year", "metric", "value").iter_rows():
        if metric not in tiers:
            continue
        year_rows = on_file.filter(pl.col("report_year") == year)
        if year_rows.height == 0:
            continue  # no table for that year (2018, 2019)
        complete = bool(year_rows.get_column("complete").any())
        if not complete and metric not in partial_tiers:
            continue  # a partial table holds only the Watch List, Tier 3, Special Cases
        got = year_rows.filter(pl.col("tier") == metric).get_column("len").sum()
        assert got == value, (year, metric)
        checked += 1
    assert checked >= 7


def test_a_complete_file_replaces_a_partial_year(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(settings.REFERENCE_DIR, folder)
    (folder / "tip_tiers_2024_complete.csv").write_text(
        "report_year,country_name_as_published,iso3,tier,source_url\n"
        "2024,Vietnam,VNM,Tier 1,x\n2024,Germany,DEU,Tier 2 Watch List,x\n"
        "2024,China,CHN,Tier 3,x\n",
        encoding="utf-8",
    )
    model, ref = sources.load(reference_dir=folder)
    y2024 = ref.tip.filter(pl.col("report_year") == 2024)
    assert set(y2024.get_column("file")) == {"tip_tiers_2024_complete.csv"}
    cy = tables.country_year_frame(model, ref)
    assert _row(cy, "VNM", 2024)["tier"] == "Tier 1"
    assert _row(cy, "DEU", 2024)["tier"] == "Tier 2 Watch List"
    # A country the complete file leaves out has no 2024 placement: 2023 is used.
    assert _row(cy, "MYS", 2024)["tip_year"] == 2023


def test_every_tier_row_names_a_citable_source(shipped):
    """Point 2: the citation is the State Department's report; a secondary copy says what
    confirms it (the 2021 rows: the State Department's interim assessment)."""
    _, ref, _ = shipped
    tip = ref.tip
    assert tip.filter(pl.col("citation").is_null()).height == 0
    assert tip.filter(~pl.col("citation").str.contains("US Department of State")).height == 0
    rows_2021 = tip.filter(pl.col("report_year") == 2021)
    assert rows_2021.height == 188
    assert set(rows_2021.get_column("cross_check").str.contains("interim assessment")) == {True}
    wl_2021 = rows_2021.filter(pl.col("tier") == "Tier 2 Watch List").height
    assert wl_2021 == 45
    assert ref.tip_confirmations.filter(pl.col("source_url").is_null()).height == 0
    text = (settings.REFERENCE_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert "secondary compilation" in text and "interim assessment" in text


@pytest.mark.parametrize("iso3", ["YEM", "SOM", "LBY"])
def test_special_cases_are_not_turned_into_tier_2(shipped, iso3):
    """The 2024 partial data names Haiti only as a Special Case; Yemen, Somalia and Libya
    were Special Cases in 2023 and stay so (absence from an incomplete list says nothing)."""
    _, _, cy = shipped
    row = _row(cy, iso3, 2024)
    assert row["tier"] == "Special Case"
    assert "Special Case in 2023" in row["country_driver"]
