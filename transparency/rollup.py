"""The page tables: keyed lines and pre-aggregated cells, built once per data version.

`build(con, source, schema)` writes, into `schema` (the in-memory `main`, or the page
cache file attached as `line_cache`, see `database.connect_for_pages`):

* `page_contract_keys(contract_id, contract_key)` and
  `page_supplier_keys(supplier_key, supplier_name, supplier_ix)`: dense whole numbers 1..n
  for every contract and supplier (`supplier_key` is `coalesce(supplier_id, supplier_name)`;
  suppliers are numbered by total spend, largest first), so distinct counts and group-bys
  hash small integers, not text, and an exact distinct count can be a bitmap
  (`bitstring_agg`) instead of a hash table;
* `page_lines`: every column of `source` plus `contract_key` and `supplier_ix`;
* `lines_rollup`: the exact decimal sum and line count of every combination of `KEYS`;
* `lines_rollup_country`: the same for `COUNTRY_KEYS` only (a few thousand cells, against
  about a million for `lines_rollup` at 10M lines), read by the country, quarter and
  category aggregates when no unit, sector or method filter is set;
* `supplier_lines`: the columns the supplier queries read or filter on, in supplier-key
  order (keys are numbered by total spend, largest first, so the suppliers a list shows
  first sit in the first row groups);
* `lines_rollup_family`: the cells at `FAMILY_KEYS` (sector and family, no unit or method);
* `lines_rollup_values`: the values the sidebar filters offer, one row per kind and value;
* `supplier_cells`: the cells per `SUPPLIER_KEYS` (supplier x quarter x country x
  categories), read by the supplier lists when no unit, sector, method or line-level filter
  is set;
* `imported_days` (page cache file only; in `main` it is the view `database.install_lines`
  creates): the line count and USD sum per award date, read from `contract_lines` (the lines
  as imported, not through the scoring): the quarterly figures reconcile the cells against
  it, so a line that scoring or the build lost or doubled shows.

The Overview's aggregates group by a few low-cardinality columns; `filters.install`
creates the `filtered_*` macros that read the smallest of these tables that holds the
columns and filters a query needs (bound values choose), and the lines whenever a
line-level filter (a minimum amount or a search text) is set. Sums stay exact:
`amount_usd` is a decimal, and a sum of sums of decimals is the sum.

>>> build(con, "scored_lines", "main")      # doctest: +SKIP
>>> con.sql("select sum(count_lines) from lines_rollup").fetchall()  # doctest: +SKIP
[(200000,)]
"""

from __future__ import annotations

import duckdb

from transparency import sql

# The grouping columns. Names, regions and titles follow from their codes (so they add
# no rows) but are kept so a query never needs to join back to the lines.
KEYS: tuple[str, ...] = (
    "award_quarter",
    "buyer",
    "supplier_country",
    "supplier_country_name",
    "supplier_region",
    "country_tier",
    "segment_code",
    "segment_title",
    "family_code",
    "family_title",
    "procurement_method",
    "inherent_category",
    "residual_category",
    "not_assessable_reason",
)

# The coarse grain: what the country map, the quarter and category charts and the coverage
# table need. Region, name and tier follow from the country.
COUNTRY_KEYS: tuple[str, ...] = (
    "award_quarter",
    "supplier_country",
    "supplier_country_name",
    "supplier_region",
    "country_tier",
    "inherent_category",
    "residual_category",
    "not_assessable_reason",
)

# Per supplier: its key and the dimensions of the filters the supplier pages set most (the
# period, country and risk category); about 400k cells for 10M lines and 18k suppliers.
SUPPLIER_KEYS: tuple[str, ...] = (
    "supplier_ix",
    "award_quarter",
    "supplier_country",
    "supplier_region",
    "inherent_category",
    "residual_category",
)

