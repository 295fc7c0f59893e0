"""Sign-in and roles in the app: who is using this session and what they may see and do.

With an `[auth]` section in `.streamlit/secrets.toml` the dashboard signs people in through
Streamlit's OIDC login (`st.login`) and gives each the role the roles file names
(`transparency.access`). Without it, the app runs in local single-user mode with full
rights and says so in the sidebar; a secrets file that cannot be used stops the app
instead (`transparency.signin`: fail closed).

Test hook: when `[auth]` is NOT configured and `TRANSPARENCY_TEST_HOOKS=1`, the variable
`TRANSPARENCY_TEST_USER` (an e-mail address) simulates a signed-in user whose role comes
from the roles file, as with real sign-in. The hook can only lower rights: without it the
same app would run with full rights. Tests of the `[auth]` path seed `AppTest.user`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit import config
from streamlit.runtime.secrets import secrets_singleton

from transparency import access, page_registry, signin
from transparency import settings as app_settings
from transparency.app.fmt import md

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """The session's user: `mode` is 'local', 'signed_in', 'signed_out' or 'test'.

    `principal` is who signed in (issuer, subject, e-mail claims); it is what a deferred
    download or an upload carries to check the role again later, off the script thread.
    """

    mode: str
    email: str | None = None
    role: str | None = None
    principal: access.Principal | None = None

    def role_now(self) -> str | None:
        """Return the role as the roles file gives it now (local mode: always full rights).

        Raises `access.AccessConfigError` when the roles file cannot be read.
        """
        if self.mode == "local":
            return access.LOCAL_ROLE
        if self.principal is None:
            return None
        return access.role_of(self.principal, access.load_roles())


def signin_settings() -> signin.SignInSettings:
    """Return the sign-in mode; raise `signin.SignInConfigError` when it cannot be trusted.

    Reads the secrets files itself (not through `st.secrets`, which treats an unreadable
    file like a missing one), so a typo stops the app instead of switching sign-in off.
    """
    files = [Path(p) for p in config.get_option("secrets.files")]
    # Streamlit's test harness hands secrets over in memory, on a Secrets object of its own.
    injected = None if st.secrets is secrets_singleton else st.secrets._secrets
    settings = signin.read_signin(files, injected)
    if settings.mode == "local" and not signin.local_mode_allowed(
        config.get_option("server.address"), allow_remote=app_settings.local_mode_remote()
    ):
        raise signin.SignInConfigError(
            "server.address",
            "No sign-in is configured, and local single-user mode (full rights, no sign-in) "
            "serves only this machine: set server.address to 127.0.0.1, configure [auth] in "
            ".streamlit/secrets.toml, or set TRANSPARENCY_LOCAL_MODE_REMOTE=1 to serve it "
            "to the network without sign-in.",
        )
    return settings


def auth_configured() -> bool:
    """Return True when a complete `[auth]` section is configured (raises when it is broken)."""
    return signin_settings().mode == "sign_in"


def providers() -> list[str | None]:
    """Return the OIDC providers named in `[auth]` (None: the one unnamed provider)."""
    return list(signin_settings().providers) or [None]


def _verified(value: object) -> bool | None:
    # Some providers send the claim as text.
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return value if isinstance(value, bool) else None


def oidc_user() -> access.Principal | None:
    """Return who is signed in, from `st.user`'s identity-token claims (None: signed out).

    Streamlit does not check the identity token's expiry (`exp`); an expired token counts
    as signed out here, so the person signs in again.
    """
    if not st.user.get("is_logged_in", False):
        return None
    expires = st.user.get("exp")
    if isinstance(expires, (int, float)) and expires < time.time():
        return None

    def text(claim: str) -> str | None:
        value = st.user.get(claim)
        return str(value) if value else None

    return access.Principal(
        issuer=text("iss"),
        subject=text("sub"),
        email=text("email"),
        email_verified=_verified(st.user.get("email_verified")),
    )


def test_principal(email: str) -> access.Principal:
    """Return the principal the test hook simulates: a verified e-mail address."""
    return access.Principal(issuer="test-hook", subject=email, email=email, email_verified=True)


def identity() -> Identity:
    """Return the session's user and role; raise `access.AccessConfigError` on a bad roles file."""
    if auth_configured():
        who = oidc_user()
        if who is None:
            return Identity("signed_out")
        return Identity("signed_in", who.email, access.role_of(who, access.load_roles()), who)
    test_user = app_settings.test_user()
    if test_user:
        who = test_principal(test_user)
        return Identity("test", test_user, access.role_of(who, access.load_roles()), who)
    return Identity("local", None, access.LOCAL_ROLE)


def admitted() -> Identity | None:
    """Return the session's identity when it has a role, else None (no drawing)."""
    try:
        ident = identity()
    except (access.AccessConfigError, signin.SignInConfigError):
        return None
    return ident if ident.role else None


def gate(title: str) -> Identity:
    """Return the session's identity, or show sign-in / no-access and stop the run."""
    try:
        ident = identity()
    except signin.SignInConfigError as exc:
        # The operator reads the server log; the visitor learns only that nothing is shown.
        LOG.error("Sign-in settings cannot be used, so the dashboard shows nothing: %s", exc)
        st.title(title)
        st.error(
            "The dashboard's sign-in settings cannot be used, so nothing is shown. The "
            f"operator has to fix them (the server log names the file): {md(exc.reason)}"
        )
        st.stop()
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
        unverified = ident.principal is not None and ident.principal.email_verified is False
        st.warning(
            f"You are signed in as {md(ident.email or 'a user without an e-mail address')}, "
            "but you have not been given access to this dashboard. "
            + (
                "Your sign-in provider says this e-mail address is not verified: verify it "
                "there, then sign in again."
                if unverified
                else "Ask its data steward to add you to the roles file."
            )
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
    page = page_registry.BY_TITLE.get(title)
    if page is None or access.can_see(ident.role, page.key):
        return
    st.title(title)
    st.error(
        f"Your role ({ident.role}) does not include the {title} page. Ask the data steward "
        "if you need it."
    )
    st.stop()


def deferred(ident: Identity, action: str, produce: Callable[[], bytes]) -> Callable[[], bytes]:
    """Return `produce` guarded by the role of `ident` as it is when the file is produced.

    For `st.download_button(data=...)`: Streamlit calls the callable when the button is
    clicked, on another thread without the script's context (no `st.user`), so the
    identity is captured now and the roles file read again then. A role that no longer
    allows `action` (or a roles file that cannot be read) raises `access.AccessDenied`,
    which Streamlit reports as a failed download: no file.
    """

    def checked() -> bytes:
        try:
            role = ident.role_now()
        except access.AccessConfigError as exc:
            raise access.AccessDenied(f"Access cannot be checked: {exc}") from exc
        if not access.can(role, action):
            LOG.warning("Refused %s for %s (role now %s).", action, ident.email, role)
            raise access.AccessDenied(
                f"Your role ({role or 'none'}) may not {action.replace('_', ' ')}."
            )
        return produce()

    return checked


def permit(action: str) -> bool:
    """Check on the server, at the moment of acting, that the user may take `action`.

    Shows a message and returns False when not. The identity is read afresh, so a role
    taken away in the roles file applies at the next click.
    """
    try:
        role = identity().role
    except signin.SignInConfigError as exc:
        st.error(f"Access cannot be checked: {md(exc.reason)}")
        return False
    except access.AccessConfigError as exc:
        st.error(f"Access cannot be checked: {md(exc)}")
        return False
    if access.can(role, action):
        return True
    st.error(f"Your role ({role or 'none'}) may not {action.replace('_', ' ')}.")
    return False
