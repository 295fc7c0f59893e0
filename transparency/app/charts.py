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
from transparency.risk.categories import CATEGORIES, HIGH_GROUP

# Plotly draws maps from TopoJSON; ours is served by Streamlit (static/topojson/), not a CDN.
TOPOJSON_URL = "/app/static/topojson/"
CONFIG = {"displayModeBar": False}
MAP_CONFIG = {"displayModeBar": False, "topojsonURL": TOPOJSON_URL}
_FONT = {"family": "Source Sans Pro, sans-serif", "size": 13}


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
    fig.update_xaxes(tickprefix="$", tickformat="~s", title_text="Spend (USD)")
    return _layout(fig, 300)


def world_map(frame: pl.DataFrame) -> go.Figure:
    """Choropleth of spend by supplier country (ISO-3), risk shown in the hover."""
    df = floats(frame.filter(pl.col("supplier_country").is_not_null())).with_columns(
        pl.col("country_tier").fill_null("no tier")
    )
    fig = go.Figure(
        go.Choropleth(
            locations=df["supplier_country"].to_list(),
            locationmode="ISO-3",
            z=df["spend_usd"].to_list(),
            colorscale="Blues",
            marker_line_color=palette.WHITE,
            marker_line_width=0.5,
            colorbar={"title": {"text": "Spend (USD)"}, "tickprefix": "$", "tickformat": "~s"},
            customdata=list(
                zip(
                    df["country_name"].to_list(),
                    df["country_tier"].to_list(),
                    df["high_share"].to_list(),
                    df["main_category"].to_list(),
                    df["region"].to_list(),
                    strict=True,
                )
            ),
            hovertemplate="<b>%{customdata[0]}</b> (%{customdata[4]})<br>Spend $%{z:,.2f}<br>"
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


def sector_treemap(frame: pl.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Treemap of spend by UNSPSC segment then family, coloured by share in the high-risk group."""
    df = floats(frame).with_columns((pl.col("spend_usd") * pl.col("high_share")).alias("high_usd"))
    segments = (
        df.group_by("segment_code", "segment_label")
        .agg(pl.col("spend_usd").sum(), pl.col("high_usd").sum())
        .with_columns((pl.col("high_usd") / pl.col("spend_usd")).fill_nan(0).alias("high_share"))
    )
    total = sum(segments["spend_usd"].to_list())
    total_high = sum(segments["high_usd"].to_list())
    ids = (
        ["all"]
        + ["seg:" + c for c in segments["segment_code"]]
        + [f"fam:{s}:{f}" for s, f in zip(df["segment_code"], df["family_code"], strict=True)]
    )
    parents = ["", *(["all"] * segments.height)] + ["seg:" + c for c in df["segment_code"]]
    labels = ["All sectors", *segments["segment_label"].to_list(), *df["family_label"].to_list()]
    values = [total, *segments["spend_usd"].to_list(), *df["spend_usd"].to_list()]
    shares = [
        total_high / total if total else 0.0,
        *segments["high_share"].to_list(),
        *df["high_share"].to_list(),
    ]
    # Sequential, not diverging: 0% is "none of it high-risk", not a category of its own, so it
    # must not wear the Low colour.
    scale = [
        [0.0, palette.BLANK],
        [0.5, colours.get("High", palette.MISSING)],
        [1.0, colours.get("Very high", palette.MISSING)],
    ]
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            parents=parents,
            labels=labels,
            values=values,
            branchvalues="total",
            # Segments first; a click on one opens its families (keeps 50+ families readable).
            maxdepth=2,
            marker={
                "colors": shares,
                "colorscale": scale,
                "cmin": 0,
                "cmax": 1,
                "colorbar": {"title": {"text": HIGH_GROUP}, "tickformat": ".0%"},
            },
            hovertemplate="<b>%{label}</b><br>Spend $%{value:,.2f}<br>"
            "%{color:.1%} in " + HIGH_GROUP + "<extra></extra>",
        )
    )
    return _layout(fig, 420)


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
    fig.update_yaxes(tickprefix="$", tickformat="~s", title_text="Spend (USD)")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=quarters)
    fig.update_layout(
        barmode="stack", legend={"orientation": "h", "y": -0.15, "traceorder": "normal"}
    )
    return _layout(fig, 360)
