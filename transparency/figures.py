"""Quarterly transparency figures: defined once here and in `queries/figures_*.sql`.

`figures(store, "2025Q4")` returns a `Figures`: the top-line numbers, one table per
breakdown (see `TABLES`), due-diligence coverage of high-risk spend, the change against
the previous quarter and the same quarter a year earlier, the reconciliation of every
breakdown against the total (to the cent, in `Decimal`), and the provenance that makes
the figures reproducible (a `fingerprint` over every input).

It raises `NoData` (naming the quarters that have data) for an empty quarter and
`ReconciliationError` when a breakdown does not add up to the total.

>>> fig = figures(Store("data/store"), "2025Q4")       # doctest: +SKIP
>>> fig.total_usd, fig.to_json()["high_risk_share"]    # doctest: +SKIP
(Decimal('1234567.89'), '0.1834')
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from transparency import quarters as quarters_mod
from transparency import sql
from transparency.quarters import Quarter
from transparency.risk import model as risk_model
from transparency.settings import QUERIES_DIR, risk_model_path
from transparency.store import Store

# Bump when the meaning of a figure changes without a query file changing.
DEFINITIONS_VERSION = 1
CENT = Decimal("0.01")
SHARE = Decimal("0.0001")
HIGH_RISK = ("High", "Very high")
CATEGORIES = ("Low", "Medium", "High", "Very high", "Not assessable")

METHOD_LABELS: dict[str | None, str] = {
    "open": "Open",
    "selective": "Selective",
    "limited": "Limited",
    "direct": "Direct award",
    "other": "Other",
    None: "Not stated",
}


class NoData(Exception):
    """The quarter has no contract lines; the message lists the quarters that do."""


class ReconciliationError(Exception):
    """A breakdown does not add up to the total; the message names it and both sums."""


@dataclass(frozen=True)
class Column:
    """One column of a figures table: its key in the data and JSON, label and kind."""

    key: str
    label: str
    kind: str  # text | count | money | share


@dataclass(frozen=True)
class Table:
    """One published table: JSON key, title, columns and what it adds up to."""

    key: str
    title: str
    columns: tuple[Column, ...]
    description: str
    # (money column, count column) pairs that must add up to the quarter's total spend and lines
    reconciles: tuple[tuple[str, str], ...] = ()


def _money(key: str, label: str) -> Column:
    return Column(key, label, "money")


_LINES = Column("count_lines", "Lines", "count")
_SPEND = _money("spend_usd", "Spend (USD)")
_SHARE = Column("share", "Share of spend", "share")
_HIGH = _money("high_risk_usd", "High-risk spend (USD)")

TABLES: tuple[Table, ...] = (
    Table(
        "by_risk_category",
        "Spend by risk category",
        (
            Column("category", "Risk category", "text"),
            _money("inherent_usd", "Spend, inherent risk (USD)"),
            Column("inherent_lines", "Lines, inherent risk", "count"),
            Column("inherent_share", "Share of spend, inherent", "share"),
            _money("residual_usd", "Spend, residual risk (USD)"),
            Column("residual_lines", "Lines, residual risk", "count"),
            Column("residual_share", "Share of spend, residual", "share"),
        ),
        "Spend and contract lines in each risk category. Inherent risk comes from the supplier "
        "country and the sector; residual risk is the inherent risk after the due-diligence "
        "steps recorded for the supplier. Every category is listed, also when it is empty.",
        (("inherent_usd", "inherent_lines"), ("residual_usd", "residual_lines")),
    ),
    Table(
        "by_country",
        "Spend by supplier country",
        (
            Column("country_code", "ISO code", "text"),
            Column("country", "Supplier country", "text"),
            Column("region", "Region", "text"),
            Column("subregion", "Sub-region", "text"),
            _LINES,
            _SPEND,
            _SHARE,
            _HIGH,
        ),
        "Every supplier country with spend in the quarter, with its UN M49 region. Lines whose "
        "supplier country is unknown form one row, 'Unknown'; a country is never guessed.",
        (("spend_usd", "count_lines"),),
    ),
    Table(
        "by_region",
        "Spend by region",
        (Column("region", "Region", "text"), _LINES, _SPEND, _SHARE, _HIGH),
        "Spend by UN M49 region of the supplier country.",
        (("spend_usd", "count_lines"),),
    ),
    Table(
        "by_segment",
        "Spend by UNSPSC segment",
        (
            Column("segment_code", "UNSPSC segment", "text"),
            Column("segment", "Segment title", "text"),
            _LINES,
            _SPEND,
            _SHARE,
            _HIGH,
        ),
        "Spend by UNSPSC segment (the first two digits of the category code). Lines without a "
        "category form one row, 'Unclassified'.",
        (("spend_usd", "count_lines"),),
    ),
    Table(
        "by_method",
        "Spend by procurement method",
        (Column("method", "Procurement method", "text"), _LINES, _SPEND, _SHARE, _HIGH),
        "Spend by procurement method (open, selective, limited, direct award, other).",
        (("spend_usd", "count_lines"),),
    ),
    Table(
        "not_assessable",
        "Coverage: spend that could not be assessed",
        (Column("reason", "Assessment", "text"), _LINES, _SPEND, _SHARE),
        "Spend whose risk could be assessed, and spend that is Not assessable by reason (for "
        "example an unknown supplier country or a missing category). Unknown is never Low.",
        (("spend_usd", "count_lines"),),
    ),
    Table(
        "diligence_coverage",
        "Due diligence on high-risk spend",
        (
            Column("step", "Due-diligence step", "text"),
            Column("count_lines", "High-risk lines covered", "count"),
            _money("covered_usd", "High-risk spend covered (USD)"),
            Column("share", "Share of high-risk spend", "share"),
        ),
        "Of the spend with inherent risk High or Very high, the share whose supplier has each "
        "due-diligence step on record. A supplier may have several steps, so the rows do not "
        "add up; 'Any step' counts each line once.",
    ),
)

TABLE_BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}

# Top-line figures: JSON key -> label, in the order reports show them.
TOP_LINE: dict[str, str] = {
    "total_usd": "Total spend (USD)",
    "lines": "Contract lines",
    "contracts": "Contracts",
    "suppliers": "Suppliers",
    "high_risk_usd": "High-risk spend, inherent (USD)",
    "high_risk_share": "Share of spend in High or Very high risk",
    "residual_high_risk_usd": "High-risk spend after due diligence (USD)",
    "residual_high_risk_share": "Share of spend in High or Very high after due diligence",
    "not_assessable_usd": "Spend not assessable (USD)",
    "not_assessable_share": "Share of spend not assessable",
}

METHODOLOGY: tuple[tuple[str, str], ...] = (
    (
        "Period",
        "A quarter covers the contract lines whose award date falls in it. Quarters are "
        "calendar quarters unless a fiscal year starting in another month is set; a fiscal "
        "year is named for the calendar year in which it ends. The dates are stated above.",
    ),
    (
        "Spend",
        "The line amount converted to US dollars at the monthly rate of the award month; each "
        "line records which rates table its rate came from. Sums are exact to the cent.",
    ),
    (
        "Counts",
        "Contract lines as imported; contracts are distinct contract ids; suppliers are "
        "distinct supplier ids, or supplier names where an export gives no id.",
    ),
    (
        "Risk categories",
        "Each line is scored from its supplier country and its sector by the risk model "
        "(data/risk_model.toml) against the reference editions listed under provenance. Lines "
        "whose country or category is unknown are Not assessable, never Low. Inherent risk is "
        "before, residual risk after the due diligence recorded for the supplier.",
    ),
    (
        "High-risk share",
        "Spend with inherent risk High or Very high divided by total spend. A risk flag is a "
        "signal for due diligence, not a finding against a supplier.",
    ),
    (
        "Change",
        "Each top-line figure is compared with the previous quarter and with the same quarter "
        "one year earlier, when that quarter has data.",
    ),
    (
        "Reconciliation",
        "Every breakdown (risk category, country, region, segment, method, assessment) adds up "
        "to the total spend and line count to the cent; the figures are not published "
        "otherwise. The total spend and line count are read from the contract lines as "
        "imported, apart from the risk scoring, so a line that scoring dropped, duplicated or "
        "changed would show as a difference.",
    ),
    (
        "Reproducibility",
        "The fingerprint is a SHA-256 over the quarter, the content hashes of the batches "
        "used, the risk model, the reference editions, the due-diligence steps in force and the "
        "query files that define these figures. The same inputs give the same figures and "
        "the same fingerprint.",
    ),
)


@dataclass(frozen=True)
class Check:
    """One reconciliation: a breakdown's sums against the quarter's totals."""

    table: str
    column: str
    expected_usd: Decimal
    actual_usd: Decimal
    expected_lines: int
    actual_lines: int

    @property
    def ok(self) -> bool:
        return self.expected_usd == self.actual_usd and self.expected_lines == self.actual_lines


@dataclass
class Comparison:
    """Top-line figures of a comparison quarter and the change to the reported one."""

    kind: str  # previous_quarter | year_earlier
    quarter: Quarter
    has_data: bool
    values: dict[str, Any] = field(default_factory=dict)
    change: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figures:
    """The transparency figures of one quarter (see the module docstring)."""

    quarter: Quarter
    top: dict[str, Any]
    tables: dict[str, pl.DataFrame]
    comparisons: list[Comparison]
    checks: list[Check]
    provenance: dict[str, Any]
    # Where the breakdowns were summed from: "lines" (scored lines) or "cells" (the page
    # cache's pre-aggregated cells, see `_cells_ready`). Not published: the figures are equal.
    source: str = "lines"

    @property
    def total_usd(self) -> Decimal:
        return self.top["total_usd"]

    @property
    def fingerprint(self) -> str:
        return self.provenance["fingerprint"]

    @property
    def reconciled(self) -> bool:
        return all(c.ok for c in self.checks)

    def reconciliation_statement(self) -> str:
        """Return the sentence reports print about the reconciliation."""
        return (
            f"Reconciled: each of the {len(self.checks)} breakdown sums equals the total spend "
            f"of USD {format_money(self.total_usd)} and the {self.top['lines']:,} contract lines, "
            "to the cent."
        )

    def display(self, key: str) -> pl.DataFrame:
        """Return table `key` with human column labels, in the published column order."""
        table = TABLE_BY_KEY[key]
        frame = self.tables[key]
        return frame.select([pl.col(c.key).alias(c.label) for c in table.columns])

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data: money as strings with two decimals.

        Shares are strings too: fractions of 1 with four decimals ("0.1834" is 18.34%).
        """
        out: dict[str, Any] = {
            "quarter": self.quarter.label,
            "period": {
                "start": self.quarter.start.isoformat(),
                "end": self.quarter.last_day.isoformat(),
                "fiscal_year_start_month": self.quarter.start_month,
            },
        }
        out.update({k: _json_value(v) for k, v in self.top.items()})
        for table in TABLES:
            out[table.key] = [
                {k: _json_value(v) for k, v in row.items()}
                for row in self.tables[table.key].to_dicts()
            ]
        out["change"] = {
            c.kind: {
                "quarter": c.quarter.label,
                "has_data": c.has_data,
                **{k: _json_value(v) for k, v in c.values.items()},
                "change": {k: _json_value(v) for k, v in c.change.items()},
            }
            for c in self.comparisons
        }
        out["reconciliation"] = {
            "reconciled": self.reconciled,
            "checks": [
                {
                    "table": c.table,
                    "column": c.column,
                    "sum_usd": _json_value(c.actual_usd),
                    "sum_lines": c.actual_lines,
                    "total_usd": _json_value(c.expected_usd),
                    "total_lines": c.expected_lines,
                    "matches": c.ok,
                }
                for c in self.checks
            ],
        }
        out["fingerprint"] = self.fingerprint
        out["provenance"] = {k: v for k, v in self.provenance.items() if k != "fingerprint"}
        return out


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Quarter):
        return value.label
    return value


