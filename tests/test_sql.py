"""The query runner: header parsing, parameter checks, bound values."""

from __future__ import annotations

import duckdb
import pytest

from transparency import sql

QUERY = """-- returns: the values above a threshold
-- grain: one row per value
-- params: $minimum (integer)
select v from range(5) t(v)
where v >= $minimum  -- a comment naming $ignored is not a parameter
  and 'text $also_ignored' is not null
order by v
"""


def test_parse_reads_header_and_used_params():
    query = sql.parse("demo", QUERY)
    assert query.returns == "the values above a threshold"
    assert query.grain == "one row per value"
    assert query.params == {"minimum": "integer"}
    assert query.used_params() == {"minimum"}


def test_missing_header_line_is_an_error():
    with pytest.raises(sql.QueryError, match="'-- grain: ...' is missing"):
        sql.parse("bad", "-- returns: x\n-- params: none\nselect 1")


def test_run_binds_only_used_params(tmp_path):
    (tmp_path / "demo.sql").write_text(QUERY)
    con = duckdb.connect()
    out = sql.run(con, "demo", {"minimum": 3, "unused": "x"}, folder=tmp_path)
    assert out.get_column("v").to_list() == [3, 4]
    with pytest.raises(sql.QueryError, match="needs parameters \\['minimum'\\]"):
        sql.run(con, "demo", {}, folder=tmp_path)


def test_hostile_value_is_data_not_sql(tmp_path):
    (tmp_path / "echo.sql").write_text(
        "-- returns: the value\n-- grain: one row\n-- params: $v (text)\nselect $v as v\n"
    )
    hostile = "x'; drop table t; --"
    out = sql.run(duckdb.connect(), "echo", {"v": hostile}, folder=tmp_path)
    assert out.item() == hostile


def test_query_names_are_allow_listed():
    with pytest.raises(sql.QueryError, match="not a query name"):
        sql.load("../etc/passwd")


def test_view_slots_take_identifiers_only():
    text = "select {{columns}} from {{source}}"
    assert sql.fill(text, {"columns": "a, b.c", "source": "main.scored_lines"}) == (
        "select a, b.c from main.scored_lines"
    )
    for bad in ("x; drop table t", "'a'", "a b", "1a", ""):
        with pytest.raises(sql.QueryError, match="not an identifier list"):
            sql.fill(text, {"columns": "a", "source": bad})
    with pytest.raises(sql.QueryError, match="do not match"):
        sql.fill(text, {"columns": "a"})
    with pytest.raises(sql.QueryError, match="do not match"):
        sql.fill("select 1", {"source": "t"})


def test_a_definition_header_says_what_it_defines():
    query = sql.parse("v", "-- defines: view v: one\n-- grain: one row\n-- params: none\nselect 1")
    assert query.returns == "view v: one" and query.params == {}
