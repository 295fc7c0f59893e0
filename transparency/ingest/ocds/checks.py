"""Type checks and pruning: each release cut down to the fields lines are made from."""

from __future__ import annotations

import json
import pickle
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from transparency.ingest.ocds.model import (
    FIRST_YEAR,
    ISO_4217,
    LAST_YEAR,
    MAX_AHEAD,
    MAX_AMOUNT,
    MAX_DECIMALS,
)

TEXT, ID, AMOUNT, DATE = "text", "id", "amount", "date"
_ORG = {
    "id": ID,
    "name": TEXT,
    "identifier": {"scheme": TEXT, "id": ID, "legalName": TEXT},
    "address": {"countryName": TEXT, "countryCode": TEXT, "country": TEXT},
    "roles": [TEXT],
}
_CLASSIFICATION = {"scheme": TEXT, "id": ID, "description": TEXT}
_ITEM = {
    "id": ID,
    "description": TEXT,
    "classification": _CLASSIFICATION,
    "additionalClassifications": [_CLASSIFICATION],
}
_VALUE = {"amount": AMOUNT, "currency": TEXT}
_AWARD = {
    "id": ID,
    "title": TEXT,
    "description": TEXT,
    "status": TEXT,
    "date": DATE,
    "value": _VALUE,
    "suppliers": [_ORG],
    "items": [_ITEM],
}
_CONTRACT = {
    "id": ID,
    "awardID": ID,
    "title": TEXT,
    "description": TEXT,
    "status": TEXT,
    "dateSigned": DATE,
    "value": _VALUE,
    "suppliers": [_ORG],
    "items": [_ITEM],
}
_RELEASE = {
    "ocid": TEXT,
    "id": ID,
    "date": DATE,
    "buyer": _ORG,
    "parties": [_ORG],
    "tender": {
        "title": TEXT,
        "procurementMethod": TEXT,
        "procuringEntity": _ORG,
        "items": [_ITEM],
    },
}

_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    return "a number"


def _show(value: Any) -> str:
    try:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
    except (ValueError, RecursionError):
        return "(too deeply nested to show)"
    return text if len(text) <= 200 else text[:197] + "..."


class _Problems:
    """Errors found while checking one part of a release: (path, value, reason)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, path: str, value: Any, reason: str) -> None:
        self.items.append((path, _show(value), reason))


def parse_amount(value: Any) -> Decimal | None:
    """Return an OCDS amount as Decimal: numbers, or text holding a plain number.

    Empty text is no amount (None). Raises ValueError for anything else.

    >>> parse_amount("1 234") is None
    Traceback (most recent call last):
    ...
    ValueError: not a number
    >>> parse_amount("203179.71")
    Decimal('203179.71')
    """
    if isinstance(value, bool) or isinstance(value, dict | list):
        raise ValueError("not a number")
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        if not value.strip():
            return None
        if not _NUMBER.match(value):
            raise ValueError("not a number")
        amount = Decimal(value.strip())
    else:
        raise ValueError("not a number")
    if not amount.is_finite():
        raise ValueError("not a finite number")
    return amount


def parse_date(value: str) -> date:
    """Return the calendar date an OCDS date-time starts with (as written, no time zone shift).

    >>> parse_date("2015-12-30T00:00:00-06:00")
    datetime.date(2015, 12, 30)
    """
    match = _DATE.match(value)
    if not match:
        raise ValueError("not a date (expected YYYY-MM-DD...)")
    year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)


def _prune(value: Any, spec: Any, path: str, problems: _Problems) -> Any:
    """Return `value` cut down to `spec`, with text and ids as str; record wrong types."""
    if value is None:
        return None
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            problems.add(path, value, f"expected an object, found {_kind(value)}")
            return None
        out = {}
        for key, sub in spec.items():
            if key in value:
                pruned = _prune(value[key], sub, f"{path}.{key}", problems)
                if pruned is not None:
                    out[key] = pruned
        return out
    if isinstance(spec, list):
        if isinstance(value, dict) and path.endswith(".suppliers") and ".contracts[" in path:
            # contracts[].suppliers is an extension; some publishers give one object.
            value = [value]
        if not isinstance(value, list):
            problems.add(path, value, f"expected an array, found {_kind(value)}")
            return None
        items = [_prune(v, spec[0], f"{path}[{i}]", problems) for i, v in enumerate(value)]
        return [v for v in items if v is not None]
    if spec in (TEXT, ID):
        if isinstance(value, str):
            return value
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        problems.add(path, value, f"expected text, found {_kind(value)}")
        return None
    if spec == AMOUNT:
        try:
            amount = parse_amount(value)
        except ValueError as exc:
            problems.add(path, value, f"amount is {exc} (found {_kind(value)})")
            return None
        if amount is not None and abs(amount) >= MAX_AMOUNT:
            problems.add(path, value, "amount is too large (more than 34 digits)")
            return None
        if amount is not None and -amount.as_tuple().exponent > MAX_DECIMALS:
            # More precision than the store keeps: rounding would change the figure.
            problems.add(path, value, f"amount has more than {MAX_DECIMALS} decimal places")
            return None
        return amount
    if spec == DATE:
        if not isinstance(value, str):
            problems.add(path, value, f"expected a date as text, found {_kind(value)}")
            return None
        if not value.strip():
            return None
        try:
            day = parse_date(value)
        except ValueError as exc:
            problems.add(path, value, str(exc))
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.add(path, value, f"impossible date: year {day.year}")
            return None
        return value.strip()
    raise AssertionError(spec)


def _sort_key(release_date: str | None) -> datetime:
    """Return the release date as an aware UTC datetime for ordering (missing = earliest)."""
    if not release_date:
        return datetime.min.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(release_date.replace("Z", "+00:00"))
    except ValueError:
        day = parse_date(release_date)
        moment = datetime(day.year, day.month, day.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _check_currency(value: dict, path: str, problems: _Problems) -> None:
    """Upper-case a value's currency in place; record a missing or invalid one."""
    if value.get("amount") is None:
        return
    raw = value.get("currency")
    if raw is None or not raw.strip():
        problems.add(f"{path}.currency", raw or "", "value has an amount but no currency")
        return
    code = raw.strip().upper()
    if code not in ISO_4217:
        problems.add(f"{path}.currency", raw, f"currency {raw!r} is not an ISO 4217 code")
        return
    value["currency"] = code


