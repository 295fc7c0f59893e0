"""Suppliers: who we buy from, where, in which sectors and at which risk; profile and diligence."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import polars as pl
import streamlit as st

from transparency.app import auth, charts, fmt, setup, supplier_records, tables
from transparency.app.connection import prepare_in_background
from transparency.risk import diligence
from transparency.risk import model as risk_model
from transparency.risk.categories import HIGH_GROUP
from transparency.risk.model import STEPS

PAGE_SIZE = 50

page = setup("Suppliers")
page.require_lines()
STEP_LABELS = risk_model.step_labels()  # after setup, which reports a broken model in words
f = page.filters
basis = "residual" if f.risk_basis == "residual" else "inherent"

totals = page.query("kpis_for_period").row(0, named=True)
n_suppliers = int(totals["count_suppliers"])
# The profile is drawn here, above the list, once the list's selection is known: a click
# on a row opens it at the top of the page, not below fifty rows.
top = st.container()
rows: list[int] = []

if n_suppliers == 0:
    st.info("No supplier matches the filters. Clear some filters in the sidebar to see more.")
else:
    st.markdown(
        f"**{fmt.count(n_suppliers)}** suppliers with **{fmt.usd(totals['total_usd'])}** of "
        f"matching spend, largest first ({basis} risk shown)."
    )
    pages = max(1, math.ceil(n_suppliers / PAGE_SIZE))
    if st.session_state.get("sp_page", 1) > pages:
        st.session_state["sp_page"] = 1
    page_no = st.number_input(f"Page (of {fmt.count(pages)})", 1, pages, key="sp_page")
    suppliers = page.query(
        "supplier_list", page_size=PAGE_SIZE, page_offset=(int(page_no) - 1) * PAGE_SIZE
    )
    table = fmt.floats(suppliers).select(
        # Risk first, long sector lists last: what a compliance officer scans must fit.
        pl.col("supplier_name").alias("Supplier"),
        pl.col("countries").alias("Countries"),
        pl.col("highest_category").alias("Highest risk"),
        pl.col("high_share").alias(f"Share in {HIGH_GROUP}"),
        pl.col("spend_usd").alias("Spend (USD)"),
        pl.col("count_contracts").alias("Contracts"),
        pl.col("sectors").alias("Sectors"),
    )
    # Between the pager and the table: the table's toolbar floats over this line, not over
    # the pager's buttons.
    st.caption("Select a supplier to open its profile at the top of the page.")
    event = st.dataframe(
        tables.risk_coloured(table, page.colours, "Highest risk"),
        hide_index=True,
        key=f"sp_table_{hash((page.version, f, int(page_no), st.session_state.get('sp_nonce')))}",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Spend (USD)": st.column_config.NumberColumn(format="dollar"),
            f"Share in {HIGH_GROUP}": st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0
            ),
        },
    )
    rows = event.selection.rows if event else []
    if rows:
        st.session_state["supplier_key"] = suppliers["supplier_key"][rows[0]]

# A link with ?supplier=<id or name> opens that profile (also on Back and Forward); the URL
# follows the selection.
if (linked := st.query_params.get("supplier")) and not rows:
    st.session_state["supplier_key"] = linked[:500]
supplier_key = st.session_state.get("supplier_key")
if not supplier_key:
    st.stop()
if st.query_params.get("supplier") != supplier_key:
    st.query_params["supplier"] = supplier_key


def close_profile() -> None:
    st.session_state.pop("supplier_key", None)
    st.query_params.pop("supplier", None)
    st.session_state["sp_nonce"] = st.session_state.get("sp_nonce", 0) + 1


with top:
    profile = page.query_unfiltered("supplier_profile", supplier_key=supplier_key)
    if profile.height == 0:
        st.warning("This supplier is no longer in the store (its import may have been undone).")
        st.stop()
    p = profile.row(0, named=True)

    st.header(fmt.md(p["supplier_name"]))
    st.button("Close this profile", key="sp_close", on_click=close_profile)
    st.caption(
        f"Supplier ID {fmt.md(p['supplier_id'] or 'not given')} · {fmt.md(p['countries'])} · "
        f"awards from {p['first_award_date']} to {p['last_award_date']} · all periods, "
        "sidebar filters not applied."
    )
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        "Spend (USD)", fmt.usd_compact(p["spend_usd"]), help=fmt.usd(p["spend_usd"]), border=True
    )
    m2.metric("Contracts", fmt.count(p["count_contracts"]), border=True)
    m3.metric("Inherent risk (highest)", p["inherent_category"] or "–", border=True)
    m4.metric("Residual risk (highest)", p["residual_category"] or "–", border=True)
    if p["main_drivers"]:
        st.write("**Why:**", fmt.md(p["main_drivers"]))
    st.write("**Sectors:**", fmt.md(p["sectors"]))

    st.subheader(f"Spend over time by {basis} risk category")
    over_time = page.query_unfiltered(
        "spend_by_supplier_quarter", supplier_key=supplier_key, risk_basis=basis
    )
    if over_time.height:
        st.plotly_chart(
            charts.quarter_trend(over_time, page.colours),
            key="sp_trend",
            config=charts.CONFIG,
        )
    else:
        st.info("No spend recorded for this supplier.")

    st.subheader("Contracts")
    contracts = page.query_unfiltered("contracts_for_supplier", supplier_key=supplier_key)
    tables.contracts_table(contracts, "sp_contracts")

    st.subheader("Due-diligence record")
    tables.diligence_table(
        supplier_records(page.store, p["supplier_id"], p["supplier_name"]), "sp_diligence"
    )
    st.caption(
        "The record is append-only: a step cannot be changed or removed, only followed by a "
        "new one. Residual risk counts the steps still valid."
    )

    # Only a steward records steps; the form is not drawn for other roles and the save
    # checks the role again on the server.
    if page.can("diligence"):
        with st.form("sp_add_step", clear_on_submit=True):
            st.markdown("**Record a due-diligence step**")
            a1, a2 = st.columns(2)
            step = a1.selectbox(
                "Step", list(STEPS), format_func=lambda s: STEP_LABELS.get(s, s), key="sp_step"
            )
            recorded_by = a2.text_input(
                "Recorded by", max_chars=200, placeholder="Your name or ID", key="sp_recorded_by"
            )
            b1, b2 = st.columns(2)
            today = datetime.now(UTC).date()
            step_date = b1.date_input(
                "Date of the step", value=today, max_value=today, key="sp_step_date"
            )
            valid_until = b2.date_input("Valid until (optional)", value=None, key="sp_valid_until")
            evidence = st.text_area(
                "Evidence",
                max_chars=2000,
                placeholder="Report number, document reference or link",
                key="sp_evidence",
            )
            submitted = st.form_submit_button("Add step", key="sp_submit")
        if submitted and auth.permit("diligence"):
            try:
                diligence.add(
                    page.store,
                    supplier_id=p["supplier_id"],
                    supplier_name=p["supplier_name"],
                    step=step,
                    recorded_by=recorded_by,
                    step_date=step_date,
                    evidence=evidence,
                    valid_until=valid_until,
                )
            except diligence.DiligenceError as exc:
                field_name, _, message = str(exc).partition(":")
                label = field_name.replace("_", " ").capitalize()
                st.error(f"Not saved. {fmt.md(label)}: {fmt.md(message.strip())}")
            else:
                st.session_state["sp_saved"] = STEP_LABELS.get(step, step)
                # Starts the build now; the rerun's page connection waits for it under a
                # spinner that says what is prepared and for how long.
                prepare_in_background(page.store)
                st.rerun()

    if saved := st.session_state.pop("sp_saved", None):
        st.success(f"Saved: {saved}. It counts towards residual risk from now on.")
    st.divider()
