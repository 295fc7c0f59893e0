"""Scoring: write the model tables to a connection and create `scored_lines` over them.

How scoring runs: risk depends on a line's supplier country, award year and category (and,
for the residual, its supplier). `risk_line_keys` scores each distinct combination once, by
SQL joins of those columns with the model tables. `risk_lines` then holds, for every line
in the order the store is scanned, its key and inherent/residual category; `scored_lines`
joins it to `contract_lines` by position (the order is checked at install; if it does not
match, a view that joins per line is used instead). So aggregates over `scored_lines` cost
little more than over `contract_lines`.

The SQL is in `queries/views/`, run in the order the tuples below name; Python chooses only
the table names and computes the per-line ids.

>>> RISK_COLUMNS[-1], len(REASONS)
('award_quarter', 3)
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from transparency import sql
from transparency.risk import model as risk_model
from transparency.risk.model import RiskModelError
from transparency.risk.sources import load, model_fingerprint
from transparency.risk.tables import (
    categories_frame,
    change_dates,
    combination_frame,
    country_year_frame,
    diligence_frame,
    listed_pairs_frame,
    sector_keys_frame,
    settings_frame,
)
from transparency.store import Store

__all__ = [
    "BY_KEY_VIEW",
    "REASONS",
    "RISK_COLUMNS",
    "install",
    "install_by_key",
    "refresh_diligence",
]

# Columns `scored_lines` adds to `contract_lines` (the contract with the other rooms).
RISK_COLUMNS: tuple[str, ...] = (
    "country_tier",
    "tip_year",
    "country_score",
    "country_source",
    "sector_score",
    "sector_source",
    "is_listed_pair",
    "listed_goods",
    "total_score",
    "inherent_category",
    "residual_category",
    "not_assessable_reason",
    "diligence_steps",
    "risk_drivers",
    "supplier_region",
    "supplier_subregion",
    "supplier_country_name",
    "award_quarter",
)

REASON_COUNTRY_UNKNOWN = "Supplier country unknown"
REASON_CATEGORY_UNKNOWN = "Category unknown"
REASON_NO_TIP = "Country has no TIP placement"
REASONS: tuple[str, ...] = (REASON_COUNTRY_UNKNOWN, REASON_CATEGORY_UNKNOWN, REASON_NO_TIP)

# Definitions in queries/views/, in the order they run: the key macro and the per-key
# scores (`install`); before the per-line ids are computed (`_install_lines`); after.
KEY_VIEWS: tuple[str, ...] = ("risk_line_key", "risk_line_keys")
LINE_VIEWS: tuple[str, ...] = (
    "risk_diligence_now",
    "risk_enum_types",
    "risk_line_index",
    "risk_key_orders",
)
LIST_VIEWS: tuple[str, ...] = ("risk_lists", "risk_lines")
# The view of `scored_lines` that joins per line (slot `view`: the view's name).
BY_KEY_VIEW = "scored_lines_by_key"
BY_POSITION_VIEW = "scored_lines_by_position"
# Every definition this module runs.
VIEWS: tuple[str, ...] = (
    *KEY_VIEWS,
    *LINE_VIEWS,
    *LIST_VIEWS,
    "risk_line_alignment",
    BY_KEY_VIEW,
    BY_POSITION_VIEW,
)


def install(
    con: duckdb.DuckDBPyConnection,
    store: Store | Path | None,
    *,
    model_path: str | Path | None = None,
    reference_dir: str | Path | None = None,
    per_line: bool = True,
) -> str:
    """Install the risk tables and the `scored_lines` view on `con`; return the fingerprint.

    With `per_line=False` the per-line table `risk_lines` is not computed and `scored_lines`
    is the per-line-join form (`BY_KEY_VIEW`, same columns and types): for a connection that
    reads the scored lines once, such as the page cache build.

    Reads the model file ($TRANSPARENCY_RISK_MODEL or data/risk_model.toml) and reference
    files afresh on every call. Everything is checked before the first table is written, so
    a bad file leaves the connection without risk objects rather than half-installed. Then
    runs `KEY_VIEWS` and either `_install_lines` or `risk_diligence_now` and `BY_KEY_VIEW`.
    """
    model, ref = load(model_path, reference_dir)
    fingerprint = model_fingerprint(model_path, reference_dir)
    sector_keys, listed_pairs = sector_keys_frame(model, ref), listed_pairs_frame(model, ref)
    tables = {
        "risk_categories": categories_frame(model),
        "risk_countries": ref.countries,
        "risk_country_year": country_year_frame(model, ref),
        "risk_sector_keys": sector_keys,
        "risk_listed_pairs": listed_pairs,
        "risk_combination": combination_frame(model),
        "risk_diligence_steps": diligence_frame(model, store),
        "risk_settings": settings_frame(
            model, fingerprint, change_dates(sector_keys, listed_pairs)
        ),
        "ref_tip_tiers": ref.tip,
        "ref_ilab_findings": ref.ilab,
        "ref_dol_goods": ref.dol_goods,
        "ref_dol_goods_to_unspsc": ref.dol_map,
        "ref_high_risk_sectors": ref.sectors,
    }
    for name, frame in tables.items():
        _replace_table(con, name, frame)
    for name in KEY_VIEWS:
        sql.install_view(con, name)
    keys, distinct = con.sql(
        "select count(*), count(distinct line_key) from risk_line_keys"
    ).fetchall()[0]
    if keys != distinct:  # a 64-bit hash collision: refuse rather than double-count lines
        raise RiskModelError(
            f"risk line keys collide ({keys} combinations, {distinct} keys); report this"
        )
    if per_line:
        _install_lines(con)
    else:
        sql.install_view(con, "risk_diligence_now")
        install_by_key(con)
    return fingerprint


def install_by_key(con: duckdb.DuckDBPyConnection, name: str = "scored_lines") -> None:
    """Create view `name` (an identifier): `scored_lines` joined per line, by scoring key.

    Needs the tables `install` writes and `risk_diligence_now`.
    """
    sql.install_view(con, BY_KEY_VIEW, view=name)


def refresh_diligence(
    con: duckdb.DuckDBPyConnection,
    store: Store | Path,
    *,
    model_path: str | Path | None = None,
) -> None:
    """Recompute residual categories after a due-diligence record was added.

    Only the supplier steps and the per-line table are rebuilt (about a second at 10M
    lines); the model's step rules are read again from `model_path` (or the default).
    """
    model = risk_model.load(model_path)
    _replace_table(con, "risk_diligence_steps", diligence_frame(model, store))
    _install_lines(con)


def _install_lines(con: duckdb.DuckDBPyConnection) -> str:
    """Compute each line's risk into `risk_lines` and create `scored_lines`.

    Runs `LINE_VIEWS`, computes the per-line ids (`_line_ids`), runs `LIST_VIEWS`, then
    `BY_POSITION_VIEW` if `_aligned` (returns "positional", the fast view) or `BY_KEY_VIEW`
    (returns "joined": the store's scan order did not match the rows computed here).
    """
    for table in ("risk_lines", "risk_lists"):  # they use the types risk_enum_types drops
        con.execute(f"drop table if exists {table}")
    for name in LINE_VIEWS:
        sql.install_view(con, name)
    ids = _line_ids(con)
    _replace_table(con, "risk_line_ids", ids)
    for name in LIST_VIEWS:
        sql.install_view(con, name)
    con.execute("drop table risk_line_ids")
    if _aligned(con, ids.height):
        sql.install_view(con, BY_POSITION_VIEW)
        return "positional"
    install_by_key(con)
    return "joined"


def _line_ids(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Return per line, in scan order: line_hash, key_id, inherent and residual order, and
    the index of its supplier's due-diligence steps."""
    steps = con.sql("select diligence_key, diligence_ix, reduction from risk_diligence_now").pl()
    # Supplier keys travel to Polars only when some supplier has due diligence on record.
    columns = "line_key, line_hash" + (", diligence_key" if steps.height else "")
    index = con.sql(f"select {columns} from risk_line_index").pl()  # noqa: S608
    keys = con.sql("select line_key, key_id, inherent_order from risk_key_orders").pl()
    lines = index.join(keys, on="line_key", how="left", maintain_order="left")
    if steps.height:
        lines = lines.join(steps, on="diligence_key", how="left", maintain_order="left")
    else:
        lines = lines.with_columns(
            pl.lit(None, dtype=pl.UInt32).alias("diligence_ix"),
            pl.lit(None, dtype=pl.Int32).alias("reduction"),
        )
    del index
    order = pl.col("inherent_order")
    reduced = order - pl.col("reduction").fill_null(0)
    return lines.select(
        "line_hash",
        pl.col("key_id").cast(pl.UInt32),
        order.cast(pl.UInt8).alias("inherent_order"),
        pl.when(order.is_not_null())
        .then(pl.when(reduced < 1).then(1).otherwise(reduced))
        .cast(pl.UInt8)
        .alias("residual_order"),
        pl.col("diligence_ix").cast(pl.UInt32),
    )


def _aligned(con: duckdb.DuckDBPyConnection, lines: int) -> bool:
    """Return whether `risk_lines` matches, position by position, the lines the store scans."""
    sql.install_view(con, "risk_line_alignment")
    misaligned, scanned = con.sql("select misaligned, scanned from risk_line_alignment").fetchall()[
        0
    ]
    return misaligned == 0 and scanned == lines


def _replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Create or replace table `name` (a code-chosen identifier) from a Polars frame."""
    if not name.isidentifier():
        raise ValueError(f"not a table name: {name!r}")
    rel = con.from_arrow(frame.to_arrow())
    staging = f"_staging_{name}"
    rel.create_view(staging, replace=True)
    try:
        con.execute(f"create or replace table {name} as select * from {staging}")  # noqa: S608
    finally:
        con.execute(f"drop view if exists {staging}")
