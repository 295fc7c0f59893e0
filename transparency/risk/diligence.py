"""Due-diligence records: an append-only JSON Lines file beside the store.

Each accepted record is one line of `<store>/diligence.jsonl`, written with a single
`write()` in append mode and flushed to disk (`fsync`) before `add` returns, so a crash never
loses a record `add` accepted. A crash during a write can leave at most a torn last line
without its newline; reading ignores it with a warning, and the next `add` cuts it off
before appending, so earlier records are never touched.

>>> add(store, supplier_id="S-17", supplier_name="Acme", step="audit", recorded_by="j.doe",
...     step_date="2026-03-01", evidence="SMETA 4-pillar report 2026-114",
...     valid_until="2027-03-01")                                  # doctest: +SKIP
>>> records(store, supplier_id="S-17").height                      # doctest: +SKIP
1
>>> path("/srv/store").name
'diligence.jsonl'
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from transparency import jsonl_log
from transparency.risk.model import STEPS

FILE_NAME = "diligence.jsonl"

COLUMNS: dict[str, pl.DataType] = {
    "supplier_id": pl.String(),
    "supplier_name": pl.String(),
    "step": pl.String(),
    "recorded_by": pl.String(),
    "recorded_at": pl.Datetime("us", "UTC"),
    "step_date": pl.Date(),
    "evidence": pl.String(),
    "valid_until": pl.Date(),
}


class DiligenceError(ValueError):
    """A due-diligence record was refused or the file is damaged; the message says how."""


class TornRecordWarning(UserWarning):
    """The last line of the diligence file was cut off by a crash and is ignored."""


def path(store: object) -> Path:
    """Return the diligence file of a store (a `Store` or its folder)."""
    # A Path has a `.root` too ("/"), so test for the path types first.
    root = store if isinstance(store, str | os.PathLike) else store.root
    return Path(root) / FILE_NAME


def _date(field: str, value: date | str | None, *, required: bool) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DiligenceError(f"{field}: a date is required (YYYY-MM-DD)")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise DiligenceError(
            f"{field}: not a date in the form YYYY-MM-DD (found {value!r})"
        ) from exc


def _text(field: str, value: str | None, *, required: bool, limit: int = 2000) -> str | None:
    if value is None or not str(value).strip():
        if required:
            raise DiligenceError(f"{field}: is required")
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise DiligenceError(f"{field}: at most {limit} characters (found {len(text)})")
    return text


def validate(
    *,
    supplier_id: str | None,
    supplier_name: str | None,
    step: str,
    recorded_by: str,
    step_date: date | str,
    evidence: str,
    valid_until: date | str | None = None,
    today: date | None = None,
) -> dict:
    """Return the record as stored, or raise `DiligenceError` naming the field and value."""
    today = today or datetime.now(UTC).date()
    record = {
        "supplier_id": _text("supplier_id", supplier_id, required=False, limit=200),
        "supplier_name": _text("supplier_name", supplier_name, required=False, limit=500),
        "step": _text("step", step, required=True, limit=50),
        "recorded_by": _text("recorded_by", recorded_by, required=True, limit=200),
        "step_date": _date("step_date", step_date, required=True),
        "evidence": _text("evidence", evidence, required=True),
        "valid_until": _date("valid_until", valid_until, required=False),
    }
    if record["supplier_id"] is None and record["supplier_name"] is None:
        raise DiligenceError("supplier_id or supplier_name: give at least one")
    if record["step"] not in STEPS:
        raise DiligenceError(f"step: must be one of {list(STEPS)} (found {step!r})")
    if record["step_date"] > today:
        raise DiligenceError(
            f"step_date: must not be in the future (found {record['step_date'].isoformat()}, "
            f"today is {today.isoformat()})"
        )
    if record["valid_until"] is not None and record["valid_until"] < record["step_date"]:
        raise DiligenceError(
            f"valid_until: must not be before step_date {record['step_date'].isoformat()} "
            f"(found {record['valid_until'].isoformat()})"
        )
    return record


def add(
    store: object,
    *,
    supplier_id: str | None = None,
    supplier_name: str | None = None,
    step: str,
    recorded_by: str,
    step_date: date | str,
    evidence: str,
    valid_until: date | str | None = None,
) -> dict:
    """Validate and append one record; return it once it is safely on disk."""
    record = validate(
        supplier_id=supplier_id,
        supplier_name=supplier_name,
        step=step,
        recorded_by=recorded_by,
        step_date=step_date,
        evidence=evidence,
        valid_until=valid_until,
    )
    record["recorded_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    stored = {
        **record,
        "step_date": record["step_date"].isoformat(),
        "valid_until": record["valid_until"].isoformat() if record["valid_until"] else None,
    }
    jsonl_log.append(path(store), stored, TornRecordWarning, "record")
    return stored


def read_raw(store: object) -> list[dict]:
    """Return the records as dicts, oldest first; a torn last line is ignored with a warning."""
    return jsonl_log.read(path(store), TornRecordWarning, "record", DiligenceError)


def records(store: object, supplier_id: str | None = None) -> pl.DataFrame:
    """Return the records (columns `COLUMNS`), oldest first, optionally for one supplier."""
    rows = read_raw(store)
    if not rows:
        return pl.DataFrame(schema=COLUMNS)
    frame = pl.DataFrame(
        [{k: r.get(k) for k in COLUMNS} for r in rows],
        schema={k: pl.String() for k in COLUMNS},
    )
    frame = frame.with_columns(
        pl.col("recorded_at").str.to_datetime(time_zone="UTC", time_unit="us"),
        pl.col("step_date").str.to_date(),
        pl.col("valid_until").str.to_date(),
    ).select(list(COLUMNS))
    if supplier_id is not None:
        frame = frame.filter(pl.col("supplier_id") == supplier_id)
    return frame
