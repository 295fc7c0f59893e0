"""What the quarterly figures are: the published tables and columns, the top line, the method.

Also the two errors the figures raise. Nothing here computes; `transparency.figures.compute`
fills these definitions from a connection.

>>> TABLE_BY_KEY["by_region"].columns[0].label
'Region'
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from transparency.risk.categories import HIGH, HIGH_GROUP

# Bump when the meaning of a figure changes without a query file changing.
DEFINITIONS_VERSION = 1
CENT = Decimal("0.01")
SHARE = Decimal("0.0001")
# The high-risk group and the categories: one table, transparency/risk/categories.py.
HIGH_RISK = HIGH

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
        f"Of the spend with inherent risk {HIGH_GROUP}, the share whose supplier has each "
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
    "high_risk_share": f"Share of spend in {HIGH_GROUP} risk",
    "residual_high_risk_usd": "High-risk spend after due diligence (USD)",
    "residual_high_risk_share": f"Share of spend in {HIGH_GROUP} after due diligence",
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
        f"Spend with inherent risk {HIGH_GROUP} divided by total spend. A risk flag is a "
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
