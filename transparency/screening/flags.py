"""Integrity red flags from `data/red_flags.toml`, each computed by `queries/red_flag_<key>.sql`.

A flag needs the fields its config names; when the contract lines lack one (no such column,
or no value in it) the flag is "not computable" and has no counts, never zero. The Cardinal
indicators that need bid-level data are listed as not computable with what they need.

>>> [f.key for f in load_flags()]
['direct_award', 'single_bidder', 'short_tender', 'concentration', 'splitting']
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from transparency import database, sql
from transparency.screening.config import QUERIES
from transparency.settings import DATA_DIR

FLAGS_PATH = DATA_DIR / "red_flags.toml"
COMPUTED, NOT_COMPUTABLE = "computed", "not computable"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
# Config keys that are text about the flag; every other key is a threshold bound to the SQL.
_TEXT_KEYS = {"title", "scope", "definition", "source", "departs", "fields"}


@dataclass(frozen=True)
class Flag:
    """One flag: its text, the fields it needs, and its thresholds ($parameters of its SQL)."""

    key: str
    title: str
    scope: str
    definition: str
    source: str
    fields: tuple[str, ...]
    params: dict[str, object] = field(default_factory=dict)
    departs: str = ""


def load_flags(path: Path | None = None) -> list[Flag]:
    """Return the flags of the config file, in its order."""
    data = tomllib.loads(Path(path or FLAGS_PATH).read_text(encoding="utf-8"))
    out = []
    for key, raw in data["flags"].items():
        fields = tuple(raw["fields"])
        bad = [f for f in fields if not _IDENTIFIER.fullmatch(f)]
        if bad:
            raise ValueError(f"red flag {key}: field names {bad} are not column names")
        out.append(
            Flag(
                key=key,
                title=raw["title"],
                scope=raw["scope"],
                definition=raw["definition"],
                source=raw["source"],
                fields=fields,
                params={k: v for k, v in raw.items() if k not in _TEXT_KEYS},
                departs=raw.get("departs", ""),
            )
        )
    return out


def not_computable_indicators(path: Path | None = None) -> dict[str, str]:
    """Return Cardinal code -> what it needs, for the indicators the lines can never feed."""
    data = tomllib.loads(Path(path or FLAGS_PATH).read_text(encoding="utf-8"))
    return dict(data.get("not_computable", {}))


def present_fields(con: duckdb.DuckDBPyConnection, wanted: set[str]) -> set[str]:
    """Return the fields of `wanted` that `contract_lines` has with at least one value."""
    columns = set(con.table("contract_lines").columns)
    have = sorted(f for f in wanted if f in columns and _IDENTIFIER.fullmatch(f))
    if not have:
        return set()
    # The names come from the config and are checked identifiers that exist as columns.
    counts = con.table("contract_lines").aggregate(", ".join(f"count({f})" for f in have))
    return {f for f, n in zip(have, counts.fetchall()[0], strict=True) if n}


@dataclass
class FlagResult:
    """One flag on the data: status, the missing fields, and its rows (None when not computed)."""

    flag: Flag
    status: str
    missing: tuple[str, ...] = ()
    rows: pl.DataFrame | None = None


def compute(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> list[FlagResult]:
    """Run every flag whose fields the lines have; the others are "not computable"."""
    flags = load_flags(path)
    have = present_fields(con, {f for flag in flags for f in flag.fields})
    results = []
    for flag in flags:
        missing = tuple(f for f in flag.fields if f not in have)
        if missing:
            results.append(FlagResult(flag, NOT_COMPUTABLE, missing))
            continue
        rows = sql.run(con, f"red_flag_{flag.key}", flag.params, folder=QUERIES)
        results.append(FlagResult(flag, COMPUTED, (), rows))
    return results


def summary(results: list[FlagResult]) -> pl.DataFrame:
    """Return one row per flag: status, what is missing, and how many were flagged, with spend.

    Contract flags count contracts and their spend; the concentration flag counts supplier
    cells (unit x segment x supplier) and the supplier's spend in them. Counts are null when
    the flag is not computable.
    """
    rows = []
    for r in results:
        row = {
            "flag": r.flag.key,
            "title": r.flag.title,
            "scope": r.flag.scope,
            "status": r.status,
            "missing_fields": ", ".join(r.missing) or None,
            "flagged": None,
            "flagged_usd": None,
            "assessed": None,
        }
        if r.rows is not None:
            spend = "contract_usd" if "contract_usd" in r.rows.columns else "spend_usd"
            hit = r.rows.filter(pl.col("flagged").fill_null(False))
            row["flagged"] = hit.height
            row["flagged_usd"] = float(hit[spend].cast(pl.Float64).sum() or 0)
            row["assessed"] = r.rows.filter(pl.col("flagged").is_not_null()).height
        rows.append(row)
    return pl.DataFrame(
        rows,
        schema={
            "flag": pl.String, "title": pl.String, "scope": pl.String, "status": pl.String,
            "missing_fields": pl.String, "flagged": pl.Int64, "flagged_usd": pl.Float64,
            "assessed": pl.Int64,
        },
    )  # fmt: skip


def by_contract(results: list[FlagResult]) -> pl.DataFrame:
    """Return one row per contract with a boolean column per computed contract flag
    (null: not known for that contract) and `flags`, the titles of the flags raised."""
    frames = [r for r in results if r.rows is not None and r.flag.scope == "contract"]
    if not frames:
        return pl.DataFrame(schema={"contract_id": pl.String, "flags": pl.List(pl.String)})
    out = frames[0].rows.select("contract_id", "supplier_key", "contract_usd")
    for r in frames:
        out = out.join(
            r.rows.select("contract_id", pl.col("flagged").alias(r.flag.key)),
            on="contract_id",
            how="left",
        )
    raised = [pl.when(pl.col(r.flag.key)).then(pl.lit(r.flag.title)) for r in frames]
    return out.with_columns(pl.concat_list(raised).list.drop_nulls().alias("flags")).sort(
        "contract_id"
    )


def by_supplier(results: list[FlagResult]) -> pl.DataFrame:
    """Return one row per supplier: flagged contracts per contract flag and concentrated cells."""
    contracts = by_contract(results)
    keys = [
        c
        for c in contracts.columns
        if c not in ("contract_id", "supplier_key", "contract_usd", "flags")
    ]
    out = contracts.group_by("supplier_key").agg(
        *[pl.col(k).fill_null(False).sum().alias(k) for k in keys],
        pl.col("contract_usd").filter(pl.col("flags").list.len() > 0).sum().alias("flagged_usd"),
    )
    conc = next((r for r in results if r.flag.key == "concentration" and r.rows is not None), None)
    if conc is not None:
        cells = conc.rows.group_by("supplier_key").agg(
            pl.col("flagged").sum().alias("concentration")
        )
        out = out.join(cells, on="supplier_key", how="full", coalesce=True)
    return out.sort("supplier_key")


def high_risk_flagged_share(
    con: duckdb.DuckDBPyConnection, results: list[FlagResult]
) -> dict[str, float] | None:
    """Return high-risk spend, the part of it in contracts with at least one flag, and the
    share; None without scored lines (a connection without the risk views)."""
    tables = {
        r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
    }
    if "scored_lines" not in tables:
        return None
    contracts = by_contract(results)
    flagged = contracts.filter(pl.col("flags").list.len() > 0).select("contract_id")
    macros = con.execute("select function_name from duckdb_functions()").fetchall()
    if ("is_high_risk",) not in macros:
        sql.install_view(con, "is_high_risk")
    # A table, not a registered frame: `sql.run` queries on a cursor, which sees tables only.
    # Written from the frame in one statement (row-by-row inserts took a minute at 1M lines).
    database.install_frame(con, "flagged_contracts", flagged.cast({"contract_id": pl.String}))
    try:
        row = sql.run(con, "red_flag_high_risk_share", folder=QUERIES).row(0, named=True)
    finally:
        con.execute("drop table if exists flagged_contracts")
    total = float(row["high_risk_usd"] or 0)
    part = float(row["flagged_usd"] or 0)
    return {"high_risk_usd": total, "flagged_usd": part, "share": part / total if total else 0.0}
