"""Plotly figures for the pages: one colour per risk category, taken from `risk_categories`.

Every function takes a small aggregated Polars frame (already out of DuckDB) and returns
a figure; callers check for empty frames first and say so in words instead.
"""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from transparency.app.fmt import floats
from transparency.filters import RISK_CATEGORIES

# Okabe-Ito colours (colour-blind safe), "Not assessable" grey; used when the risk
# tables are not installed yet. The risk model's own `risk_categories.colour` wins.
FALLBACK_COLOURS = {
    "Low": "#0072B2",
    "Medium": "#F0E442",
    "High": "#E69F00",
    "Very high": "#D55E00",
    "Not assessable": "#999999",
}
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
    """Horizontal bars of spend per risk category (rows in category order)."""
    df = floats(frame).to_pandas()
    fig = px.bar(
        df,
        x="spend_usd",
        y="risk_category",
        orientation="h",
        color="risk_category",
        color_discrete_map=colours,
        category_orders={"risk_category": list(RISK_CATEGORIES)},
        custom_data=["risk_category", "share_of_spend", "count_lines"],
        labels={"spend_usd": "Spend (USD)", "risk_category": ""},
    )
    fig.update_traces(
        hovertemplate="<b>%{customdata[0]}</b><br>$%{x:,.2f}<br>"
        "%{customdata[1]:.1%} of spend · %{customdata[2]:,} lines<extra></extra>"
    )
    fig.update_layout(showlegend=False)
    fig.update_xaxes(tickprefix="$", tickformat="~s")
    return _layout(fig, 300)


def world_map(frame: pl.DataFrame) -> go.Figure:
    """Choropleth of spend by supplier country (ISO-3), risk shown in the hover."""
    df = floats(frame.filter(pl.col("supplier_country").is_not_null())).to_pandas()
    df["country_tier"] = df["country_tier"].fillna("no tier")
    fig = px.choropleth(
        df,
        locations="supplier_country",
        locationmode="ISO-3",
        color="spend_usd",
        color_continuous_scale="Blues",
        custom_data=["country_name", "country_tier", "high_share", "main_category", "region"],
        labels={"spend_usd": "Spend (USD)"},
    )
    fig.update_traces(
        hovertemplate="<b>%{customdata[0]}</b> (%{customdata[4]})<br>Spend $%{z:,.2f}<br>"
        "TIP %{customdata[1]}<br>%{customdata[2]:.1%} of spend in High + Very high<br>"
        "Most spend: %{customdata[3]}<extra></extra>"
    )
    fig.update_geos(showframe=False, showcoastlines=False, projection_type="natural earth")
    fig.update_coloraxes(colorbar_tickprefix="$", colorbar_tickformat="~s")
    return _layout(fig, 380)


def sector_treemap(frame: pl.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Treemap of spend by UNSPSC segment then family, coloured by share in High + Very high."""
    df = floats(frame).to_pandas()
    scale = [colours.get("Low", "#0072B2"), "#F7F7F7", colours.get("Very high", "#D55E00")]
    fig = px.treemap(
        df,
        path=[px.Constant("All sectors"), "segment_label", "family_label"],
        values="spend_usd",
        color="high_share",
        color_continuous_scale=scale,
        range_color=(0, 1),
        labels={"high_share": "High + Very high"},
    )
    # Segments first; a click on one opens its families (keeps 50+ families readable).
    fig.update_traces(
        maxdepth=2,
        hovertemplate="<b>%{label}</b><br>Spend $%{value:,.2f}<br>"
        "%{color:.1%} in High + Very high<extra></extra>",
    )
    fig.update_coloraxes(colorbar_tickformat=".0%")
    return _layout(fig, 420)


def quarter_trend(frame: pl.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Stacked bars of spend per quarter, one colour per risk category."""
    df = floats(frame).to_pandas()
    fig = px.bar(
        df,
        x="award_quarter",
        y="spend_usd",
        color="risk_category",
        color_discrete_map=colours,
        category_orders={"risk_category": list(RISK_CATEGORIES)},
        custom_data=["risk_category", "award_quarter"],
        labels={"spend_usd": "Spend (USD)", "award_quarter": "Quarter", "risk_category": ""},
    )
    fig.update_traces(
        hovertemplate="<b>%{customdata[1]}</b> · %{customdata[0]}<br>$%{y:,.2f}<extra></extra>"
    )
    fig.update_yaxes(tickprefix="$", tickformat="~s")
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    return _layout(fig, 360)
