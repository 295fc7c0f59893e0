"""Risk model tables: the frames `scoring.install` writes to the connection, built from the
model file and the reference files.

Each frame holds values only the model or a reference file gives (scores, bands, labels);
the SQL in `queries/views/` joins them and never carries a model number itself.

>>> from transparency.risk import model
>>> categories_frame(model.load()).get_column("category").to_list()
['Low', 'Medium', 'High', 'Very high', 'Not assessable']
>>> combination_frame(model.load()).columns[:3]
['country_score', 'sector_score', 'pair_score']
"""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl

from transparency.risk import categories, diligence, tip
from transparency.risk.model import RiskModel
from transparency.risk.reference import Reference
from transparency.store import Store

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "categories_frame",
    "change_dates",
    "combination_frame",
    "country_year_frame",
    "diligence_frame",
    "listed_pairs_frame",
    "sector_keys_frame",
    "settings_frame",
]

# Award years the country table covers; dates outside are clamped to these ends (the same
# ends as in queries/views/risk_line_keys.sql).
FIRST_YEAR, LAST_YEAR = 1900, 2199


def categories_frame(model: RiskModel) -> pl.DataFrame:
    """Return risk_categories: the table of `categories` with the model's colours and bands.

    Columns: category, sort_order, label, is_high, colour, min_score, max_score (null for
    Not assessable).
    """
    colours, bands = model.colours(), {b.category: b for b in model.bands}
    rows = [
        (
            c.name,
            c.sort_order,
            c.label,
            c.is_high,
            colours[c.name],
            bands[c.name].min if c.name in bands else None,
            bands[c.name].max if c.name in bands else None,
        )
        for c in categories.TABLE
    ]
    return pl.DataFrame(
        rows,
        schema={
            "category": pl.String,
            "sort_order": pl.Int32,
            "label": pl.String,
            "is_high": pl.Boolean,
            "colour": pl.String,
            "min_score": pl.Int32,
            "max_score": pl.Int32,
        },
        orient="row",
    )


def country_year_frame(model: RiskModel, ref: Reference) -> pl.DataFrame:
    """Return one row per country and award year with the TIP placement the line uses."""
    chosen = _tip_by_award_year(model, ref)
    ilab = ref.ilab.select("iso3", "ilab_level", "advancement_level", "findings_year")
    out = chosen.join(ilab, on="iso3", how="left").with_columns(
        pl.col("tier").replace_strict(model.tier_scores, return_dtype=pl.Int32).alias("tier_score"),
        pl.col("ilab_level")
        .replace_strict(model.ilab_adjustment, default=0, return_dtype=pl.Int32)
        .alias("ilab_adjustment"),
    )
    out = out.with_columns(
        pl.min_horizontal(
            pl.col("tier_score") + pl.col("ilab_adjustment"), pl.lit(model.country_cap)
        )
        .cast(pl.Int32)
        .alias("country_score"),
    )
    return out.select(
        "iso3",
        "award_year",
        "tier",
        "tip_year",
        "tier_score",
        "ilab_level",
        "ilab_adjustment",
        "country_score",
        (
            pl.lit("TIP ")
            + pl.col("tip_year").cast(pl.String)
            + pl.lit(" (")
            + pl.col("file")
            + pl.lit(")")
            + pl.when(pl.col("ilab_level").is_not_null())
            .then(pl.lit("; ILAB findings ") + pl.col("findings_year").cast(pl.String))
            .otherwise(pl.lit(""))
        ).alias("country_source"),
        _country_driver().alias("country_driver"),
    )


def _tip_by_award_year(model: RiskModel, ref: Reference) -> pl.DataFrame:
    """Return iso3, award_year, tip_year, tier, file, note, is_fallback under the model's TIP
    rule, over the placements of `tip.placements` (partial years filled in).

    `award_year`: the latest placement at or before the award year, else the earliest one
    (`is_fallback`); `latest`: the latest placement for every year.
    """
    placed = tip.placements(ref)
    years = pl.DataFrame(
        {"award_year": range(FIRST_YEAR, LAST_YEAR + 1)}, schema={"award_year": pl.Int32}
    )
    grid = placed.select("iso3").unique().join(years, how="cross")
    if model.tip_year_rule == "latest":
        chosen = grid.join(
            placed.group_by("iso3").agg(pl.all().sort_by("tip_year").last()), on="iso3"
        )
        return chosen.with_columns(pl.lit(False).alias("is_fallback"))
    before = grid.sort("award_year").join_asof(
        placed.sort("tip_year"),
        left_on="award_year",
        right_on="tip_year",
        by="iso3",
        strategy="backward",
        check_sortedness=False,
    )
    earliest = placed.group_by("iso3").agg(pl.all().sort_by("tip_year").first())
    return before.join(earliest, on="iso3", suffix="_first").with_columns(
        pl.col("tip_year").is_null().alias("is_fallback"),
        pl.coalesce("tip_year", "tip_year_first").alias("tip_year"),
        pl.coalesce("tier", "tier_first").alias("tier"),
        pl.coalesce("file", "file_first").alias("file"),
        pl.when(pl.col("tip_year").is_null())
        .then(pl.col("note_first"))
        .otherwise(pl.col("note"))
        .alias("note"),
    )


