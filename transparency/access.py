"""Who may see which page and take which action: roles from a small TOML file (no Streamlit).

Three roles, each with the rights of the one before:

| role      | pages                                                  | actions                    |
|-----------|--------------------------------------------------------|----------------------------|
| `viewer`  | Overview, Quarterly report, Methodology (aggregates)   | report downloads           |
| `analyst` | + Contracts, Suppliers (line and supplier detail)      | + line exports (CSV, XLSX) |
| `steward` | + Data                                                 | + import, undo, diligence  |

The roles file (`TRANSPARENCY_ROLES`, default `data/roles.toml`) names users by verified
e-mail address or by identity-provider issuer and subject; `default_role` is optional and
applies to every other signed-in user. Without it, a user who is not listed gets no access::

    default_role = "viewer"

    [users]                                  # verified e-mail address = role
    "ana@example.org" = "analyst"

    [subjects."https://accounts.google.com"] # issuer -> subject = role
    "110169484474386276334" = "steward"

E-mail addresses are compared by their NFKC case fold, but only when that changes nothing
but ASCII case ("plain" addresses); any other address (the Kelvin sign, full-width letters,
ligatures, "ß", non-ASCII capitals) gets a role only from an entry with exactly the same
characters, so a look-alike never takes another user's role. See `role_of`.

>>> cfg = parse_roles('[users]\\n"Ana@Example.org" = "analyst"\\n')
>>> role_for("ana@example.org", cfg), role_for("eve@example.org", cfg)
('analyst', None)
>>> role_for("\\u212aim@example.org", parse_roles('[users]\\n"kim@example.org" = "steward"\\n'))
>>> can_see("analyst", "contracts"), can_see("viewer", "contracts"), can("viewer", "export")
(True, False, False)
"""

from __future__ import annotations

import tomllib
import unicodedata
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
    "rejection_report": "steward",  # the rejected rows of an import, as read
    "screening_decide": "analyst",  # confirm or dismiss a screening candidate (issue #18)
}


class AccessConfigError(ValueError):
    """The roles file cannot be read or names something that is not a role."""


class AccessDenied(PermissionError):
    """The user's role, read again at the moment of acting, does not allow the action."""


@dataclass(frozen=True)
class Principal:
    """Who signed in, from the identity token: issuer plus subject, and the e-mail claim.

    `email_verified` is the token's claim: True, False, or None when the token has none.
    """

    issuer: str | None = None
    subject: str | None = None
    email: str | None = None
    email_verified: bool | None = None


@dataclass(frozen=True)
class RolesConfig:
    """The roles file, ready for look-ups.

    `users`: plain e-mail addresses by their case fold -> role; `exact_users`: every other
    address exactly as written -> role; `subjects`: (issuer, subject) -> role;
    `verified_email_issuers`: issuers whose e-mail claim counts as verified without an
    `email_verified` claim; `default_role`: every other signed-in user (or None).
    """

    users: dict[str, str] = field(default_factory=dict)
    default_role: str | None = None
    exact_users: dict[str, str] = field(default_factory=dict)
    subjects: dict[tuple[str, str], str] = field(default_factory=dict)
    verified_email_issuers: frozenset[str] = frozenset()


def roles_path() -> Path:
    """Return the roles file (`TRANSPARENCY_ROLES`, else `data/roles.toml`)."""
    return settings.roles_path()


