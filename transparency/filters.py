"""Dashboard filters: one dataclass, parsed from URL query parameters and bound as SQL parameters.

The predicate itself is written once, as the DuckDB table macro `filtered_lines(...)`
(see `MACRO_SQL` and `install`); every page query selects from it with the eleven
values of `Filters.sql_params()` bound as `$parameters`.

>>> f, notices = parse({"country": ["CHN", "xx"], "from": "2025Q1"})
>>> f.countries, f.quarter_from
(('CHN',), '2025Q1')
>>> notices
["Ignored supplier country 'xx': expected a three-letter ISO code such as CHN."]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation

import duckdb

from transparency.schema import PROCUREMENT_METHODS

RISK_CATEGORIES: tuple[str, ...] = ("Low", "Medium", "High", "Very high", "Not assessable")
RISK_BASES: tuple[str, ...] = ("inherent", "residual")
MAX_SEARCH = 200
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_SEGMENT = re.compile(r"^\d{2}$")

# The filter predicate, written once. Lists are cast so an empty Python list binds cleanly;
# `risk_category` is the inherent or residual category, as the user chose. The first part
# holds for the pre-aggregated `lines_rollup` too; the line-level part needs each line.
_MACRO_ARGS = """quarter_from, quarter_to, buyers, risk_basis, categories, countries, regions,
    segments, methods, min_usd, search"""
_RISK_CATEGORY = """case when risk_basis = 'residual' then residual_category
             else inherent_category end as risk_category"""
_GROUP_PREDICATE = """(quarter_from is null or award_quarter >= quarter_from)
  and (quarter_to is null or award_quarter <= quarter_to)
  and (len(buyers::varchar[]) = 0 or list_contains(buyers::varchar[], buyer))
  and (len(categories::varchar[]) = 0 or list_contains(categories::varchar[], risk_category))
  and (len(countries::varchar[]) = 0
       or list_contains(countries::varchar[], coalesce(supplier_country, 'unknown')))
  and (len(regions::varchar[]) = 0
       or list_contains(regions::varchar[], coalesce(supplier_region, 'Unknown')))
  and (len(segments::varchar[]) = 0
       or list_contains(segments::varchar[], coalesce(segment_code, 'unknown')))
  and (len(methods::varchar[]) = 0
       or list_contains(methods::varchar[], coalesce(procurement_method, 'unknown')))"""
_MIN_USD_PREDICATE = "(min_usd is null or amount_usd >= min_usd::decimal(38, 2))"
_NO_SEARCH = "(search is null or search = '')"
_LINE_PREDICATE = f"""{_MIN_USD_PREDICATE}
  and ({_NO_SEARCH[1:-1]}
       or strpos(lower(concat_ws(' ', contract_id, line_id, supplier_id, supplier_name,
                                 description, buyer)), lower(search)) > 0)"""
_NO_LINE_FILTER = "min_usd is null and (search is null or search = '')"

MACRO_SQL = f"""
create or replace macro filtered_lines(
    {_MACRO_ARGS}
) as table
with lines as (
    select
        *,
        {_RISK_CATEGORY}
    from page_lines
)
select * from lines
where {_GROUP_PREDICATE}
  and {_LINE_PREDICATE}
"""  # noqa: S608 - code constants only

# The same selection as groups: rows of `lines_rollup` (columns `rollup.KEYS`, `spend_usd`,
# `count_lines`, `risk_category`) when no line-level filter is set, else one row per
# filtered line in the same columns. Bound values decide the branch when the query is
# planned, so the branch not taken reads nothing.
ROLLUP_MACRO_SQL = f"""
create or replace macro filtered_rollup(
    {_MACRO_ARGS}
) as table
with cells as (
    select
        *,
        {_RISK_CATEGORY}
    from lines_rollup
    where {_NO_LINE_FILTER}
),

lines as (
    select
        {{keys}},
        risk_category,
        amount_usd as spend_usd,
        1::bigint as count_lines
    from filtered_lines({_MACRO_ARGS})
    where not ({_NO_LINE_FILTER})
)

select * from cells
where {_GROUP_PREDICATE}
union all by name
select * from lines
"""  # noqa: S608 - code constants only

# The same selection at the grain of `rollup.COUNTRY_KEYS` (columns those keys,
# `risk_category`, `spend_usd`, `count_lines`): from the small `lines_rollup_country` when
# no unit, sector, method or line-level filter is set, else from `filtered_rollup`. As
# there, bound values decide the branch and the branch not taken reads nothing.
_COUNTRY_ONLY = f"""{_NO_LINE_FILTER}
      and len(buyers::varchar[]) = 0 and len(segments::varchar[]) = 0
      and len(methods::varchar[]) = 0"""


def _coarse_rollup_macro(name: str, table: str, absent: tuple[str, ...], only: str) -> str:
    """Return the statement creating table macro `name`: the cells of the coarse `table`
    (whose keys lack the columns `absent`) when `only` holds, else `filtered_rollup`'s.
    `{keys}` is left for `install` to fill."""
    nulls = "".join(f"null::varchar as {column},\n        " for column in absent)
    return f"""