# Relations the page tables may be built from (as `filters.SOURCES`), and the schemas
# they may be written to: identifiers come from these lists only.
SOURCES = ("scored_lines", "scored_lines_cached", "scored_lines_joined")
SCHEMAS = ("main", "line_cache_build")

# The columns the supplier profile queries read, one row per line, stored in supplier-key
# order: a supplier's lines then sit in one or two row groups, which DuckDB's zone maps
# find without reading the other 10M lines.
SUPPLIER_LINE_COLUMNS: tuple[str, ...] = (
    "supplier_ix",
    "contract_id",
    "award_date",
    "award_quarter",
    "buyer",
    "supplier_id",
    "supplier_name",
    "supplier_country",
    "supplier_region",
    "segment_code",
    "segment_title",
    "procurement_method",
    "supplier_country_name",
    "amount_usd",
    "inherent_category",
    "residual_category",
    "risk_drivers",
)

# The grain of the sector table: no unit or method (their filters then read `lines_rollup`).
FAMILY_KEYS: tuple[str, ...] = (
    "award_quarter",
    "supplier_country",
    "supplier_region",
    "segment_code",
    "segment_title",
    "family_code",
    "family_title",
    "inherent_category",
    "residual_category",
)


# The page tables, in the order `build` creates them: (file in `queries/views/`, table,
# key columns, what it reads). A table's input comes before it.
_CELLS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("page_cells_from_lines", "lines_rollup", KEYS, "page_lines"),
    ("page_cells_from_lines", "supplier_cells", SUPPLIER_KEYS, "page_lines"),
    ("page_cells_from_cells", "lines_rollup_country", COUNTRY_KEYS, "lines_rollup"),
    ("page_cells_from_cells", "lines_rollup_family", FAMILY_KEYS, "lines_rollup"),
)


def build(
    con: duckdb.DuckDBPyConnection, source: str = "scored_lines", schema: str = "main"
) -> None:
    """Create the page tables (see the module docstring) in `schema` from `source`.

    `source` must be one of `SOURCES` and `schema` one of `SCHEMAS`. Runs, in this order,
    the definitions `page_contract_keys`, `page_supplier_keys`, `page_lines`, the cells of
    `_CELLS` (`page_cells_from_lines` twice, `page_cells_from_cells` twice),
    `lines_rollup_values`, `supplier_lines` and, outside `main`, `page_imported_days`.
    """
    if source not in SOURCES:
        raise ValueError(f"the page tables cannot read {source!r}; allowed: {SOURCES}")
    if schema not in SCHEMAS:
        raise ValueError(f"the page tables cannot be written to {schema!r}; allowed: {SCHEMAS}")
    sql.install_view(con, "page_contract_keys", schema=schema, source=source)
    sql.install_view(con, "page_supplier_keys", schema=schema, source=source)
    # The lines must stay the probe side of both joins (streamed through, never held in a
    # hash table): the optimiser would otherwise build on the wide lines, which spills at 10M.
    con.execute("set disabled_optimizers = 'build_side_probe_side'")
    try:
        sql.install_view(con, "page_lines", schema=schema, source=source)
    finally:
        con.execute("reset disabled_optimizers")
    for definition, table, keys, table_source in _CELLS:
        sql.install_view(
            con,
            definition,
            schema=schema,
            table=table,
            keys=",\n    ".join(keys),
            source=f"{schema}.{table_source}",
        )
    sql.install_view(con, "lines_rollup_values", schema=schema)
    sql.install_view(con, "supplier_lines", schema=schema, columns=", ".join(SUPPLIER_LINE_COLUMNS))
    if schema != "main":
        sql.install_view(con, "page_imported_days", schema=schema)


def install(con: duckdb.DuckDBPyConnection, source: str = "scored_lines") -> None:
    """Create or replace the page tables in memory from `source` (see `SOURCES`)."""
    if source not in SOURCES:
        raise ValueError(f"the rollup cannot read {source!r}; allowed: {SOURCES}")
    build(con, source, "main")
