"""Injection: SQL through filter and search values, formulas in exports and reports.

SQL: hypothesis generates filter values (quotes, semicolons, `--`, `%`, `_`, backslashes,
Unicode, null bytes) and the rows the filter query returns must equal a Python-side
computation over the fixture lines, with no error. Formula: exported CSV and XLSX text
cells and the quarterly report workbook never start with = + - @, tab or CR; numbers stay
numbers. Script injection is checked in the browser in `test_browser.py`.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from dashboard_fixtures import COUNTRY, RISK, fixture_lines, stub_connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from transparency import export, figures, report, schema, sql
from transparency.app import fmt
from transparency.filters import Filters
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
PAYLOADS = [
    "' or 1=1 --",
    "'; drop table contract_lines; --",
    '"; select 1; --',
    "%",
    "_",
    "50%_",
    "\\",
    "\\'",
    "$search",
    "?",
    "O'Brien",
    "中文",
    "Ünïcødé",
    "😀",
    "\x00",
    "a\x00b",
    "<script>",
    "=cmd",
]
# Hostile but real text in the store, so generated searches also find rows.
NAMES = {
    1: "O'Brien; DROP TABLE x --",
    2: "50% off_sale \\ path",
    6: "=cmd|' /C calc'!A0",
}
DESCRIPTIONS = {3: "Ünïcødé 中文 😀 cleaning", 4: "+44 20 7946 0000", 5: "@SUM(A1)", 7: "\tTabbed"}
BUYERS = {8: "-Field\rOffice"}


def hostile_lines() -> pl.DataFrame:
    """The fixture lines with hostile supplier names, descriptions and one buyer."""
    lines = fixture_lines()

    def swap(column: str, values: dict[int, str]) -> pl.Expr:
        expr = pl.col(column)
        for row, value in values.items():
            expr = pl.when(pl.col("source_row") == row).then(pl.lit(value)).otherwise(expr)
        return expr.alias(column)

    return lines.with_columns(
        swap("supplier_name", NAMES), swap("description", DESCRIPTIONS), swap("buyer", BUYERS)
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    s = Store(tmp_path_factory.mktemp("injection") / "store")
    lines = hostile_lines()
    s.add_batch(
        lines,
        pl.DataFrame(schema=schema.REJECTION),
        source_file='=HYPERLINK("http://x","y").csv',
        content_hash="inject01",
        rows_read=lines.height,
    )
    return s


@pytest.fixture(scope="module")
def con(store):
    return stub_connection(store)


@pytest.fixture(scope="module")
def rows(store) -> list[dict]:
    """The fixture lines as Python dicts, with the hand-assigned risk and regions."""
    out = []
    for r in hostile_lines().to_dicts():
        inherent, residual, _ = RISK[r["source_row"]]
        country = COUNTRY.get(r["supplier_country"])
        d = r["award_date"]
        out.append(
            {
                **r,
                "inherent": inherent,
                "residual": residual,
                "region": country[1] if country else None,
                "quarter": f"{d.year}Q{(d.month - 1) // 3 + 1}",
            }
        )
    return out


def expected(rows: list[dict], f: Filters) -> list[int]:
    """The rows `f` selects, computed in Python from the filter's documented meaning."""

    def keep(r: dict) -> bool:
        category = r["residual"] if f.risk_basis == "residual" else r["inherent"]
        text = " ".join(
            str(r[k])
            for k in (
                "contract_id",
                "line_id",
                "supplier_id",
                "supplier_name",
                "description",
                "buyer",
            )
            if r[k] is not None
        )
        return (
            (f.quarter_from is None or r["quarter"] >= f.quarter_from)
            and (f.quarter_to is None or r["quarter"] <= f.quarter_to)
            and (not f.buyers or r["buyer"] in f.buyers)
            and (not f.categories or category in f.categories)
            and (not f.countries or (r["supplier_country"] or "unknown") in f.countries)
            and (not f.regions or (r["region"] or "Unknown") in f.regions)
            and (not f.segments or (r["segment_code"] or "unknown") in f.segments)
            and (not f.methods or (r["procurement_method"] or "unknown") in f.methods)
            and (f.min_usd is None or r["amount_usd"] >= f.min_usd)
            and (not f.search or f.search.lower() in text.lower())
        )

    return sorted(r["source_row"] for r in rows if keep(r))


def selected(con, f: Filters) -> list[int]:
    params = {
        **f.sql_params(),
        "sort": "contract_id",
        "descending": False,
        "page_size": 100,
        "page_offset": 0,
    }
    frame = sql.run(con, "contract_lines_page", params)
    return sorted(frame.get_column("source_row").to_list())


# Text whose lower case is the same in Python and DuckDB (plain letters, symbols, CJK,
# emoji): the search compares lower-cased text, and the two differ on rare letters like 'İ'.
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(
        alphabet=st.sampled_from(list("aAbBcC'\";-%_\\/*()=+@ \t\r\n\x00éÜß中😀$?")),
        max_size=12,
    ),
    # Pieces of the stored text, so searches also match.
    st.sampled_from(
        [*NAMES.values(), *DESCRIPTIONS.values(), *BUYERS.values(), "Alpha", "c2"]
    ).flatmap(
        lambda s: st.tuples(st.integers(0, len(s)), st.integers(0, len(s))).map(
            lambda ij: s[min(ij) : max(ij)]
        )
    ),
)
real = {
    "buyers": ["Headquarters", "Field Office Nairobi", BUYERS[8]],
    "categories": ["Low", "Medium", "High", "Very high", "Not assessable"],
    "countries": ["CHN", "KEN", "FRA", "DEU", "unknown"],
    "regions": ["Asia", "Africa", "Europe", "Unknown"],
    "segments": ["53", "76", "44", "26", "43"],
    "methods": ["open", "limited", "direct", "selective", "other"],
}


