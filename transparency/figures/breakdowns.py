"""The breakdowns of one quarter, summed from a combination cube or the page cache's cells.

A cube (`figures_spend_by_combination`) or the cells (`figures_spend_by_cell`) hold line
counts and spend per combination of the columns the tables break down by; each function
here sums them into one published table (see `TABLES`), in Decimal to the cent.

>>> from transparency import quarters
>>> sorted(period_params(quarters.parse("2025Q4")))[:2]
['prev_from', 'prev_to']
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from transparency.figures.definitions import HIGH_RISK, METHOD_LABELS
from transparency.figures.result import Comparison, share
from transparency.quarters import Quarter
from transparency.risk import model as risk_model
from transparency.settings import risk_model_path

PERIODS = ("quarter", "previous_quarter", "year_earlier")
_MONEY = pl.Decimal(38, 2)
_SHARE_TYPE = pl.Decimal(38, 4)
METHOD_ORDER = {m: i for i, m in enumerate(("open", "selective", "limited", "direct", "other"))}

# The parts of a cube: each breakdown reads one. From the lines, every part is the whole
# combination cube; from the page cache's cells (figures_spend_by_cell), each part holds the
# columns its breakdowns need and adds up to the period's lines on its own.
PARTS = ("country", "segment", "method", "steps")


def period_params(q: Quarter) -> dict[str, Any]:
    """Return the bound parameters of the figures queries: each period's first day and the
    day after its last (`q_from`, `q_to`, `prev_from`, ...)."""
    prev, year = q.previous(), q.year_earlier()
    return {
        "q_from": q.start,
        "q_to": q.end,
        "prev_from": prev.start,
        "prev_to": prev.end,
        "year_from": year.start,
        "year_to": year.end,
    }


def _sums(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Return lines, spend and high-risk spend (inherent, `HIGH_RISK`) per `keys`."""
    high = pl.col("inherent_category").is_in(HIGH_RISK)
    return frame.group_by(keys).agg(
        pl.col("count_lines").sum().cast(pl.Int64),
        pl.col("spend_usd").sum().cast(_MONEY),
        pl.col("spend_usd").filter(high).sum().fill_null(0).cast(_MONEY).alias("high_risk_usd"),
    )


def _first(column: str) -> pl.Expr:
    return pl.col(column).drop_nulls().first()


def by_risk_category(cube: pl.DataFrame, categories: pl.DataFrame) -> pl.DataFrame:
    """Return spend and lines per risk category, inherent and residual; every category
    of `categories` is listed, also when it is empty."""
    out = categories.select("category", "colour")
    for basis in ("inherent", "residual"):
        sums = (
            _sums(cube, [f"{basis}_category"])
            .rename({f"{basis}_category": "category"})
            .select(
                "category",
                pl.col("spend_usd").alias(f"{basis}_usd"),
                pl.col("count_lines").alias(f"{basis}_lines"),
            )
        )
        out = out.join(sums, on="category", how="left").with_columns(
            pl.col(f"{basis}_usd").fill_null(0).cast(_MONEY),
            pl.col(f"{basis}_lines").fill_null(0).cast(pl.Int64),
        )
    return out


def _by_country(cube: pl.DataFrame) -> pl.DataFrame:
    names = cube.group_by("supplier_country").agg(
        _first("supplier_country_name"), _first("supplier_region"), _first("supplier_subregion")
    )
    return (
        _sums(cube, ["supplier_country"])
        .join(names, on="supplier_country", how="left", nulls_equal=True)
        .sort(["spend_usd", "supplier_country"], descending=[True, False], nulls_last=True)
        .select(
            pl.col("supplier_country").fill_null("").alias("country_code"),
            pl.coalesce("supplier_country_name", "supplier_country", pl.lit("Unknown")).alias(
                "country"
            ),
            pl.col("supplier_region").fill_null("Unknown").alias("region"),
            pl.col("supplier_subregion").fill_null("Unknown").alias("subregion"),
            "count_lines",
            "spend_usd",
            "high_risk_usd",
        )
    )


