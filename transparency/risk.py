"""Forced-labour risk: reference tables and model tables on a connection, and the view over them.

`install(con, store)` reads `data/risk_model.toml` and the reference files named in it *each
time it is called*, checks them (a malformed file raises `RiskModelError` naming file, key
and value, and nothing is installed), and creates:

* `risk_categories(category, sort_order, colour, min_score, max_score)`: the five
  categories in order Low, Medium, High, Very high, Not assessable;
* model tables `risk_country_year`, `risk_sector_keys`, `risk_listed_pairs`,
  `risk_combination`, `risk_diligence_steps`, `risk_settings`, `risk_countries`, the
  reference tables `ref_*`, and the scoring tables below;
* view `scored_lines`: every `contract_lines` column plus the risk columns (see
  `RISK_COLUMNS`).

How scoring runs: risk depends on a line's supplier country, award year and category (and,
for the residual, its supplier). `risk_line_keys` scores each distinct combination once, by
SQL joins of those columns with the model tables (`LINE_KEYS_SQL`). `risk_lines` then holds,
for every line in the order the store is scanned, its key and inherent/residual category;
`scored_lines` joins it to `contract_lines` by position (the order is checked at install; if it
does not match, a view that joins per line is used instead). So aggregates over
`scored_lines` cost little more than over `contract_lines`.

No model number is ever written into SQL text: the view joins tables built from the TOML,
so editing the TOML and reconnecting (or calling `install` again) changes every figure.
Call `install` again after `database.install_lines` (a new batch list) so the per-line table
matches the lines; `database.connect` does both.

>>> con = database.connect(Store("data/store"))      # doctest: +SKIP
>>> con.sql("select inherent_category, count(*) from scored_lines group by 1").fetchall()
... # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import polars as pl

from transparency import diligence, reference, risk_model
from transparency.risk_model import CATEGORIES, NOT_ASSESSABLE, RiskModel, RiskModelError
from transparency.store import Store

__all__ = [
    "REASONS",
    "RISK_COLUMNS",
    "RiskModelError",
    "categories",
    "editions",
    "install",
    "load",
    "method_tables",
    "model_fingerprint",
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

# Award years the country table covers; dates outside are clamped to these ends.
FIRST_YEAR, LAST_YEAR = 1900, 2199

# One key per distinct combination of the line columns risk depends on (besides the
# supplier, whose due diligence is joined separately). The same expression is used to build
# `risk_line_keys` and to join lines to it, so scoring runs once per key, not once per line.
# (Raw codes enter the key for every scheme but UNSPSC, a cheaper test per line than a
# case-insensitive match on 'CPV'.)
LINE_KEY_SQL = """hash(
    {l}supplier_country, year({l}award_date), {l}segment_code, {l}family_code,
    {l}category_scheme,
    case when {l}category_scheme <> 'UNSPSC' then {l}category_raw end,
    case when {l}category_scheme <> 'UNSPSC' then {l}category_code end
)"""

# Risk per distinct line key. Values (scores, bands) come only from the joined tables.
LINE_KEYS_SQL = """
create or replace table risk_line_keys as
with distinct_keys as (
    select
        {line_key} as line_key,
        supplier_country,
        year(award_date) as _award_year,
        category_scheme ilike 'cpv%' as _is_cpv,
        case when category_scheme ilike 'cpv%' then category_raw end as category_raw,
        case when category_scheme ilike 'cpv%' then category_code end as category_code,
        segment_code,
        family_code,
        any_value(segment_title) as segment_title,
        any_value(family_title) as family_title
    from contract_lines
    group by all
),
keyed as (
    select
        k.*,
        -- CPV lines: the 8-digit CPV code from the raw value (an importer may have put a
        -- UNSPSC segment mapped from it into category_code) or from category_code.
        case when k._is_cpv then
            coalesce(
                nullif(regexp_extract(coalesce(k.category_raw, ''), '([0-9]{{8}})', 1), ''),
                nullif(regexp_extract(coalesce(k.category_code, ''), '([0-9]{{8}})', 1), '')
            )
        end as _cpv
    from distinct_keys k
),
lines as (
    select
        k.*,
        case when k._cpv is not null then 'CPV:' || substr(k._cpv, 1, 2)
             else k.segment_code end as _key2,
        case when k._cpv is not null then 'CPV:' || substr(k._cpv, 1, 4)
             else k.family_code end as _key4
    from keyed k
),
joined as (
    select
        l.line_key,
        cy.tier as country_tier,
        cy.tip_year,
        cy.country_score,
        cy.country_source,
        cy.country_driver,
        case when l._key2 is not null then
            greatest(st.sector_default, coalesce(s2.sector_score, 0),
                     coalesce(s4.sector_score, 0))
        end as sector_score,
        case when l._key2 is not null then
            case when l._cpv is not null then 'CPV ' || substr(l._cpv, 1, 4)
                 else 'UNSPSC ' || coalesce(l.family_code || ' ' || l.family_title,
                                            l.segment_code || ' ' || l.segment_title) end
            || ': ' || coalesce(nullif(concat_ws('; ', s4.sector_flags, s2.sector_flags), ''),
                                'no high-risk sector flag')
        end as sector_source,
        greatest(coalesce(p2.pair_score, 0), coalesce(p4.pair_score, 0)) as pair_score,
        nullif(concat_ws(', ', p4.listed_goods, p2.listed_goods), '') as listed_goods,
        nullif(concat_ws('; ', p4.listed_text, p2.listed_text), '') as listed_text,
        rc.name as supplier_country_name,
        rc.region as supplier_region,
        rc.subregion as supplier_subregion,
        case
            when l.supplier_country is null then 'Supplier country unknown'
            when l._key2 is null then 'Category unknown'
            when cy.iso3 is null then 'Country has no TIP placement'
        end as not_assessable_reason
    from lines l
    cross join risk_settings st
    left join risk_country_year cy
        on cy.iso3 = l.supplier_country
       and cy.award_year = least(greatest(l._award_year, 1900), 2199)
    left join risk_sector_keys s2 on s2.sector_key = l._key2
    left join risk_sector_keys s4 on s4.sector_key = l._key4
    left join risk_listed_pairs p2
        on p2.iso3 = l.supplier_country and p2.sector_key = l._key2
    left join risk_listed_pairs p4
        on p4.iso3 = l.supplier_country and p4.sector_key = l._key4
    left join risk_countries rc on rc.iso3 = l.supplier_country
),
scored as (
    select
        j.*,
        cb.total_score,
        cb.inherent_order
    from joined j
    left join risk_combination cb
        on j.not_assessable_reason is null
       and cb.country_score = j.country_score
       and cb.sector_score = j.sector_score
       and cb.pair_score = j.pair_score
),
final as (
    select
        s.* exclude (pair_score, listed_text, country_driver),
        s.pair_score > 0 and s.not_assessable_reason is null as is_listed_pair,
        coalesce(ci.category, 'Not assessable') as inherent_category,
        -- The residual category for each possible due-diligence reduction (0-3 bands).
        coalesce(r1.category, 'Not assessable') as residual_1,
        coalesce(r2.category, 'Not assessable') as residual_2,
        coalesce(r3.category, 'Not assessable') as residual_3,
        concat_ws('; ', s.not_assessable_reason, s.country_driver, s.sector_source,
                  s.listed_text) as risk_drivers,
        cast(row_number() over (order by s.line_key) as uinteger) as key_id
    from scored s
    left join risk_categories ci on ci.sort_order = s.inherent_order
    left join risk_categories r1
        on s.inherent_order is not null and r1.sort_order = greatest(1, s.inherent_order - 1)
    left join risk_categories r2
        on s.inherent_order is not null and r2.sort_order = greatest(1, s.inherent_order - 2)
    left join risk_categories r3
        on s.inherent_order is not null and r3.sort_order = greatest(1, s.inherent_order - 3)
)
select * from final
""".format(line_key=LINE_KEY_SQL.format(l=""))  # noqa: S608 - code constants only

# Each supplier's due-diligence steps valid today, and the bands they lower (capped).
DILIGENCE_NOW_SQL = """
create or replace table risk_diligence_now as
with steps_now as (
    select diligence_key, step, max(bands) as bands, max(label) as label,
           max(step_date) as step_date, max(valid_until) as valid_until
    from risk_diligence_steps
    where step_date <= current_date
      and (valid_until is null or valid_until >= current_date)
    group by diligence_key, step
)
select *, cast(row_number() over (order by diligence_key) as uinteger) as diligence_ix
from (
    select d.diligence_key,
           least(max(s.max_reduction), sum(d.bands)) as reduction,
           string_agg(d.label || ' (' || strftime(d.step_date, '%Y-%m-%d')
                      || coalesce(', valid until ' || strftime(d.valid_until, '%Y-%m-%d'), '')
                      || ')', '; ' order by d.step) as diligence_steps
    from steps_now d cross join risk_settings s
    group by d.diligence_key
)
"""

# Per-key columns of `scored_lines`: the runs of RISK_COLUMNS that are the same for every
# line of one scoring key (the categories, reason and diligence steps come per line).
_KEY_COLUMNS = RISK_COLUMNS[: RISK_COLUMNS.index("total_score") + 1]
_KEY_COLUMNS_2 = RISK_COLUMNS[
    RISK_COLUMNS.index("risk_drivers") : RISK_COLUMNS.index("supplier_country_name") + 1
]
_AWARD_QUARTER = (
    "cast(year(l.award_date) as varchar) || 'Q' || cast(quarter(l.award_date) as varchar)"
)


# Per-line columns of the fast view: text columns are stored as ENUM types (one to four bytes
# per line, the distinct values being few), whole numbers as small integers.
_ENUM_COLUMNS = (
    "country_tier",
    "country_source",
    "sector_source",
    "listed_goods",
    "not_assessable_reason",
    "risk_drivers",
    "supplier_region",
    "supplier_subregion",
    "supplier_country_name",
)
_NUMBER_COLUMNS = {
    "tip_year": "usmallint",
    "country_score": "utinyint",
    "sector_score": "utinyint",
    "total_score": "utinyint",
    "is_listed_pair": "boolean",
}


def _enum_type(column: str) -> str:
    return f"risk_enum_{column}"


def _enum_sql() -> list[str]:
    """Return the statements that create one ENUM type per text column, from the tables."""
    out = []
    for column in _ENUM_COLUMNS:
        out.append(f"drop type if exists {_enum_type(column)}")
        out.append(
            f"create type {_enum_type(column)} as enum ("  # noqa: S608 - code constants only
            f"select distinct {column} from risk_line_keys where {column} is not null order by 1)"
        )
    out.append("drop type if exists risk_enum_category")
    out.append(
        "create type risk_enum_category as enum "
        "(select category from risk_categories order by sort_order)"
    )
    out.append("drop type if exists risk_enum_diligence")
    out.append(
        "create type risk_enum_diligence as enum (select distinct diligence_steps "
        "from risk_diligence_now where diligence_steps is not null order by 1)"
    )
    return out


# One row of lists indexed by key_id (1-based, dense; nulls kept so positions hold).
RISK_LISTS_SQL = """
create or replace table risk_lists as
select
    (select list(category::risk_enum_category order by sort_order) from risk_categories)
        as category_names,
    (select list(diligence_steps::risk_enum_diligence order by diligence_ix)
     from risk_diligence_now) as diligence_steps,
    {lists}
