"""Contracts: the filtered lines, sorted and paged in DuckDB, with line detail and export."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import streamlit as st

from transparency import export
from transparency.app import auth, fmt, setup, supplier_records, tables

PAGE_SIZE = 50
SORTS = {
    "award_date": "Award date",
    "amount_usd": "Amount (USD)",
    "supplier_name": "Supplier",
    "risk": "Risk category",
    "contract_id": "Contract",
    "country": "Supplier country",
}

page = setup("Contracts")
page.require_lines()
f = page.filters

totals = page.query("kpis_for_period").row(0, named=True)
n_lines = int(totals["count_lines"])
if n_lines == 0:
    st.info("No contract lines match the filters. Clear some filters in the sidebar to see more.")
    st.stop()

st.markdown(
    f"**{fmt.count(n_lines)}** contract lines in **{fmt.count(totals['count_contracts'])}** "
    f"contracts, **{fmt.usd(totals['total_usd'])}** in total "
    f"({'residual' if f.risk_basis == 'residual' else 'inherent'} risk shown)."
)

# Sort, order and page live in the URL (`bind`), so a link or a reload shows the same rows.
c1, c2, c3 = st.columns([2, 1, 1])
sort = c1.selectbox(
    "Sort by", list(SORTS), format_func=SORTS.get, key="ct_sort", bind="query-params"
)
descending = (
    c2.radio(
        "Order",
        ["Descending", "Ascending"],
        horizontal=True,
        key="ct_order",
        bind="query-params",
    )
    == "Descending"
)
pages = max(1, math.ceil(n_lines / PAGE_SIZE))
if st.session_state.get("ct_page", 1) > pages:
    st.session_state["ct_page"] = 1
page_no = c3.number_input(
    f"Page (of {fmt.count(pages)})", 1, pages, key="ct_page", bind="query-params"
)
# Between the controls and the table: the table's toolbar (search, download, full screen)
# floats over the line above it, which is this caption's empty right side, not a button.
st.caption(
    f"Showing lines {fmt.count((int(page_no) - 1) * PAGE_SIZE + 1)}–"
    f"{fmt.count(min(int(page_no) * PAGE_SIZE, n_lines))} of {fmt.count(n_lines)}. "
    "Select a row to see the line in full."
)

rows = page.query(
    "contract_lines_page",
    sort=sort,
    descending=descending,
    page_size=PAGE_SIZE,
    page_offset=(int(page_no) - 1) * PAGE_SIZE,
)
# Amount and risk first: what a compliance officer scans must be on screen at 1280 px.
shown = fmt.floats(rows).select(
    pl.col("amount_usd").alias("Amount (USD)"),
    pl.col("risk_category").alias("Risk category"),
    pl.col("supplier_name").alias("Supplier"),
    pl.col("award_date").alias("Award date"),
    pl.col("country_name").alias("Supplier country"),
    pl.col("contract_id").alias("Contract"),
    pl.col("line_id").alias("Line"),
    pl.col("description").alias("Description"),
    pl.col("segment_title").alias("Sector"),
    pl.col("procurement_method").str.to_titlecase().alias("Method"),
    pl.col("buyer").alias("Organisational unit"),
)
# A new key per page/sort/filter state (and after each close), so an old row selection
# never points at a new row.
nonce = st.session_state.get("ct_nonce", 0)
table_key = f"ct_table_{hash((page.version, f, sort, descending, int(page_no), nonce))}"
event = st.dataframe(
    tables.risk_coloured(shown, page.colours, "Risk category"),
    hide_index=True,
    key=table_key,
    height=min(36 * (shown.height + 1) + 4, 760),
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "Amount (USD)": st.column_config.NumberColumn(format="dollar"),
        "Risk category": st.column_config.TextColumn(
            help=f"{'Residual' if f.risk_basis == 'residual' else 'Inherent'} risk category"
        ),
        "Supplier": st.column_config.TextColumn(width="medium"),
        "Description": st.column_config.TextColumn(width="medium"),
    },
)


def _export(kind: str) -> bytes:
    # Built only when asked for, off the script thread: `auth.deferred` reads the roles
    # file again first, so a role taken away after the page ran gets no file.
    return export.csv_bytes(con, params) if kind == "csv" else export.xlsx_bytes(con, params)


if page.can("export"):
    with st.expander("Export all matching lines"):
        st.write(
            f"The export holds all {fmt.count(n_lines)} matching lines (not only this page) with "
            "every field, currency provenance and risk scoring. Text that a spreadsheet would "
            "read as a formula is prefixed with an apostrophe."
        )
        params = dict(page.params)
        con = page.con
        stamp = date.today().isoformat()
        e1, e2 = st.columns(2)
        e1.download_button(
            "Download CSV",
            data=auth.deferred(page.identity, "export", lambda: _export("csv")),
            file_name=f"contract-lines-{stamp}.csv",
            mime="text/csv",
            on_click="ignore",
            key="ct_csv",
        )
        e2.download_button(
            "Download XLSX",
            data=auth.deferred(page.identity, "export", lambda: _export("xlsx")),
            file_name=f"contract-lines-{stamp}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            key="ct_xlsx",
        )
        if n_lines > 20_000:
            # Measured: xlsxwriter writes about 3,000 lines (35 columns) a second here.
            st.caption(
                f"Preparing the XLSX file for {fmt.count(n_lines)} lines takes about "
                f"{max(1, round(n_lines / 3_000 / 60))} minute(s) after the click; the CSV file "
                "is ready in seconds."
            )
        if n_lines > export.XLSX_MAX_DATA_ROWS:
            st.caption(
                f"More lines than one worksheet holds: the XLSX file splits them across "
                f"{math.ceil(n_lines / export.XLSX_MAX_DATA_ROWS)} sheets."
            )

# A selected row opens its detail in a dialog, in view wherever the table was scrolled to;
# so does a link with ?line=<batch>:<source row>.
selected = event.selection.rows if event else []
if selected:
    key = rows.row(selected[0], named=True)
    line_key = (key["batch_id"], int(key["source_row"]))
    st.query_params["line"] = f"{line_key[0]}:{line_key[1]}"
else:
    batch_id, _, row_text = (st.query_params.get("line") or "").rpartition(":")
    if not (batch_id and row_text.isdigit()):
        st.stop()
    line_key = (batch_id[:100], int(row_text))


def close_detail() -> None:
    """Forget the open line: out of the URL, and the table's selection cleared."""
    st.query_params.pop("line", None)
    st.session_state["ct_nonce"] = nonce + 1


