"""Dated lists and editions (issue 13, points 5 and 6) on the shipped reference files."""

from __future__ import annotations

import shutil
from datetime import date

import polars as pl
import pytest

from transparency import settings
from transparency.report import text as report_text
from transparency.risk import reference, sources, tables

DOL_HEADER = (
    "good,sector,iso3,country_name_as_published,child_labour,forced_labour,"
    "produced_with_inputs,input_country,list_edition,edition_date\n"
)


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "reference"
    shutil.copytree(settings.REFERENCE_DIR, out)
    return out


def _pairs(folder=None) -> pl.DataFrame:
    model, ref = sources.load(reference_dir=folder)
    return tables.listed_pairs_frame(model, ref)


def _applies(frame: pl.DataFrame, day: date) -> pl.DataFrame:
    return frame.filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= day))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") > day))
    )


def test_dol_2024_removals_and_additions_are_dated():
    _, ref = sources.load()
    dol = ref.dol_goods
    for good, iso3 in (
        ("Blueberries", "ARG"),
        ("Salt", "KHM"),
        ("Shrimp", "THA"),
        ("Fluorspar (mineral)", "MNG"),
    ):
        row = dol.filter((pl.col("good") == good) & (pl.col("iso3") == iso3)).row(0, named=True)
        assert row["valid_to"] == date(2024, 9, 5), good
    added = dol.filter(pl.col("from_changes"))
    assert set(added.get_column("good")) == {"Cotton Textiles", "Jujubes"}
    assert set(added.get_column("valid_from")) == {date(2024, 9, 5)}
    assert ref.dol_label == (
        "DOL 2022 edition with the 2024 edition's published changes from 05 Sep 2024 "
        "(4 pairs removed, 3 added)"
    )


def test_uflpa_sectors_carry_their_designation_dates():
    _, ref = sources.load()
    uflpa = ref.sectors.filter(pl.col("risk_group") == "uflpa_priority")
    first = dict(uflpa.group_by("sector").agg(pl.col("valid_from").min()).iter_rows())
    assert first["apparel"] == date(2022, 6, 1)
    assert first["aluminium"] == first["PVC"] == first["seafood"] == date(2024, 7, 9)
    for sector in ("steel", "copper", "lithium", "caustic soda", "red dates (jujubes)"):
        assert first[sector] == date(2025, 8, 19), sector


def test_ppn_0223_until_24_feb_2025_then_ppn_009():
    _, ref = sources.load()
    ppn = ref.sectors.filter(pl.col("risk_group").str.starts_with("ppn"))
    old = ppn.filter(pl.col("risk_group") == "ppn_0223_service")
    new = ppn.filter(pl.col("risk_group") == "ppn_009_service")
    assert set(old.get_column("valid_to")) == {date(2025, 2, 24)}
    assert set(new.get_column("valid_from")) == {date(2025, 2, 24)}
    assert set(old.get_column("code")) == set(new.get_column("code"))


def test_dropping_a_complete_dol_edition_replaces_the_list(folder):
    """A small complete 2026 edition: from its date only its pairs count; no code change."""
    (folder / "dol_goods_edition_2026.csv").write_text(
        DOL_HEADER + "Cocoa,Agriculture,GHA,Ghana,true,true,false,,2026,2026-09-01\n",
        encoding="utf-8",
    )
    model, ref = sources.load(reference_dir=folder)
    assert ref.dol_edition() == 2026
    assert ref.dol_label.endswith("; then DOL 2026 edition from 01 Sep 2026")
    pairs = tables.listed_pairs_frame(model, ref)
    after = _applies(pairs, date(2026, 10, 1))
    assert set(after.get_column("iso3")) == {"GHA"}
    assert set(after.get_column("good")) == {"Cocoa"}
    assert after.get_column("pair_score").max() == 3  # forced and child labour
    # Before the new edition's date, the 2022 list with the 2024 changes still holds.
    before = _applies(pairs, date(2025, 1, 1))
    assert "Cotton Textiles" in set(before.get_column("good"))
    assert before.filter((pl.col("good") == "Shrimp") & (pl.col("iso3") == "THA")).height == 0
    assert "dol_goods_edition_2026.csv" in {p.name for p in ref.files}


def test_a_complete_2024_edition_supersedes_the_change_file(folder):
    (folder / "dol_goods_edition_2024.csv").write_text(
        DOL_HEADER + "Shrimp,Agriculture,THA,Thailand,false,true,false,,2024,2024-09-05\n",
        encoding="utf-8",
    )
    _, ref = sources.load(reference_dir=folder)
    assert "published changes" not in ref.dol_label
    assert not ref.dol_goods.get_column("from_changes").any()


def test_every_shipped_reference_file_is_in_the_manifest_with_an_edition():
    manifest = reference.read_manifest(settings.REFERENCE_DIR / "reference_manifest.csv")
    listed = set(manifest.get_column("file"))
    shipped = {p.name for p in settings.REFERENCE_DIR.glob("*.csv")} - {"reference_manifest.csv"}
    assert shipped <= listed, shipped - listed
    assert manifest.filter(pl.col("edition").is_null() | pl.col("as_of").is_null()).height == 0


def test_editions_list_every_file_used_and_reports_show_them():
    _, ref = sources.load()
    editions = sources.editions()
    used = {p.name for p in ref.files} - {"reference_manifest.csv"}
    assert {k.removeprefix("file ") for k in editions if k.startswith("file ")} == used
    assert not [k for k in editions if k.startswith("file ") and "not in the" in editions[k]]
    assert "2024 edition's published changes" in editions["dol_list"]
    # The reports (text, HTML, PDF) print one provenance row per key of editions().
    rows = dict(report_text._editions(editions))
    assert (
        "file dol_goods_changes_2024.csv" in rows
        and "as of 2024-09-05" in rows["file dol_goods_changes_2024.csv"]
    )
    assert "file high_risk_sectors.csv" in rows