@dataclass
class Fragment:
    """The parts of one release that lines are made from, and where they came from."""

    ocid: str
    number: int
    order: datetime
    data: bytes  # pickled pruned release; spilled to a temporary file while it waits


def check_release(
    obj: Any, number: int, path: str, rejections: list[tuple]
) -> tuple[Fragment | None, bool]:
    """Check one release; return its fragment (None when rejected whole) and whether it
    had any award or contract. Problems go to `rejections` with their JSON path."""

    def reject(problems: _Problems) -> None:
        for where, value, reason in problems.items:
            rejections.append((number, where, value, reason))

    if not isinstance(obj, dict):
        problems = _Problems()
        problems.add(path, obj, f"expected a release object, found {_kind(obj)}")
        reject(problems)
        return None, False
    has_parts = bool(obj.get("awards") or obj.get("contracts"))
    ocid = obj.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        problems = _Problems()
        reason = "release has no ocid" if ocid in (None, "") else "ocid is not text"
        problems.add(f"{path}.ocid", ocid if ocid is not None else "", reason)
        reject(problems)
        return None, has_parts
    problems = _Problems()
    release = _prune(obj, _RELEASE, path, problems) or {}
    if problems.items:
        reject(problems)
        return None, has_parts
    release_day = parse_date(release["date"]) if "date" in release else None
    for key, spec, date_key in (("awards", _AWARD, "date"), ("contracts", _CONTRACT, "dateSigned")):
        raw_list = obj.get(key)
        if raw_list is None:
            continue
        if not isinstance(raw_list, list):
            problems.add(f"{path}.{key}", raw_list, f"expected an array, found {_kind(raw_list)}")
            reject(problems)
            return None, has_parts
        kept = []
        for i, raw in enumerate(raw_list):
            where = f"{path}.{key}[{i}]"
            part_problems = _Problems()
            part = _prune(raw, spec, where, part_problems)
            if part is not None:
                if "value" in part:
                    _check_currency(part["value"], f"{where}.value", part_problems)
                when = part.get(date_key)
                if when and release_day and parse_date(when) > release_day + MAX_AHEAD:
                    part_problems.add(
                        f"{where}.{date_key}",
                        when,
                        f"impossible date: more than a year after the release date "
                        f"{release_day.isoformat()}",
                    )
            if part_problems.items:
                reject(part_problems)
                continue
            if part is None:
                continue
            part.setdefault("id", f"#{i + 1}")
            part["_src"], part["_path"] = number, where
            kept.append(part)
        release[key] = kept
    for i, item in enumerate(release.get("tender", {}).get("items", [])):
        item.setdefault("id", f"#{i + 1}")
    fragment = Fragment(
        ocid=ocid,
        number=number,
        order=_sort_key(release.get("date")),
        data=pickle.dumps(release, protocol=pickle.HIGHEST_PROTOCOL),
    )
    return fragment, has_parts
