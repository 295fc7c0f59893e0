"""Plotly figures for the pages: one colour per risk category, taken from `risk_categories`.

Every function takes a small aggregated Polars frame (already out of DuckDB) and returns
a figure; callers check for empty frames first and say so in words instead.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from transparency import palette
from transparency import quarters as period
from transparency.app.fmt import floats
from transparency.risk.categories import CATEGORIES, HIGH, HIGH_GROUP

# Plotly draws maps from TopoJSON; ours is served by Streamlit (static/topojson/), not a CDN.
TOPOJSON_URL = "/app/static/topojson/"
CONFIG = {"displayModeBar": False}
MAP_CONFIG = {"displayModeBar": False, "topojsonURL": TOPOJSON_URL}
_FONT = {"family": "Source Sans Pro, sans-serif", "size": 13}
# Money ticks in the tiles' style ($500M, $1.5B): Plotly's SI format would write $1.5G.
MONEY_AXIS = {"tickprefix": "$", "exponentformat": "B", "separatethousands": True}


def _layout(fig: go.Figure, height: int = 360) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 32, "b": 8},
        font=_FONT,
        legend_title_text="",
        separators=".,",
    )
    return fig


def category_bars(frame: pl.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Horizontal bars of spend per risk category (rows in category order, Low on top)."""
    df = floats(frame)
    cats = df["risk_category"].to_list()
    fig = go.Figure(
        go.Bar(
            x=df["spend_usd"].to_list(),
            y=cats,
            orientation="h",
            marker_color=[colours.get(c, palette.MISSING) for c in cats],
            customdata=list(
                zip(cats, df["share_of_spend"].to_list(), df["count_lines"].to_list(), strict=True)
            ),
            hovertemplate="<b>%{customdata[0]}</b><br>$%{x:,.2f}<br>"
            "%{customdata[1]:.1%} of spend · %{customdata[2]:,} lines<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(**MONEY_AXIS, title_text="Spend (USD)")
    return _layout(fig, 300)


def world_map(frame: pl.DataFrame, by: str = "spend", colours: dict | None = None) -> go.Figure:
    """Choropleth by supplier country (ISO-3): spend, or (`by="high_share"`) the share of
    spend in the high-risk group, on the same scale as the sector bars."""
    df = floats(frame.filter(pl.col("supplier_country").is_not_null())).with_columns(
        pl.col("country_tier").fill_null("no tier")
    )
    if by == "high_share":
        z = df["high_share"].to_list()
        scale = high_share_scale(colours or {})
        colorbar = {"title": {"text": HIGH_GROUP}, "tickformat": ".0%"}
        limits = {"zmin": 0, "zmax": 1}
    else:
        z = df["spend_usd"].to_list()
        scale = "Blues"
        colorbar = {"title": {"text": "Spend (USD)"}, **MONEY_AXIS}
        limits = {}
    fig = go.Figure(
        go.Choropleth(
            locations=df["supplier_country"].to_list(),
            locationmode="ISO-3",
            z=z,
            **limits,
            colorscale=scale,
            marker_line_color=palette.WHITE,
            marker_line_width=0.5,
            colorbar=colorbar,
            customdata=list(
                zip(
                    df["country_name"].to_list(),
                    df["country_tier"].to_list(),
                    df["high_share"].to_list(),
                    df["main_category"].to_list(),
                    df["region"].to_list(),
                    df["spend_usd"].to_list(),
                    strict=True,
                )
            ),
            hovertemplate="<b>%{customdata[0]}</b> (%{customdata[4]})<br>"
            "Spend $%{customdata[5]:,.2f}<br>"
            "TIP %{customdata[1]}<br>%{customdata[2]:.1%} of spend in " + HIGH_GROUP + "<br>"
            "Most spend: %{customdata[3]}<extra></extra>",
        )
    )
    fig.update_geos(
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor=palette.BORDER,
        projection_type="natural earth",
    )
    return _layout(fig, 380)


def high_share_scale(colours: dict[str, str]) -> list[list]:
    """Return the sequential scale of a high-risk share: none, then High, then Very high."""
    # Sequential, not diverging: 0% is "none of it high-risk", not a category of its own, so
    # it must not wear the Low colour.
    return [
        [0.0, palette.BLANK],
        [0.5, colours.get("High", palette.MISSING)],
        [1.0, colours.get("Very high", palette.MISSING)],
    ]


def sector_bars(frame: pl.DataFrame, colours: dict[str, str], top: int = 15) -> go.Figure:
    """Ranked bars of spend per UNSPSC segment (largest on top), the high-risk part first.

    Replaces a treemap whose small tiles had labels of 4 to 6 px: every label here is in
    the chart font (13 px). Segments past `top` are summed as one bar.
    """
    df = floats(frame).with_columns((pl.col("spend_usd") * pl.col("high_share")).alias("high_usd"))
    segments = (
        df.group_by("segment_label")
        .agg(pl.col("spend_usd").sum(), pl.col("high_usd").sum())
        .sort(["spend_usd", "segment_label"], descending=[True, False])
    )
    if segments.height > top:
        rest = segments.slice(top - 1)
        segments = pl.concat(
            [
                segments.head(top - 1),
                pl.DataFrame(
                    {
                        "segment_label": [f"{rest.height} other sectors"],
                        "spend_usd": [rest["spend_usd"].sum()],
                        "high_usd": [rest["high_usd"].sum()],
                    }
                ),
            ]
        )
    labels = segments["segment_label"].to_list()
    high = segments["high_usd"].to_list()
    total = segments["spend_usd"].to_list()
    other = [t - h for t, h in zip(total, high, strict=True)]
    shares = [h / t if t else 0.0 for h, t in zip(high, total, strict=True)]
    fig = go.Figure(
        [
            go.Bar(
                name=HIGH_GROUP,
                y=labels,
                x=high,
                orientation="h",
                marker_color=colours.get("Very high", palette.MISSING),
                customdata=list(zip(total, shares, strict=True)),
                hovertemplate="<b>%{y}</b><br>$%{x:,.2f} in " + HIGH_GROUP + " "
                "(%{customdata[1]:.1%})<br>of $%{customdata[0]:,.2f}<extra></extra>",
            ),
            go.Bar(
                name="Other categories",
                y=labels,
                x=other,
                orientation="h",
                marker_color=palette.OTHER,
                customdata=total,
                hovertemplate="<b>%{y}</b><br>$%{x:,.2f} in other categories<br>"
                "of $%{customdata:,.2f}<extra></extra>",
            ),
        ]
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(**MONEY_AXIS, title_text="Spend (USD)")
    fig.update_layout(
        barmode="stack", legend={"orientation": "h", "y": -0.18, "traceorder": "normal"}
    )
    return _layout(fig, 120 + 30 * len(labels))


def high_share_by_quarter(inherent: pl.DataFrame, residual: pl.DataFrame) -> pl.DataFrame:
    """Return per quarter the share of spend in the high-risk group, inherent and residual.

    Inputs are rows of `queries/spend_by_quarter_risk.sql` run with each risk basis.
    """

    def share(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return (
            floats(frame)
            .group_by("award_quarter")
            .agg(
                pl.col("spend_usd").filter(pl.col("risk_category").is_in(HIGH)).sum().alias("h"),
                pl.col("spend_usd").sum().alias("t"),
            )
            .select("award_quarter", (pl.col("h") / pl.col("t")).fill_nan(0.0).alias(name))
        )

    return (
        share(inherent, "inherent")
        .join(share(residual, "residual"), on="award_quarter", how="full", coalesce=True)
        .sort("award_quarter")
    )


def high_share_trend(frame: pl.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Lines of the high-risk share per quarter: inherent (solid) and residual (dashed)."""
    present = frame["award_quarter"].to_list()
    quarters = period.span(present[0], present[-1]) if present else []
    fig = go.Figure()
    for name, dash in (("inherent", "solid"), ("residual", "dash")):
        fig.add_trace(
            go.Scatter(
                name=f"{name.capitalize()} risk",
                x=present,
                y=frame[name].to_list(),
                mode="lines+markers",
                line={"color": colours.get("Very high", palette.MISSING), "dash": dash},
                hovertemplate="<b>%{x}</b> · "
                + name
                + "<br>%{y:.1%} of spend in "
                + HIGH_GROUP
                + "<extra></extra>",
            )
        )
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", title_text=f"Share in {HIGH_GROUP}")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=quarters)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return _layout(fig, 300)


def quarter_trend(frame: pl.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Stacked bars of spend per quarter, one colour per risk category."""
    df = floats(frame)
    present = sorted(set(df["award_quarter"].to_list()))
    # Every quarter from the first to the last, so a quarter without spend shows as a gap.
    quarters = period.span(present[0], present[-1]) if present else []
    fig = go.Figure()
    for category in CATEGORIES:
        part = df.filter(pl.col("risk_category") == category)
        if part.height == 0:
            continue
        fig.add_trace(
            go.Bar(
                name=category,
                x=part["award_quarter"].to_list(),
                y=part["spend_usd"].to_list(),
                marker_color=colours.get(category, palette.MISSING),
                customdata=[[category, q] for q in part["award_quarter"].to_list()],
                hovertemplate="<b>%{customdata[1]}</b> · %{customdata[0]}<br>"
                "$%{y:,.2f}<extra></extra>",
            )
        )
    fig.update_yaxes(**MONEY_AXIS, title_text="Spend (USD)")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=quarters)
    fig.update_layout(
        barmode="stack", legend={"orientation": "h", "y": -0.15, "traceorder": "normal"}
    )
    return _layout(fig, 360)
