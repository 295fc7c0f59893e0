"""Tables shown on more than one page: a supplier's contracts and its due-diligence record."""

from __future__ import annotations

import polars as pl
import streamlit as st
from pandas.io.formats.style import Styler

from transparency import palette
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
    st.dataframe(diligence_rows(records), hide_index=True, key=key)


def _day(column: str) -> pl.Expr:
    """Return a date column as YYYY-MM-DD text (a datetime at midnight too), '–' when empty."""
    return pl.col(column).cast(pl.Date).dt.strftime("%Y-%m-%d").fill_null("–")


def diligence_rows(records: pl.DataFrame) -> pl.DataFrame:
    """Return due-diligence records as shown: days without a time, '–' for no end date.

    >>> from datetime import date, datetime
    >>> rows = diligence_rows(pl.DataFrame({
    ...     "step_date": [datetime(2026, 12, 3)], "step": ["audit"], "evidence": ["R-1"],
    ...     "valid_until": [None], "recorded_by": ["ana"],
    ...     "recorded_at": [datetime(2026, 12, 3, 9, 30)]}))
    >>> rows.row(0)
    ('2026-12-03', 'Third-party social audit', 'R-1', '–', 'ana', '2026-12-03 09:30 UTC')
    """
    return records.select(
        _day("step_date").alias("Date"),
        pl.col("step").replace(risk_model.step_labels()).alias("Step"),
        pl.col("evidence").alias("Evidence"),
        _day("valid_until").alias("Valid until"),
        pl.col("recorded_by").alias("Recorded by"),
        pl.col("recorded_at").dt.strftime("%Y-%m-%d %H:%M UTC").alias("Recorded at"),
    )


def text_on(colour: str) -> str:
    """Return the text colour with the higher contrast on `colour` (WCAG 2 ratio).

    >>> text_on("#F0E442"), text_on("#D55E00"), text_on("#0072B2"), text_on("#333333")
    ('#222222', '#222222', '#ffffff', '#ffffff')
    """

    def luminance(hex_colour: str) -> float:
        lin = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
            for c in (v / 255 for v in palette.rgb(hex_colour))
        ]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    ground = luminance(colour)
    on_white = (luminance(palette.WHITE) + 0.05) / (ground + 0.05)
    on_dark = (ground + 0.05) / (luminance(palette.TEXT) + 0.05)
    return palette.WHITE if on_white > on_dark else palette.TEXT


def risk_coloured(frame: pl.DataFrame, colours: dict[str, str], *columns: str) -> Styler:
    """Return `frame` for `st.dataframe` with each risk column's cells in their category colour."""

    def cell(value: object) -> str:
        colour = colours.get(str(value))
        if colour is None:
            return ""
        return f"background-color: {colour}; color: {text_on(colour)}"

    return frame.to_pandas().style.map(cell, subset=list(columns))
