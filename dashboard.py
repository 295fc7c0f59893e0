"""Procurement transparency dashboard: `streamlit run dashboard.py`.

The entry point only sets up navigation; each page (in `pages/`) calls
`transparency.app.setup`, which draws the shared sidebar filters, so every page also runs
on its own with `streamlit run pages/<page>.py`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from transparency import access, page_registry

# Loads every heavy library first (transparency/app/preload.py), so concurrent first
# visits never see a half-initialised module; then the upload endpoint is guarded and
# bounded before any session, signed in or not, can post a file.
from transparency.app import APP_TITLE, auth, configure, uploads

HERE = Path(__file__).resolve().parent

configure(APP_TITLE)
uploads.install_guard()
uploads.apply_limit()


def sign_in() -> None:
    """Draw the sign-in button or the no-access message, then stop."""
    auth.gate(APP_TITLE)


identity = auth.admitted()
if identity is None:
    # Signed out or without a role: a navigation of one hidden page, so Streamlit never
    # falls back to listing the files in pages/.
    st.navigation([st.Page(sign_in, title="Sign in", url_path="sign-in")], position="hidden").run()
    st.stop()

pages = []
# No page icons: Streamlit turns a page's icon into the browser tab icon by fetching it from
# Google's font servers, which an offline installation cannot reach.
for spec in page_registry.PAGES:
    # A page the role may not open is left out of the menu; its URL then leads to the
    # default page, and the page itself refuses too when run another way (auth.require_page).
    if not spec.default and not access.can_see(identity.role, spec.key):
        continue
    # A page file missing from a partial checkout leaves its entry out instead of
    # breaking every page; tests/test_pages.py requires all six files.
    if spec.default or (HERE / spec.path).exists():
        pages.append(st.Page(spec.path, title=spec.title, default=spec.default))

st.navigation(pages).run()
