"""Sign-in and roles in the app: who is using this session and what they may see and do.

With an `[auth]` section in `.streamlit/secrets.toml` the dashboard signs people in through
Streamlit's OIDC login (`st.login`) and gives each the role the roles file names
(`transparency.access`). Without it, the app runs in local single-user mode with full
rights and says so in the sidebar.

Test hook: when `[auth]` is NOT configured and `TRANSPARENCY_TEST_HOOKS=1`, the variable
`TRANSPARENCY_TEST_USER` (an e-mail address) simulates a signed-in user whose role comes
from the roles file, as with real sign-in. The hook can only lower rights: without it the
same app would run with full rights. Tests of the `[auth]` path seed `AppTest.user`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from transparency import access
from transparency.app.fmt import md


@dataclass(frozen=True)
class Identity:
    """The session's user: `mode` is 'local', 'signed_in', 'signed_out' or 'test'."""

    mode: str
    email: str | None = None
    role: str | None = None


def auth_configured() -> bool:
    """Return True when `.streamlit/secrets.toml` holds an `[auth]` section."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no or unreadable secrets file: no sign-in configured
        return False


def providers() -> list[str | None]:
    """Return the OIDC providers named in `[auth]` (None: the one unnamed provider)."""
    try:
        section = st.secrets["auth"]
    except Exception:  # noqa: BLE001
        return [None]
    named = [k for k, v in section.items() if isinstance(v, Mapping) and "client_id" in v]
    return named or [None]


def oidc_user() -> tuple[bool, str | None]:
    """Return (signed in?, e-mail) from `st.user`.

    Streamlit does not check the identity token's expiry (`exp`); an expired token counts
    as signed out here, so the person signs in again.
    """
    if not st.user.get("is_logged_in", False):
        return False, None
    expires = st.user.get("exp")
    if isinstance(expires, (int, float)) and expires < time.time():
        return False, None
    email = st.user.get("email")
    return True, str(email) if email else None


def identity() -> Identity:
    """Return the session's user and role; raise `access.AccessConfigError` on a bad roles file."""
    if auth_configured():
        signed_in, email = oidc_user()
        if not signed_in:
            return Identity("signed_out")
        return Identity("signed_in", email, access.role_for(email, access.load_roles()))
    test_user = os.environ.get("TRANSPARENCY_TEST_USER", "").strip()
    if test_user and os.environ.get("TRANSPARENCY_TEST_HOOKS") == "1":
        return Identity("test", test_user, access.role_for(test_user, access.load_roles()))
    return Identity("local", None, access.LOCAL_ROLE)


def admitted() -> Identity | None:
    """Return the session's identity when it has a role, else None (no drawing)."""
    try:
        ident = identity()
    except access.AccessConfigError:
        return None
    return ident if ident.role else None


def gate(title: str) -> Identity:
    """Return the session's identity, or show sign-in / no-access and stop the run."""
    try:
        ident = identity()
    except access.AccessConfigError as exc:
        st.title(title)
        st.error(f"Access cannot be checked, so nothing is shown: {md(exc)}")
        st.stop()
    if ident.mode == "signed_out":
        st.title(title)
        st.write("Sign in to see the procurement transparency dashboard.")
        for provider in providers():
            label = f"Sign in with {provider.capitalize()}" if provider else "Sign in"
            st.button(label, on_click=st.login, args=(provider,), key=f"auth_login_{provider}")
        st.stop()
    if ident.role is None:
        st.title(title)
        st.warning(
            f"You are signed in as {md(ident.email or 'a user without an e-mail address')}, "
            "but you have not been given access to this dashboard. Ask its data steward to "
            "add you to the roles file."
        )
        if ident.mode == "signed_in":
            st.button("Sign out", on_click=st.logout, key="auth_logout")
        st.stop()
    return ident


def show_user(ident: Identity) -> None:
    """Say in the sidebar who is signed in with which role, or that the app runs locally."""
    if ident.mode == "local":
        st.sidebar.caption(
            "Local single-user mode: no sign-in is configured, so you have full rights."
        )
        return
    st.sidebar.caption(f"Signed in as {md(ident.email or '?')} · role: {ident.role}")
    if ident.mode == "signed_in":
        st.sidebar.button("Sign out", on_click=st.logout, key="auth_logout_sidebar")


def require_page(title: str, ident: Identity) -> None:
    """Stop the page with a message when the user's role may not open it."""
    key = access.PAGE_TITLES.get(title)
    if key is None or access.can_see(ident.role, key):
        return
    st.title(title)
    st.error(
        f"Your role ({ident.role}) does not include the {title} page. Ask the data steward "
        "if you need it."
    )
    st.stop()


def permit(action: str) -> bool:
    """Check on the server, at the moment of acting, that the user may take `action`.

    Shows a message and returns False when not. The identity is read afresh, so a role
    taken away in the roles file applies at the next click.
    """
    try:
        role = identity().role
    except access.AccessConfigError as exc:
        st.error(f"Access cannot be checked: {md(exc)}")
        return False
    if access.can(role, action):
        return True
    st.error(f"Your role ({role or 'none'}) may not {action.replace('_', ' ')}.")
    return False