def format_money(value: Decimal | None) -> str:
    """Return money with thousands separators and two decimals: '1,234.50'."""
    if value is None:
        return ""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def format_share(value: Decimal | None) -> str:
    """Return a share as a percentage with two decimals: '18.34%'."""
    if value is None:
        return "n/a"
    return f"{(value * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"


def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """Return part / whole rounded to four decimals, or None when whole is zero.

    >>> share(Decimal("1"), Decimal("3"))
    Decimal('0.3333')
    """
    if part is None or not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE, rounding=ROUND_HALF_UP)


# --- quarters with data --------------------------------------------------------------


def available_quarters(
    con: duckdb.DuckDBPyConnection, *, start_month: int | None = None
) -> list[Quarter]:
    """Return the quarters that have contract lines, oldest first."""
    months = sql.run(con, "figures_quarters_available")
    found = {quarters_mod.of(m, start_month=start_month) for m in months.get_column("month")}
    return sorted(found)


def describe_quarters(found: list[Quarter]) -> str:
    """Return quarters as ranges of consecutive quarters: '2024Q1 to 2024Q4, 2025Q2'."""
    if not found:
        return "none (the store has no contract lines)"
    runs: list[list[Quarter]] = [[found[0]]]
    for q in found[1:]:
        if runs[-1][-1].next() == q:
            runs[-1].append(q)
        else:
            runs.append([q])
    return ", ".join(r[0].label if len(r) == 1 else f"{r[0].label} to {r[-1].label}" for r in runs)


