"""Who may see which page and take which action: roles from a small TOML file (no Streamlit).

Three roles, each with the rights of the one before:

| role      | pages                                                  | actions                    |
|-----------|--------------------------------------------------------|----------------------------|
| `viewer`  | Overview, Quarterly report, Methodology (aggregates)   | report downloads           |
| `analyst` | + Contracts, Suppliers (line and supplier detail)      | + line exports (CSV, XLSX) |
| `steward` | + Data                                                 | + import, undo, diligence  |

The roles file (`TRANSPARENCY_ROLES`, default `data/roles.toml`) maps e-mail addresses
(compared without case) to a role; `default_role` is optional and applies to every other
signed-in user. Without it, a user who is not listed gets no access::

    default_role = "viewer"

    [users]
    "ana@example.org" = "analyst"
    "sam@example.org" = "steward"

>>> cfg = parse_roles('[users]\\n"Ana@Example.org" = "analyst"\\n')
>>> role_for("ana@example.org", cfg), role_for("eve@example.org", cfg)
('analyst', None)
>>> can_see("analyst", "contracts"), can_see("viewer", "contracts"), can("viewer", "export")
(True, False, False)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from transparency import settings
from transparency.page_registry import PAGES

ROLES: tuple[str, ...] = ("viewer", "analyst", "steward")
# Local single-user mode (no sign-in configured): the person at the machine owns the data.
LOCAL_ROLE = "steward"

# Page key (file name in pages/) -> the least role that may open it, from the page registry.
PAGE_ROLES: dict[str, str] = {p.key: p.least_role for p in PAGES}
# Action -> the least role that may take it.
ACTION_ROLES: dict[str, str] = {
    "report_download": "viewer",  # the published quarterly figures (aggregates only)
    "export": "analyst",  # every matching contract line, with all fields
    "import": "steward",
    "undo": "steward",
    "diligence": "steward",  # record a due-diligence step
    "screening_decide": "analyst",  # confirm or dismiss a screening candidate (issue #18)
}


class AccessConfigError(ValueError):
    """The roles file cannot be read or names something that is not a role."""


@dataclass(frozen=True)
class RolesConfig:
    """E-mail (lower case) -> role, and the role of every other signed-in user (or None)."""

    users: dict[str, str] = field(default_factory=dict)
    default_role: str | None = None


def roles_path() -> Path:
    """Return the roles file (`TRANSPARENCY_ROLES`, else `data/roles.toml`)."""
    return settings.roles_path()


def _check_role(value: object, where: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in ROLES:
        raise AccessConfigError(
            f"{where}: {value!r} is not a role; expected one of {', '.join(ROLES)}."
        )
    return value.strip().lower()


def parse_roles(text: str, source: str = "roles file") -> RolesConfig:
    """Return the roles in TOML `text`; raise `AccessConfigError` naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessConfigError(f"{source} is not valid TOML: {exc}") from exc
    unknown = set(data) - {"users", "default_role"}
    if unknown:
        raise AccessConfigError(
            f"{source}: unknown key(s) {', '.join(sorted(unknown))}; "
            "expected 'default_role' and a [users] table."
        )
    users_raw = data.get("users", {})
    if not isinstance(users_raw, dict):
        raise AccessConfigError(f"{source}: 'users' must be a table of e-mail = role.")
    users = {}
    for email, role in users_raw.items():
        if "@" not in email:
            raise AccessConfigError(f"{source}: user {email!r} is not an e-mail address.")
        users[email.strip().lower()] = _check_role(role, f"{source}, user {email!r}")
    default = data.get("default_role")
    if default is not None:
        default = _check_role(default, f"{source}, default_role")
    return RolesConfig(users=users, default_role=default)


def load_roles(path: Path | None = None) -> RolesConfig:
    """Return the roles in `path` (default `roles_path()`); a missing file grants nobody."""
    path = path or roles_path()
    if not path.exists():
        return RolesConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AccessConfigError(f"The roles file {path} cannot be read: {exc}") from exc
    return parse_roles(text, source=str(path))


def role_for(email: str | None, config: RolesConfig) -> str | None:
    """Return the role of a signed-in user, or None when they get no access."""
    if email:
        role = config.users.get(email.strip().lower())
        if role:
            return role
    return config.default_role


def _rank(role: str | None) -> int:
    return ROLES.index(role) if role in ROLES else -1


def can_see(role: str | None, page: str) -> bool:
    """Return True when `role` may open the page with key `page` (unknown pages: no)."""
    needed = PAGE_ROLES.get(page)
    return needed is not None and _rank(role) >= _rank(needed)


def can(role: str | None, action: str) -> bool:
    """Return True when `role` may take `action` (a key of `ACTION_ROLES`)."""
    needed = ACTION_ROLES.get(action)
    return needed is not None and _rank(role) >= _rank(needed)


def visible_pages(role: str | None) -> list[str]:
    """Return the page keys `role` may open, in navigation order."""
    return [key for key in PAGE_ROLES if can_see(role, key)]
