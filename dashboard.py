"""Procurement transparency dashboard: `streamlit run dashboard.py`.

The entry point only sets up navigation; each page (in `pages/`) calls
`transparency.app.setup`, which draws the shared sidebar filters, so every page also runs
on its own with `streamlit run pages/<page>.py`.
"""

from __future__ import annotations

import streamlit as st

from transparency.app import APP_TITLE, configure

configure(APP_TITLE)

navigation = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/contracts.py", title="Contracts", icon=":material/description:"),
        st.Page("pages/suppliers.py", title="Suppliers", icon=":material/storefront:"),
        st.Page(
            "pages/quarterly_report.py", title="Quarterly report", icon=":material/summarize:"
        ),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
        st.Page("pages/methodology.py", title="Methodology", icon=":material/menu_book:"),
    ]
)
navigation.run()