# --- computing the figures ------------------------------------------------------------

PERIODS = ("quarter", "previous_quarter", "year_earlier")
_MONEY = pl.Decimal(38, 2)
_SHARE_TYPE = pl.Decimal(38, 4)
_METHOD_ORDER = {m: i for i, m in enumerate(("open", "selective", "limited", "direct", "other"))}


def _params(q: Quarter) -> dict[str, Any]:
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
    """Return lines, spend and high-risk spend (inherent High or Very high) per `keys`."""
    high = pl.col("inherent_category").is_in(HIGH_RISK)
    return frame.group_by(keys).agg(
        pl.col("count_lines").sum().cast(pl.Int64),
        pl.col("spend_usd").sum().cast(_MONEY),
        pl.col("spend_usd").filter(high).sum().fill_null(0).cast(_MONEY).alias("high_risk_usd"),
    )


def _first(column: str) -> pl.Expr:
    return pl.col(column).drop_nulls().first()


def _by_risk_category(cube: pl.DataFrame, categories: pl.DataFrame) -> pl.DataFrame:
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
    order = [_METHOD_ORDER.get(m, len(_METHOD_ORDER)) for m in sums["procurement_method"]]
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
    found[None] = (int(covered["count_lines"].sum() or 0), _sum(covered["spend_usd"]))
    labels = _step_labels()
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
    return _sum(cats.filter(pl.col("category").is_in(names)).get_column(column))


