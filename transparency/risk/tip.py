"""TIP placements per report year, with partial years filled in.

The 2022, 2024 and 2025 tables on file list only the Watch List, Tier 3 and Special Cases;
those lists are complete. A country a partial year does not list was therefore Tier 1 or
Tier 2 that year, never its earlier Watch List or Tier 3 placement. It gets:

* the placement `tip_tier_confirmations.csv` confirms for that year, if any;
* else the tier it last held, if that was Tier 1 or Tier 2;
* else, if it was a Special Case, Special Case (Special Cases are not ranked, and the
  partial lists on file do not give them completely: 2024 names Haiti only);
* else Tier 2;

with a `note` that says which, in words, for the line's driver. The countries filled are
those of the nearest earlier complete year (and any confirmed). A year with no table at all
(2016-2019) is not filled: lines use the nearest earlier report and the driver names it.

>>> note_absent(2024, "Tier 2", None)
'Tier 1 or 2 in the 2024 report: not on its Watch List or Tier 3; scored as Tier 2'
>>> note_absent(2024, "Tier 1", 2023).endswith("scored as Tier 1, its tier in 2023")
True
"""

from __future__ import annotations

import polars as pl

from transparency.risk.reference import COMPLETE_TIERS, Reference

__all__ = ["note_absent", "note_confirmed", "note_special", "placements"]


def note_absent(year: int, tier: str, kept_from: int | None) -> str:
    """Return the driver note of a country a partial year does not list."""
    kept = f", its tier in {kept_from}" if kept_from is not None else ""
    return (
        f"Tier 1 or 2 in the {year} report: not on its Watch List or Tier 3; scored as {tier}{kept}"
    )


def note_special(year: int, kept_from: int) -> str:
    """Return the driver note of a Special Case a partial year does not list."""
    return (
        f"Special Case in {kept_from}, not listed in the partial {year} report data "
        "(its Special Cases are incomplete): kept"
    )


def note_confirmed(year: int, tier: str, source_type: str | None) -> str:
    """Return the driver note of a placement confirmed outside the tier table."""
    by = f" ({source_type})" if source_type else ""
    return f"{tier} in the {year} report, confirmed by a published statement{by}"


def placements(ref: Reference) -> pl.DataFrame:
    """Return iso3, tip_year, tier, file, note: the tier tables plus the filled partial years.

    `note` is null for a placement read from a tier table.
    """
    tip = ref.tip.select(
        "iso3",
        pl.col("report_year").cast(pl.Int32).alias("tip_year"),
        "tier",
        "file",
        "complete",
        pl.lit(None, dtype=pl.String).alias("note"),
        pl.lit(False).alias("inferred"),
    )
    complete_years = sorted(tip.filter("complete").get_column("tip_year").unique().to_list())
    partial_years = sorted(
        set(tip.filter(~pl.col("complete")).get_column("tip_year").to_list()) - set(complete_years)
    )
    rows = tip
    for year in partial_years:
        earlier = [y for y in complete_years if y < year]
        if not earlier:
            continue
        rows = pl.concat([rows, _fill_year(rows, ref, year, earlier[-1])], how="vertical_relaxed")
    return rows.drop("complete", "inferred").sort("iso3", "tip_year")


def _fill_year(rows: pl.DataFrame, ref: Reference, year: int, base_year: int) -> pl.DataFrame:
    """Return the rows of the countries partial `year` does not list (see the module text)."""
    listed = rows.filter(pl.col("tip_year") == year)
    confirmed = ref.tip_confirmations.filter(pl.col("report_year") == year)
    universe = (
        rows.filter(pl.col("tip_year") == base_year)
        .select("iso3")
        .vstack(confirmed.select("iso3"))
        .unique()
        .filter(~pl.col("iso3").is_in(listed.get_column("iso3").to_list()))
    )
    last = (
        # The last tier held by a table or a confirmation, not one inferred here.
        rows.filter((pl.col("tip_year") < year) & ~pl.col("inferred"))
        .sort("tip_year")
        .group_by("iso3")
        .agg(pl.col("tier").last().alias("last_tier"), pl.col("tip_year").last().alias("last_year"))
    )
    partial_file = listed.get_column("file").first() if listed.height else None
    out = []
    joined = universe.join(last, on="iso3", how="left").join(
        confirmed.select(
            "iso3", pl.col("tier").alias("confirmed"), "source_type", pl.col("file").alias("cfile")
        ),
        on="iso3",
        how="left",
    )
    for r in joined.sort("iso3").iter_rows(named=True):
        if r["confirmed"] is not None:
            tier = r["confirmed"]
            note = note_confirmed(year, tier, r["source_type"])
            file, inferred = r["cfile"], False
        elif r["last_tier"] == "Special Case":
            # Special Cases are not ranked, and the partial lists do not give them
            # completely (2024: Haiti only), so absence says nothing: the case is kept.
            tier = "Special Case"
            note = note_special(year, r["last_year"])
            file, inferred = f"{partial_file}, not listed", True
        else:
            kept = r["last_tier"] in COMPLETE_TIERS
            tier = r["last_tier"] if kept else "Tier 2"
            note = note_absent(year, tier, r["last_year"] if kept else None)
            file, inferred = f"{partial_file}, not listed", True
        out.append((r["iso3"], year, tier, file, False, note, inferred))
    return pl.DataFrame(
        out,
        schema={
            "iso3": pl.String,
            "tip_year": pl.Int32,
            "tier": pl.String,
            "file": pl.String,
            "complete": pl.Boolean,
            "note": pl.String,
            "inferred": pl.Boolean,
        },
        orient="row",
    )
