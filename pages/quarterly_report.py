"""Quarterly report: pick a quarter, check the published figures, download XLSX, HTML, PDF."""

from __future__ import annotations

import polars as pl
import streamlit as st

from transparency import figures as figures_mod
from transparency import quarters, report
from transparency.app import auth, fmt, setup
from transparency.app.connection import connection
from transparency.risk.categories import HIGH_GROUP
from transparency.store import Store

page = setup("Quarterly report", filters=False)
st.caption(
    "The organisation's published transparency figures for one quarter, over all data "
    "(the sidebar filters do not apply). Every breakdown is reconciled to the total, to the cent."
)


@st.cache_data(max_entries=32, show_spinner=False)
def _quarters(store_root: str, version: str, start_month: int) -> list[str]:
    con = connection(store_root, version)
    return [q.label for q in figures_mod.available_quarters(con, start_month=start_month)]


@st.cache_data(max_entries=16, show_spinner="Computing the figures…")
def _figures(store_root: str, version: str, label: str, start_month: int):
    con = connection(store_root, version)
    quarter = quarters.parse(label, start_month=start_month)
    return figures_mod.compute(con, Store(store_root), quarter)


try:
    start_month = quarters.fiscal_year_start()
except quarters.QuarterError as exc:
    st.error(str(exc))
    st.stop()

root = str(page.store.root)
available = _quarters(root, page.version, start_month)
if not available:
    st.info("There is no data yet. Import a purchasing export on the Data page.")
    st.stop()

choices = list(reversed(available))  # latest first
# The quarter lives in the URL as ?quarter=2025Q4: a link opens it, a choice updates it.
linked = st.query_params.get("quarter")
if linked in choices and st.session_state.get("qr_linked") != linked:
    st.session_state["qr_quarter"] = linked
label = st.selectbox(
    "Quarter",
    choices,
    format_func=lambda q: quarters.parse(q, start_month=start_month).describe(),
    key="qr_quarter",
)
st.session_state["qr_linked"] = label
if st.query_params.get("quarter") != label:
    st.query_params["quarter"] = label

try:
    fig = _figures(root, page.version, label, start_month)
except figures_mod.ReconciliationError as exc:
    st.error(f"These figures cannot be published: {exc}")
    st.stop()
except figures_mod.NoData as exc:
    st.info(str(exc))
    st.stop()

st.success(fig.reconciliation_statement(), icon=":material/check_circle:")

previous = fig.comparisons[0]


def _delta(key: str) -> str | None:
    if not previous.has_data:
        return None
    change = previous.change
    if key.endswith("_usd") and change.get(key) is not None:
        # short amounts in the tiles; the tables below carry them to the cent
        sign = "+" if change[key] >= 0 else "-"
        pct = change.get(f"{key}_pct")
        share = f" ({sign}{abs(pct) * 100:.2f}%)" if pct is not None else ""
        return f"{sign}{fmt.usd_compact(abs(change[key]))}{share}"
    return report.change_text(key, change)


# Fixed-width tiles in a wrapping row (as on the Overview): at 1280 px a fifth of the page
# cut "Spend in High or Very high" short.
tiles = st.container(horizontal=True, wrap=True)
cols = [tiles] * 5
cols[0].metric(
    "Total spend (USD)",
    fmt.usd_compact(fig.top["total_usd"]),
    _delta("total_usd"),
    help=f"USD {report.cell_text(fig.top['total_usd'], 'money')}",
    width=190,
)
cols[1].metric("Contract lines", f"{fig.top['lines']:,}", _delta("lines"), width=190)
cols[2].metric("Contracts", f"{fig.top['contracts']:,}", _delta("contracts"), width=190)
cols[3].metric("Suppliers", f"{fig.top['suppliers']:,}", _delta("suppliers"), width=190)
cols[4].metric(
    f"Spend in {HIGH_GROUP}",
    report.cell_text(fig.top["high_risk_share"], "share"),
    _delta("high_risk_share"),
    delta_color="inverse",
    width=230,  # the longest label
)
if previous.has_data:
    st.caption(f"Changes are against {previous.quarter.describe()}.")
else:
    st.caption(f"{previous.quarter.label} has no data, so no change is shown.")

# Every role may download the published figures (aggregates); the check keeps the rule
# in one place (transparency.access).
if page.can("report_download"):
    st.subheader("Download the report")
    names = report.file_names(fig)
    down = st.columns(3)
    down[0].download_button(
        "Workbook (XLSX)",
        data=auth.deferred(page.identity, "report_download", lambda: report.xlsx_bytes(fig)),
        file_name=names["xlsx"],
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="qr_xlsx",
        icon=":material/table_view:",
    )
    down[1].download_button(
        "Web page (HTML, works offline)",
        data=auth.deferred(
            page.identity, "report_download", lambda: report.html_report(fig).encode("utf-8")
        ),
        file_name=names["html"],
        mime="text/html",
        on_click="ignore",
        key="qr_html",
        icon=":material/public:",
    )
    down[2].download_button(
        "Print version (PDF)",
        data=auth.deferred(page.identity, "report_download", lambda: report.pdf_report(fig)),
        file_name=names["pdf"],
        mime="application/pdf",
        on_click="ignore",
        key="qr_pdf",
        icon=":material/picture_as_pdf:",
    )


st.subheader("Top-line figures")
header = report.top_line_header(fig)
rows = report.top_line_rows(fig)
st.dataframe(
    {h: [r[i] for r in rows] for i, h in enumerate(header)},
    hide_index=True,
    width="stretch",
)

for title, chart in report.charts(fig):
    st.subheader(title)
    st.plotly_chart(chart, width="stretch", key=f"qr_chart_{title}")

_FORMATS = {"money": "accounting", "share": "%.2f%%", "count": "localized"}

for table in figures_mod.TABLES:
    st.subheader(table.title)
    st.caption(table.description)
    frame = fig.display(table.key).with_columns(
        # shares as percentages with two decimals, as in the published files
        (pl.col(c.label).cast(pl.Float64) * 100)
        for c in table.columns
        if c.kind == "share"
    )
    config = {
        c.label: st.column_config.NumberColumn(c.label, format=_FORMATS[c.kind])
        for c in table.columns
        if c.kind in _FORMATS
    }
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)

with st.expander("Methodology"):
    for head, body in report.methodology_rows(fig):
        st.markdown(f"**{head}.** {body}")

with st.expander("Provenance"):
    prov = report.provenance_rows(fig)
    st.dataframe(
        {"Item": [k for k, _ in prov], "Value": [v for _, v in prov]},
        hide_index=True,
        width="stretch",
    )