def _top_line(totals: dict[str, Any], cats: pl.DataFrame) -> dict[str, Any]:
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


# The parts of a cube: each breakdown reads one. From the lines, every part is the whole
# combination cube; from the page cache's cells (figures_spend_by_cell), each part holds the
# columns its breakdowns need and adds up to the period's lines on its own.
PARTS = ("country", "segment", "method", "steps")


def _breakdowns(
    parts: dict[str, pl.DataFrame], cats: pl.DataFrame, top: dict[str, Any]
) -> dict[str, pl.DataFrame]:
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


def _step_labels() -> dict[str, str]:
    """Return step key -> label from the risk model (the same labels every page shows)."""
    return risk_model.step_labels(risk_model_path())


def reconcile(top: dict[str, Any], tables: dict[str, pl.DataFrame]) -> list[Check]:
    """Return one check per breakdown column pair and per high-risk column.

    Every breakdown must add up to the total spend and line count; every high-risk column
    must add up to the high-risk spend of the risk-category table.
    """
    checks = []
    for table in TABLES:
        frame = tables[table.key]
        for money, count in table.reconciles:
            checks.append(
                Check(
                    table.key,
                    money,
                    top["total_usd"],
                    _sum(frame.get_column(money)),
                    top["lines"],
                    int(frame.get_column(count).sum() or 0),
                )
            )
        if "high_risk_usd" in frame.columns:
            high_lines = int(
                tables["by_risk_category"]
                .filter(pl.col("category").is_in(HIGH_RISK))
                .get_column("inherent_lines")
                .sum()
                or 0
            )
            # Line counts are not broken down by risk here; the spend must still match.
            checks.append(
                Check(
                    table.key,
                    "high_risk_usd",
                    top["high_risk_usd"],
                    _sum(frame.get_column("high_risk_usd")),
                    high_lines,
                    high_lines,
                )
            )
    return checks


