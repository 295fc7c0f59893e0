"""The dashboard's pages, once: key, title, file, and the least role that may open each.

Navigation (`dashboard.py`), access rules (`transparency.access`), page switching
(`transparency.app.go_to`), the benchmark and the tests all read this one list.

>>> [p.key for p in PAGES][:3]
['overview', 'contracts', 'suppliers']
>>> BY_TITLE["Quarterly report"].path, BY_KEY["data"].least_role
('pages/quarterly_report.py', 'steward')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page: `key` is its file name in pages/ without `.py`, `path` is relative to the repo."""

    key: str
    title: str
    least_role: str
    default: bool = False

    @property
    def path(self) -> str:
        """Return the page file, relative to the repository root."""
        return f"pages/{self.key}.py"


# In navigation order. Viewers see aggregates, analysts line and supplier detail, stewards
# the data itself.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", "viewer", default=True),
    PageSpec("contracts", "Contracts", "analyst"),
    PageSpec("suppliers", "Suppliers", "analyst"),
    PageSpec("screening", "Screening", "analyst"),
    PageSpec("quarterly_report", "Quarterly report", "viewer"),
    PageSpec("data", "Data", "steward"),
    PageSpec("methodology", "Methodology", "viewer"),
)
BY_KEY: dict[str, PageSpec] = {p.key: p for p in PAGES}
BY_TITLE: dict[str, PageSpec] = {p.title: p for p in PAGES}