@st.dialog("Contract line in full", width="large", on_dismiss=close_detail)
def show_line() -> None:
    """Draw the line's detail (runs inside the dialog)."""
    detail = page.query_unfiltered("contract_detail", batch_id=line_key[0], source_row=line_key[1])
    if detail.height == 0:
        st.warning("This line is no longer in the store (its import may have been undone).")
        return
    line = detail.row(0, named=True)
    st.header(f"Contract {fmt.md(line['contract_id'])}, line {fmt.md(line['line_id'] or '–')}")
    b1, b2 = st.columns(2)
    if b1.button("Close this line", key="ct_close"):
        close_detail()
        st.rerun()
    supplier_key = line["supplier_id"] or line["supplier_name"]
    if b2.button("Open supplier profile", key="ct_open_supplier"):
        close_detail()
        st.session_state["supplier_key"] = supplier_key
        st.session_state["goto"] = "suppliers"
        st.session_state["goto_params"] = {"supplier": supplier_key}
        st.rerun()
    line_detail(line)
    supplier_history(line, supplier_key)


def fields(line: dict, columns: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "Field": [export.label(c) for c in columns],
            "Value": [fmt.value(line.get(c)) for c in columns],
        }
    )


def show_fields(line: dict, columns: list[str], key: str) -> None:
    """Show field/value rows at full height (no inner scrolling)."""
    st.dataframe(
        fields(line, columns), hide_index=True, key=key, height=35 * (len(columns) + 1) + 3
    )


def line_detail(line: dict) -> None:
    """Draw the line's risk, money, line and supplier fields."""
    d1, d2 = st.columns(2)
    with d1:
        st.subheader("Risk")
        r1, r2 = st.columns(2)
        r1.metric("Inherent risk", fmt.value(line["inherent_category"]), border=True)
        r2.metric("Residual risk", fmt.value(line["residual_category"]), border=True)
        st.write("**Why:**", fmt.md(fmt.value(line["risk_drivers"])))
        if line.get("not_assessable_reason"):
            st.write("**Not assessable because:**", fmt.md(line["not_assessable_reason"]))
        show_fields(
            line,
            [
                "total_score",
                "country_tier",
                "tip_year",
                "country_score",
                "country_source",
                "sector_score",
                "sector_source",
                "is_listed_pair",
                "listed_goods",
                "diligence_steps",
            ],
            "ct_risk_fields",
        )
        st.subheader("Amount and currency")
        show_fields(
            line,
            ["amount", "currency", "amount_usd", "fx_rate", "fx_rate_date", "fx_source"],
            "ct_money_fields",
        )
    with d2:
        st.subheader("Contract line")
        show_fields(
            line,
            [
                "contract_id",
                "line_id",
                "award_date",
                "award_quarter",
                "buyer",
                "description",
                "procurement_method",
                "procurement_method_raw",
                "category_scheme",
                "category_code",
                "category_raw",
                "segment_code",
                "segment_title",
                "family_code",
                "family_title",
            ],
            "ct_line_fields",
        )
        st.subheader("Supplier")
        show_fields(
            line,
            [
                "supplier_name",
                "supplier_id",
                "supplier_country_name",
                "supplier_country",
                "supplier_country_raw",
                "supplier_region",
                "supplier_subregion",
            ],
            "ct_supplier_fields",
        )
        st.subheader("Where it came from")
        show_fields(line, ["batch_id", "source_row"], "ct_source_fields")


def supplier_history(line: dict, supplier_key: str) -> None:
    """Draw the supplier's other contracts and its due-diligence history."""
    st.subheader(f"Other contracts of {fmt.md(line['supplier_name'])}")
    others = page.query_unfiltered("contracts_for_supplier", supplier_key=supplier_key)
    others = others.filter(pl.col("contract_id") != line["contract_id"])
    if others.height:
        tables.contracts_table(others, "ct_others")
    else:
        st.write("This supplier has no other contracts in the store.")

    st.subheader("Due-diligence history")
    tables.diligence_table(
        supplier_records(page.store, line["supplier_id"], line["supplier_name"]), "ct_diligence"
    )


show_line()