def _sum(series: pl.Series) -> Decimal:
    total = Decimal("0.00")
    for value in series:
        if value is not None:
            total += value
    return total


def _comparison(
    kind: str, q: Quarter, totals: dict[str, Any] | None, cats: pl.DataFrame, top: dict[str, Any]
) -> Comparison:
    if not totals or totals["count_lines"] == 0:
        return Comparison(kind, q, False)
    values = _top_line(totals, cats)
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


def _risk_provenance() -> dict[str, Any]:
    """Return the risk model hash and reference editions, from `transparency.risk`."""
    from transparency import risk

    model_hash = None
    fn: Callable[[], Any] | None = getattr(risk, "model_fingerprint", None)
    if fn is not None:
        model_hash = str(fn())
    else:
        path = risk_model_path()
        if path.exists():
            model_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    editions: Any = None
    ed = getattr(risk, "editions", None)
    if ed is not None:
        # The editions follow from the model and reference files, which the hash covers;
        # reading the reference files again costs more than the rest of the figures.
        cached = _EDITIONS.get(model_hash) if model_hash else None
        if cached is None:
            editions = ed()
            if isinstance(editions, pl.DataFrame):
                editions = editions.to_dicts()
            cached = _plain(editions)
            if model_hash:
                _EDITIONS.clear()
                _EDITIONS[model_hash] = cached
        editions = json.loads(json.dumps(cached))  # a copy: callers may change theirs
    return {"risk_model_hash": model_hash, "reference_editions": editions}


_EDITIONS: dict[str, Any] = {}  # risk model hash -> its reference editions (one entry)