def _by_region(cube: pl.DataFrame) -> pl.DataFrame:
    frame = cube.with_columns(pl.col("supplier_region").fill_null("Unknown").alias("region"))
    return (
        _sums(frame, ["region"])
        .sort(["spend_usd", "region"], descending=[True, False])
        .select("region", "count_lines", "spend_usd", "high_risk_usd")
    )


def _by_segment(cube: pl.DataFrame) -> pl.DataFrame:
    titles = cube.group_by("segment_code").agg(_first("segment_title"))
    return (
        _sums(cube, ["segment_code"])
        .join(titles, on="segment_code", how="left", nulls_equal=True)
        .sort(["spend_usd", "segment_code"], descending=[True, False], nulls_last=True)
        .select(
            pl.col("segment_code").fill_null(""),
            pl.coalesce("segment_title", "segment_code", pl.lit("Unclassified")).alias("segment"),
            "count_lines",
            "spend_usd",
            "high_risk_usd",
        )
    )


def _by_method(cube: pl.DataFrame) -> pl.DataFrame:
    sums = _sums(cube, ["procurement_method"])
    order = [METHOD_ORDER.get(m, len(METHOD_ORDER)) for m in sums["procurement_method"]]
    labels = [METHOD_LABELS.get(m, str(m).capitalize()) for m in sums["procurement_method"]]
    return (
        sums.with_columns(
            pl.Series("_order", order, dtype=pl.Int64),
            pl.Series("method", labels, dtype=pl.String),
        )
        .sort(["_order", "method"])
        .select("method", "count_lines", "spend_usd", "high_risk_usd")
    )


def _not_assessable(cube: pl.DataFrame) -> pl.DataFrame:
    frame = cube.with_columns(
        (pl.col("inherent_category") != "Not assessable").alias("is_assessable"),
        pl.when(pl.col("inherent_category") != "Not assessable")
        .then(pl.lit("Assessable"))
        .otherwise(
            pl.lit("Not assessable: ")
            + pl.col("not_assessable_reason").fill_null("reason not recorded")
        )
        .alias("reason"),
    )
    return (
        _sums(frame, ["is_assessable", "reason"])
        .sort(["is_assessable", "spend_usd", "reason"], descending=[True, True, False])
        .select("reason", "count_lines", "spend_usd")
    )


