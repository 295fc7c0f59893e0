"""Tables shown on more than one page: a supplier's contracts and its due-diligence record."""

from __future__ import annotations

import polars as pl
import streamlit as st

from transparency.app import fmt
from transparency.risk import model as risk_model


def contracts_table(contracts: pl.DataFrame, key: str) -> None:
    """Show contracts (rows of `queries/contracts_for_supplier.sql`) with readable headings."""
    st.dataframe(
        fmt.floats(contracts).select(
            pl.col("contract_id").alias("Contract"),
            pl.col("first_award_date").alias("First award"),
            pl.col("buyer").alias("Organisational unit"),
            pl.col("count_lines").alias("Lines"),
            pl.col("spend_usd").alias("Spend (USD)"),
            pl.col("inherent_category").alias("Inherent risk"),
            pl.col("residual_category").alias("Residual risk"),
        ),
        hide_index=True,
        key=key,
        column_config={"Spend (USD)": st.column_config.NumberColumn(format="dollar")},
    )


def diligence_table(records: pl.DataFrame, key: str) -> None:
    """Show due-diligence records (from `diligence.records`), or say there are none."""
    if not records.height:
        st.write("No due-diligence steps are recorded for this supplier yet.")
        return
    st.dataframe(
        records.select(
            pl.col("step_date").alias("Date"),
            pl.col("step").replace(risk_model.step_labels()).alias("Step"),
            pl.col("evidence").alias("Evidence"),
            pl.col("valid_until").alias("Valid until"),
            pl.col("recorded_by").alias("Recorded by"),
            pl.col("recorded_at").dt.strftime("%Y-%m-%d %H:%M UTC").alias("Recorded at"),
        ),
        hide_index=True,
        key=key,
    )
