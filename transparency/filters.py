"""Dashboard filters: one dataclass, parsed from URL query parameters and bound as SQL parameters.

The predicate itself is written once, as the DuckDB table macro `filtered_lines(...)` in
`queries/views/` (see `install`); every page query selects from it
with the eleven values of `Filters.sql_params()` bound as `$parameters` (`FILTER_ARGS`).

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

from transparency import quarters as quarters_mod
from transparency import rollup, sql
from transparency.risk.categories import CATEGORIES
from transparency.schema import PROCUREMENT_METHODS

RISK_BASES: tuple[str, ...] = ("inherent", "residual")
MAX_SEARCH = 200
_ISO3 = re.compile(r"^[A-Z]{3}$")
_SEGMENT = re.compile(r"^\d{2}$")


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


# The filter values in the order the `filtered_*` table macros take them: the fields of
# `Filters`, the one place the list is written. `install` fills it into the macros'
# `{{filter_args}}` slots; queries pass the same names as `$parameters` (`MACRO_CALL`).
FILTER_ARGS: tuple[str, ...] = tuple(f.name for f in fields(Filters))

# The `$parameters` a query passes to the macro, in its order (for query headers).
MACRO_CALL = "filtered_lines(" + ", ".join(f"${name}" for name in FILTER_ARGS) + ")"
ROLLUP_CALL = MACRO_CALL.replace("filtered_lines", "filtered_rollup")
COUNTRY_CALL = MACRO_CALL.replace("filtered_lines", "filtered_country_rollup")
SUPPLIER_CALL = MACRO_CALL.replace("filtered_lines", "filtered_supplier_sums")
FAMILY_CALL = MACRO_CALL.replace("filtered_lines", "filtered_family_rollup")
SUPPLIER_LINES_CALL = MACRO_CALL.replace("filtered_lines", "filtered_supplier_lines")

# Relations the macro may read: the risk view itself, or a table materialised from it.
SOURCES = ("scored_lines", "scored_lines_cached")

# The definitions in `queries/views/` that `install` runs, in this order: each table
# macro after the ones it calls.
MACROS: tuple[str, ...] = (
    "is_high_risk",
    "filtered_lines",
    "no_filter",
    "filtered_rollup",
    "filtered_country_rollup",
    "filtered_supplier_sums",
    "filtered_family_rollup",
    "filtered_supplier_lines",
)


def install(
    con: duckdb.DuckDBPyConnection, source: str = "scored_lines", *, build: bool = True
) -> None:
    """Create the `filtered_lines`, `filtered_rollup`, `filtered_country_rollup`,
    `filtered_family_rollup`, `filtered_supplier_sums` and `filtered_supplier_lines` table
    macros, the `no_filter(...)` scalar macro and the `filter_*` pieces they share on `con`
    (the definitions `MACROS` of `queries/views/`, in that order). With `build`, first write
    the page tables (`page_lines`, the keys and the cells, see `transparency.rollup`) in
    memory from `source` (see `SOURCES`); without, they must already be there (the page
    cache, see `database.connect_for_pages`).

    Call it again after the lines or their scores change: the page tables are tables.

    >>> install(con, "scored_lines")          # doctest: +SKIP
    """
    if source not in SOURCES:
        raise ValueError(f"filtered_lines cannot read {source!r}; allowed: {SOURCES}")
    if build:
        rollup.build(con, source, "main")
    # What fills each slot: identifiers from the code's own lists, never values.
    fills = {
        "filter_args": ", ".join(FILTER_ARGS),
        "columns": ", ".join(rollup.SUPPLIER_LINE_COLUMNS),
    }
    keys = {
        "filtered_rollup": ",\n        ".join(rollup.KEYS),
        "filtered_country_rollup": ", ".join(rollup.COUNTRY_KEYS),
        "filtered_family_rollup": ", ".join(rollup.FAMILY_KEYS),
    }
    for name in MACROS:
        text = sql.view(name).text
        names = {slot: value for slot, value in fills.items() if f"{{{{{slot}}}}}" in text}
        if name in keys:
            names["keys"] = keys[name]
        sql.install_view(con, name, **names)


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


def _parse_quarters(
    params: Mapping[str, str | Sequence[str]], notices: list[str]
) -> tuple[str | None, str | None]:
    """Return the period's first and last quarter in `params` (swapped if reversed)."""
    quarters: dict[str, str | None] = {}
    for key in ("from", "to"):
        value = _single(params.get(key))
        if value is not None and not quarters_mod.is_label(value):
            notices.append(f"Ignored quarter {value[:20]!r}: expected a quarter such as 2025Q1.")
            value = None
        quarters[key] = quarters_mod.parse(value, start_month=1).label if value else None
    if quarters["from"] and quarters["to"] and quarters["from"] > quarters["to"]:
        notices.append(
            f"The period started after it ended ({quarters['from']} to {quarters['to']}); "
            "the two quarters were swapped."
        )
        quarters["from"], quarters["to"] = quarters["to"], quarters["from"]
    return quarters["from"], quarters["to"]