create or replace macro {name}(
    {_MACRO_ARGS}
) as table
with small as (
    select
        *,
        {nulls}{_RISK_CATEGORY}
    from {table}
    where {only}
),

small_cells as (
    select {{keys}}, risk_category, spend_usd, count_lines
    from small
    where {_GROUP_PREDICATE}
),

other as (
    select {{keys}}, risk_category, spend_usd, count_lines
    from filtered_rollup({_MACRO_ARGS})
    where not ({only})
)

select * from small_cells
union all by name
select * from other
"""  # noqa: S608 - code constants only


COUNTRY_MACRO_SQL = _coarse_rollup_macro(
    "filtered_country_rollup",
    "lines_rollup_country",
    ("buyer", "segment_code", "procurement_method"),
    _COUNTRY_ONLY,
)

# Spend and lines per supplier and risk category (columns `supplier_ix`, `risk_category`,
# `spend_usd`, `count_lines`): from `supplier_cells` when no unit, sector, method or
# line-level filter is set, else from the filtered lines.
SUPPLIER_MACRO_SQL = f"""
create or replace macro filtered_supplier_sums(
    {_MACRO_ARGS}
) as table
with small as (
    select
        *,
        null::varchar as buyer,
        null::varchar as segment_code,
        null::varchar as procurement_method,
        {_RISK_CATEGORY}
    from supplier_cells
    where {_COUNTRY_ONLY}
),

small_cells as (
    select supplier_ix, risk_category, sum(spend_usd) as spend_usd,
        sum(count_lines)::bigint as count_lines
    from small
    where {_GROUP_PREDICATE}
    group by all
),

other as (
    select supplier_ix, risk_category, sum(amount_usd) as spend_usd,
        count(*) as count_lines
    from filtered_lines({_MACRO_ARGS})
    where not ({_COUNTRY_ONLY})
    group by all
)

select * from small_cells
union all by name
select * from other
"""  # noqa: S608 - code constants only

# The same selection at the grain of `rollup.FAMILY_KEYS` (columns those keys,
# `risk_category`, `spend_usd`, `count_lines`): from `lines_rollup_family` when no unit,
# method or line-level filter is set, else from `filtered_rollup`.
_FAMILY_ONLY = f"""{_NO_LINE_FILTER}
      and len(buyers::varchar[]) = 0 and len(methods::varchar[]) = 0"""
FAMILY_MACRO_SQL = _coarse_rollup_macro(
    "filtered_family_rollup",
    "lines_rollup_family",
    ("buyer", "procurement_method"),
    _FAMILY_ONLY,
)

# The filtered lines in the columns of `supplier_lines` (plus `risk_category`): from that
# table, stored in supplier-key order, unless a search text is set (it needs the
# description), then from `filtered_lines`. A semi join on a few supplier keys then reads
# only their row groups.
SUPPLIER_LINES_MACRO_SQL = f"""
create or replace macro filtered_supplier_lines(
    {_MACRO_ARGS}
) as table
with stored as (
    select *, {_RISK_CATEGORY}
    from supplier_lines
    where {_NO_SEARCH}
),

stored_lines as (
    select * from stored
    where {_GROUP_PREDICATE}
      and {_MIN_USD_PREDICATE}
),

searched as (
    select {{columns}}, risk_category
    from filtered_lines({_MACRO_ARGS})
    where not {_NO_SEARCH}
)

