"""Procurement transparency dashboard: `streamlit run dashboard.py`.

The entry point only sets up navigation; each page (in `pages/`) calls
`transparency.app.setup`, which draws the shared sidebar filters, so every page also runs
on its own with `streamlit run pages/<page>.py`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from transparency.app import APP_TITLE, configure

HERE = Path(__file__).resolve().parent

configure(APP_TITLE)

pages = [st.Page("pages/overview.py", title="Overview", default=True)]
# No page icons: Streamlit turns a page's icon into the browser tab icon by fetching it from
# Google's font servers, which an offline installation cannot reach.
for path, title in (
    ("pages/contracts.py", "Contracts"),
    ("pages/suppliers.py", "Suppliers"),
    ("pages/quarterly_report.py", "Quarterly report"),
    ("pages/data.py", "Data"),
    ("pages/methodology.py", "Methodology"),
):
    # A page file missing from a partial checkout leaves its entry out instead of
    # breaking every page; tests/test_pages.py requires all six files.
    if (HERE / path).exists():
        pages.append(st.Page(path, title=title))

st.navigation(pages).run()
