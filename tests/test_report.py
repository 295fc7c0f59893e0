"""The published report: XLSX read back, PDF text, offline HTML, formula safety, the page."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import polars as pl
import pytest
from conftest import REPO
from figures_fixture import LINES_Q4, build, lines_frame
from pypdf import PdfReader

from transparency import cli, figures, report, schema
from transparency.store import Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_FILE = "=cmd|' /C calc'!A0.csv"
HOSTILE_TITLE = '=HYPERLINK("http://evil.example","click")'
HOSTILE_LINK = '<a href="https://evil.example">Apparel</a><script>alert(1)</script>'


@pytest.fixture(scope="module")
def fig(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("report") / "store")
    return figures.figures(store, "2025Q4")


@pytest.fixture(scope="module")
def hostile_fig(tmp_path_factory):
    """Figures whose text (batch file name, segment title, reason) tries formula injection."""
    store = Store(tmp_path_factory.mktemp("hostile") / "store")
    lines = lines_frame(LINES_Q4).with_columns(
        pl.when(pl.col("segment_code") == "80")
        .then(pl.lit(HOSTILE_TITLE))
        .when(pl.col("segment_code") == "53")
        .then(pl.lit(HOSTILE_LINK))
        .otherwise(pl.col("segment_title"))
        .alias("segment_title"),
        pl.lit("-Procurement").alias("buyer"),
    )
    store.add_batch(
        lines,
        pl.DataFrame(schema=schema.REJECTION),
        source_file=HOSTILE_FILE,
        content_hash="hostile",
        rows_read=lines.height,
    )
    return figures.figures(store, "2025Q4")


def _money(value) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def test_xlsx_has_one_sheet_per_table_and_method_and_provenance(fig):
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes(fig)))
    names = book.sheetnames
    assert names[0] == "Summary"
    for table in figures.TABLES:
        assert report.SHEETS[table.key] in names
    assert {"Reconciliation", "Methodology", "Provenance"} <= set(names)
    provenance = {
        row[0]: row[1] for row in book["Provenance"].iter_rows(min_row=3, values_only=True)
    }
    assert provenance["Data fingerprint (SHA-256)"] == fig.fingerprint
    assert any(str(k).startswith("Batch ") for k in provenance)
    assert "Risk model hash" in provenance
    assert "Generated at (UTC)" in provenance


def test_xlsx_read_back_equals_the_figures(fig):
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes(fig)))
    for table in figures.TABLES:
        sheet = book[report.SHEETS[table.key]]
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        assert list(rows[0][: len(table.columns)]) == [c.label for c in table.columns]
        body = rows[1:]
        frame = fig.tables[table.key]
        assert len(body) == frame.height, table.key
        for got, want in zip(body, frame.iter_rows(named=True), strict=True):
            for col, cell in zip(table.columns, got, strict=False):
                expected = want[col.key]
                if col.kind == "money":
                    assert _money(cell) == expected, (table.key, col.key)
                elif col.kind == "share":
                    assert (cell is None and expected is None) or (
                        Decimal(repr(cell)) == expected
                    ), (table.key, col.key)
                elif col.kind == "count":
                    assert cell == expected
                else:
                    assert (cell or "") == (expected or ""), (table.key, col.key)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert _money(summary["Total spend (USD)"]) == Decimal("6215.33")
    assert summary["Contract lines"] == 6
    assert summary["Suppliers"] == 4


def test_no_xlsx_text_cell_starts_with_a_formula_character(hostile_fig):
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes(hostile_fig)))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(FORMULA_START), (sheet.title, cell.value)
    # the hostile values are there, neutralised, not dropped
    assert "'" + HOSTILE_TITLE in texts
    assert any(t.startswith("'" + HOSTILE_FILE) for t in texts)


def test_pdf_text_has_the_total_and_the_top_line_table(fig):
    reader = PdfReader(io.BytesIO(report.pdf_report(fig)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Procurement transparency figures" in flat
    assert "2025Q4 (1 October 2025 to 31 December 2025)" in flat
    assert "Top-line figures" in flat
    assert "Total spend (USD) 6,215.33 1,500.00" in flat
    for label in figures.TOP_LINE.values():
        assert label.split()[0] in flat
    assert "Contract lines 6 2" in flat
    assert "Reconciled" in flat
    assert fig.fingerprint in flat.replace(" ", "")
    for table in figures.TABLES:
        assert table.title in flat


def test_html_is_self_contained_and_escapes_data(hostile_fig):
    page = report.html_report(hostile_fig)
    assert page.count("<script") >= 2  # Plotly once, inline, then each chart
    # nothing is fetched when the page opens: no external script, style sheet or image
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<(link|img|iframe)\b[^>]*\b(href|src)=[\"']?(https?:)?//", page)
    assert "plotly.min.js" not in page and "require.js" not in page
    assert "6,215.33" in page
    assert "&quot;http://evil.example&quot;" in page  # data shown as text, escaped
    assert hostile_fig.fingerprint in page
    assert "<script>alert(1)" not in page and '<a href="https://evil' not in page
    # Plotly renders tags in axis labels, so chart labels carry the text escaped
    for _, chart in report.charts(hostile_fig):
        for trace in chart.data:
            for value in list(trace.x or ()) + list(trace.y or ()):
                assert "<" not in str(value)


def test_charts_leave_out_what_has_nothing_to_show(fig, tmp_path):
    titles = [title for title, _ in report.charts(fig)]
    assert "Spend by risk category, inherent and after due diligence" in titles
    assert "Due diligence on high-risk spend" in titles
    store = Store(tmp_path / "low")
    low = lines_frame([line for line in LINES_Q4 if line[5] == "DNK"])
    store.add_batch(
        low,
        pl.DataFrame(schema=schema.REJECTION),
        source_file="low.csv",
        content_hash="low",
        rows_read=low.height,
    )
    low_fig = figures.figures(store, "2025Q4")
    assert low_fig.top["high_risk_usd"] == Decimal("0.00")
    assert "Due diligence on high-risk spend" not in [t for t, _ in report.charts(low_fig)]


def test_latin1_fallback_transliterates():
    assert report.latin1("Côte d’Ivoire – Łódź ✓") == "Côte d'Ivoire - Lódz ?"


def test_report_command_writes_three_files(tmp_path, capsys):
    store = build(tmp_path / "store", with_diligence=False)
    out = tmp_path / "out"
    args = ["report", "--quarter", "2025Q4", "--store", str(store.root), "--out", str(out)]
    assert cli.main(args) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "transparency-figures-2025Q4.html",
        "transparency-figures-2025Q4.pdf",
        "transparency-figures-2025Q4.xlsx",
    ]
    assert all((out / n).stat().st_size > 1000 for n in names)
    printed = capsys.readouterr().out
    assert "Fingerprint:" in printed and "Reconciled" in printed


def test_page_shows_figures_and_downloads(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    store = build(tmp_path / "store")
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    at = AppTest.from_file(str(REPO / "pages" / "quarterly_report.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="qr_quarter").value == "2025Q4"
    assert [m.value for m in at.metric][:4] == ["$6.2K", "6", "4", "4"]
    assert at.metric[0].help == "USD 6,215.33"
    assert "Reconciled" in at.success[0].value
    shown = " ".join(str(df.value.columns.tolist()) for df in at.dataframe)
    for raw in ("spend_usd", "count_lines", "inherent_usd", "country_code"):
        assert raw not in shown
    at.selectbox(key="qr_quarter").select("2025Q3").run()
    assert not at.exception
    assert at.metric[0].help == "USD 1,500.00"


def test_page_runs_in_the_dashboard_navigation(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    store = build(tmp_path / "store")
    monkeypatch.setenv("TRANSPARENCY_STORE", str(store.root))
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/quarterly_report.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Quarterly report"
    assert at.metric[0].help == "USD 6,215.33"
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Workbook (XLSX)", "Web page (HTML, works offline)", "Print version (PDF)"]


def test_pdf_without_dejavu_falls_back_to_core_fonts(fig, monkeypatch, tmp_path):
    monkeypatch.setattr(report.pdf, "FONT_DIR", tmp_path / "no-fonts")
    reader = PdfReader(io.BytesIO(report.pdf_report(fig)))
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))
    assert "Total spend (USD) 6,215.33 1,500.00" in text
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
    assert any("Helvetica" in f.get_object()["/BaseFont"] for f in fonts.values())
