"""Screening: the review queue of possible list matches, side by side, and the red flags."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from transparency import database
from transparency.app import auth, fmt, setup
from transparency.screening import candidates, decisions, flags

page = setup("Screening", filters=False, connect=False)
page.require_lines()


@st.cache_resource(max_entries=4, show_spinner="Screening suppliers against the lists…")
def _screening(root: str, version: str) -> candidates.Screening:
    con = database.connect(page.store, with_risk=False)
    try:
        return candidates.screen(con)
    finally:
        con.close()


@st.cache_resource(max_entries=4, show_spinner="Computing red flags…")
def _flags(root: str, version: str) -> tuple[pl.DataFrame, dict | None]:
    con = database.connect(page.store, with_risk=True)
    try:
        results = flags.compute(con)
        return flags.summary(results), flags.high_risk_flagged_share(con, results)
    finally:
        con.close()


result = _screening(str(page.store.root), page.version)
queue, flag_tab = st.tabs(["Review queue", "Red flags"])

with queue:
    st.write(
        "Each row is a **possible** match between a supplier and a list entry: a candidate "
        "to review, never a finding. Confirm or dismiss it with a reason; the decision is kept "
        "and not asked again unless the supplier or the list entry changes."
    )
    used = result.coverage.filter("screened")
    st.caption(
        f"Screened {result.suppliers_screened:,} suppliers (USD {result.spend_screened_usd:,.2f}) "
        "against "
        + "; ".join(f"{r['list_title']} ({r['edition']})" for r in used.iter_rows(named=True))
        + ". Not screened: "
        + (", ".join(result.coverage.filter(~pl.col("screened"))["list_title"]) or "none")
        + "."
    )
    waiting = candidates.open_candidates(page.store, result)
    done = candidates.confirmed(page.store, result)
    st.metric("Open candidates", f"{waiting.height:,}")
    if done.height:
        st.subheader("Confirmed matches")
        st.dataframe(
            done.select(
                pl.col("supplier_name").alias("Supplier"),
                pl.col("list_title").alias("List"),
                pl.col("entry_name").alias("Entry"),
                pl.col("score").alias("Score"),
                pl.col("reason").alias("Reason"),
                pl.col("decided_by").alias("Decided by"),
            ),
            hide_index=True,
        )
    if waiting.height:
        labels = {
            r[
                "candidate_id"
            ]: f"{r['score']:.0f} · {r['supplier_name']} ↔ {r['entry_name']} ({r['list_key']})"
            for r in waiting.iter_rows(named=True)
        }
        chosen = st.selectbox("Candidate", list(labels), format_func=labels.get, key="sc_pick")
        cand = waiting.filter(pl.col("candidate_id") == chosen).row(0, named=True)
        st.write(f"Score **{cand['score']:.1f}** (matched on “{fmt.md(cand['matched_name'])}”)")
        ours, theirs = st.columns(2)
        with ours:
            st.markdown("**Our supplier**")
            st.markdown(
                f"- Name: {fmt.md(cand['supplier_name'])}\n"
                f"- Id: {fmt.md(cand['supplier_id'] or '-')}\n"
                f"- Country: {fmt.md(cand['supplier_country'] or 'unknown')}\n"
                f"- Spend: USD {cand['spend_usd']:,.2f} on {cand['lines']:,} lines\n"
                f"- Awards: {cand['first_award']} to {cand['last_award']}"
            )
        with theirs:
            st.markdown(f"**{fmt.md(cand['list_title'])}** (edition {fmt.md(cand['edition'])})")
            details = json.loads(cand["details"] or "{}")
            lines = [
                f"- Name: {fmt.md(cand['entry_name'])}",
                f"- Aliases: {fmt.md('; '.join(cand['aliases']) or '-')}",
                f"- Countries: {fmt.md(', '.join(cand['countries']) or 'not given')}",
                f"- In force: {cand['date_from'] or '-'} to {cand['date_to'] or 'open-ended'}",
            ] + [f"- {fmt.md(k)}: {fmt.md(str(v)[:400])}" for k, v in details.items()]
            st.markdown("\n".join(lines))
        if page.can("screening_decide"):
            with st.form("sc_decide", clear_on_submit=True):
                verdict = st.radio(
                    "Decision", ["Dismiss", "Confirm"], horizontal=True, key="sc_verdict"
                )
                reason = st.text_area("Reason (kept with the decision)", key="sc_reason")
                submitted = st.form_submit_button("Record the decision", key="sc_submit")
            if submitted and auth.permit("screening_decide"):
                try:
                    decisions.add(
                        page.store, cand,
                        decision="confirmed" if verdict == "Confirm" else "dismissed",
                        reason=reason, decided_by=page.identity.email or "local user",
                        role=auth.identity().role,
                    )  # fmt: skip
                except decisions.DecisionError as exc:
                    st.error(fmt.md(exc))
                else:
                    st.success("Decision recorded.")
                    st.rerun()
        else:
            st.info("Your role may view candidates but not decide on them.")
    else:
        st.success("No open candidates.")

with flag_tab:
    summary, share = _flags(str(page.store.root), page.version)
    st.write(
        "Red flags are signals for review, not findings. Definitions, sources and thresholds "
        "are in data/red_flags.toml; a flag whose fields the data lacks is **not computable**, "
        "not zero."
    )
    if share is not None:
        st.metric(
            "High or Very high spend with at least one flag",
            f"{share['share']:.1%}",
            help=f"USD {share['flagged_usd']:,.2f} of USD {share['high_risk_usd']:,.2f}",
        )
    st.dataframe(
        summary.select(
            pl.col("title").alias("Flag"),
            pl.col("status").alias("Status"),
            pl.col("missing_fields").alias("Missing fields"),
            pl.col("flagged").alias("Flagged"),
            pl.col("assessed").alias("Assessed"),
            pl.col("flagged_usd").alias("Flagged spend (USD)"),
        ),
        hide_index=True,
    )