def _country_driver() -> pl.Expr:
    """Return the expression of a country's risk driver text (TIP placement; ILAB finding)."""
    tip_part = (
        pl.col("tier")
        + pl.lit(" (TIP ")
        + pl.col("tip_year").cast(pl.String)
        + pl.when(pl.col("is_fallback"))
        .then(
            pl.lit(", earliest placement; none at or before ")
            + pl.col("award_year").cast(pl.String)
        )
        .when(pl.col("tip_year") < pl.col("award_year"))
        .then(
            pl.lit(", nearest earlier report with placements for ")
            + pl.col("award_year").cast(pl.String)
        )
        .otherwise(pl.lit(""))
        + pl.lit(")")
        + pl.when(pl.col("note").is_not_null())
        .then(pl.lit(": ") + pl.col("note"))
        .otherwise(pl.lit(""))
    )
    # "No Assessment" says nothing about the country, so the drivers leave it out.
    assessed = pl.col("ilab_level").is_not_null() & (pl.col("ilab_level") != "No Assessment")
    ilab_part = pl.when(assessed).then(
        pl.lit("ILAB ")
        + pl.col("findings_year").cast(pl.String)
        + pl.lit(": ")
        + pl.col("ilab_level")
        + pl.when(pl.col("ilab_adjustment") > 0)
        .then(pl.lit(" (+") + pl.col("ilab_adjustment").cast(pl.String) + pl.lit(")"))
        .otherwise(pl.lit(""))
    )
    return pl.concat_str([tip_part, ilab_part], separator="; ", ignore_nulls=True)


def _key(scheme: pl.Expr, code: pl.Expr) -> pl.Expr:
    """Return the sector key of a code prefix: UNSPSC as is ('5310'), CPV 'CPV:1921'."""
    return pl.when(scheme == "CPV").then(pl.lit("CPV:") + code).otherwise(code)


def _mapping_keys(model: RiskModel, ref: Reference) -> pl.DataFrame:
    """Return good -> sector_key rows for the mappings the model trusts (UNSPSC and CPV)."""
    trusted = ref.dol_map.filter(pl.col("confidence").is_in(list(model.pair_confidences)))
    return trusted.select(
        "good", _key(pl.col("scheme"), pl.col("code")).alias("sector_key")
    ).unique()


def _dated(frame: pl.DataFrame) -> pl.DataFrame:
    """Return `frame` with valid_from / valid_to as dates (null when the source has none)."""
    for column in ("valid_from", "valid_to"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Date).alias(column))
    return frame


def sector_keys_frame(model: RiskModel, ref: Reference) -> pl.DataFrame:
    """Return one row per sector rule: sector_key (UNSPSC '53', '531015'; CPV 'CPV:1921'),
    valid_from, valid_to (null: open), sector_score and sector_flag."""
    groups = model.sector_groups
    sectors = _dated(ref.sectors).select(
        _key(pl.col("scheme"), pl.col("code")).alias("sector_key"),
        "valid_from",
        "valid_to",
        "risk_group",
        pl.col("sector").fill_null(pl.col("title")).alias("detail"),
    )
    listed = (
        _mapping_keys(model, ref)
        .group_by("sector_key")
        .agg(pl.col("good").unique().sort())
        .select(
            "sector_key",
            pl.lit(None, dtype=pl.Date).alias("valid_from"),
            pl.lit(None, dtype=pl.Date).alias("valid_to"),
            pl.lit("dol_listed_good").alias("risk_group"),
            pl.when(pl.col("good").list.len() > 3)
            .then(
                pl.col("good").list.head(3).list.join(", ")
                + pl.lit(" and ")
                + (pl.col("good").list.len() - 3).cast(pl.String)
                + pl.lit(" more")
            )
            .otherwise(pl.col("good").list.join(", "))
            .alias("detail"),
        )
    )
    rows = pl.concat([sectors, listed])
    return rows.select(
        "sector_key",
        "valid_from",
        "valid_to",
        pl.col("risk_group")
        .replace_strict({g: v.score for g, v in groups.items()}, return_dtype=pl.Int32)
        .alias("sector_score"),
        (
            pl.col("risk_group").replace_strict(
                {g: v.label for g, v in groups.items()}, return_dtype=pl.String
            )
            + pl.lit(": ")
            + pl.col("detail")
        ).alias("sector_flag"),
    ).sort("sector_key", "valid_from", "sector_flag", nulls_last=False)