from risk_line_keys
""".format(  # noqa: S608 - code constants only
    lists=",\n    ".join(
        [f"list({c}::{_enum_type(c)} order by key_id) as {c}" for c in _ENUM_COLUMNS]
        + [f"list({c}::{t} order by key_id) as {c}" for c, t in _NUMBER_COLUMNS.items()]
    )
)

# Each line's risk, stored in the order the store is scanned (checked afterwards).
RISK_LINES_SQL = """
create or replace table risk_lines as
select
    i.line_hash,
    {columns},
    k.category_names[i.inherent_order] as inherent_category,
    k.category_names[i.residual_order] as residual_category,
    k.diligence_steps[i.diligence_ix] as diligence_steps
from risk_line_ids i
cross join risk_lists k
""".format(  # noqa: S608 - code constants only
    columns=",\n    ".join(f"k.{c}[i.key_id] as {c}" for c in (*_ENUM_COLUMNS, *_NUMBER_COLUMNS))
)

# Fast view: `contract_lines` joined by position to `risk_lines`; plain casts only, so an
# aggregate pays for no join and only for the risk columns it uses.
POSITIONAL_SQL = f"""
create or replace view scored_lines as
select
    l.*,
    r.country_tier::varchar as country_tier,
    r.tip_year::integer as tip_year,
    r.country_score::integer as country_score,
    r.country_source::varchar as country_source,
    r.sector_score::integer as sector_score,
    r.sector_source::varchar as sector_source,
    coalesce(r.is_listed_pair, false) as is_listed_pair,
    r.listed_goods::varchar as listed_goods,
    r.total_score::integer as total_score,
    coalesce(r.inherent_category::varchar, 'Not assessable') as inherent_category,
    coalesce(r.residual_category::varchar, 'Not assessable') as residual_category,
    r.not_assessable_reason::varchar as not_assessable_reason,
    r.diligence_steps::varchar as diligence_steps,
    r.risk_drivers::varchar as risk_drivers,
    r.supplier_region::varchar as supplier_region,
    r.supplier_subregion::varchar as supplier_subregion,
    r.supplier_country_name::varchar as supplier_country_name,
    {_AWARD_QUARTER} as award_quarter