select * from stored_lines
union all by name
select * from searched
"""  # noqa: S608 - code constants only

# True when no filter is set (the risk basis alone restricts nothing). A scalar macro is
# expanded where it is called, so over bound values it folds to a constant when the query
# is planned, as the predicate written out would.
NO_FILTER_MACRO_SQL = """
create or replace macro no_filter(
    quarter_from, quarter_to, buyers, categories, countries, regions, segments, methods,
    min_usd, search
) as (
    quarter_from is null and quarter_to is null and len(buyers::varchar[]) = 0
    and len(categories::varchar[]) = 0 and len(countries::varchar[]) = 0
    and len(regions::varchar[]) = 0 and len(segments::varchar[]) = 0
    and len(methods::varchar[]) = 0 and min_usd is null
    and (search is null or search = '')
)
"""

# The `$parameters` a query passes to the macro, in its order (for query headers).
MACRO_CALL = (
    "filtered_lines($quarter_from, $quarter_to, $buyers, $risk_basis, $categories, "
    "$countries, $regions, $segments, $methods, $min_usd, $search)"
)
ROLLUP_CALL = MACRO_CALL.replace("filtered_lines", "filtered_rollup")
COUNTRY_CALL = MACRO_CALL.replace("filtered_lines", "filtered_country_rollup")
SUPPLIER_CALL = MACRO_CALL.replace("filtered_lines", "filtered_supplier_sums")
FAMILY_CALL = MACRO_CALL.replace("filtered_lines", "filtered_family_rollup")
SUPPLIER_LINES_CALL = MACRO_CALL.replace("filtered_lines", "filtered_supplier_lines")


# Relations the macro may read: the risk view itself, or a table materialised from it.
SOURCES = ("scored_lines", "scored_lines_cached")


def install(
    con: duckdb.DuckDBPyConnection, source: str = "scored_lines", *, build: bool = True
) -> None:
    """Create the `filtered_lines`, `filtered_rollup`, `filtered_country_rollup`,
    `filtered_family_rollup`, `filtered_supplier_sums` and `filtered_supplier_lines` table
    macros and the `no_filter(...)` scalar macro on `con`. With `build`, first write the page
    tables (`page_lines`, the keys and the cells, see `transparency.rollup`) in memory from
    `source` (see `SOURCES`); without, they must already be there (the page cache, see
    `database.connect_for_pages`).

    Call it again after the lines or their scores change: the page tables are tables.

    >>> install(con, "scored_lines")          # doctest: +SKIP
    """
    from transparency import rollup

    if source not in SOURCES:
        raise ValueError(f"filtered_lines cannot read {source!r}; allowed: {SOURCES}")
    if build:
        rollup.build(con, source, "main")
    con.execute(MACRO_SQL)
    con.execute(NO_FILTER_MACRO_SQL)
    con.execute(ROLLUP_MACRO_SQL.replace("{keys}", ",\n        ".join(rollup.KEYS)))
    con.execute(COUNTRY_MACRO_SQL.replace("{keys}", ", ".join(rollup.COUNTRY_KEYS)))
    con.execute(SUPPLIER_MACRO_SQL)
    con.execute(FAMILY_MACRO_SQL.replace("{keys}", ", ".join(rollup.FAMILY_KEYS)))
    con.execute(
        SUPPLIER_LINES_MACRO_SQL.replace("{columns}", ", ".join(rollup.SUPPLIER_LINE_COLUMNS))
    )


@dataclass(frozen=True)
class Filters:
    """The sidebar selection. Empty tuples and None mean "no restriction"."""

    quarter_from: str | None = None
    quarter_to: str | None = None
    buyers: tuple[str, ...] = ()
    risk_basis: str = "inherent"
    categories: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    min_usd: Decimal | None = None
    search: str = ""

    def sql_params(self) -> dict[str, object]:
        """Return the values for the `filtered_lines` macro, keyed by parameter name.

        >>> Filters(countries=("CHN",)).sql_params()["countries"]
        ['CHN']
        """
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        out["search"] = self.search or None
        return out

    def query_params(self) -> dict[str, str | list[str]]:
        """Return the URL query parameters that reproduce this selection (defaults left out).

        >>> Filters(min_usd=Decimal("100"), methods=("open",)).query_params()
        {'method': ['open'], 'min_usd': '100'}
        """
        out: dict[str, str | list[str]] = {}
        for key, attr in _PARAM_KEYS.items():
            value = getattr(self, attr)
            if value in (None, "", ()) or (attr == "risk_basis" and value == "inherent"):
                continue
            out[key] = list(value) if isinstance(value, tuple) else str(value)
        return out

    def narrowed(self, **changes: object) -> Filters:
        """Return a copy with some fields replaced (lists given as tuples or lists)."""
        clean = {k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()}
        return replace(self, **clean)

    def is_default(self) -> bool:
        """Return True when nothing is restricted."""
        return self == Filters(risk_basis=self.risk_basis)


# URL key -> dataclass field. Short keys keep shared links readable.
_PARAM_KEYS: dict[str, str] = {
    "from": "quarter_from",
    "to": "quarter_to",
    "unit": "buyers",
    "basis": "risk_basis",
    "risk": "categories",
    "country": "countries",
    "region": "regions",
    "segment": "segments",
    "method": "methods",
    "min_usd": "min_usd",
    "q": "search",
}
PARAM_KEYS: tuple[str, ...] = tuple(_PARAM_KEYS)


def quarter_before(quarter: str) -> str:
    """Return the quarter before `quarter`.

    >>> quarter_before("2025Q1")
    '2024Q4'
    """
    m = _QUARTER.match(quarter)
    if not m:
        raise ValueError(f"not a quarter: {quarter!r}")
    year, q = int(m.group(1)), int(m.group(2))
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def _values(raw: str | Sequence[str] | None) -> list[str]:
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [str(v).strip() for v in items if str(v).strip() != ""]


def _single(raw: str | Sequence[str] | None) -> str | None:
    values = _values(raw)
    return values[-1] if values else None


def _check_list(
    label: str,
    values: list[str],
    ok: Callable[[str], object],
    hint: str,
    notices: list[str],
) -> tuple[str, ...]:
    kept: list[str] = []
    for value in values:
        if ok(value):
            if value not in kept:
                kept.append(value)
        else:
            notices.append(f"Ignored {label} {value[:60]!r}: {hint}")
    return tuple(kept)


def parse(
    params: Mapping[str, str | Sequence[str]],
    options: Mapping[str, Sequence[str]] | None = None,
) -> tuple[Filters, list[str]]:
    """Return the filters in `params` (URL query parameters) and notices for ignored values.

    Invalid values are dropped with a notice in plain words; nothing raises. With
    `options` (field name -> allowed values, e.g. the buyers in the store), values
    outside those lists are ignored too.

    >>> parse({"min_usd": "-5", "basis": "residual"})[0].risk_basis
    'residual'
    """
    notices: list[str] = []
    options = options or {}

    def allowed(attr: str, value: str) -> bool:
        return attr not in options or value in options[attr]

    quarters: dict[str, str | None] = {}
    for key in ("from", "to"):
        value = _single(params.get(key))
        if value is not None and not _QUARTER.match(value.upper()):
            notices.append(f"Ignored quarter {value[:20]!r}: expected a quarter such as 2025Q1.")
            value = None
        quarters[key] = value.upper() if value else None
    if quarters["from"] and quarters["to"] and quarters["from"] > quarters["to"]:
        notices.append(
            f"The period started after it ended ({quarters['from']} to {quarters['to']}); "
            "the two quarters were swapped."
        )
        quarters["from"], quarters["to"] = quarters["to"], quarters["from"]

    basis = _single(params.get("basis")) or "inherent"
    if basis not in RISK_BASES:
        notices.append(f"Ignored risk basis {basis[:20]!r}: expected inherent or residual.")
        basis = "inherent"

    buyers = _check_list(
        "organisational unit",
        _values(params.get("unit")),
        lambda v: allowed("buyers", v) and len(v) <= 200,
        "no such organisational unit in the data.",
        notices,
    )
    categories = _check_list(
        "risk category",
        _values(params.get("risk")),
        lambda v: v in RISK_CATEGORIES,
        "expected one of " + ", ".join(RISK_CATEGORIES) + ".",
        notices,
    )
    countries = _check_list(
        "supplier country",
        _values(params.get("country")),
        lambda v: (v == "unknown" or _ISO3.match(v)) and allowed("countries", v),
        "expected a three-letter ISO code such as CHN.",
        notices,
    )
    regions = _check_list(
        "region",
        _values(params.get("region")),
        lambda v: allowed("regions", v) and len(v) <= 100,
        "no such region.",
        notices,
    )
    segments = _check_list(
        "sector",
        _values(params.get("segment")),
        lambda v: (v == "unknown" or _SEGMENT.match(v)) and allowed("segments", v),
        "expected a two-digit UNSPSC segment such as 53.",
        notices,
    )
    methods = _check_list(
        "procurement method",
        _values(params.get("method")),
        lambda v: v in (*PROCUREMENT_METHODS, "unknown"),
        "expected one of " + ", ".join(PROCUREMENT_METHODS) + ".",
        notices,
    )

    min_usd: Decimal | None = None
    raw_min = _single(params.get("min_usd"))
    if raw_min is not None:
        try:
            min_usd = Decimal(raw_min.replace(",", ""))
            if not min_usd.is_finite() or min_usd < 0:
                raise InvalidOperation
            min_usd = min_usd.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            notices.append(f"Ignored minimum amount {raw_min[:20]!r}: expected a number ≥ 0.")
            min_usd = None
        if min_usd == 0:
            min_usd = None

    search = _single(params.get("q")) or ""
    if len(search) > MAX_SEARCH:
        notices.append(f"The search text was cut to its first {MAX_SEARCH} characters.")
        search = search[:MAX_SEARCH]

    filters = Filters(
        quarter_from=quarters["from"],
        quarter_to=quarters["to"],
        buyers=buyers,
        risk_basis=basis,
        categories=categories,
        countries=countries,
        regions=regions,
        segments=segments,
        methods=methods,
        min_usd=min_usd,
        search=search,
    )
    return filters, notices
