"""The risk method as display tables, for the Methodology page and the reports.

The rules come from the model file and the sources from the reference files, so the page
shows the one copy of the rules that scores the lines.

>>> from transparency.risk import model
>>> rule_tables(model.load())["tiers"].columns
['TIP tier', 'Country score']
"""

from __future__ import annotations

import polars as pl

from transparency.risk.model import LABOUR_TYPES, RiskModel
from transparency.risk.reference import Reference
from transparency.risk.tables import categories_frame

__all__ = ["method_tables", "rule_tables"]


def method_tables(model: RiskModel, ref: Reference) -> dict[str, pl.DataFrame]:
    """Return the model and reference data as display tables (one copy of the rules).

    Keys: tiers, ilab, sectors, pairs, bands, steps, sources, sector_list, goods_mapping,
    latest_tiers.
    """
    return {
        **rule_tables(model),
        "sources": _sources(model, ref),
        **_reference_lists(model, ref),
    }


def rule_tables(model: RiskModel) -> dict[str, pl.DataFrame]:
    """Return the model's rules as tables: tiers, ilab, sectors, pairs, bands, steps."""
    tiers = pl.DataFrame(
        {"TIP tier": list(model.tier_scores), "Country score": list(model.tier_scores.values())}
    )
    ilab = pl.DataFrame(
        {
            "ILAB advancement level": list(model.ilab_adjustment),
            "Added to country score": list(model.ilab_adjustment.values()),
        }
    )
    sectors = pl.DataFrame(
        {
            "Sector group": [
                "(none of the groups)",
                *(g.label for g in model.sector_groups.values()),
            ],
            "Sector score": [
                model.sector_default,
                *(g.score for g in model.sector_groups.values()),
            ],
        }
    )
    pairs = pl.DataFrame(
        {
            "Listed good x supplier country": [
                "forced labour",
                "child labour",
                "produced with inputs made with child or forced labour",
            ],
            "Pair score": [model.pair_scores[k] for k in LABOUR_TYPES],
        }
    )
    bands = categories_frame(model).select(
        pl.col("category").alias("Category"),
        pl.col("min_score").alias("From total"),
        pl.col("max_score").alias("To total"),
        pl.col("colour").alias("Colour"),
    )
    steps = pl.DataFrame(
        {
            "Step": [s.label for s in model.steps.values()],
            "Recorded as": list(model.steps),
            "Lowers residual by (bands)": [s.bands for s in model.steps.values()],
        }
    )
    return {
        "tiers": tiers,
        "ilab": ilab,
        "sectors": sectors,
        "pairs": pairs,
        "bands": bands,
        "steps": steps,
    }


def _sources(model: RiskModel, ref: Reference) -> pl.DataFrame:
    """Return one row per source file: what it is, its file, its edition and its rows."""
    tip_files = (
        ref.tip.group_by("file")
        .agg(
            pl.col("report_year").min().alias("first"),
            pl.col("report_year").max().alias("last"),
            pl.col("report_year").n_unique().alias("years"),
            pl.len().alias("rows"),
        )
        .sort("file")
    )
    sources = pl.concat(
        [
            tip_files.select(
                pl.lit("US State Dept TIP report tier placements").alias("Source"),
                pl.col("file").alias("File"),
                (
                    pl.lit("report years ")
                    + pl.col("first").cast(pl.String)
                    + pl.lit("-")
                    + pl.col("last").cast(pl.String)
                    + pl.lit(" (")
                    + pl.col("years").cast(pl.String)
                    + pl.lit(" years)")
                ).alias("Edition"),
                pl.col("rows").alias("Rows"),
            ),
            pl.DataFrame(
                {
                    "Source": [
                        "US DOL ILAB Findings on the Worst Forms of Child Labor",
                        "US DOL List of Goods Produced by Child Labor or Forced Labor",
                        "Reviewed mapping of listed goods to UNSPSC / CPV",
                        "UK PPN 02/23 / PPN 009 high-risk services and UFLPA high-priority sectors",
                    ],
                    "File": [
                        model.reference_files["ilab_findings"],
                        model.reference_files["dol_goods"],
                        model.reference_files["dol_goods_to_unspsc"],
                        model.reference_files["high_risk_sectors"],
                    ],
                    "Edition": [
                        f"findings {ref.ilab_year()}",
                        ref.dol_label,
                        f"{ref.dol_map.get_column('good').n_unique()} goods mapped",
                        "PPN 02/23 (2023) to 23 Feb 2025, PPN 009 from 24 Feb 2025; UFLPA "
                        "strategy 2022, 2024 and 2025 updates, each sector from its date",
                    ],
                    "Rows": [
                        ref.ilab.height,
                        ref.dol_goods.height,
                        ref.dol_map.height,
                        ref.sectors.height,
                    ],
                },
                schema_overrides={"Rows": pl.UInt32},
            ),
        ],
        how="vertical_relaxed",
    )
    return sources


def _reference_lists(model: RiskModel, ref: Reference) -> dict[str, pl.DataFrame]:
    """Return the reference lists: sector_list, goods_mapping, latest_tiers."""
    trusted = list(model.pair_confidences)
    mapping = ref.dol_map.select(
        pl.col("good").alias("Listed good"),
        pl.col("scheme").alias("Scheme"),
        pl.col("code").alias("Code"),
        pl.col("title").alias("Title"),
        pl.col("confidence").alias("Confidence"),
        pl.col("confidence").is_in(trusted).alias("Used by the model"),
        pl.col("note").alias("Note"),
    ).sort("Listed good", "Scheme", "Code")
    sector_list = ref.sectors.select(
        pl.col("risk_group")
        .replace_strict(
            {g: v.label for g, v in model.sector_groups.items()}, return_dtype=pl.String
        )
        .alias("Group"),
        pl.col("sector").alias("Sector"),
        pl.col("scheme").alias("Scheme"),
        pl.col("code").alias("Code"),
        pl.col("title").alias("Title"),
        pl.col("valid_from").alias("From"),
        pl.col("valid_to").alias("Until (exclusive)"),
    )
    latest = (
        ref.tip.sort("report_year")
        .group_by("iso3")
        .agg(pl.all().last())
        .join(ref.countries.select("iso3", "name"), on="iso3", how="left")
        .select(
            pl.coalesce("name", "country_name_as_published").alias("Country"),
            pl.col("iso3").alias("ISO3"),
            pl.col("tier").alias("Latest tier"),
            pl.col("report_year").alias("TIP year"),
            pl.col("file").alias("File"),
        )
        .sort("Country")
    )
    return {"sector_list": sector_list, "goods_mapping": mapping, "latest_tiers": latest}