from contract_lines l positional join risk_lines r
"""  # noqa: S608 - code constants only

# Fallback view (used when the scan order cannot be relied on): joins per line.
JOINED_SQL = """
create or replace view scored_lines as
with final as (
    select
        l.*,
        {key_columns},
        coalesce(k.inherent_category, 'Not assessable') as inherent_category,
        coalesce(
            case coalesce(dn.reduction, 0)
                when 0 then k.inherent_category
                when 1 then k.residual_1
                when 2 then k.residual_2
                else k.residual_3
            end,
            'Not assessable'
        ) as residual_category,
        case when k.line_key is null then 'Not scored: reconnect to score new batches'
             else k.not_assessable_reason end as not_assessable_reason,
        dn.diligence_steps,
        {key_columns_2},
        {award_quarter} as award_quarter
    from contract_lines l
    left join risk_line_keys k on k.line_key = {line_key}
    left join risk_diligence_now dn
        on dn.diligence_key = coalesce(l.supplier_id, l.supplier_name)
)
select * from final
""".format(
    key_columns=",\n        ".join(f"k.{c}" for c in _KEY_COLUMNS),
    key_columns_2=",\n        ".join(f"k.{c}" for c in _KEY_COLUMNS_2),
    award_quarter=_AWARD_QUARTER,
    line_key=LINE_KEY_SQL.format(l="l."),
)  # noqa: S608 - code constants only

_LINE_INDEX_SQL = """
select line_key, diligence_key, hash(line_key, diligence_key) as line_hash
from (
    select {line_key} as line_key, coalesce(supplier_id, supplier_name) as diligence_key
    from contract_lines
)
""".format(line_key=LINE_KEY_SQL.format(l=""))  # noqa: S608 - code constants only

_ALIGNMENT_SQL = f"""
select count(*) filter (where a.line_hash is distinct from b.line_hash), count(*)
from ({_LINE_INDEX_SQL}) a positional join risk_lines b
"""  # noqa: S608 - code constants only


def _install_lines(con: duckdb.DuckDBPyConnection) -> str:
    """Compute each line's risk into `risk_lines` and create `scored_lines`.

    Returns "positional" (the fast view) or "joined" (the fallback, used when the store's
    scan order did not match the rows computed here) for the record.
    """
    con.execute(DILIGENCE_NOW_SQL)
    for table in ("risk_lines", "risk_lists"):
        con.execute(f"drop table if exists {table}")
    for statement in _enum_sql():
        con.execute(statement)
    steps = con.sql("select diligence_key, diligence_ix, reduction from risk_diligence_now").pl()
    # Supplier keys travel to Polars only when some supplier has due diligence on record.
    columns = "line_key, line_hash" + (", diligence_key" if steps.height else "")
    index = con.sql(f"select {columns} from ({_LINE_INDEX_SQL})").pl()  # noqa: S608
    keys = con.sql(
        "select k.line_key, k.key_id, c.sort_order as inherent_order "
        "from risk_line_keys k "
        "left join risk_categories c "
        "on k.not_assessable_reason is null and c.category = k.inherent_category"
    ).pl()
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
    ids = lines.select(
        "line_hash",
        pl.col("key_id").cast(pl.UInt32),
        order.cast(pl.UInt8).alias("inherent_order"),
        pl.when(order.is_not_null())
        .then(pl.when(reduced < 1).then(1).otherwise(reduced))
        .cast(pl.UInt8)
        .alias("residual_order"),
        pl.col("diligence_ix").cast(pl.UInt32),
    )
    del lines
    _replace_table(con, "risk_line_ids", ids)
    con.execute(RISK_LISTS_SQL)
    con.execute(RISK_LINES_SQL)
    con.execute("drop table risk_line_ids")
    misaligned, scanned = con.sql(_ALIGNMENT_SQL).fetchall()[0]
    if misaligned == 0 and scanned == ids.height:
        con.execute(POSITIONAL_SQL)
        return "positional"
    con.execute(JOINED_SQL)
    return "joined"


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


def load(
    model_path: str | Path | None = None, reference_dir: str | Path | None = None
) -> tuple[RiskModel, reference.Reference]:
    """Read and check the model and its reference files (raises `RiskModelError`)."""
    model = risk_model.load(model_path)
    ref = reference.load(model, reference_dir)
    return model, ref


def model_fingerprint(
    model_path: str | Path | None = None, reference_dir: str | Path | None = None
) -> str:
    """Return a short hash of the model file and every reference file it uses."""
    path, data = risk_model.read_bytes(model_path)
    model = risk_model.parse(path, _toml(path, data))
    folder = reference.reference_dir(reference_dir)
    files = model.reference_files
    paths = sorted(folder.glob(files["tip_tiers"])) + [
        folder / files[k] for k in sorted(files) if k != "tip_tiers"
    ]
    chunks = [("risk_model.toml", data)]
    for p in paths:
        chunks.append((p.name, p.read_bytes() if p.exists() else b""))
    return risk_model.fingerprint_bytes(chunks)


def _toml(path: Path, data: bytes) -> dict:
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RiskModelError(f"{path}: not valid TOML: {exc}") from exc


def editions(model_path: str | Path | None = None, reference_dir: str | Path | None = None) -> dict:
    """Return the editions the figures rest on, for reports.

    Keys: model_name, model_version, fingerprint, tip_years (list), tip_year_rule,
    dol_edition, ilab_findings_year, tip_files (list).
    """
    model, ref = load(model_path, reference_dir)
    return {
        "model_name": model.name,
        "model_version": model.version,
        "fingerprint": model_fingerprint(model_path, reference_dir),
        "tip_years": ref.tip_years(),
        "tip_year_rule": model.tip_year_rule,
        "tip_files": sorted(ref.tip.get_column("file").unique().to_list()),
        "dol_edition": ref.dol_edition(),
        "ilab_findings_year": ref.ilab_year(),
    }


# --- tables built from the model and the reference files -------------------------------


def categories_frame(model: RiskModel) -> pl.DataFrame:
    """Return risk_categories: category, sort_order, colour, min_score, max_score."""
    rows = [(b.category, i, b.colour, b.min, b.max) for i, b in enumerate(model.bands, start=1)]
    rows.append((NOT_ASSESSABLE, len(rows) + 1, model.not_assessable_colour, None, None))
    return pl.DataFrame(
        rows,
        schema={
            "category": pl.String,
            "sort_order": pl.Int32,
            "colour": pl.String,
            "min_score": pl.Int32,
            "max_score": pl.Int32,
        },
        orient="row",
    )


def country_year_frame(model: RiskModel, ref: reference.Reference) -> pl.DataFrame:
    """Return one row per country and award year with the TIP placement the line uses."""
    tip = ref.tip.select(
        "iso3", pl.col("report_year").cast(pl.Int32).alias("tip_year"), "tier", "file"
    ).sort("iso3", "tip_year")
    years = pl.DataFrame(
        {"award_year": range(FIRST_YEAR, LAST_YEAR + 1)}, schema={"award_year": pl.Int32}
    )
    grid = tip.select("iso3").unique().join(years, how="cross")
    if model.tip_year_rule == "latest":
        chosen = grid.join(tip.group_by("iso3").agg(pl.all().sort_by("tip_year").last()), on="iso3")
        chosen = chosen.with_columns(pl.lit(False).alias("is_fallback"))
    else:
        before = grid.sort("award_year").join_asof(
            tip.sort("tip_year"),
            left_on="award_year",
            right_on="tip_year",
            by="iso3",
            strategy="backward",
            check_sortedness=False,
        )
        earliest = tip.group_by("iso3").agg(pl.all().sort_by("tip_year").first())
        chosen = before.join(earliest, on="iso3", suffix="_first").with_columns(
            pl.col("tip_year").is_null().alias("is_fallback"),
            pl.coalesce("tip_year", "tip_year_first").alias("tip_year"),
            pl.coalesce("tier", "tier_first").alias("tier"),
            pl.coalesce("file", "file_first").alias("file"),
        )
    ilab = ref.ilab.select("iso3", "ilab_level", "advancement_level", "findings_year")
    out = chosen.join(ilab, on="iso3", how="left").with_columns(
        pl.col("tier").replace_strict(model.tier_scores, return_dtype=pl.Int32).alias("tier_score"),
        pl.col("ilab_level")
        .replace_strict(model.ilab_adjustment, default=0, return_dtype=pl.Int32)
        .alias("ilab_adjustment"),
    )
    out = out.with_columns(
        pl.min_horizontal(
            pl.col("tier_score") + pl.col("ilab_adjustment"), pl.lit(model.country_cap)
        )
        .cast(pl.Int32)
        .alias("country_score"),
    )
    tip_part = (
        pl.col("tier")
        + pl.lit(" (TIP ")
        + pl.col("tip_year").cast(pl.String)
        + pl.when(pl.col("is_fallback"))
        .then(
            pl.lit(", earliest placement; none at or before ")
            + pl.col("award_year").cast(pl.String)
        )
        .otherwise(pl.lit(""))
        + pl.lit(")")
    )
    # "No Assessment" says nothing about the country, so the drivers leave it out.
    assessed = pl.col("ilab_level").is_not_null() & (pl.col("ilab_level") != "No Assessment")
    ilab_part = pl.when(assessed).then(
        pl.lit("ILAB ")
        + pl.col("findings_year").cast(pl.String)
        + pl.lit(": ")
        + pl.col("ilab_level")
        + pl.when(pl.col("ilab_adjustment") > 0)
        .then(pl.lit(" (+") + pl.col("ilab_adjustment").cast(pl.String) + pl.lit(")"))
        .otherwise(pl.lit(""))
    )
    return out.select(
        "iso3",
        "award_year",
        "tier",
        "tip_year",
        "tier_score",
        "ilab_level",
        "ilab_adjustment",
        "country_score",
        (
            pl.lit("TIP ")
            + pl.col("tip_year").cast(pl.String)
            + pl.lit(" (")
            + pl.col("file")
            + pl.lit(")")
            + pl.when(pl.col("ilab_level").is_not_null())
            .then(pl.lit("; ILAB findings ") + pl.col("findings_year").cast(pl.String))
            .otherwise(pl.lit(""))
        ).alias("country_source"),
        pl.concat_str([tip_part, ilab_part], separator="; ", ignore_nulls=True).alias(
            "country_driver"
        ),
    )


def _mapping_keys(model: RiskModel, ref: reference.Reference) -> pl.DataFrame:
    """Return good -> sector_key rows for the mappings the model trusts (UNSPSC and CPV)."""
    trusted = ref.dol_map.filter(pl.col("confidence").is_in(list(model.pair_confidences)))
    unspsc = trusted.select(
        "good", pl.coalesce("unspsc_family", "unspsc_segment").alias("sector_key")
    )
    cpv = trusted.filter(pl.col("cpv_division").is_not_null()).select(
        "good", (pl.lit("CPV:") + pl.col("cpv_division")).alias("sector_key")
    )
    return pl.concat([unspsc, cpv]).unique()


def sector_keys_frame(model: RiskModel, ref: reference.Reference) -> pl.DataFrame:
    """Return one row per category key (UNSPSC '53', '5310'; CPV 'CPV:18', 'CPV:1921')."""
    groups = model.sector_groups
    sectors = ref.sectors.select(
        pl.when(pl.col("scheme") == "CPV")
        .then(pl.lit("CPV:") + pl.col("code"))
        .otherwise(pl.col("code"))
        .alias("sector_key"),
        "risk_group",
        pl.col("sector").fill_null(pl.col("title")).alias("detail"),
    )
    listed = (
        _mapping_keys(model, ref)
        .group_by("sector_key")
        .agg(pl.col("good").unique().sort())
        .select(
            "sector_key",
            pl.lit("dol_listed_good").alias("risk_group"),
            pl.when(pl.col("good").list.len() > 3)
            .then(
                pl.col("good").list.head(3).list.join(", ")
                + pl.lit(" and ")
                + (pl.col("good").list.len() - 3).cast(pl.String)
                + pl.lit(" more")
            )
            .otherwise(pl.col("good").list.join(", "))
            .alias("detail"),
        )
    )
    rows = pl.concat([sectors, listed])
    rows = rows.with_columns(
        pl.col("risk_group")
        .replace_strict({g: v.score for g, v in groups.items()}, return_dtype=pl.Int32)
        .alias("score"),
        (
            pl.col("risk_group").replace_strict(
                {g: v.label for g, v in groups.items()}, return_dtype=pl.String
            )
            + pl.lit(": ")
            + pl.col("detail")
        ).alias("flag"),
    )
    return (
        rows.sort("score", "flag", descending=[True, False])
        .group_by("sector_key", maintain_order=True)
        .agg(
            pl.col("score").max().alias("sector_score"),
            pl.col("flag").unique(maintain_order=True).str.join("; ").alias("sector_flags"),
        )
        .sort("sector_key")
    )


def listed_pairs_frame(model: RiskModel, ref: reference.Reference) -> pl.DataFrame:
    """Return one row per (country, category key) with the DOL goods listed for both."""
    goods = ref.dol_goods
    scores = model.pair_scores
    score = pl.max_horizontal(
        pl.when(pl.col("forced_labour")).then(scores["forced_labour"]).otherwise(0),
        pl.when(pl.col("child_labour")).then(scores["child_labour"]).otherwise(0),
        pl.when(pl.col("produced_with_inputs")).then(scores["produced_with_inputs"]).otherwise(0),
    ).cast(pl.Int32)
    kinds = pl.concat_str(
        [
            pl.when(pl.col("forced_labour")).then(pl.lit("forced labour")),
            pl.when(pl.col("child_labour")).then(pl.lit("child labour")),
            pl.when(pl.col("produced_with_inputs")).then(
                pl.lit("produced with inputs made with child or forced labour")
                + pl.when(pl.col("input_country").is_not_null())
                .then(pl.lit(" (inputs from ") + pl.col("input_country") + pl.lit(")"))
                .otherwise(pl.lit(""))
            ),
        ],
        separator=", ",
        ignore_nulls=True,
    )
    per_good = goods.with_columns(score.alias("pair_score"), kinds.alias("kinds")).join(
        _mapping_keys(model, ref), on="good"
    )
    per_good = per_good.filter(pl.col("pair_score") > 0).with_columns(
        (
            pl.lit("'")
            + pl.col("good")
            + pl.lit("' listed for this country, ")
            + pl.col("kinds")
            + pl.lit(" (DOL ")
            + pl.col("list_edition").cast(pl.String)
            + pl.lit(")")
        ).alias("text")
    )
    return (
        per_good.sort("good")
        .group_by("iso3", "sector_key", maintain_order=True)
        .agg(
            pl.col("pair_score").max().alias("pair_score"),
            pl.col("good").unique(maintain_order=True).str.join(", ").alias("listed_goods"),
            pl.col("text").unique(maintain_order=True).str.join("; ").alias("listed_text"),
        )
        .sort("iso3", "sector_key")
    )


def combination_frame(model: RiskModel) -> pl.DataFrame:
    """Return every reachable (country, sector, pair) score triple with its total and band."""
    countries = sorted(
        {
            min(t + a, model.country_cap)
            for t in model.tier_scores.values()
            for a in model.ilab_adjustment.values()
        }
    )
    sectors = sorted({model.sector_default, *(g.score for g in model.sector_groups.values())})
    pairs = sorted({0, *model.pair_scores.values()})
    top = len(model.bands)
    rows = []
    for c, s, p in itertools.product(countries, sectors, pairs):
        total = min(c + s + p, model.total_cap)
        base = min(c + s, model.total_cap)
        order = _band(model, total)
        base_order = _band(model, base)
        if p > 0:
            order = max(order, min(base_order + model.pair_min_raise, top))
        rows.append((c, s, p, total, base_order, order, model.bands[order - 1].category))
    return pl.DataFrame(
        rows,
        schema={
            "country_score": pl.Int32,
            "sector_score": pl.Int32,
            "pair_score": pl.Int32,
            "total_score": pl.Int32,
            "base_order": pl.Int32,
            "inherent_order": pl.Int32,
            "inherent_category": pl.String,
        },
        orient="row",
    )


def _band(model: RiskModel, total: int) -> int:
    if total < model.bands[0].min:
        return 1
    return model.band_of(min(total, model.bands[-1].max))


def diligence_frame(model: RiskModel, store: Store | Path | None) -> pl.DataFrame:
    """Return the due-diligence steps on record with the bands each lowers."""
    schema = {
        "diligence_key": pl.String,
        "step": pl.String,
        "step_date": pl.Date,
        "valid_until": pl.Date,
        "bands": pl.Int32,
        "label": pl.String,
    }
    if store is None:
        return pl.DataFrame(schema=schema)
    recs = diligence.records(store)
    if recs.height == 0:
        return pl.DataFrame(schema=schema)
    return recs.select(
        pl.coalesce("supplier_id", "supplier_name").alias("diligence_key"),
        "step",
        "step_date",
        "valid_until",
        pl.col("step")
        .replace_strict({k: v.bands for k, v in model.steps.items()}, return_dtype=pl.Int32)
        .alias("bands"),
        pl.col("step")
        .replace_strict({k: v.label for k, v in model.steps.items()}, return_dtype=pl.String)
        .alias("label"),
    )


def settings_frame(model: RiskModel, fingerprint: str) -> pl.DataFrame:
    """Return the single-row risk_settings table."""
    return pl.DataFrame(
        {
            "sector_default": [model.sector_default],
            "max_reduction": [model.max_reduction],
            "tip_year_rule": [model.tip_year_rule],
            "model_name": [model.name],
            "model_version": [model.version],
            "fingerprint": [fingerprint],
        },
        schema={
            "sector_default": pl.Int32,
            "max_reduction": pl.Int32,
            "tip_year_rule": pl.String,
            "model_name": pl.String,
            "model_version": pl.String,
            "fingerprint": pl.String,
        },
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
    is the per-line-join form (`JOINED_SQL`, same columns and types): for a connection that
    reads the scored lines once, such as the page cache build.

    Reads the model file ($TRANSPARENCY_RISK_MODEL or data/risk_model.toml) and reference
    files afresh on every call. Everything is checked before the first table is written, so
    a bad file leaves the connection without risk objects rather than half-installed.
    """
    model, ref = load(model_path, reference_dir)
    fingerprint = model_fingerprint(model_path, reference_dir)
    tables = {
        "risk_categories": categories_frame(model),
        "risk_countries": ref.countries,
        "risk_country_year": country_year_frame(model, ref),
        "risk_sector_keys": sector_keys_frame(model, ref),
        "risk_listed_pairs": listed_pairs_frame(model, ref),
        "risk_combination": combination_frame(model),
        "risk_diligence_steps": diligence_frame(model, store),
        "risk_settings": settings_frame(model, fingerprint),
        "ref_tip_tiers": ref.tip,
        "ref_ilab_findings": ref.ilab,
        "ref_dol_goods": ref.dol_goods,
        "ref_dol_goods_to_unspsc": ref.dol_map,
        "ref_high_risk_sectors": ref.sectors,
    }
    for name, frame in tables.items():
        _replace_table(con, name, frame)
    con.execute(LINE_KEYS_SQL)
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
        con.execute(DILIGENCE_NOW_SQL)
        con.execute(JOINED_SQL)
    return fingerprint


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


