"""Whether sign-in is configured, read so that a mistake never switches it off (no Streamlit).

The dashboard runs in one of two modes:

- **sign-in** when a secrets file (Streamlit's `secrets.files`, by default
  `~/.streamlit/secrets.toml` and `.streamlit/secrets.toml`) holds a complete `[auth]` section;
- **local single-user mode** only when no secrets file exists at all and no `[auth]` section
  was given any other way, and then only while the server listens on a loopback address,
  unless `TRANSPARENCY_LOCAL_MODE_REMOTE=1` says otherwise.

Anything in between (a file that cannot be read or is not valid TOML, a file without
`[auth]`, an `[auth]` section missing a key) raises `SignInConfigError`: the app then shows
visitors no data and tells the operator what to fix. Fail closed: a typo must never turn a
signed-in dashboard into one that gives every visitor full rights.

>>> settings = read_signin([], {"auth": {"redirect_uri": "https://x.org/oauth2callback",
...     "cookie_secret": "s", "client_id": "c", "client_secret": "t",
...     "server_metadata_url": "https://idp.org/.well-known/openid-configuration"}})
>>> settings.mode, settings.providers
('sign_in', (None,))
>>> read_signin([], {}).mode
'local'
>>> local_mode_allowed("0.0.0.0", allow_remote=False)
False
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

# The keys Streamlit's OIDC login needs (streamlit/auth_util.py: validate_auth_credentials).
SECTION_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class SignInConfigError(Exception):
    """The sign-in settings exist but cannot be used: the app must show no data.

    `str()` names the file for the operator's log; `reason` leaves the server path out, for
    the page a visitor sees.
    """

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class SignInSettings:
    """`mode` is 'sign_in' or 'local'; `providers` names the OIDC providers (None: unnamed)."""

    mode: str
    providers: tuple[str | None, ...] = ()


def read_signin(files: Iterable[Path], injected: Mapping[str, object] | None) -> SignInSettings:
    """Return the sign-in mode from the secrets `files` (or `injected` secrets when none exist).

    `injected` is what the app was given without a file (Streamlit's test harness); files
    that exist win, as they do in Streamlit.
    """
    existing = [Path(p) for p in files if Path(p).exists()]
    secrets: dict[str, object] = {}
    for path in existing:
        secrets.update(_parse(path))
    if not existing:
        secrets = dict(injected or {})
    where = ", ".join(str(p) for p in existing) or "the app's secrets"
    if "auth" not in secrets:
        if existing:
            raise SignInConfigError(
                where,
                "the secrets file has no [auth] section. Add the [auth] section "
                "(see .streamlit/secrets.example.toml), or remove the file to run in local "
                "single-user mode.",
            )
        return SignInSettings("local")
    return SignInSettings("sign_in", check_auth_section(secrets["auth"], where))


def check_auth_section(section: object, where: str) -> tuple[str | None, ...]:
    """Return the providers of a complete `[auth]` section; raise `SignInConfigError` if not.

    >>> check_auth_section({"redirect_uri": "https://x.org/oauth2callback"}, "secrets.toml")
    Traceback (most recent call last):
    ...
    transparency.signin.SignInConfigError: secrets.toml: [auth] lacks cookie_secret.
    """
    if not isinstance(section, Mapping):
        raise SignInConfigError(where, "auth must be a table ([auth]), not a single value.")
    missing = [k for k in SECTION_KEYS if not _filled(section.get(k))]
    if missing:
        raise SignInConfigError(where, f"[auth] lacks {', '.join(missing)}.")
    redirect = str(section["redirect_uri"])
    if not redirect.endswith("/oauth2callback"):
        raise SignInConfigError(
            where, f"[auth] redirect_uri must end with /oauth2callback, not {redirect!r}."
        )
    providers: list[str | None] = []
    for name, value in section.items():
        # client_kwargs is the unnamed provider's options table, not a provider.
        if isinstance(value, Mapping) and name != "client_kwargs":
            _check_provider(value, where, f"[auth.{name}]")
            providers.append(str(name))
    if any(k in section for k in PROVIDER_KEYS):
        _check_provider(section, where, "[auth]")
        providers.insert(0, None)
    if not providers:
        raise SignInConfigError(
            where,
            "[auth] names no identity provider (client_id, client_secret and "
            "server_metadata_url, in [auth] or in a table such as [auth.microsoft]).",
        )
    return tuple(providers)


def local_mode_allowed(address: str | None, *, allow_remote: bool) -> bool:
    """Return True when local single-user mode may serve on `address` (server.address).

    Streamlit listens on every interface when no address is set, so None counts as remote.

    >>> local_mode_allowed("127.0.0.1", allow_remote=False)
    True
    >>> local_mode_allowed(None, allow_remote=True)
    True
    """
    return allow_remote or (address or "").strip().strip("[]") in LOOPBACK


def _parse(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reason = f"the secrets file cannot be read ({exc.__class__.__name__})."
        raise SignInConfigError(str(path), reason) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SignInConfigError(str(path), f"the secrets file is not valid TOML: {exc}.") from exc


def _check_provider(section: Mapping[str, object], where: str, table: str) -> None:
    missing = [k for k in PROVIDER_KEYS if not _filled(section.get(k))]
    if missing:
        raise SignInConfigError(where, f"{table} lacks {', '.join(missing)}.")


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