def _plain(value: Any) -> Any:
    """Return `value` as JSON-safe plain data (so it can be hashed and published)."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def _diligence_hash(store: Store, today: date) -> str | None:
    """Return a hash of the due-diligence steps in force today (what residual risk uses).

    Only (supplier, step) pairs in force count, so appending a record that changes no
    residual category leaves the fingerprint as it was.
    """
    try:
        from transparency.risk import diligence
    except ImportError:
        return None
    frame = diligence.records(store)
    if frame.is_empty():
        return None
    active = (
        frame.filter(
            (pl.col("step_date") <= today)
            & (pl.col("valid_until").is_null() | (pl.col("valid_until") >= today))
        )
        .select("supplier_id", "supplier_name", "step")
        .unique()
        .sort("supplier_id", "supplier_name", "step", nulls_last=True)
    )
    return hashlib.sha256(active.write_csv().encode("utf-8")).hexdigest()


def definitions_hash(folder: Path = QUERIES_DIR) -> str:
    """Return a hash of the query files that define the figures (a change changes every figure)."""
    digest = hashlib.sha256(f"v{DEFINITIONS_VERSION}".encode())
    for path in sorted(Path(folder).glob("figures_*.sql")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _page_cache_ready(store: Store) -> bool:
    """Return True when the page cache file of the store's current data version exists and
    was written today (`database.connect_for_pages` then only attaches it).

    Only today's: the residual categories in it count the due-diligence steps in force on
    the day it was built, and the figures count those in force today.
    """
    from transparency import database

    try:
        written = datetime.fromtimestamp(database.page_cache_path(store).stat().st_mtime).date()
    except OSError:
        return False
    return written == date.today()  # the local day, as DuckDB's current_date


def score_periods(con: duckdb.DuckDBPyConnection, store: Store, q: Quarter) -> None:
    """Restrict `contract_lines` on `con` to `q` and its two comparison quarters, then score them.

    For a connection opened without risk (`database.connect(store, with_risk=False)`): a
    line's risk depends only on its own columns and its supplier's due diligence, so scoring
    the three quarters' lines gives the same categories as scoring the whole store, at a
    fraction of the cost (the report needs 3 of, say, 12 quarters). The filter is a bound
    expression on the Parquet scan, so no value is pasted into SQL.
    """
    from transparency import risk

    column = duckdb.ColumnExpression("award_date")
    condition: Any = None
    for period in (q, q.previous(), q.year_earlier()):
        within = (column >= duckdb.ConstantExpression(period.start)) & (
            column < duckdb.ConstantExpression(period.end)
        )
        condition = within if condition is None else condition | within
    con.read_parquet(store.batch_files()).filter(condition).create_view(
        "contract_lines", replace=True
    )
    risk.install(con, store)


def _no_data(con: duckdb.DuckDBPyConnection, q: Quarter) -> None:
    found = available_quarters(con, start_month=q.start_month)
    raise NoData(
        f"No contract lines were awarded in {q.describe()}. "
        f"Quarters with data: {describe_quarters(found)}."
    )


def _parts(cube: pl.DataFrame) -> dict[str, dict[str, pl.DataFrame]]:
    """Return period -> part -> frame (see `PARTS`) from a combination cube or cells."""
    out = {}
    for period in PERIODS:
        rows = cube.filter(pl.col("period") == period)
        if "part" in rows.columns:
            out[period] = {p: rows.filter(pl.col("part") == p) for p in PARTS}
        else:
            out[period] = dict.fromkeys(PARTS, rows)
    return out


# The page tables the cells path reads (`transparency.rollup`, `database.connect_for_pages`).
_CELL_TABLES = frozenset(
    (
        "lines_rollup",
        "lines_rollup_country",
        "lines_rollup_family",
        "supplier_cells",
        "imported_days",
        "page_supplier_keys",
        "page_lines",
        "risk_countries",
        "risk_diligence_steps",
    )
)


def _cells_ready(con: duckdb.DuckDBPyConnection, q: Quarter) -> bool:
    """Return True when the figures of `q` can be summed from the page tables' cells.

    The cells are per calendar quarter (`award_quarter`), so `q` and its comparison
    quarters must be calendar quarters (a fiscal year starting in January); a fiscal year
    starting in another month reads the lines. The connection must hold the page tables
    (`database.connect_for_pages`, or `rollup.install` over its scored lines).
    """
    if q.start_month != 1:
        return False
    names = con.cursor().sql(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and table_catalog = current_database()"
    )
    return _CELL_TABLES <= {name for (name,) in names.fetchall()}


def _totals_and_cells(
    con: duckdb.DuckDBPyConnection, q: Quarter, params: dict[str, Any]
) -> tuple[dict[str, Any], pl.DataFrame]:
    """Return the totals per period (as `figures_totals_by_period`) and the cells of
    `figures_spend_by_cell`, from a connection with the page tables.

    Why the reconciliation still proves that no line is lost: the line count and spend of
    each period are read from `imported_days`, summed from `contract_lines` (the lines as
    imported) when the page cache was built, apart from the scored lines. The total is that
    imported spend, and every breakdown is summed from the scored cells and must match it
    to the cent and the line, so a line that scoring or the cache build dropped, doubled or
    changed refuses the figures.
    Distinct contracts and suppliers, which no breakdown reconciles against, are counted
    over the cache's whole-number keys instead of the ids' text.
    """
    cell_params = {
        **params,
        "quarter": q.label,
        "previous": q.previous().label,
        "year_earlier": q.year_earlier().label,
    }
    # The distinct counts (the largest of the three) on their own cursor beside the line
    # counts and the cells: each alone mostly keeps one core busy.
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(sql.run, con, "figures_counts_by_period", cell_params)
    pool.shutdown(wait=False)
    try:
        lines = sql.run(con, "figures_lines_by_period", params)
        cells = sql.run(con, "figures_spend_by_cell", cell_params)
    finally:
        counts = {r["period"]: r for r in pending.result().to_dicts()}
    totals: dict[str, Any] = {}
    for row in lines.to_dicts():
        found = counts.get(row["period"], {})
        imported = row.pop("imported_usd")
        totals[row["period"]] = {
            **row,
            "spend_usd": imported if imported is not None else Decimal("0.00"),
            "count_contracts": found.get("count_contracts", 0),
            "count_suppliers": found.get("count_suppliers", 0),
            "batch_ids": found.get("batch_ids") or [],
        }
    return totals, cells


def figures(
    store: Store,
    quarter: str | Quarter,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    start_month: int | None = None,
    now: datetime | None = None,
) -> Figures:
    """Compute the figures of `quarter` from `store` (or from `con`, a connection over it).

    Raises `NoData` for a quarter without lines, `ReconciliationError` if a breakdown
    does not add up, and `quarters.QuarterError` for a malformed quarter.
    """
    q = (
        quarter
        if isinstance(quarter, Quarter)
        else quarters_mod.parse(quarter, start_month=start_month)
    )
    own_connection = con is None
    if con is None:
        from transparency import database

        if _page_cache_ready(store):
            # The dashboard scored every line already (today): attaching its file costs
            # less than scoring the three quarters here.
            con = database.connect_for_pages(store)
            own_connection = False
        else:
            con = database.connect(store, with_risk=False)
    params = _params(q)
    source = "lines"
    if not own_connection and _cells_ready(con, q):
        totals, cube = _totals_and_cells(con, q, params)
        source = "cells"
        if "quarter" not in totals:
            _no_data(con, q)
    else:
        pending = None
        if not own_connection:
            # The lines are scored already: the cube (scored lines) runs on its own cursor
            # while the totals read the Parquet files; neither keeps both cores busy alone.
            pool = ThreadPoolExecutor(max_workers=1)
            pending = pool.submit(sql.run, con, "figures_spend_by_combination", params)
            pool.shutdown(wait=False)
        totals = {
            r["period"]: r for r in sql.run(con, "figures_totals_by_period", params).to_dicts()
        }
        if "quarter" not in totals:
            if pending is not None:
                pending.result()  # finish with the connection before the next query
            _no_data(con, q)
        if own_connection:
            score_periods(con, store, q)
        if pending is not None:
            cube = pending.result()
        else:
            cube = sql.run(con, "figures_spend_by_combination", params)
    categories = sql.run(con, "figures_colour_by_risk_category")
    parts = _parts(cube)
    cats = _by_risk_category(parts["quarter"]["country"], categories)
    top = _top_line(totals["quarter"], cats)
    tables = _breakdowns(parts["quarter"], cats, top)
    checks = reconcile(top, tables)
    failed = [c for c in checks if not c.ok]
    if failed:
        detail = "; ".join(
            f"{c.table}.{c.column}: USD {c.actual_usd} in {c.actual_lines} lines against "
            f"USD {c.expected_usd} in {c.expected_lines}"
            for c in failed
        )
        raise ReconciliationError(f"The figures for {q.label} do not reconcile: {detail}.")

    comparisons = [
        _comparison(
            kind,
            other,
            totals.get(kind),
            _by_risk_category(parts[kind]["country"], categories),
            top,
        )
        for kind, other in (("previous_quarter", q.previous()), ("year_earlier", q.year_earlier()))
    ]
    batch_ids = {bid for row in totals.values() for bid in row["batch_ids"]}

    manifest = {b.batch_id: b for b in store.batches()}
    batches = [
        {
            "batch_id": bid,
            "source_file": manifest[bid].source_file if bid in manifest else None,
            "content_hash": manifest[bid].content_hash if bid in manifest else None,
            "imported_at": manifest[bid].imported_at if bid in manifest else None,
            "is_demo": manifest[bid].is_demo if bid in manifest else None,
        }
        for bid in sorted(batch_ids)
    ]
    risk_info = _risk_provenance()
    generated = now or datetime.now(UTC)
    inputs = {
        "quarter": q.label,
        "start": q.start.isoformat(),
        "end": q.end.isoformat(),
        "fiscal_year_start_month": q.start_month,
        # content, not batch ids: the same files imported again give the same fingerprint
        "batch_content": sorted(str(b["content_hash"]) for b in batches),
        "risk_model_hash": risk_info["risk_model_hash"],
        "reference_editions": risk_info["reference_editions"],
        "diligence_records_hash": _diligence_hash(store, generated.date()),
        "definitions_hash": definitions_hash(),
    }
    fingerprint = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode("utf-8")).hexdigest()
    provenance = {
        "fingerprint": fingerprint,
        "batches": batches,
        "is_demo": bool(batches) and all(b["is_demo"] for b in batches),
        **risk_info,
        "diligence_records_hash": inputs["diligence_records_hash"],
        "definitions_hash": inputs["definitions_hash"],
        "generated_at": generated.isoformat(timespec="seconds"),
    }
    return Figures(q, top, tables, comparisons, checks, provenance, source)