def listed_pairs_frame(model: RiskModel, ref: Reference) -> pl.DataFrame:
    """Return one row per (country, sector key, listed good, dates) with its pair score and
    driver text; rows whose good scores 0 (no labour type stated) are left out."""
    goods = _dated(ref.dol_goods)
    scores = model.pair_scores
    both = scores.get("forced_and_child_labour", scores["forced_labour"])
    score = pl.max_horizontal(
        pl.when(pl.col("forced_labour")).then(scores["forced_labour"]).otherwise(0),
        pl.when(pl.col("child_labour")).then(scores["child_labour"]).otherwise(0),
        pl.when(pl.col("produced_with_inputs")).then(scores["produced_with_inputs"]).otherwise(0),
        pl.when(pl.col("forced_labour") & pl.col("child_labour")).then(both).otherwise(0),
    ).cast(pl.Int32)
    kinds = pl.concat_str(
        [
            pl.when(pl.col("forced_labour")).then(pl.lit("forced labour")),
            pl.when(pl.col("child_labour")).then(pl.lit("child labour")),
            pl.when(pl.col("produced_with_inputs")).then(
                pl.lit("produced with inputs made with child or forced labour")
                + pl.when(pl.col("input_country").is_not_null())
                .then(pl.lit(" (inputs from ") + pl.col("input_country") + pl.lit(")"))
                .otherwise(pl.lit(""))
            ),
        ],
        separator=", ",
        ignore_nulls=True,
    )
    per_good = goods.with_columns(score.alias("pair_score"), kinds.alias("kinds")).join(
        _mapping_keys(model, ref), on="good"
    )
    return (
        per_good.filter(pl.col("pair_score") > 0)
        .select(
            "iso3",
            "sector_key",
            "valid_from",
            "valid_to",
            "good",
            "pair_score",
            (
                pl.lit("'")
                + pl.col("good")
                + pl.lit("' listed for this country, ")
                + pl.col("kinds")
                + pl.lit(" (DOL ")
                + pl.col("list_edition").cast(pl.String)
                + pl.lit(")")
            ).alias("listed_text"),
        )
        .unique()
        .sort("iso3", "sector_key", "good", "valid_from", nulls_last=False)
    )


def change_dates(sector_keys: pl.DataFrame, listed_pairs: pl.DataFrame) -> list:
    """Return the sorted dates on which a dated rule starts or ends."""
    dates = set()
    for frame in (sector_keys, listed_pairs):
        for column in ("valid_from", "valid_to"):
            dates |= set(frame.get_column(column).drop_nulls().to_list())
    return sorted(dates)


def combination_frame(model: RiskModel) -> pl.DataFrame:
    """Return every reachable (country, sector, pair) score triple with its total and band."""
    countries = sorted(
        {
            min(t + a, model.country_cap)
            for t in model.tier_scores.values()
            for a in model.ilab_adjustment.values()
        }
    )
    sectors = sorted({model.sector_default, *(g.score for g in model.sector_groups.values())})
    pairs = sorted({0, *model.pair_scores.values()})
    top = len(model.bands)
    rows = []
    for c, s, p in itertools.product(countries, sectors, pairs):
        total = min(c + s + p, model.total_cap)
        base = min(c + s, model.total_cap)
        order = _band(model, total)
        base_order = _band(model, base)
        if p > 0:
            order = max(order, min(base_order + model.pair_min_raise, top))
        rows.append((c, s, p, total, base_order, order, model.bands[order - 1].category))
    return pl.DataFrame(
        rows,
        schema={
            "country_score": pl.Int32,
            "sector_score": pl.Int32,
            "pair_score": pl.Int32,
            "total_score": pl.Int32,
            "base_order": pl.Int32,
            "inherent_order": pl.Int32,
            "inherent_category": pl.String,
        },
        orient="row",
    )


def _band(model: RiskModel, total: int) -> int:
    if total < model.bands[0].min:
        return 1
    return model.band_of(min(total, model.bands[-1].max))


def diligence_frame(model: RiskModel, store: Store | Path | None) -> pl.DataFrame:
    """Return the due-diligence steps on record with the bands each lowers."""
    schema = {
        "diligence_key": pl.String,
        "step": pl.String,
        "step_date": pl.Date,
        "valid_until": pl.Date,
        "bands": pl.Int32,
        "label": pl.String,
    }
    if store is None:
        return pl.DataFrame(schema=schema)
    recs = diligence.records(store)
    if recs.height == 0:
        return pl.DataFrame(schema=schema)
    return recs.select(
        pl.coalesce("supplier_id", "supplier_name").alias("diligence_key"),
        "step",
        "step_date",
        "valid_until",
        pl.col("step")
        .replace_strict({k: v.bands for k, v in model.steps.items()}, return_dtype=pl.Int32)
        .alias("bands"),
        pl.col("step")
        .replace_strict({k: v.label for k, v in model.steps.items()}, return_dtype=pl.String)
        .alias("label"),
    )


def settings_frame(model: RiskModel, fingerprint: str, dates: list | None = None) -> pl.DataFrame:
    """Return the single-row risk_settings table (`change_dates`: see `change_dates`)."""
    return pl.DataFrame(
        {
            "change_dates": [list(dates or [])],
            "sector_default": [model.sector_default],
            "max_reduction": [model.max_reduction],
            "tip_year_rule": [model.tip_year_rule],
            "model_name": [model.name],
            "model_version": [model.version],
            "fingerprint": [fingerprint],
        },
        schema={
            "change_dates": pl.List(pl.Date),
            "sector_default": pl.Int32,
            "max_reduction": pl.Int32,
            "tip_year_rule": pl.String,
            "model_name": pl.String,
            "model_version": pl.String,
            "fingerprint": pl.String,
        },
    )
