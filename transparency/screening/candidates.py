"""Screening: every supplier in the store against every present list, as candidates to review.

A candidate is a supplier and a list entry the matcher paired; it is never a finding. Its id
hashes the supplier (key, name, country) and the entry (list, id, fingerprint of its row),
so a decision holds until either changes. `screen` returns the candidates and the coverage
(suppliers and spend screened, and each list's edition); `open_candidates` leaves out the
decided ones, `confirmed` gives the confirmed matches that still hold.

>>> candidate_id("S-1", "Acme", "CHN", "worldbank:ab12", "ab12")
'C-c10e10ae02'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from transparency import sql
from transparency.screening import decisions, lists, matcher
from transparency.screening.config import QUERIES, ScreeningConfig, load


def candidate_id(
    supplier_key: str, supplier_name: str | None, country: str | None, entry_id: str, entry_fp: str
) -> str:
    """Return the stable id of a (supplier as it is, list entry as it is) pair."""
    text = "\x1f".join([supplier_key, supplier_name or "", country or "", entry_id, entry_fp])
    return "C-" + hashlib.sha256(text.encode()).hexdigest()[:10]


@dataclass
class Screening:
    """The result of one screening run."""

    candidates: pl.DataFrame
    coverage: pl.DataFrame  # one row per configured list
    suppliers_screened: int
    spend_screened_usd: float


def screen(
    con: duckdb.DuckDBPyConnection,
    cfg: ScreeningConfig | None = None,
    folder: Path | None = None,
    extra: dict[str, Path] | None = None,
) -> Screening:
    """Screen the suppliers of `contract_lines` on `con` against the present lists."""
    cfg = cfg or load()
    suppliers = sql.run(con, "screening_suppliers", folder=QUERIES)
    entries = lists.load_entries(cfg, folder, extra)
    pairs = matcher.match(suppliers, entries, cfg)
    found = pairs.join(suppliers, on="supplier_key").join(entries, on="entry_id")
    found = found.with_columns(
        pl.struct(
            "supplier_key", "supplier_name", "supplier_country", "entry_id", "entry_fingerprint"
        )
        .map_elements(lambda r: candidate_id(*r.values()), return_dtype=pl.String)
        .alias("candidate_id")
    ).select(
        "candidate_id", "supplier_key", "supplier_id", "supplier_name", "supplier_country",
        pl.col("spend_usd").cast(pl.Float64), "lines",
        pl.col("award_dates").list.first().alias("first_award"),
        pl.col("award_dates").list.last().alias("last_award"),
        "list_key", "list_title", "edition", "entry_id", "entry_name", "matched_name",
        "aliases", "countries", "date_from", "date_to", "details", "score",
    ).sort(["score", "supplier_key", "entry_id"], descending=[True, False, False])  # fmt: skip
    screened = suppliers.filter(
        pl.col("supplier_name").is_not_null() & (pl.col("supplier_name").str.strip_chars() != "")
    )
    return Screening(
        candidates=found,
        coverage=lists.coverage(entries, cfg),
        suppliers_screened=screened.height,
        spend_screened_usd=float(screened["spend_usd"].cast(pl.Float64).sum() or 0),
    )


def open_candidates(store: object, result: Screening) -> pl.DataFrame:
    """Return the candidates without a decision yet."""
    decided = decisions.latest(store).select("candidate_id")
    return result.candidates.join(decided, on="candidate_id", how="anti")


def confirmed(store: object, result: Screening) -> pl.DataFrame:
    """Return the current candidates whose latest decision is "confirmed", with the decision."""
    latest = decisions.latest(store).filter(pl.col("decision") == "confirmed")
    return result.candidates.join(
        latest.select("candidate_id", "reason", "decided_by", "decided_at"), on="candidate_id"
    )


def find(result: Screening, candidate: str) -> dict:
    """Return one current candidate as a dict; raise `DecisionError` when there is none."""
    hit = result.candidates.filter(pl.col("candidate_id") == candidate)
    if hit.height == 0:
        raise decisions.DecisionError(
            f"no open or current candidate {candidate!r}: the supplier or the list entry may have "
            "changed since it was listed; run `screening list` again"
        )
    return hit.row(0, named=True)
