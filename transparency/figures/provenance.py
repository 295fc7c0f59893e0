"""Provenance of the figures: the batches, risk model, reference editions, due-diligence
steps and query files they come from, and the `fingerprint` over all of them.

The same inputs give the same fingerprint; batch ids and import times are published but
not hashed, so the same files imported again give the same fingerprint.

>>> len(definitions_hash())
64
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from transparency import risk
from transparency.figures.definitions import DEFINITIONS_VERSION
from transparency.quarters import Quarter
from transparency.risk import categories as categories_module
from transparency.risk import diligence
from transparency.settings import QUERIES_DIR, risk_model_path
from transparency.store import Store


def provenance(
    store: Store, q: Quarter, batch_ids: set[str], now: datetime | None = None
) -> dict[str, Any]:
    """Return the provenance of the figures of `q` summed from the batches `batch_ids`.

    `now` (default: the current time, UTC) is published as `generated_at` and decides which
    due-diligence steps are in force.
    """
    manifest = {b.batch_id: b for b in store.batches()}
    batches = [
        {
            "batch_id": bid,
            "source_file": manifest[bid].source_file if bid in manifest else None,
            "content_hash": manifest[bid].content_hash if bid in manifest else None,
            "imported_at": manifest[bid].imported_at if bid in manifest else None,
            "is_demo": manifest[bid].is_demo if bid in manifest else None,
        }
        for bid in sorted(batch_ids)
    ]
    risk_info = _risk_provenance()
    generated = now or datetime.now(UTC)
    inputs = {
        "quarter": q.label,
        "start": q.start.isoformat(),
        "end": q.end.isoformat(),
        "fiscal_year_start_month": q.start_month,
        # content, not batch ids: the same files imported again give the same fingerprint
        "batch_content": sorted(str(b["content_hash"]) for b in batches),
        "risk_model_hash": risk_info["risk_model_hash"],
        "reference_editions": risk_info["reference_editions"],
        "diligence_records_hash": _diligence_hash(store, generated.date()),
        "definitions_hash": definitions_hash(),
    }
    fingerprint = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode("utf-8")).hexdigest()
    return {
        "fingerprint": fingerprint,
        "batches": batches,
        # Any generated batch among the quarter's makes the figures demo data (one real
        # file beside the demo lines must not hide the label).
        "is_demo": any(b["is_demo"] for b in batches),
        "demo_batches": sum(1 for b in batches if b["is_demo"]),
        **risk_info,
        "diligence_records_hash": inputs["diligence_records_hash"],
        "definitions_hash": inputs["definitions_hash"],
        "generated_at": generated.isoformat(timespec="seconds"),
    }


def _risk_provenance() -> dict[str, Any]:
    """Return the risk model hash and reference editions, from `transparency.risk`."""
    model_hash = None
    fn: Callable[[], Any] | None = getattr(risk, "model_fingerprint", None)
    if fn is not None:
        model_hash = str(fn())
    else:
        path = risk_model_path()
        if path.exists():
            model_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    editions: Any = None
    ed = getattr(risk, "editions", None)
    if ed is not None:
        # The editions follow from the model and reference files, which the hash covers;
        # reading the reference files again costs more than the rest of the figures.
        cached = _EDITIONS.get(model_hash) if model_hash else None
        if cached is None:
            editions = ed()
            if isinstance(editions, pl.DataFrame):
                editions = editions.to_dicts()
            cached = _plain(editions)
            if model_hash:
                _EDITIONS.clear()
                _EDITIONS[model_hash] = cached
        editions = json.loads(json.dumps(cached))  # a copy: callers may change theirs
    return {"risk_model_hash": model_hash, "reference_editions": editions}


_EDITIONS: dict[str, Any] = {}  # risk model hash -> its reference editions (one entry)


def _plain(value: Any) -> Any:
    """Return `value` as JSON-safe plain data (so it can be hashed and published)."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def _diligence_hash(store: Store, today: date) -> str | None:
    """Return a hash of the due-diligence steps in force today (what residual risk uses).

    Only (supplier, step) pairs in force count, so appending a record that changes no
    residual category leaves the fingerprint as it was.
    """
    frame = diligence.records(store)
    if frame.is_empty():
        return None
    active = (
        frame.filter(
            (pl.col("step_date") <= today)
            & (pl.col("valid_until").is_null() | (pl.col("valid_until") >= today))
        )
        .select("supplier_id", "supplier_name", "step")
        .unique()
        .sort("supplier_id", "supplier_name", "step", nulls_last=True)
    )
    return hashlib.sha256(active.write_csv().encode("utf-8")).hexdigest()


def definitions_hash(folder: Path = QUERIES_DIR) -> str:
    """Return a hash of the files that define the figures (a change changes every figure):
    the figures' query files, the high-risk macro and the table of risk categories."""
    digest = hashlib.sha256(f"v{DEFINITIONS_VERSION}".encode())
    paths = sorted(Path(folder).glob("figures_*.sql"))
    paths += [Path(folder) / "views" / "is_high_risk.sql", Path(categories_module.__file__)]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