def _parse_min_usd(raw_min: str | None, notices: list[str]) -> Decimal | None:
    """Return the minimum amount in USD to the cent, or None when unset, zero or invalid."""
    min_usd: Decimal | None = None
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
    return min_usd


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
    quarter_from, quarter_to = _parse_quarters(params, notices)

    basis = _single(params.get("basis")) or "inherent"
    if basis not in RISK_BASES:
        notices.append(f"Ignored risk basis {basis[:20]!r}: expected inherent or residual.")
        basis = "inherent"
    lists = _parse_lists(params, options or {}, notices)
    min_usd = _parse_min_usd(_single(params.get("min_usd")), notices)

    search = _single(params.get("q")) or ""
    if len(search) > MAX_SEARCH:
        notices.append(f"The search text was cut to its first {MAX_SEARCH} characters.")
        search = search[:MAX_SEARCH]

    filters = Filters(
        quarter_from=quarter_from,
        quarter_to=quarter_to,
        risk_basis=basis,
        min_usd=min_usd,
        **lists,
        search=search,
    )
    return filters, notices


def _parse_lists(
    params: Mapping[str, str | Sequence[str]],
    options: Mapping[str, Sequence[str]],
    notices: list[str],
) -> dict[str, tuple[str, ...]]:
    """Return the list filters in `params` by field name, with notices for dropped values."""

    def allowed(attr: str, value: str) -> bool:
        return attr not in options or value in options[attr]

    # field, URL key, what it is called, which values pass, what was expected
    rules: tuple[tuple[str, str, str, Callable[[str], object], str], ...] = (
        (
            "buyers",
            "unit",
            "organisational unit",
            lambda v: allowed("buyers", v) and len(v) <= 200,
            "no such organisational unit in the data.",
        ),
        (
            "categories",
            "risk",
            "risk category",
            lambda v: v in CATEGORIES,
            "expected one of " + ", ".join(CATEGORIES) + ".",
        ),
        (
            "countries",
            "country",
            "supplier country",
            lambda v: (v == "unknown" or _ISO3.match(v)) and allowed("countries", v),
            "expected a three-letter ISO code such as CHN.",
        ),
        (
            "regions",
            "region",
            "region",
            lambda v: allowed("regions", v) and len(v) <= 100,
            "no such region.",
        ),
        (
            "segments",
            "segment",
            "sector",
            lambda v: (v == "unknown" or _SEGMENT.match(v)) and allowed("segments", v),
            "expected a two-digit UNSPSC segment such as 53.",
        ),
        (
            "methods",
            "method",
            "procurement method",
            lambda v: v in (*PROCUREMENT_METHODS, "unknown"),
            "expected one of " + ", ".join(PROCUREMENT_METHODS) + ".",
        ),
    )
    return {
        field: _check_list(label, _values(params.get(key)), ok, expected, notices)
        for field, key, label, ok, expected in rules
    }


def clamp_period(filters: Filters, first: str, last: str) -> tuple[Filters, list[str]]:
    """Return `filters` with the period moved inside the data (`first` to `last`), and notices.

    A bound at the data's own first or last quarter becomes None (no restriction), so the
    URL of the full period stays clean.

    >>> f, notes = clamp_period(Filters(quarter_from="2030Q1"), "2023Q4", "2026Q3")
    >>> f.quarter_from, f.quarter_to
    ('2026Q3', None)
    >>> notes
    ['The period asked for starts in 2030Q1, after the data ends (2026Q3): showing 2026Q3.']
    """
    q_from, q_to = filters.quarter_from, filters.quarter_to
    notices: list[str] = []
    if q_from is not None and q_from > last:
        notices.append(
            f"The period asked for starts in {q_from}, after the data ends ({last}): "
            f"showing {last}."
        )
        q_from, q_to = last, None
    if q_to is not None and q_to < first:
        notices.append(
            f"The period asked for ends in {q_to}, before the data starts ({first}): "
            f"showing {first}."
        )
        q_from, q_to = None, first
    if q_from is not None and q_from < first:
        notices.append(f"The data starts in {first}, after {q_from}: the period starts there.")
        q_from = None
    if q_to is not None and q_to > last:
        notices.append(f"The data ends in {last}, before {q_to}: the period ends there.")
        q_to = None
    q_from = None if q_from == first else q_from
    q_to = None if q_to == last else q_to
    return filters.narrowed(quarter_from=q_from, quarter_to=q_to), notices