def fold(text: str) -> str:
    """Return `text` NFKC-case-folded: the form two addresses are compared in.

    >>> fold("\\u212aim@Example.org"), fold("\\uff4bim@example.org"), fold("Stra\\u00dfe")
    ('kim@example.org', 'kim@example.org', 'strasse')
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def is_plain(address: str) -> bool:
    """Return True when folding `address` changes nothing but ASCII letter case.

    Only plain addresses are compared by their fold; look-alikes are not plain.

    >>> is_plain("Kim@Example.org"), is_plain("m\\u00fcller@example.de")
    (True, True)
    >>> is_plain("\\u212aim@example.org"), is_plain("M\\u00dcLLER@example.de")
    (False, False)
    """
    ascii_lower = "".join(c.lower() if c.isascii() else c for c in address)
    return fold(address) == ascii_lower


def _check_role(value: object, where: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in ROLES:
        raise AccessConfigError(
            f"{where}: {value!r} is not a role; expected one of {', '.join(ROLES)}."
        )
    return value.strip().lower()


def _table(data: dict, key: str, source: str, what: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise AccessConfigError(f"{source}: '{key}' must be a table of {what}.")
    return value


def _users(users_raw: dict, source: str) -> tuple[dict[str, str], dict[str, str]]:
    users: dict[str, str] = {}
    exact: dict[str, str] = {}
    for email, role in users_raw.items():
        if "@" not in email:
            raise AccessConfigError(f"{source}: user {email!r} is not an e-mail address.")
        role = _check_role(role, f"{source}, user {email!r}")
        address = email.strip()
        if not is_plain(address):
            exact[address] = role
            continue
        key = fold(address)
        if users.get(key, role) != role:
            raise AccessConfigError(
                f"{source}: user {email!r} is listed twice (ignoring case) with two roles."
            )
        users[key] = role
    return users, exact


def _subjects(subjects_raw: dict, source: str) -> dict[tuple[str, str], str]:
    subjects = {}
    for issuer, table in subjects_raw.items():
        if not isinstance(table, dict):
            raise AccessConfigError(
                f"{source}: subjects.{issuer!r} must be a table of subject = role."
            )
        for subject, role in table.items():
            where = f"{source}, subject {subject!r} of {issuer!r}"
            subjects[(issuer.strip(), subject.strip())] = _check_role(role, where)
    return subjects


def parse_roles(text: str, source: str = "roles file") -> RolesConfig:
    """Return the roles in TOML `text`; raise `AccessConfigError` naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessConfigError(f"{source} is not valid TOML: {exc}") from exc
    known = {"users", "subjects", "default_role", "verified_email_issuers"}
    unknown = set(data) - known
    if unknown:
        raise AccessConfigError(
            f"{source}: unknown key(s) {', '.join(sorted(unknown))}; expected "
            "'default_role', 'verified_email_issuers', a [users] and a [subjects] table."
        )
    users, exact = _users(_table(data, "users", source, "e-mail = role"), source)
    subjects_raw = _table(data, "subjects", source, "issuer tables of subject = role")
    issuers = data.get("verified_email_issuers", [])
    if not isinstance(issuers, list) or not all(isinstance(i, str) for i in issuers):
        raise AccessConfigError(f"{source}: 'verified_email_issuers' must be a list of text.")
    default = data.get("default_role")
    if default is not None:
        default = _check_role(default, f"{source}, default_role")
    return RolesConfig(
        users=users,
        default_role=default,
        exact_users=exact,
        subjects=_subjects(subjects_raw, source),
        verified_email_issuers=frozenset(i.strip() for i in issuers),
    )


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


def email_counts(who: Principal, config: RolesConfig) -> bool:
    """Return True when `who`'s e-mail claim may name them: verified by their provider.

    `email_verified: true` counts; a token without the claim counts only from an issuer in
    `verified_email_issuers`; `email_verified: false` never counts.
    """
    if not who.email:
        return False
    if who.email_verified is None:
        return who.issuer is not None and who.issuer.strip() in config.verified_email_issuers
    return who.email_verified


def role_of(who: Principal, config: RolesConfig) -> str | None:
    """Return the role of a signed-in user, or None when they get no access.

    In order: an issuer + subject entry; a verified e-mail address (plain addresses by
    their case fold, any other exactly as written); `default_role`. A token that says its
    e-mail address is not verified (`email_verified: false`) gets no role at all.

    >>> cfg = parse_roles('default_role = "viewer"\\n[users]\\n"kim@example.org" = "steward"\\n')
    >>> role_of(Principal("https://idp", "1", "KIM@example.org", True), cfg)
    'steward'
    >>> role_of(Principal("https://idp", "1", "kim@example.org", False), cfg)
    >>> role_of(Principal("https://idp", "1", "\\u212aim@example.org", True), cfg)
    'viewer'
    """
    if who.issuer and who.subject:
        role = config.subjects.get((who.issuer.strip(), who.subject.strip()))
        if role:
            return role
    if who.email and who.email_verified is False:
        return None
    if email_counts(who, config):
        email = str(who.email).strip()
        role = config.users.get(fold(email)) if is_plain(email) else None
        role = role or config.exact_users.get(email)
        if role:
            return role
    return config.default_role


def role_for(email: str | None, config: RolesConfig) -> str | None:
    """Return the role of a user known only by a verified e-mail address (or None)."""
    return role_of(Principal(email=email, email_verified=True), config)


def require(who: Principal, action: str, path: Path | None = None) -> str:
    """Read the roles file again and return `who`'s role; raise `AccessDenied` when it does
    not allow `action` (or the roles file cannot be read: fail closed).
    """
    try:
        role = role_of(who, load_roles(path))
    except AccessConfigError as exc:
        raise AccessDenied(f"Access cannot be checked: {exc}") from exc
    if not can(role, action):
        raise AccessDenied(f"Your role ({role or 'none'}) may not {action.replace('_', ' ')}.")
    return role


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