def values(field: str) -> st.SearchStrategy:
    return st.lists(st.one_of(st.sampled_from(real[field]), hostile_text), max_size=3).map(tuple)


filters = st.builds(
    Filters,
    quarter_from=st.one_of(st.none(), st.sampled_from(["2025Q1", "2025Q2"]), hostile_text),
    quarter_to=st.one_of(st.none(), st.sampled_from(["2025Q1", "2025Q3"]), hostile_text),
    buyers=values("buyers"),
    risk_basis=st.sampled_from(["inherent", "residual"]),
    categories=values("categories"),
    countries=values("countries"),
    regions=values("regions"),
    segments=values("segments"),
    methods=values("methods"),
    min_usd=st.one_of(
        st.none(),
        st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False),
    ),
    search=hostile_text,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(f=filters)
def test_generated_filter_values_select_exactly_the_expected_rows(con, rows, f):
    assert selected(con, f) == expected(rows, f)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_as_search_and_as_every_list_value(con, rows, payload):
    for f in [
        Filters(search=payload),
        Filters(buyers=(payload,)),
        Filters(countries=(payload, "CHN")),
        Filters(segments=(payload,), quarter_from=payload),
    ]:
        assert selected(con, f) == expected(rows, f)
    # The tables are all still there.
    assert con.sql("select count(*) from contract_lines").fetchall() == [(8,)]


def test_searches_for_stored_hostile_text_find_their_row(con, rows):
    assert selected(con, Filters(search="o'brien; drop")) == [1]
    assert selected(con, Filters(search="50%")) == [2]
    assert selected(con, Filters(search="_sale \\")) == [2]
    assert selected(con, Filters(search="%_")) == []  # no LIKE wildcards: literal text
    assert selected(con, Filters(search="中文 😀")) == [3]
    assert selected(con, Filters(buyers=(BUYERS[8],))) == [8]


@pytest.mark.parametrize("payload", ["' or 1=1 --", "O'Brien; DROP", "50%", "%", "\\"])
def test_search_box_and_url_on_the_contracts_page(store, monkeypatch, rows, payload):
    """End to end: the value typed in the sidebar and given in the URL (?q=)."""
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    want = expected(rows, Filters(search=payload))
    for how in ("typed", "url"):
        at = AppTest.from_file(str(REPO / "pages/contracts.py"), default_timeout=60)
        if how == "url":
            at.query_params["q"] = payload
        at.run()
        if how == "typed":
            at.text_input(key="f_search").input(payload).run()
        assert [e.message for e in at.exception] == []
        text = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
        if want:
            assert f"**{fmt.count(len(want))}** contract lines" in text
        else:
            assert "No contract lines match the filters" in text


# --- formulas in exports and the quarterly report ----------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@given(st.text(max_size=20))
def test_neutralise_never_leaves_a_formula_start_and_keeps_the_text(text):
    out = export.neutralise(text)
    assert not out.startswith(FORMULA_START)
    assert out == text or (out == "'" + text and text.startswith(FORMULA_START))


def test_csv_export_escapes_every_formula_text_cell_and_keeps_numbers(con):
    data = export.csv_bytes(con, Filters().sql_params()).decode("utf-8")
    table = list(csv.DictReader(io.StringIO(data, newline="")))
    assert len(table) == 8
    cells = [v for row in table for v in row.values() if v]
    assert not [v for v in cells if v.startswith(FORMULA_START)]
    by_row = {int(r["Row in source file"]): r for r in table}
    assert by_row[6]["Supplier"] == "'=cmd|' /C calc'!A0"
    assert by_row[4]["Description"] == "'+44 20 7946 0000"
    assert by_row[5]["Description"] == "'@SUM(A1)"
    assert by_row[7]["Description"] == "'\tTabbed"
    assert by_row[8]["Organisational unit"] == "'-Field\rOffice"
    assert sum(Decimal(r["Amount (USD)"]) for r in table) == Decimal("6933.33")


def test_xlsx_export_escapes_every_formula_text_cell_and_keeps_numbers(con):
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(con, Filters().sql_params())))
    sheet = book["Contract lines"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]
    # XLSX stores a CR as the escape _x000D_, which Excel reads back as a CR.
    texts = [c.value.replace("_x000D_", "\r") for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA_START)]
    assert "'=cmd|' /C calc'!A0" in texts and "'-Field\rOffice" in texts
    header = [c.value for c in sheet[1]]
    amounts = [r[header.index("Amount (USD)")].value for r in sheet.iter_rows(min_row=2)]
    assert all(isinstance(a, (int, float)) for a in amounts)
    assert round(sum(amounts), 2) == 6933.33


def test_quarterly_report_workbook_escapes_formula_text(tmp_path):
    """The report's workbook holds the batch's file name (provenance): escaped too."""
    s = Store(tmp_path / "store")
    lines = hostile_lines()
    s.add_batch(
        lines,
        pl.DataFrame(schema=schema.REJECTION),
        source_file='=HYPERLINK("http://x","y").csv',
        content_hash="inject02",
        rows_read=lines.height,
    )
    fig = figures.figures(s, "2025Q3")
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes(fig)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA_START)]
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    # Numbers stay numbers: the quarter's total (C5 700.00 + C6 800.00 + C4 1500.00).
    assert 3000 in [round(c.value, 2) for c in cells if isinstance(c.value, (int, float))]