def _diligence(cube: pl.DataFrame, high_risk_usd: Decimal) -> pl.DataFrame:
    high = cube.filter(pl.col("inherent_category").is_in(HIGH_RISK))
    per_step = (
        high.filter(pl.col("step_keys").is_not_null())
        .with_columns(pl.col("step_keys").str.split(",").alias("step_key"))
        .explode("step_key")
    )
    found: dict[str | None, tuple[int, Decimal]] = {
        row["step_key"]: (row["count_lines"], row["spend_usd"])
        for row in _sums(per_step, ["step_key"]).to_dicts()
    }
    covered = high.filter(pl.col("step_keys").is_not_null())
    found[None] = (int(covered["count_lines"].sum() or 0), money_sum(covered["spend_usd"]))
    labels = step_labels()
    # The known steps always appear, in the recording form's order, then any others found.
    keys = list(labels) + sorted(k for k in found if k is not None and k not in labels)
    rows = []
    for key in [*keys, None]:
        lines, usd = found.get(key, (0, Decimal("0.00")))
        rows.append(
            {
                "step_key": key,
                "step": "Any step" if key is None else labels.get(key, key),
                "count_lines": lines,
                "covered_usd": usd,
                "share": share(usd, high_risk_usd),
            }
        )
    schema = {
        "step_key": pl.String,
        "step": pl.String,
        "count_lines": pl.Int64,
        "covered_usd": _MONEY,
        "share": _SHARE_TYPE,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _with_shares(frame: pl.DataFrame, pairs: list[tuple[str, str]], total: Decimal) -> pl.DataFrame:
    cols = [
        pl.Series(out, [share(v, total) for v in frame.get_column(src)], dtype=_SHARE_TYPE)
        for src, out in pairs
    ]
    return frame.with_columns(cols) if cols else frame


def _category_sum(cats: pl.DataFrame, column: str, names: tuple[str, ...]) -> Decimal:
    return money_sum(cats.filter(pl.col("category").is_in(names)).get_column(column))


def top_line(totals: dict[str, Any], cats: pl.DataFrame) -> dict[str, Any]:
    """Return the top-line figures (see `TOP_LINE`) from a period's totals and its risk
    categories."""
    total = totals["spend_usd"]
    high = _category_sum(cats, "inherent_usd", HIGH_RISK)
    residual_high = _category_sum(cats, "residual_usd", HIGH_RISK)
    not_assessable = _category_sum(cats, "inherent_usd", ("Not assessable",))
    return {
        "total_usd": total,
        "lines": totals["count_lines"],
        "contracts": totals["count_contracts"],
        "suppliers": totals["count_suppliers"],
        "high_risk_usd": high,
        "high_risk_share": share(high, total),
        "residual_high_risk_usd": residual_high,
        "residual_high_risk_share": share(residual_high, total),
        "not_assessable_usd": not_assessable,
        "not_assessable_share": share(not_assessable, total),
    }


def breakdowns(
    parts: dict[str, pl.DataFrame], cats: pl.DataFrame, top: dict[str, Any]
) -> dict[str, pl.DataFrame]:
    """Return every published table of one period, keyed as `TABLES`."""
    total = top["total_usd"]
    tables = {
        "by_risk_category": _with_shares(
            cats, [("inherent_usd", "inherent_share"), ("residual_usd", "residual_share")], total
        ),
        "by_country": _by_country(parts["country"]),
        "by_region": _by_region(parts["country"]),
        "by_segment": _by_segment(parts["segment"]),
        "by_method": _by_method(parts["method"]),
        "not_assessable": _not_assessable(parts["country"]),
    }
    for key in ("by_country", "by_region", "by_segment", "by_method", "not_assessable"):
        tables[key] = _with_shares(tables[key], [("spend_usd", "share")], total)
    tables["diligence_coverage"] = _diligence(parts["steps"], top["high_risk_usd"])
    return tables


def step_labels() -> dict[str, str]:
    """Return step key -> label from the risk model (the same labels every page shows)."""
    return risk_model.step_labels(risk_model_path())


def money_sum(series: pl.Series) -> Decimal:
    """Return the sum of a money column in Decimal (nulls count as nothing)."""
    total = Decimal("0.00")
    for value in series:
        if value is not None:
            total += value
    return total


def comparison(
    kind: str, q: Quarter, totals: dict[str, Any] | None, cats: pl.DataFrame, top: dict[str, Any]
) -> Comparison:
    """Return a comparison quarter's top line and its change to the reported one (`top`)."""
    if not totals or totals["count_lines"] == 0:
        return Comparison(kind, q, False)
    values = top_line(totals, cats)
    change: dict[str, Any] = {}
    for key, value in values.items():
        now = top[key]
        if value is None or now is None:
            change[key] = None
        elif key.endswith("_share"):
            change[key] = now - value  # in points of the share (0.0100 = one percentage point)
        else:
            change[key] = now - value
            change[f"{key}_pct"] = share(now - value, value)
    return Comparison(kind, q, True, values, change)


def split_parts(cube: pl.DataFrame) -> dict[str, dict[str, pl.DataFrame]]:
    """Return period -> part -> frame (see `PARTS`) from a combination cube or cells."""
    out = {}
    for period in PERIODS:
        rows = cube.filter(pl.col("period") == period)
        if "part" in rows.columns:
            out[period] = {p: rows.filter(pl.col("part") == p) for p in PARTS}
        else:
            out[period] = dict.fromkeys(PARTS, rows)
    return out
