"""Query files: load `queries/*.sql`, check their headers, run them with bound parameters.

A query file starts with a header of `--` lines::

    -- returns: spend in USD and line count per inherent risk category
    -- grain: one row per risk category
    -- params: $date_from (date), $date_to (date)

and refers to its values only as `$name` placeholders, which DuckDB binds.

>>> run(con, "spend_by_risk_category", {"date_from": d1, "date_to": d2})  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from transparency.settings import QUERIES_DIR

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
        if sep and key.strip() in ("returns", "grain", "params"):
            header[key.strip()] = value.strip()
    for key in ("returns", "grain", "params"):
        if key not in header:
            raise QueryError(f"queries/{name}.sql: header line '-- {key}: ...' is missing")
    declared = {}
    if header["params"].lower() not in ("none", "-", ""):
        declared = dict(_HEADER_PARAM.findall(header["params"]))
    return Query(name, text, header["returns"], header["grain"], declared)


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
