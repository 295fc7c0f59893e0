"""Query files: load `queries/*.sql`, check their headers, run them with bound parameters.

A query file starts with a header of `--` lines::

    -- returns: spend in USD and line count per inherent risk category
    -- grain: one row per risk category
    -- params: $date_from (date), $date_to (date)

and refers to its values only as `$name` placeholders, which DuckDB binds. A page query
takes the eleven page filters as `{{filters}}` (declared `$filters (the page filters)` in its
header), which stands for `$quarter_from, $quarter_to, ..., $search`: the list is written
once, as the fields of `transparency.filters.Filters`.

>>> run(con, "spend_by_risk_category", {"date_from": d1, "date_to": d2})  # doctest: +SKIP

The views, macros and tables the queries stand on live in `queries/views/`, one per file,
with the same header but `-- defines:` in place of `-- returns:`. Their text may hold
`{{slot}}` placeholders for identifiers only (a table, schema or column list chosen by the
code from an allow-list), never values::

    -- defines: macro filtered_lines(...): the lines that pass the page filters
    -- grain: one row per contract line
    -- params: none (macro arguments: quarter_from, quarter_to, ...)
    create or replace macro filtered_lines(...) as table select * from {{source}} where ...

>>> fill("select * from {{source}}", {"source": "scored_lines"})
'select * from scored_lines'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from transparency.settings import QUERIES_DIR

VIEWS_DIR = QUERIES_DIR / "views"
# In a leaf query, stands for every page filter as a `$parameter`, in the macros' order;
# the header then declares `$filters (the page filters)`.
PAGE_FILTERS_SLOT = "{{filters}}"
_SLOT = re.compile(r"\{\{([a-z_][a-z0-9_]*)\}\}")
# What may fill a slot: an identifier, a qualified one, or a comma-separated list of them.
_IDENTIFIERS = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?"
    r"(\s*,\s*[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?)*"
)

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


class QueryError(Exception):
    """A query file is malformed or was called with the wrong parameters."""


@dataclass(frozen=True)
class Query:
    """One query file: its name, SQL text and header."""

    name: str
    text: str
    returns: str
    grain: str
    params: dict[str, str]  # declared name -> type note

    def used_params(self) -> set[str]:
        """Return the `$names` the SQL body refers to (comments and strings excluded)."""
        body = _STRING_OR_COMMENT.sub("", self.text)
        return set(_PARAM.findall(body))


def parse(name: str, text: str) -> Query:
    """Parse a query file's header; raise `QueryError` if a header line is missing."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            if stripped:
                break
            continue
        key, sep, value = stripped[2:].strip().partition(":")
        if sep and key.strip() in ("returns", "defines", "grain", "params"):
            header[key.strip()] = value.strip()
    if "defines" in header and "returns" not in header:
        header["returns"] = header["defines"]
    for key in ("returns", "grain", "params"):
        if key not in header:
            raise QueryError(f"queries/{name}.sql: header line '-- {key}: ...' is missing")
    declared = {}
    if header["params"].lower() not in ("none", "-", ""):
        declared = dict(_HEADER_PARAM.findall(header["params"]))
    if PAGE_FILTERS_SLOT in text or "filters" in declared:
        # The page filters, written once (the fields of `Filters`), not in every file.
        names = page_filter_names()
        text = text.replace(PAGE_FILTERS_SLOT, ", ".join(f"${n}" for n in names))
        if declared.pop("filters", None) is not None:
            declared = {**dict.fromkeys(names, "page filter"), **declared}
    return Query(name, text, header["returns"], header["grain"], declared)


def page_filter_names() -> tuple[str, ...]:
    """Return the page filters' parameter names, in the order the `filtered_*` macros take."""
    # cycle: transparency.filters imports this module; the names are the fields of Filters
    from transparency.filters import FILTER_ARGS

    return FILTER_ARGS


@functools.cache
def load(name: str, folder: Path = QUERIES_DIR) -> Query:
    """Return the parsed query `queries/<name>.sql`."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise QueryError(f"not a query name: {name!r}")
    path = Path(folder) / f"{name}.sql"
    if not path.exists():
        raise QueryError(f"no query file {path}")
    return parse(name, path.read_text(encoding="utf-8"))


def names(folder: Path = QUERIES_DIR) -> list[str]:
    """Return the names of every query file, sorted."""
    return sorted(p.stem for p in Path(folder).glob("*.sql"))


def run(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: dict | None = None,
    *,
    folder: Path = QUERIES_DIR,
) -> pl.DataFrame:
    """Run query `name` on a fresh cursor with its parameters bound; return a Polars frame.

    `params` may hold more keys than the query uses (a page's whole filter set); only
    the ones the query refers to are bound. A used parameter that is missing is an error.
    """
    query = load(name, folder)
    params = params or {}
    used = query.used_params()
    missing = used - params.keys()
    if missing:
        raise QueryError(f"queries/{name}.sql needs parameters {sorted(missing)}")
    bound = {key: params[key] for key in used}
    cur = con.cursor()
    try:
        return cur.sql(query.text, params=bound).pl()
    finally:
        cur.close()


@functools.cache
def view(name: str) -> Query:
    """Return the parsed definition `queries/views/<name>.sql` (a view, macro or table)."""
    return load(name, VIEWS_DIR)


def view_names() -> list[str]:
    """Return the names of every definition in `queries/views/`, sorted."""
    return names(VIEWS_DIR)


def fill(text: str, names: dict[str, str] | None = None) -> str:
    """Return `text` with each `{{slot}}` replaced by the identifier(s) `names` gives it.

    Raises `QueryError` for a slot without a name, a name without a slot, or a value that
    is not an identifier list: values are bound, never written into SQL.
    """
    names = names or {}
    slots = set(_SLOT.findall(text))
    if slots != set(names):
        raise QueryError(f"slots {sorted(slots)} and names {sorted(names)} do not match")
    for slot, value in names.items():
        if not _IDENTIFIERS.fullmatch(value.strip()):
            raise QueryError(f"{{{{{slot}}}}}: {value!r} is not an identifier list")
    return _SLOT.sub(lambda m: names[m.group(1)].strip(), text)


def install_view(con: duckdb.DuckDBPyConnection, name: str, **names: str) -> None:
    """Run the definition `queries/views/<name>.sql` on `con`, its slots filled by `names`."""
    con.execute(fill(view(name).text, names))
