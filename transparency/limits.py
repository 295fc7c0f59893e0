"""Import limits: settings with defaults, each overridable by an environment variable.

Read at the moment of each import (not at import time of this module), so a changed
variable applies to the next import.

| setting                        | variable                               | default       |
|--------------------------------|----------------------------------------|---------------|
| largest file                   | TRANSPARENCY_MAX_UPLOAD_MB             | 200 (MB)      |
| most data rows in one file     | TRANSPARENCY_MAX_IMPORT_ROWS           | 20,000,000    |
| XLSX: most bytes unpacked      | TRANSPARENCY_MAX_XLSX_UNPACKED_MB      | 4,000 (MB)    |
| XLSX: packing ratio of a part  | TRANSPARENCY_MAX_XLSX_RATIO            | 200           |
| JSON (OCDS): nesting depth     | TRANSPARENCY_MAX_JSON_DEPTH            | 64            |
| largest line value             | TRANSPARENCY_MAX_LINE_USD              | 1,000,000,000,000 |
| earliest award date            | TRANSPARENCY_MIN_AWARD_DATE            | 1990-01-01    |
| latest award date              | TRANSPARENCY_MAX_DAYS_AHEAD            | 366 days on   |

>>> max_upload_bytes() == 200 * 1024 * 1024   # doctest: +SKIP
True
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal


class LimitError(ValueError):
    """A limit variable holds something that is not a usable value."""


def _number(name: str, default: float, *, integer: bool = False) -> float:
    raw = os.environ.get(name, "").strip().replace("_", "").replace(",", "")
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError as exc:
        raise LimitError(f"{name}={os.environ[name]!r} is not a number.") from exc
    if value <= 0:
        raise LimitError(f"{name}={os.environ[name]!r} must be above zero.")
    return value


def max_upload_mb() -> float:
    """Return the largest file an import accepts, in MB (`TRANSPARENCY_MAX_UPLOAD_MB`)."""
    return _number("TRANSPARENCY_MAX_UPLOAD_MB", 200)


def max_upload_bytes() -> int:
    """Return `max_upload_mb()` in bytes (1 MB = 1,048,576 bytes)."""
    return int(max_upload_mb() * 1024 * 1024)


def max_import_rows() -> int:
    """Return the most data rows one file may hold (`TRANSPARENCY_MAX_IMPORT_ROWS`)."""
    return int(_number("TRANSPARENCY_MAX_IMPORT_ROWS", 20_000_000, integer=True))


def max_xlsx_unpacked_bytes() -> int:
    """Return the most bytes an XLSX may unpack to (`TRANSPARENCY_MAX_XLSX_UNPACKED_MB`)."""
    return int(_number("TRANSPARENCY_MAX_XLSX_UNPACKED_MB", 4000) * 1024 * 1024)


def max_xlsx_ratio() -> float:
    """Return the highest unpacked/packed ratio of a part of an XLSX (zip bombs exceed it).

    Real sheets pack about 5-20 to 1, very repetitive ones up to about 100 to 1; deflate
    cannot exceed about 1,030 to 1, and bombs sit near that.
    """
    return _number("TRANSPARENCY_MAX_XLSX_RATIO", 200)


def max_json_depth() -> int:
    """Return the deepest nesting an OCDS JSON file may have (`TRANSPARENCY_MAX_JSON_DEPTH`).

    OCDS releases nest about 8 levels (package, releases, award, suppliers, address ...).
    """
    return int(_number("TRANSPARENCY_MAX_JSON_DEPTH", 64, integer=True))


def max_line_usd() -> Decimal:
    """Return the largest absolute USD value one line may have (`TRANSPARENCY_MAX_LINE_USD`)."""
    raw = os.environ.get("TRANSPARENCY_MAX_LINE_USD", "").strip().replace("_", "")
    if not raw:
        return Decimal(10) ** 12
    try:
        value = Decimal(raw.replace(",", ""))
    except ArithmeticError as exc:
        raise LimitError(f"TRANSPARENCY_MAX_LINE_USD={raw!r} is not a number.") from exc
    if not value.is_finite() or value <= 0:
        raise LimitError(f"TRANSPARENCY_MAX_LINE_USD={raw!r} must be a number above zero.")
    return value


def min_award_date() -> date:
    """Return the earliest award date accepted (`TRANSPARENCY_MIN_AWARD_DATE`, ISO date)."""
    raw = os.environ.get("TRANSPARENCY_MIN_AWARD_DATE", "").strip()
    if not raw:
        return date(1990, 1, 1)
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise LimitError(
            f"TRANSPARENCY_MIN_AWARD_DATE={raw!r} is not an ISO date (YYYY-MM-DD)."
        ) from exc


def max_days_ahead() -> int:
    """Return how many days after the import an award date may lie
    (`TRANSPARENCY_MAX_DAYS_AHEAD`)."""
    return int(_number("TRANSPARENCY_MAX_DAYS_AHEAD", 366, integer=True))


def current() -> dict[str, object]:
    """Return every limit by its variable name; raise `LimitError` if one is malformed.

    >>> current()["TRANSPARENCY_MAX_IMPORT_ROWS"]   # doctest: +SKIP
    20000000
    """
    return {
        "TRANSPARENCY_MAX_UPLOAD_MB": max_upload_mb(),
        "TRANSPARENCY_MAX_IMPORT_ROWS": max_import_rows(),
        "TRANSPARENCY_MAX_XLSX_UNPACKED_MB": max_xlsx_unpacked_bytes() / 1048576,
        "TRANSPARENCY_MAX_XLSX_RATIO": max_xlsx_ratio(),
        "TRANSPARENCY_MAX_JSON_DEPTH": max_json_depth(),
        "TRANSPARENCY_MAX_LINE_USD": max_line_usd(),
        "TRANSPARENCY_MIN_AWARD_DATE": min_award_date(),
        "TRANSPARENCY_MAX_DAYS_AHEAD": max_days_ahead(),
    }
