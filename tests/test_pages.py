"""Every page through Streamlit's AppTest, on the hand-made fixture store and on demo data.

Shown figures are compared with an independent DuckDB computation over `scored_lines`
(the real risk model), never with the app's own queries.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from dashboard_fixtures import fixture_store
from streamlit.testing.v1 import AppTest

from transparency import database, demo, page_registry, schema
from transparency.app import fmt
from transparency.risk import diligence
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
DASHBOARD = str(REPO / "dashboard.py")
PAGES = {p.path: p.title for p in page_registry.PAGES}
# The pages these tests check in depth; the quarterly report and the methodology have
# test files of their own (test_report.py, test_risk_methodology_page.py).
MINE = [p for p in PAGES if p not in ("pages/quarterly_report.py", "pages/methodology.py")]
TIMEOUT = 60


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return fixture_store(tmp_path_factory.mktemp("pages") / "store")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Store:
    s = Store(tmp_path_factory.mktemp("pages-demo") / "store")
    demo.add_to_store(s, rows=3_000)
    return s


def expected(s: Store, where: str = "true") -> dict:
    """Independent figures over `scored_lines`; `where` is a literal SQL condition from tests."""
    con = database.connect(s)
    query = (
        "select coalesce(sum(amount_usd), 0), "
        "coalesce(sum(amount_usd) filter (where inherent_category in ('High', 'Very high')), 0),"
        " count(*), count(distinct contract_id), "
        "count(distinct coalesce(supplier_id, supplier_name)) from scored_lines where "
    )
    total, high, lines, contracts, suppliers = con.sql(query + where).fetchall()[0]
    return {
        "total": total,
        "high_share": float(high) / float(total) if total else 0.0,
        "lines": lines,
        "contracts": contracts,
        "suppliers": suppliers,
    }


def app(s: Store, monkeypatch, script: str = DASHBOARD, **query) -> AppTest:
    monkeypatch.setenv("TRANSPARENCY_STORE", str(s.root))
    at = AppTest.from_file(script, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def no_errors(at: AppTest) -> None:
    assert [e.message for e in at.exception] == []
    assert not any("Traceback" in m.value for m in at.markdown)


def url(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key)
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def table(at: AppTest, column: str, value: object = None):
    """Return the first shown table with `column` (holding `value`, when given)."""
    for frame in at.dataframe:
        df = frame.value
        if column in df.columns and (value is None or value in df[column].tolist()):
            return df
    raise AssertionError(f"no table with column {column!r}")


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_dashboard_declares_the_six_pages():
    text = (REPO / "dashboard.py").read_text()
    assert "st.navigation(" in text
    assert "page_registry.PAGES" in text
    for path in PAGES:
        assert (REPO / path).exists(), f"{path} is missing"


def test_map_shapes_are_served_for_the_dashboard_and_for_pages_run_alone():
    # Streamlit serves static/ beside the main script: dashboard.py, or pages/x.py alone.
    for folder in (REPO / "static", REPO / "pages" / "static"):
        shapes = folder / "topojson" / "world_110m.json"
        assert shapes.is_file() and shapes.stat().st_size > 100_000
    config = (REPO / ".streamlit" / "config.toml").read_text()
    assert "enableStaticServing = true" in config


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_runs_in_the_navigation(store, monkeypatch, path):
    at = app(store, monkeypatch)
    at.run()
    no_errors(at)
    at.switch_page(path).run()
    no_errors(at)
    if PAGES[path]:
        assert at.title[0].value == PAGES[path]


@pytest.mark.parametrize("path", MINE)
def test_every_page_runs_on_its_own(store, monkeypatch, path):
    at = app(store, monkeypatch, str(REPO / path))
    at.run()
    no_errors(at)
    assert at.title[0].value == PAGES[path]


def test_overview_kpis_equal_an_independent_computation(store, monkeypatch):
    at = app(store, monkeypatch)
    at.run()
    no_errors(at)
    want = expected(store)
    shown = metrics(at)
    assert shown["Total spend (USD)"] == fmt.usd_compact(want["total"]) == "$6.9K"
    assert shown["High or Very high"] == fmt.pct(want["high_share"])
    assert shown["Contracts"] == fmt.count(want["contracts"]) == "7"
    assert shown["Suppliers"] == fmt.count(want["suppliers"]) == "5"
    # Latest quarter 2025Q3 against 2025Q2, from the fixture's hand totals.
    change = next(m for m in at.metric if m.label == "Spend in 2025Q3")
    assert change.value == "$3.0K"
    assert change.delta == f"{(3000 / 2333.33 - 1) * 100:+.1f}% vs 2025Q2"
    assert len(at.get("plotly_chart")) == 5  # with the high-risk share per quarter
    assert not at.warning or all("Demo" not in w.value for w in at.warning)


def test_url_params_filter_every_figure(store, monkeypatch):
    at = app(store, monkeypatch, country="KEN", to="2025Q2")
    at.run()
    no_errors(at)
    want = expected(store, "supplier_country = 'KEN' and award_quarter <= '2025Q2'")
    assert metrics(at)["Total spend (USD)"] == fmt.usd_compact(want["total"]) == "$2.1K"
    assert metrics(at)["Contracts"] == "2"
    assert at.session_state["f_countries"] == ["KEN"]


def test_invalid_url_params_give_a_notice_not_a_traceback(store, monkeypatch):
    at = app(store, monkeypatch, country="Narnia", risk="Extreme", min_usd="-1", basis="x")
    at.run()
    no_errors(at)
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "Narnia" in notices and "Extreme" in notices and "minimum amount" in notices
    assert metrics(at)["Contracts"] == "7"  # nothing was filtered


def test_values_from_links_and_data_cannot_inject_markdown(tmp_path, monkeypatch):
    from dashboard_fixtures import fixture_lines

    s = Store(tmp_path / "store")
    lines = fixture_lines().with_columns(
        pl.lit("![logo](http://tracker.example/x.png) **Acme** $x$").alias("supplier_name")
    )
    s.add_batch(
        lines,
        pl.DataFrame(schema=schema.REJECTION),
        source_file="[click](http://e).csv",
        content_hash="md1",
        rows_read=lines.height,
    )
    at = app(s, monkeypatch, str(REPO / "pages/suppliers.py"), supplier="S1")
    at.query_params["country"] = "![x](http://e/y.png)"
    at.run()
    no_errors(at)
    assert at.header[0].value == (
        "\\!\\[logo\\]\\(http\\://tracker\\.example/x\\.png\\) \\*\\*Acme\\*\\* \\$x\\$"
    )
    assert "\\!\\[x\\]" in at.sidebar.warning[-1].value
    data = app(s, monkeypatch, str(REPO / "pages/data.py"))
    data.run()
    assert all("[click](" not in m.value for m in data.markdown)


def test_sidebar_change_is_mirrored_in_the_url(store, monkeypatch):
    at = app(store, monkeypatch)
    at.run()
    at.multiselect(key="f_countries").select("CHN").run()
    no_errors(at)
    assert url(at, "country") == ["CHN"]
    assert metrics(at)["Total spend (USD)"] == fmt.usd_compact(
        expected(store, "supplier_country = 'CHN'")["total"]
    )
    at.radio(key="f_basis").set_value("Residual").run()
    assert url(at, "basis") == ["residual"]
    at.button(key="f_clear").click().run()
    assert url(at, "country") == []
    assert metrics(at)["Contracts"] == "7"


def test_empty_selection_says_so_in_words(store, monkeypatch):
    at = app(store, monkeypatch, q="no such supplier anywhere")
    at.run()
    no_errors(at)
    assert "No contract lines match" in at.info[0].value
    assert len(at.get("plotly_chart")) == 0
    at.switch_page("pages/contracts.py").run()
    no_errors(at)
    assert "No contract lines match" in at.info[0].value
    assert len(at.dataframe) == 0


def test_high_risk_tile_leads_to_the_matching_contracts(store, monkeypatch):
    at = app(store, monkeypatch)
    at.run()
    at.button(key="ov_high_button").click().run()
    no_errors(at)
    assert at.title[0].value == "Contracts"
    want = expected(store, "inherent_category in ('High', 'Very high')")
    summary = at.markdown[0].value
    assert f"**{fmt.count(want['lines'])}** contract lines" in summary
    assert fmt.usd(want["total"]) in summary
    assert sorted(at.session_state["f_categories"]) == ["High", "Very high"]


def test_contracts_page_pages_and_opens_detail(store, monkeypatch):
    at = app(store, monkeypatch)
    at.run()
    at.switch_page("pages/contracts.py").run()
    at.selectbox(key="ct_sort").set_value("amount_usd").run()
    lines = at.dataframe[0]
    shown = lines.value
    assert list(shown.columns[:3]) == ["Amount (USD)", "Risk category", "Supplier"]
    assert "amount_usd" not in shown.columns and "batch_id" not in shown.columns
    assert shown["Amount (USD)"].tolist()[:3] == [2000.0, 1500.0, 1000.0]
    at.session_state[lines.key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    no_errors(at)
    assert "Contract C2, line 1" in [h.value for h in at.header]  # in the dialog
    assert {m.label: m.value for m in at.metric} == {
        "Inherent risk": expected_category(store, 3, "inherent"),
        "Residual risk": expected_category(store, 3, "residual"),
    }
    money = table(at, "Field", "Rate source")
    values = dict(zip(money["Field"], money["Value"], strict=True))
    assert values["Currency"] == "KES"
    assert values["Exchange rate (units per USD)"].startswith("129")
    assert values["Rate source"] == "fixture rates"
    others = table(at, "First award")
    assert others["Contract"].tolist() == ["C7"]
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download XLSX"]


def test_links_open_a_line_and_a_supplier(store, monkeypatch):
    batch = store.batches()[0].batch_id
    at = app(store, monkeypatch, str(REPO / "pages/contracts.py"), line=f"{batch}:6")
    at.run()
    no_errors(at)
    assert "Contract C5, line 1" in [h.value for h in at.header]
    # The description is shown as plain text, formula and all, never executed or rendered.
    line = table(at, "Field", "Description")
    assert dict(zip(line["Field"], line["Value"], strict=True))["Description"] == (
        '=HYPERLINK("http://x")'
    )
    at.button(key="ct_close").click().run()
    assert not any(h.value.startswith("Contract") for h in at.header)
    bad = app(store, monkeypatch, str(REPO / "pages/contracts.py"), line="nonsense")
    bad.run()
    no_errors(bad)
    sp = app(store, monkeypatch, str(REPO / "pages/suppliers.py"), supplier="S2")
    sp.run()
    no_errors(sp)
    assert sp.header[0].value == "Beta Cleaning"


def expected_category(s: Store, source_row: int, basis: str) -> str:
    con = database.connect(s)
    return con.sql(
        f"select {basis}_category from scored_lines where source_row = $r",  # noqa: S608
        params={"r": source_row},
    ).fetchall()[0][0]


def test_supplier_profile_and_diligence_form(tmp_path, monkeypatch):
    s = fixture_store(tmp_path / "store")
    at = app(s, monkeypatch, str(REPO / "pages/suppliers.py"))
    at.session_state["supplier_key"] = "S1"
    at.run()
    no_errors(at)
    assert at.header[0].value == "Alpha Textiles"
    assert metrics(at)["Spend (USD)"] == "$2.3K"
    assert "No due-diligence steps" in " ".join(m.value for m in at.markdown)

    # Invalid: no evidence, no name. Not saved, and said so.
    at.button(key="sp_submit").click().run()
    no_errors(at)
    assert at.error and "Not saved" in at.error[0].value
    assert diligence.records(s).height == 0

    at.text_input(key="sp_recorded_by").input("a.tester")
    at.selectbox(key="sp_step").set_value("audit")
    at.text_area(key="sp_evidence").input("SMETA report 2025-114")
    at.button(key="sp_submit").click().run()
    no_errors(at)
    assert "Saved: Third-party social audit" in at.success[0].value
    record = table(at, "Evidence")
    assert record["Evidence"].tolist() == ["SMETA report 2025-114"]
    # Residual risk shown at once equals a fresh computation that sees the new step.
    fresh = (
        database.connect(s)
        .sql(
            "select residual_category from scored_lines s join risk_categories c "
            "on c.category = s.residual_category where supplier_id = 'S1' "
            "order by c.sort_order desc limit 1"
        )
        .fetchall()[0][0]
    )
    assert metrics(at)["Residual risk (highest)"] == fresh

    # A restart (new session, new process state) still shows it: it is on disk.
    again = app(s, monkeypatch, str(REPO / "pages/suppliers.py"))
    again.session_state["supplier_key"] = "S1"
    again.run()
    record = table(again, "Evidence")
    assert record["Step"].tolist() == ["Third-party social audit"]
    assert record["Recorded by"].tolist() == ["a.tester"]


def test_data_page_lists_batches_and_undoes_after_confirmation(tmp_path, monkeypatch):
    s = fixture_store(tmp_path / "store")
    at = app(s, monkeypatch, str(REPO / "pages/data.py"))
    at.run()
    no_errors(at)
    batches = table(at, "Source file")
    assert batches["Source file"].tolist() == ["fixture.csv"]
    assert batches["Accepted"].tolist() == [8]
    at.button(key="dt_undo").click().run()
    assert len(s.batches()) == 1  # nothing removed before the confirmation
    assert "cannot be reversed" in at.warning[0].value
    at.button(key="dt_undo_no").click().run()
    assert len(s.batches()) == 1
    at.button(key="dt_undo").click().run()
    at.button(key="dt_undo_yes").click().run()
    no_errors(at)
    assert s.batches() == []
    assert "The store is empty" in at.info[0].value


@pytest.mark.parametrize("path", MINE)
def test_an_emptied_store_says_so_and_stays_empty(tmp_path, monkeypatch, path):
    s = fixture_store(tmp_path / "store")
    s.undo(s.batches()[0].batch_id)
    at = app(s, monkeypatch)
    at.run()
    at.switch_page(path).run()
    no_errors(at)
    assert s.batches() == []  # no demo data comes back after an undo
    if path != "pages/data.py":
        assert "holds no contract lines yet" in at.info[0].value
        assert len(at.get("plotly_chart")) == 0


def test_first_start_on_a_new_store_generates_labelled_demo_data(tmp_path, monkeypatch):
    # A small demo instead of the default 200,000 lines, to keep the test fast.
    monkeypatch.setattr(demo, "ensure_demo", lambda s: bool(demo.add_to_store(s, rows=1_000)))
    s = Store(tmp_path / "new-store")
    at = app(s, monkeypatch)
    at.run()
    no_errors(at)
    assert len(s.batches()) == 1 and s.is_demo()
    assert any("Demo data" in w.value for w in at.sidebar.warning)
    assert metrics(at)["Total spend (USD)"] == fmt.usd_compact(expected(s)["total"])


def test_data_page_shows_a_rejection_report(tmp_path, monkeypatch):
    from dashboard_fixtures import fixture_lines

    s = Store(tmp_path / "store")
    lines = fixture_lines()
    rejections = pl.DataFrame(
        {
            "file": ["po.csv"],
            "source_row": [9],
            "column": ["amount"],
            "value": ["=1+1"],
            "reason": ["not a number"],
        },
        schema={
            "file": pl.String,
            "source_row": pl.Int64,
            "column": pl.String,
            "value": pl.String,
            "reason": pl.String,
        },
    )
    s.add_batch(lines, rejections, source_file="po.csv", content_hash="r1", rows_read=9)
    at = app(s, monkeypatch, str(REPO / "pages/data.py"))
    at.run()
    no_errors(at)
    report = table(at, "Reason")
    assert report[["File", "Row", "Column", "Value", "Reason"]].to_dict("records") == [
        {"File": "po.csv", "Row": 9, "Column": "amount", "Value": "=1+1", "Reason": "not a number"}
    ]
    assert list(report.columns)[5:] == ["Amount", "Currency", "USD"]  # empty: an old report
    assert any(
        b.label.startswith("Download the rejection report") for b in at.get("download_button")
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_with_demo_data(demo_store, monkeypatch, path):
    at = app(demo_store, monkeypatch)
    at.run()
    at.switch_page(path).run()
    no_errors(at)
    # Demo data is labelled on every page.
    assert any("Demo data" in w.value for w in at.sidebar.warning)
    if path == "pages/overview.py":
        want = expected(demo_store)
        shown = metrics(at)
        assert shown["Total spend (USD)"] == fmt.usd_compact(want["total"])
        assert shown["High or Very high"] == fmt.pct(want["high_share"])
        assert shown["Contracts"] == fmt.count(want["contracts"])
        assert shown["Suppliers"] == fmt.count(want["suppliers"])


def test_no_raw_column_names_in_tables(store, monkeypatch):
    at = app(store, monkeypatch)
    at.run()
    raw = set(pl.DataFrame(schema=__import__("transparency.schema").schema.CONTRACT_LINE).columns)
    for path in MINE:
        at.switch_page(path).run()
        for frame in at.dataframe:
            assert not raw & set(frame.value.columns), (path, list(frame.value.columns))


def test_a_broken_risk_model_is_reported_in_words(store, monkeypatch, tmp_path):
    model = tmp_path / "model.toml"
    model.write_text("this is = not [valid toml", encoding="utf-8")
    monkeypatch.setenv("TRANSPARENCY_RISK_MODEL", str(model))
    for path in ("pages/overview.py", "pages/contracts.py", "pages/suppliers.py"):
        at = app(store, monkeypatch, str(REPO / path))
        at.run()
        no_errors(at)
        assert "The data cannot be opened" in at.error[0].value
        assert "not valid TOML" in at.error[0].value
    # The Data page reads only the store's files: batches can still be seen and undone.
    data = app(store, monkeypatch, str(REPO / "pages/data.py"))
    data.run()
    no_errors(data)
    assert table(data, "Source file")["Source file"].tolist() == ["fixture.csv"]


def test_a_click_on_a_page_run_alone_says_where_to_go(store, monkeypatch):
    at = app(store, monkeypatch, str(REPO / "pages/overview.py"))
    at.run()
    at.button(key="ov_high_button").click().run()
    no_errors(at)
    assert "Open the Contracts page" in at.info[0].value
    assert sorted(at.session_state["filters"].categories) == ["High", "Very high"]


def test_data_version_follows_batches_diligence_and_model(tmp_path, monkeypatch):
    from transparency.app.connection import data_version

    s = fixture_store(tmp_path / "store")
    model = tmp_path / "model.toml"
    model.write_text("# model", encoding="utf-8")
    monkeypatch.setenv("TRANSPARENCY_RISK_MODEL", str(model))
    first = data_version(s)
    assert data_version(s) == first
    diligence.add(
        s, supplier_id="S1", step="audit", recorded_by="t", step_date="2025-01-01", evidence="x"
    )
    second = data_version(s)
    assert second != first
    os.utime(model, ns=(1, 1))
    third = data_version(s)
    assert third != second
    s.undo(s.batches()[0].batch_id)
    assert data_version(s) != third
