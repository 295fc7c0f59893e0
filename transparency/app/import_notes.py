"""The Data page's import notes (issue 17): the value rejected, where the headings were and,
later, warnings about data that will not score. Kept apart from `pages/data.py` so the page
calls it in a few lines.
"""

from __future__ import annotations

import polars as pl

# The rejection report's columns as the page shows them.
REPORT_LABELS = {
    "file": "File",
    "source_row": "Row",
    "column": "Column",
    "value": "Value",
    "reason": "Reason",
    "amount_raw": "Amount",
    "currency_raw": "Currency",
    "amount_usd": "USD",
}


def result_notes(result, store) -> list[str]:
    """Return the notes of one import (an `ImportResult`): value rejected, headings,
    country disagreements and warnings on spend that will not score."""
    from transparency.ingest.summary import (  # lazy: see data.py
        batch_notes,
        layout_lines,
        rejected_line,
    )

    notes = [rejected_line(result)] if result.rows_rejected else []
    return notes + layout_lines(result.batch.extra) + batch_notes(store, result.batch.batch_id)


def report_value(report: pl.DataFrame) -> str:
    """Return the sentence on a rejection report's value, for the page."""
    from transparency.ingest.summary import rejected_value  # lazy: see data.py

    usd, unvalued = rejected_value(report)
    text = f"Value rejected: USD {usd:,.2f}"
    if unvalued:
        text += f" (and {unvalued:,} rejected row(s) whose value could not be read)"
    return text + "."
