"""The risk categories, once: name, order, label and whether each counts as high risk.

Every screen, chart, export, report and query reads this table: Python through this
module, SQL through the `risk_categories` table built from it (`tables.categories_frame`,
which adds each category's colour and score range from the risk model file). "High risk"
always means the categories flagged `is_high`, named together as `HIGH_GROUP`.

>>> CATEGORIES
('Low', 'Medium', 'High', 'Very high', 'Not assessable')
>>> HIGH, HIGH_GROUP
(('High', 'Very high'), 'High or Very high')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One risk category: its name (as stored), order, label (as shown) and high-risk flag."""

    name: str
    sort_order: int
    label: str
    is_high: bool


TABLE: tuple[Category, ...] = (
    Category("Low", 1, "Low", False),
    Category("Medium", 2, "Medium", False),
    Category("High", 3, "High", True),
    Category("Very high", 4, "Very high", True),
    # A line whose country or sector is unknown is never counted as low risk: it stands apart.
    Category("Not assessable", 5, "Not assessable", False),
)
CATEGORIES: tuple[str, ...] = tuple(c.name for c in TABLE)
NOT_ASSESSABLE = "Not assessable"
# The categories the risk model's score bands name, lowest first.
BANDED: tuple[str, ...] = tuple(c for c in CATEGORIES if c != NOT_ASSESSABLE)
HIGH: tuple[str, ...] = tuple(c.name for c in TABLE if c.is_high)
# The one wording of the high-risk group on screens, in files and in the method text.
HIGH_GROUP = " or ".join(HIGH)
