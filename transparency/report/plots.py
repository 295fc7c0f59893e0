"""The report's charts as Plotly figures, shared by the HTML file and the Quarterly report page.

>>> [title for title, _ in charts(fig)]          # doctest: +SKIP
['Spend by risk category, inherent and after due diligence', 'Spend by region', ...]
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
import polars as pl

from transparency import palette
from transparency.figures import Figures
from transparency.risk.categories import HIGH_GROUP

# The breakdowns drawn as stacked bars: table, label column, title, how many rows at most.
_SPEND_BARS: tuple[tuple[str, str, str, int | None], ...] = (
    ("by_region", "region", "Spend by region", None),
    ("by_country", "country", "Top 15 supplier countries by spend", 15),
    ("by_segment", "segment", "Top 15 UNSPSC segments by spend", 15),
    ("by_method", "method", "Spend by procurement method", None),
)


def charts(fig: Figures) -> list[tuple[str, go.Figure]]:
    """Return the charts as (title, Plotly figure); a chart with nothing to show is left out."""
    out: list[tuple[str, go.Figure]] = []
    category = _category_chart(fig)
    if category is not None:
        out.append(("Spend by risk category, inherent and after due diligence", category))
    for key, label_col, title, limit in _SPEND_BARS:
        frame = fig.tables[key]
        if limit:
            frame = frame.head(limit)
        if frame.is_empty() or not any(frame.get_column("spend_usd").to_list()):
            continue
        out.append((title, _spend_bars(frame, label_col)))
    diligence = _diligence_chart(fig)
    if diligence is not None:
        out.append(("Due diligence on high-risk spend", diligence))
    for _, chart in out:
        chart.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, template="plotly_white")
    return out


def _category_chart(fig: Figures) -> go.Figure | None:
    """Return spend per risk category, inherent and residual side by side; None if no spend."""
    cats = fig.tables["by_risk_category"]
    if not any(v for v in cats.get_column("inherent_usd").to_list()):
        return None
    names = [_chart_label(n) for n in cats.get_column("category").to_list()]
    colours = [
        palette.colour_of(c, n) for n, c in zip(names, palette.frame_colours(cats), strict=True)
    ]
    chart = go.Figure()
    for basis, column in (("Inherent", "inherent_usd"), ("Residual", "residual_usd")):
        chart.add_bar(
            name=basis,
            x=names,
            y=[float(v) for v in cats.get_column(column)],
            marker_color=colours,
            marker_pattern_shape="" if basis == "Inherent" else "/",
            hovertemplate="%{x}: USD %{y:,.2f}<extra>" + basis + "</extra>",
        )
    chart.update_layout(barmode="group", yaxis_title="Spend (USD)", legend_title="Risk")
    return chart


def _spend_bars(frame: pl.DataFrame, label_col: str) -> go.Figure:
    """Return horizontal bars of a breakdown's spend, high-risk and other stacked."""
    labels = [_chart_label(v) for v in frame.get_column(label_col).to_list()[::-1]]
    high = [float(v) for v in frame.get_column("high_risk_usd").to_list()[::-1]]
    rest = [
        float(s - h)
        for s, h in zip(
            frame.get_column("spend_usd").to_list()[::-1],
            frame.get_column("high_risk_usd").to_list()[::-1],
            strict=True,
        )
    ]
    chart = go.Figure()
    chart.add_bar(
        name=HIGH_GROUP,
        y=labels,
        x=high,
        orientation="h",
        marker_color=palette.category_colours()["Very high"],
    )
    chart.add_bar(name="Other", y=labels, x=rest, orientation="h", marker_color=palette.OTHER)
    chart.update_layout(
        barmode="stack",
        xaxis_title="Spend (USD)",
        height=max(300, 28 * len(labels) + 120),
        legend_title="Inherent risk",
        legend_traceorder="normal",
    )
    return chart


def _diligence_chart(fig: Figures) -> go.Figure | None:
    """Return the share of high-risk spend each due-diligence step covers; None if none."""
    dil = fig.tables["diligence_coverage"]
    if not (fig.top["high_risk_usd"] and any(dil.get_column("covered_usd").to_list())):
        return None
    chart = go.Figure()
    chart.add_bar(
        x=[float(v or 0) * 100 for v in dil.get_column("share").to_list()],
        y=[_chart_label(v) for v in dil.get_column("step").to_list()],
        orientation="h",
        marker_color=palette.ACCENT,
        hovertemplate="%{y}: %{x:.2f}%<extra></extra>",
    )
    chart.update_layout(
        xaxis_title="Share of high-risk spend covered (%)",
        xaxis_range=[0, 100],
        yaxis_autorange="reversed",
    )
    return chart


def _chart_label(value: Any) -> str:
    """Return a value for a chart axis, escaped: Plotly reads tags such as <a> in labels."""
    return html.escape(str(value), quote=False)
