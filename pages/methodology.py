"""Methodology: the risk method as it is configured now, its sources and editions, coverage.

Everything here is rendered from `data/risk_model.toml` and the reference files, the same
ones the scoring joins use, so the page cannot drift from the figures.
"""

from __future__ import annotations

import polars as pl
import polars.selectors as cs
import streamlit as st

from transparency import risk
from transparency.app import fmt, setup
from transparency.risk.model import RiskModelError

page = setup("Methodology", filters=False)

try:
    model, ref = risk.load()
    editions = risk.editions()
except RiskModelError as exc:
    st.error(
        "The risk method could not be read, so no risk figures are shown until it is "
        f"fixed:\n\n{exc}",
        icon=":material/error:",
    )
    st.stop()

tables = risk.method_tables(model, ref)
tip_years = editions["tip_years"]

st.write(
    "Every contract line gets a forced-labour risk category from the supplier's country and "
    "what was bought. A category is a **signal for due diligence, not a finding against a "
    "supplier**. The method below is read from the model file "
    f"`{model.path.name}` and the reference files at every start; the figures on every page "
    "are computed from the same files when they are queried."
)
c1, c2, c3, c4 = st.columns(4)
c1.metric("Model", model.version, help=model.name)
c2.metric(
    "TIP report years", f"{tip_years[0]}–{tip_years[-1]}", help=", ".join(map(str, tip_years))
)
c3.metric("DOL list edition", str(editions["dol_edition"]), help=editions["dol_list"])
c4.metric("ILAB findings", str(editions["ilab_findings_year"]))
st.caption(
    f"Method fingerprint `{editions['fingerprint']}` (changes when any of these files changes)."
)

st.header("How a line is scored")
rule = (
    "the latest TIP report, at or before the year of the award date, that places the "
    "supplier's country (if none is that early, its earliest placement)"
    if model.tip_year_rule == "award_year"
    else "the latest TIP report that places the supplier's country, whatever the award date"
)
st.markdown(
    f"""
1. **Country score** ({min(tables["tiers"]["Country score"])}–{model.country_cap}): the tier
   the US *Trafficking in Persons* report gives the supplier's country, from {rule}, plus the
   adjustment for the country's ILAB child-labour findings; capped at {model.country_cap}.
   Partial report years (2022, 2024, 2025: only their complete Watch List and Tier 3 are on
   file) place a country they do not list on Tier 1 or 2: the tier a published statement
   confirms, else its last tier if that was Tier 1 or 2, else Tier 2; the line's drivers say
   which. Years without a table (2016-2019) use the nearest earlier report.
2. **Sector score**: the highest score of the sector groups the line's category code falls in
   (matched at every level: UNSPSC segment, family, class, commodity; CPV division down to
   sub-category), counting only rules in force on the award date; {model.sector_default}
   otherwise.
3. **Listed pair**: when a good on the US DOL list, mapped to the line's category with
   {" or ".join(model.pair_confidences)} confidence, is listed for the supplier's country, the
   pair score is added. A listed pair always lifts the line at least
   {model.pair_min_raise} band(s) above the band it would have without it (up to the top band).
4. **Total** = country + sector + pair, capped at {model.total_cap}; the band it falls in is the
   **inherent** category.
5. **Residual** category: the inherent category lowered by the due-diligence steps on record for
   the supplier that are dated today or earlier and still valid; each kind of step counts once,
   at most {model.max_reduction} band(s) in all, never below {model.bands[0].category}.
6. **Not assessable** when the supplier country is unknown, the category is unknown, or the
   country has no TIP placement. It is never shown as {model.bands[0].category}, and due
   diligence does not change it.
"""
)

left, right = st.columns(2)
with left:
    st.subheader("Country")
    st.dataframe(tables["tiers"], hide_index=True, key="mt_tiers")
    st.dataframe(tables["ilab"], hide_index=True, key="mt_ilab")
with right:
    st.subheader("Sector and listed pairs")
    st.dataframe(tables["sectors"], hide_index=True, key="mt_sectors")
    st.dataframe(tables["pairs"], hide_index=True, key="mt_pairs")

left, right = st.columns([2, 3])
with left:
    st.subheader("Bands")
    # Not assessable has no score range; a dash reads better than "None".
    st.dataframe(
        tables["bands"].with_columns(cs.numeric().cast(pl.String).fill_null("—")),
        hide_index=True,
        key="mt_bands",
    )
with right:
    st.subheader("Due-diligence steps")
    st.dataframe(tables["steps"], hide_index=True, width="stretch", key="mt_steps")

st.header("Sources and editions")
st.dataframe(tables["sources"], hide_index=True, key="mt_sources")
st.dataframe(
    pl.DataFrame(
        [(k.removeprefix("file "), v) for k, v in editions.items() if k.startswith("file ")],
        schema=["File", "List, edition and as-of date (reference_manifest.csv)"],
        orient="row",
    ),
    hide_index=True,
    key="mt_manifest",
)
st.caption(
    f"DOL list: {editions['dol_list']}. Each source's publisher, licence and transformation "
    "are described in `data/reference/SOURCES.md`; the 2021 TIP rows rest on a secondary "
    "compilation cross-checked against the State Department's interim assessment (45 Watch "
    "List countries). A newer complete TIP tier file or DOL edition dropped into "
    "`data/reference/` replaces the list from the next start."
)

with st.expander("Listed goods mapped to UNSPSC and CPV (reviewed mapping, with confidence)"):
    st.dataframe(tables["goods_mapping"], hide_index=True, key="mt_mapping")
with st.expander("High-risk sectors (UK PPN 02/23 / PPN 009 services, UFLPA priority sectors)"):
    st.dataframe(tables["sector_list"], hide_index=True, key="mt_sector_list")
with st.expander("Latest TIP placement per country"):
    st.dataframe(tables["latest_tiers"], hide_index=True, key="mt_latest")

st.header("Coverage")
coverage = page.query_unfiltered("coverage_by_reason")
na = coverage.filter(~coverage["is_assessable"])
share_spend = float(na["share_spend"].sum()) if na.height else 0.0
share_lines = float(na["share_lines"].sum()) if na.height else 0.0
c1, c2 = st.columns(2)
c1.metric("Spend not assessable", fmt.pct(share_spend))
c2.metric("Lines not assessable", fmt.pct(share_lines))
shown = fmt.floats(coverage).select(
    pl.col("reason").alias("Assessment"),
    pl.col("count_lines").alias("Lines"),
    pl.col("spend_usd").alias("Spend (USD)"),
    (pl.col("share_lines") * 100).alias("Share of lines (%)"),
    (pl.col("share_spend") * 100).alias("Share of spend (%)"),
)
st.dataframe(
    shown,
    hide_index=True,
    key="mt_coverage",
    column_config={
        "Spend (USD)": st.column_config.NumberColumn(format="%.2f"),
        "Share of lines (%)": st.column_config.NumberColumn(format="%.1f"),
        "Share of spend (%)": st.column_config.NumberColumn(format="%.1f"),
    },
)
