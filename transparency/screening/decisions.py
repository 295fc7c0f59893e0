"""Screening decisions: an append-only JSON Lines file beside the store, one line a decision.

The same crash-safe append as the due-diligence records (`transparency.risk.diligence`): one
`write()` in append mode, `fsync` before `add` returns, under an exclusive lock; a torn last
line (a crash mid-write) is ignored on reading and cut off before the next append. A decision
is about one candidate id, which hashes the supplier and the list entry as they were, so a
changed supplier or entry is a new candidate and is asked again. Who may decide is checked
here, when the record is written (`transparency.access`, action `screening_decide`).

>>> path("/srv/store").name
'screening_decisions.jsonl'
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from transparency import access, jsonl_log

FILE_NAME = "screening_decisions.jsonl"
DECISIONS = ("confirmed", "dismissed")
# What a decision keeps of the candidate, so confirmed matches show without re-screening.
KEPT = (
    "candidate_id", "supplier_key", "supplier_name", "list_key", "edition", "entry_id",
    "entry_name", "score",
)  # fmt: skip
COLUMNS: dict[str, pl.DataType] = {
    **{k: pl.String() for k in KEPT if k != "score"},
    "score": pl.Float64(),
    "decision": pl.String(),
    "reason": pl.String(),
    "decided_by": pl.String(),
    "role": pl.String(),
    "decided_at": pl.String(),
}


class DecisionError(ValueError):
    """A decision was refused (field, role, or an unknown candidate); the message says why."""


class TornDecisionWarning(UserWarning):
    """The last line of the decisions file was cut off by a crash and is ignored."""


def path(store: object) -> Path:
    """Return the decisions file of a store (a `Store` or its folder)."""
    root = store if isinstance(store, str | os.PathLike) else store.root
    return Path(root) / FILE_NAME


def validate(
    candidate: dict, decision: str, reason: str, decided_by: str, role: str | None
) -> dict:
    """Return the record to store, or raise `DecisionError` naming what is wrong."""
    if not access.can(role, "screening_decide"):
        raise DecisionError(
            f"role {role!r} may not decide on screening candidates "
            f"(needs {access.ACTION_ROLES.get('screening_decide', 'analyst')} or above)"
        )
    if decision not in DECISIONS:
        raise DecisionError(f"decision: must be one of {list(DECISIONS)} (found {decision!r})")
    reason = (reason or "").strip()
    decided_by = (decided_by or "").strip()
    if not reason:
        raise DecisionError("reason: is required")
    if len(reason) > 2000:
        raise DecisionError(f"reason: at most 2000 characters (found {len(reason)})")
    if not decided_by:
        raise DecisionError("decided_by: is required")
    record = {k: candidate.get(k) for k in KEPT}
    if not record["candidate_id"]:
        raise DecisionError("candidate_id: is required")
    record["score"] = float(record["score"]) if record["score"] is not None else None
    return {**record, "decision": decision, "reason": reason, "decided_by": decided_by[:200],
            "role": role}  # fmt: skip


def add(
    store: object, candidate: dict, *, decision: str, reason: str, decided_by: str, role: str | None
) -> dict:
    """Validate and append one decision; return it once it is safely on disk."""
    record = validate(candidate, decision, reason, decided_by, role)
    record["decided_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    jsonl_log.append(path(store), record, TornDecisionWarning, "decision")
    return record


def read(store: object) -> pl.DataFrame:
    """Return every decision (columns `COLUMNS`), oldest first; a torn last line is ignored."""
    rows = jsonl_log.read(path(store), TornDecisionWarning, "decision", DecisionError)
    if not rows:
        return pl.DataFrame(schema=COLUMNS)
    return pl.DataFrame([{k: r.get(k) for k in COLUMNS} for r in rows], schema=COLUMNS)


def latest(store: object) -> pl.DataFrame:
    """Return the latest decision per candidate id."""
    return read(store).with_row_index("_n").sort("_n").group_by("candidate_id").last().drop("_n")
