"""The category of a line: UNSPSC codes as they are, CPV codes mapped to a UNSPSC segment."""

from __future__ import annotations

import csv
import functools
import re

from transparency.ingest.ocds.model import CPV_TABLE


@functools.cache
def cpv_table() -> dict[str, str]:
    """Return CPV prefix -> UNSPSC segment from `data/reference/cpv_to_unspsc_segment.csv`."""
    with open(CPV_TABLE, encoding="utf-8", newline="") as fh:
        return {row["cpv_prefix"]: row["unspsc_segment"] for row in csv.DictReader(fh)}


def cpv_to_unspsc(code: str) -> str | None:
    """Return the UNSPSC segment of a CPV code (longest prefix in the table), or None.

    >>> cpv_to_unspsc("18330000-1")   # division 18 clothing -> segment 53 apparel
    '53'
    >>> cpv_to_unspsc("03115100-1")   # raw cotton: category 03115 -> segment 11
    '11'
    """
    digits = re.sub(r"\D", "", code.split("-")[0])
    if len(digits) != 8:
        return None
    table = cpv_table()
    for length in range(8, 1, -1):
        segment = table.get(digits[:length])
        if segment is not None:
            return segment
    return None


def unspsc_code(raw: str) -> str | None:
    """Return a UNSPSC code (2, 4, 6 or 8 digits; 10 digits keep the first 8) or None.

    >>> unspsc_code("43211501"), unspsc_code("43.21.15.01"), unspsc_code("4321150199")
    ('43211501', '43211501', '43211501')
    """
    text = raw.strip()
    if not re.fullmatch(r"[0-9][0-9\s.\-/]*", text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10:
        digits = digits[:8]
    if len(digits) not in (2, 4, 6, 8) or digits.startswith("00"):
        return None
    return digits


def _scheme(classification: dict) -> str:
    return classification.get("scheme", "").strip().upper()


def category_of(items: list[dict]) -> tuple[str | None, str | None, str | None]:
    """Return (category_scheme, category_code, category_raw) for a list of items."""
    chosen = None
    for item in items:
        main = item.get("classification")
        candidates = [main] if main else []
        candidates += item.get("additionalClassifications", [])
        for classification in candidates:
            if _scheme(classification) in ("UNSPSC", "CPV") and classification.get("id"):
                chosen = classification
                break
        if chosen is None and main:
            chosen = main
        if chosen is not None and _scheme(chosen) in ("UNSPSC", "CPV"):
            break
    if chosen is None:
        return None, None, None
    scheme_raw = chosen.get("scheme", "").strip() or None
    ident = chosen.get("id", "").strip()
    label = f"{scheme_raw}:" if scheme_raw else ""
    description = chosen.get("description", "").strip()
    raw = f"{label}{ident}" if ident else f"{label} (no id) {description}".strip()
    scheme = _scheme(chosen)
    if scheme == "UNSPSC":
        return "UNSPSC", unspsc_code(ident) if ident else None, raw
    if scheme == "CPV":
        return "CPV", cpv_to_unspsc(ident) if ident else None, raw
    return scheme_raw, None, raw