def categories() -> tuple[str, ...]:
    """Return the five category names in display order."""
    return CATEGORIES


# --- the method as tables, for the Methodology page and reports --------------------------


def method_tables(model: RiskModel, ref: reference.Reference) -> dict[str, pl.DataFrame]:
    """Return the model and reference data as display tables (one copy of the rules).

    Keys: tiers, ilab, sectors, pairs, bands, steps, sources, sector_list, goods_mapping,
    latest_tiers.
    """
    tiers = pl.DataFrame(
        {"TIP tier": list(model.tier_scores), "Country score": list(model.tier_scores.values())}
    )
    ilab = pl.DataFrame(
        {
            "ILAB advancement level": list(model.ilab_adjustment),
            "Added to country score": list(model.ilab_adjustment.values()),
        }
    )
    sectors = pl.DataFrame(
        {
            "Sector group": [
                "(none of the groups)",
                *(g.label for g in model.sector_groups.values()),
            ],
            "Sector score": [
                model.sector_default,
                *(g.score for g in model.sector_groups.values()),
            ],
        }
    )
    pairs = pl.DataFrame(
        {
            "Listed good x supplier country": [
                "forced labour",
                "child labour",
                "produced with inputs made with child or forced labour",
            ],
            "Pair score": [model.pair_scores[k] for k in risk_model.LABOUR_TYPES],
        }
    )
    bands = categories_frame(model).select(
        pl.col("category").alias("Category"),
        pl.col("min_score").alias("From total"),
        pl.col("max_score").alias("To total"),
        pl.col("colour").alias("Colour"),
    )
    steps = pl.DataFrame(
        {
            "Step": [s.label for s in model.steps.values()],
            "Recorded as": list(model.steps),
            "Lowers residual by (bands)": [s.bands for s in model.steps.values()],
        }
    )
    tip_files = (
        ref.tip.group_by("file")
        .agg(
            pl.col("report_year").min().alias("first"),
            pl.col("report_year").max().alias("last"),
            pl.col("report_year").n_unique().alias("years"),
            pl.len().alias("rows"),
        )
        .sort("file")
    )
    sources = pl.concat(
        [
            tip_files.select(
                pl.lit("US State Dept TIP report tier placements").alias("Source"),
                pl.col("file").alias("File"),
                (
                    pl.lit("report years ")
                    + pl.col("first").cast(pl.String)
                    + pl.lit("-")
                    + pl.col("last").cast(pl.String)
                    + pl.lit(" (")
                    + pl.col("years").cast(pl.String)
                    + pl.lit(" years)")
                ).alias("Edition"),
                pl.col("rows").alias("Rows"),
            ),
            pl.DataFrame(
                {
                    "Source": [
                        "US DOL ILAB Findings on the Worst Forms of Child Labor",
                        "US DOL List of Goods Produced by Child Labor or Forced Labor",
                        "Reviewed mapping of listed goods to UNSPSC / CPV",
                        "UK PPN 02/23 high-risk services and UFLPA high-priority sectors",
                    ],
                    "File": [
                        model.reference_files["ilab_findings"],
                        model.reference_files["dol_goods"],
                        model.reference_files["dol_goods_to_unspsc"],
                        model.reference_files["high_risk_sectors"],
                    ],
                    "Edition": [
                        f"findings {ref.ilab_year()}",
                        f"list edition {ref.dol_edition()}",
                        f"{ref.dol_map.get_column('good').n_unique()} goods mapped",
                        "PPN 02/23 (2023); UFLPA strategy",
                    ],
                    "Rows": [
                        ref.ilab.height,
                        ref.dol_goods.height,
                        ref.dol_map.height,
                        ref.sectors.height,
                    ],
                },
                schema_overrides={"Rows": pl.UInt32},
            ),
        ],
        how="vertical_relaxed",
    )
    trusted = list(model.pair_confidences)
    mapping = ref.dol_map.select(
        pl.col("good").alias("Listed good"),
        pl.col("unspsc_segment").alias("UNSPSC segment"),
        pl.col("unspsc_family").alias("UNSPSC family"),
        pl.col("cpv_division").alias("CPV division"),
        pl.col("confidence").alias("Confidence"),
        pl.col("confidence").is_in(trusted).alias("Used by the model"),
        pl.col("note").alias("Note"),
    ).sort("Listed good", "UNSPSC family")
    sector_list = ref.sectors.select(
        pl.col("risk_group")
        .replace_strict(
            {g: v.label for g, v in model.sector_groups.items()}, return_dtype=pl.String
        )
        .alias("Group"),
        pl.col("sector").alias("Sector"),
        pl.col("scheme").alias("Scheme"),
        pl.col("code").alias("Code"),
        pl.col("title").alias("Title"),
    )
    latest = (
        ref.tip.sort("report_year")
        .group_by("iso3")
        .agg(pl.all().last())
        .join(ref.countries.select("iso3", "name"), on="iso3", how="left")
        .select(
            pl.coalesce("name", "country_name_as_published").alias("Country"),
            pl.col("iso3").alias("ISO3"),
            pl.col("tier").alias("Latest tier"),
            pl.col("report_year").alias("TIP year"),
            pl.col("file").alias("File"),
        )
        .sort("Country")
    )
    return {
        "tiers": tiers,
        "ilab": ilab,
        "sectors": sectors,
        "pairs": pairs,
        "bands": bands,
        "steps": steps,
        "sources": sources,
        "sector_list": sector_list,
        "goods_mapping": mapping,
        "latest_tiers": latest,
    }
