"""The result of the figures: `Figures` with its checks and comparisons, its JSON, and how
money and shares are written.

>>> format_money(Decimal("1234.5")), format_share(Decimal("0.1834"))
('1,234.50', '18.34%')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from transparency.figures.definitions import CENT, SHARE, TABLE_BY_KEY, TABLES
from transparency.quarters import Quarter


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
    """The transparency figures of one quarter (see `transparency.figures`)."""

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
