"""Overview: how much spend sits in each risk category, where, in which sectors, and the trend."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import streamlit as st

from transparency import quarters
from transparency.app import charts, fmt, setup, sidebar
from transparency.risk.categories import HIGH, HIGH_GROUP

page = setup("Overview")
page.require_lines()
f = page.filters
basis = "residual" if f.risk_basis == "residual" else "inherent"


# Selection widgets get a fresh key after each jump, so coming back never replays a click.
nav = st.session_state.setdefault("ov_nav", 0)
K_CAT, K_MAP, K_TREND, K_TOP = (f"ov_{name}_{nav}" for name in ("cat", "map", "trend", "top"))


def narrow_to_contracts(**changes: object) -> None:
    """Narrow the filters and go to the matching contracts."""
    sidebar.set_filters(sidebar.current().narrowed(**changes))
    st.session_state["goto"] = "contracts"
    st.session_state["ov_nav"] = nav + 1


def _selected_points(key: str) -> list[dict]:
    state = st.session_state.get(key)
    try:
        return list(state["selection"]["points"])
    except (KeyError, TypeError):
        return []


def on_category_click() -> None:
    points = _selected_points(K_CAT)
    cats = [p["customdata"][0] for p in points if p.get("customdata")]
    if cats:
        narrow_to_contracts(categories=cats)


def on_country_click() -> None:
    points = _selected_points(K_MAP)
    codes = [p["location"] for p in points if p.get("location")]
    if codes:
        narrow_to_contracts(countries=codes)


def on_trend_click() -> None:
    points = _selected_points(K_TREND)
    if points and points[0].get("customdata"):
        category, quarter = points[0]["customdata"][0], points[0]["customdata"][1]
        narrow_to_contracts(quarter_from=quarter, quarter_to=quarter, categories=[category])


def on_supplier_click() -> None:
    state = st.session_state.get(K_TOP)
    rows = state["selection"]["rows"] if state else []
    keys = st.session_state.get("ov_top_keys", [])
    if rows and rows[0] < len(keys):
        st.session_state["supplier_key"] = keys[rows[0]]
        st.session_state["goto"] = "suppliers"
        st.session_state["goto_params"] = {"supplier": keys[rows[0]]}
        st.session_state["ov_nav"] = nav + 1


latest = page.query_unfiltered("latest_award_date")["latest_award_date"][0]
batches = page.store.batches()
last_import = max((datetime.fromisoformat(b.imported_at) for b in batches), default=None)
st.caption(
    f"Data as of {latest.isoformat() if latest else '–'} (latest award date); last import "
    f"{last_import.astimezone(UTC).strftime('%Y-%m-%d %H:%M UTC') if last_import else '–'}."
)
kpis = page.query("kpis_for_period").row(0, named=True)
if kpis["count_lines"] == 0:
    st.info(
        "No contract lines match the filters. Widen the period or clear some filters in the "
        "sidebar."
    )
    st.stop()

trend = page.query("spend_by_quarter_risk")
last_quarter = f.quarter_to or trend.get_column("award_quarter").max()
delta = None
spend: dict = {}
delta_help = "No earlier quarter to compare with."
if last_quarter:
    previous = quarters.before(last_quarter)
    pair = page.query("spend_by_quarter", quarter_from=previous, quarter_to=last_quarter)
    spend = dict(zip(pair["award_quarter"].to_list(), pair["spend_usd"].to_list(), strict=True))
    change = fmt.change(spend.get(last_quarter), spend.get(previous))
    delta = f"{change} vs {previous}" if change else None
    delta_help = (
        f"Spend in {last_quarter} ({fmt.usd(spend.get(last_quarter, 0))}) against "
        f"{previous} ({fmt.usd(spend.get(previous, 0))}), same filters."
    )

total = kpis["total_usd"]
high_share = float(kpis["high_usd"]) / float(total) if total else 0.0
# Tiles of a fixed width in a wrapping row: at 1280 px they take two lines instead of
# cutting "$555.8M" to "$555.…".
tiles = st.container(horizontal=True, wrap=True)
TILE = {"border": True, "width": 190}
tiles.metric("Total spend (USD)", fmt.usd_compact(total), help=fmt.usd(total), **TILE)
tiles.metric(
    HIGH_GROUP,
    fmt.pct(high_share),
    help=f"Share of spend in {HIGH_GROUP} {basis} risk: "
    f"{fmt.usd(kpis['high_usd'])} of {fmt.usd(total)}",
    **TILE,
)
tiles.metric(
    f"Spend in {last_quarter}" if last_quarter else "Change against previous quarter",
    fmt.usd_compact(spend.get(last_quarter)) if last_quarter else "–",
    delta=delta,
    delta_color="off",
    help=delta_help,
    **TILE,
)
tiles.metric("Contracts", fmt.count(kpis["count_contracts"]), **TILE)
tiles.metric("Suppliers", fmt.count(kpis["count_suppliers"]), **TILE)
# Links to line detail only for roles that may see it (a viewer's click says so instead).
if page.may_open("contracts"):
    st.button(
        f"Show the {HIGH_GROUP} contracts",
        key="ov_high_button",
        on_click=narrow_to_contracts,
        kwargs={"categories": list(HIGH)},
    )

# Is it going down? The question managers ask first, answered before the breakdowns.
st.subheader(f"Share of spend in {HIGH_GROUP}, per quarter")
by_basis = {b: page.query("spend_by_quarter_risk", risk_basis=b) for b in ("inherent", "residual")}
shares = charts.high_share_by_quarter(by_basis["inherent"], by_basis["residual"])
if shares.height:
    st.plotly_chart(
        charts.high_share_trend(shares, page.colours), key="ov_share", config=charts.CONFIG
    )
    first_q, last_q = shares.row(0, named=True), shares.row(-1, named=True)
    st.caption(
        f"Inherent risk from {fmt.pct(first_q['inherent'])} in {first_q['award_quarter']} to "
        f"{fmt.pct(last_q['inherent'])} in {last_q['award_quarter']}; residual risk (after "
        f"the due-diligence steps recorded) from {fmt.pct(first_q['residual'])} to "
        f"{fmt.pct(last_q['residual'])}."
    )

st.caption(
    "A risk category is a signal for due diligence, not a finding against a supplier."
    + (
        " Click a bar or a country to see the contracts behind it."
        if page.may_open("contracts")
        else ""
    )
)

left, right = st.columns([2, 3])
with left:
    st.subheader(f"Spend by {basis} risk category")
    by_category = page.query("spend_by_risk_category")
    st.plotly_chart(
        charts.category_bars(by_category, page.colours),
        key=K_CAT,
        on_select=on_category_click,
        selection_mode="points",
        config=charts.CONFIG,
    )
with right:
    st.subheader("Spend by supplier country")
    map_by = st.radio(
        "Colour countries by",
        ["Spend", f"Share in {HIGH_GROUP}"],
        horizontal=True,
        key="ov_map_by",
        bind="query-params",
    )
    by_country = page.query("spend_by_country")
    known = by_country.filter(pl.col("supplier_country").is_not_null())
    if known.height:
        st.plotly_chart(
            charts.world_map(
                by_country, by="spend" if map_by == "Spend" else "high_share", colours=page.colours
            ),
            key=K_MAP,
            on_select=on_country_click,
            selection_mode="points",
            config=charts.MAP_CONFIG,
        )
    else:
        st.info("None of the matching lines has a known supplier country.")
    unknown = by_country.filter(pl.col("supplier_country").is_null())
    if unknown.height:
        st.caption(
            f"Supplier country unknown: {fmt.usd(unknown['spend_usd'][0])} "
            f"({fmt.count(unknown['count_lines'][0])} lines), shown as Not assessable."
        )

st.subheader(f"Quarterly spend by {basis} risk category")
if trend.height:
    st.plotly_chart(
        charts.quarter_trend(trend, page.colours),
        key=K_TREND,
        on_select=on_trend_click,
        selection_mode="points",
        config=charts.CONFIG,
    )
else:
    st.info("No quarters to show for these filters.")

# Full width, one under the other: at half width the sector labels and the table's
# amounts were cut.
left, right = st.container(), st.container()
with left:
    st.subheader("Spend by sector (UNSPSC segment), largest first")
    sectors = page.query("spend_by_segment_family")
    if sectors.height:
        st.plotly_chart(
            charts.sector_bars(sectors, page.colours),
            key="ov_sectors",
            config=charts.CONFIG,
        )
    else:
        st.info("No sectors to show for these filters.")
with right:
    st.subheader(f"Top suppliers by {HIGH_GROUP} spend")
    top = page.query("top_high_risk_suppliers", limit=10)
    if top.height:
        table = fmt.floats(top).select(
            pl.col("supplier_name").alias("Supplier"),
            pl.col("countries").alias("Country"),
            pl.col("high_usd").alias(HIGH_GROUP),
            pl.col("spend_usd").alias("Total"),
        )
        st.session_state["ov_top_keys"] = top["supplier_key"].to_list()
        st.dataframe(
            table,
            hide_index=True,
            key=K_TOP,
            on_select=on_supplier_click,
            selection_mode="single-row",
            column_config={
                "Supplier": st.column_config.TextColumn(width="medium"),
                "Country": st.column_config.TextColumn(width="small"),
                HIGH_GROUP: st.column_config.NumberColumn(
                    format="dollar", help=f"Spend in {HIGH_GROUP} (USD)"
                ),
                "Total": st.column_config.NumberColumn(
                    format="dollar", help="All spend with this supplier (USD)"
                ),
            },
        )
        if page.may_open("suppliers"):
            st.caption("Select a supplier to open its profile.")
    else:
        st.info(f"No supplier has spend in {HIGH_GROUP} for these filters.")
