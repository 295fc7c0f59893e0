"""Quarterly figures: hand-computed fixture, reconciliation, reproducibility, command line."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from decimal import Decimal

import polars as pl
import pytest
from conftest import REPO
from figures_fixture import EXPECTED_Q4, build

from transparency import cli, database, demo, figures, quarters, sql
from transparency.store import Store


@pytest.fixture
def store(tmp_path):
    return build(tmp_path / "store")


@pytest.fixture
def fig(store):
    return figures.figures(store, "2025Q4")


def _rows(fig, key: str, label: str) -> dict:
    return {row[label]: row for row in fig.tables[key].to_dicts()}


def test_top_line_matches_hand_computation(fig):
    for key, value in EXPECTED_Q4.items():
        assert fig.top[key] == value, key
    assert isinstance(fig.total_usd, Decimal)


def test_breakdowns_match_hand_computation(fig):
    cats = _rows(fig, "by_risk_category", "category")
    assert list(cats) == ["Low", "Medium", "High", "Very high", "Not assessable"]
    assert (cats["Low"]["inherent_usd"], cats["Low"]["inherent_lines"]) == (
        Decimal("4234.56"),
        2,
    )
    assert cats["Very high"]["inherent_usd"] == Decimal("1350.75")
    assert cats["Not assessable"]["inherent_usd"] == Decimal("630.02")
    assert cats["High"]["inherent_usd"] == Decimal("0.00")
    # audit + certification lower S1's lines two bands, Very high -> Medium
    assert cats["Very high"]["residual_usd"] == Decimal("0.00")
    assert cats["Medium"]["residual_usd"] == Decimal("1350.75")

    countries = _rows(fig, "by_country", "country")
    assert set(countries) == {"Denmark", "China", "Unknown"}
    assert countries["Denmark"]["spend_usd"] == Decimal("4244.57")
    assert countries["Denmark"]["count_lines"] == 3
    assert countries["Denmark"]["region"] == "Europe"
    assert countries["China"]["region"] == "Asia"
    assert countries["China"]["high_risk_usd"] == Decimal("1350.75")
    assert countries["Unknown"]["spend_usd"] == Decimal("620.01")
    assert countries["Unknown"]["region"] == "Unknown"

    regions = _rows(fig, "by_region", "region")
    assert {k: v["spend_usd"] for k, v in regions.items()} == {
        "Europe": Decimal("4244.57"),
        "Asia": Decimal("1350.75"),
        "Unknown": Decimal("620.01"),
    }

    segments = _rows(fig, "by_segment", "segment_code")
    assert segments["80"]["spend_usd"] == Decimal("4234.56")
    assert segments["53"]["spend_usd"] == Decimal("1970.76")
    assert segments["53"]["count_lines"] == 3
    assert segments[""]["segment"] == "Unclassified"
    assert segments[""]["spend_usd"] == Decimal("10.01")

    methods = _rows(fig, "by_method", "method")
    assert {k: v["spend_usd"] for k, v in methods.items()} == {
        "Open": Decimal("1350.75"),
        "Selective": Decimal("3000.00"),
        "Limited": Decimal("1244.57"),
        "Direct award": Decimal("620.01"),
    }

    coverage = fig.tables["not_assessable"].to_dicts()
    assert coverage[0]["reason"] == "Assessable"
    assert coverage[0]["spend_usd"] == Decimal("5585.31")
    reasons = {r["spend_usd"]: r["reason"].lower() for r in coverage[1:]}
    assert set(reasons) == {Decimal("620.01"), Decimal("10.01")}
    assert "country" in reasons[Decimal("620.01")]
    assert "categ" in reasons[Decimal("10.01")]


def test_diligence_coverage_of_high_risk_spend(fig):
    steps = {row["step_key"]: row for row in fig.tables["diligence_coverage"].to_dicts()}
    assert steps["audit"]["covered_usd"] == Decimal("1350.75")
    assert steps["audit"]["share"] == Decimal("1.0000")
    assert steps["certification"]["share"] == Decimal("1.0000")
    assert steps["contract_clause"]["covered_usd"] == Decimal("0.00")
    assert steps[None]["step"] == "Any step"
    assert steps[None]["covered_usd"] == Decimal("1350.75")


def test_changes_against_previous_quarter_and_year_earlier(fig):
    previous, year = fig.comparisons
    assert (previous.quarter.label, year.quarter.label) == ("2025Q3", "2024Q4")
    assert previous.values["total_usd"] == Decimal("1500.00")
    assert previous.change["total_usd"] == Decimal("4715.33")
    assert previous.change["lines"] == 4
    assert previous.values["high_risk_share"] == Decimal("0.3333")
    assert previous.change["high_risk_share"] == Decimal("0.2173") - Decimal("0.3333")
    assert year.values["total_usd"] == Decimal("2000.00")
    assert year.change["total_usd"] == Decimal("4215.33")
    assert year.values["high_risk_share"] == Decimal("1.0000")


def test_every_breakdown_reconciles_to_the_cent(fig):
    assert fig.reconciled
    keys = {(c.table, c.column) for c in fig.checks}
    for table in figures.TABLES:
        for money, _ in table.reconciles:
            assert (table.key, money) in keys
    assert ("by_country", "high_risk_usd") in keys
    assert "6,215.33" in fig.reconciliation_statement()


def _patch_cube(monkeypatch, change):
    real_run = sql.run

    def run(con, name, params=None, **kw):
        out = real_run(con, name, params, **kw)
        return change(out) if name == "figures_spend_by_combination" else out

    monkeypatch.setattr(sql, "run", run)


def test_figures_refuse_lines_duplicated_by_scoring(store, monkeypatch):
    # a risk join that fans out duplicates a line: no breakdown matches the total any more
    _patch_cube(
        monkeypatch,
        lambda cube: pl.concat([cube, cube.filter(pl.col("period") == "quarter").head(1)]),
    )
    with pytest.raises(figures.ReconciliationError) as err:
        figures.figures(store, "2025Q4")
    message = str(err.value)
    assert "do not reconcile" in message
    assert "by_country.spend_usd" in message and "against USD 6215.33 in 6" in message


def test_figures_refuse_a_category_outside_the_model(store, monkeypatch):
    _patch_cube(
        monkeypatch,
        lambda cube: cube.with_columns(
            pl.when(pl.col("inherent_category") == "Low")
            .then(pl.lit("Unheard of"))
            .otherwise(pl.col("inherent_category"))
            .alias("inherent_category")
        ),
    )
    with pytest.raises(figures.ReconciliationError, match="by_risk_category.inherent_usd"):
        figures.figures(store, "2025Q4")


def test_json_keys_and_money_as_strings(fig):
    data = fig.to_json()
    for key in (
        "total_usd",
        "lines",
        "suppliers",
        "by_risk_category",
        "by_country",
        "by_segment",
        "by_method",
        "high_risk_share",
        "fingerprint",
    ):
        assert key in data
    assert data["total_usd"] == "6215.33"
    assert data["high_risk_share"] == "0.2173"
    assert data["by_country"][0] == {
        "country_code": "DNK",
        "country": "Denmark",
        "region": "Europe",
        "subregion": data["by_country"][0]["subregion"],
        "count_lines": 3,
        "spend_usd": "4244.57",
        "high_risk_usd": "0.00",
        "share": "0.6829",
    }
    assert data["change"]["previous_quarter"]["change"]["total_usd"] == "4715.33"
    assert data["reconciliation"]["reconciled"] is True
    json.dumps(data)  # plain JSON, nothing left to convert


def test_same_store_gives_same_figures_and_fingerprint(store, fig):
    again = figures.figures(store, "2025Q4")
    assert again.fingerprint == fig.fingerprint
    a, b = fig.to_json(), again.to_json()
    a["provenance"].pop("generated_at")
    b["provenance"].pop("generated_at")
    assert a == b
    assert [b_["batch_id"] for b_ in fig.provenance["batches"]] == [
        b.batch_id for b in store.batches()
    ]


def test_same_files_imported_again_give_the_same_fingerprint(tmp_path, fig):
    time.sleep(1.1)  # batch ids carry the import second
    again = build(tmp_path / "again")  # new batch ids and import times, same content
    assert {b.batch_id for b in again.batches()}.isdisjoint(
        b["batch_id"] for b in fig.provenance["batches"]
    )
    assert figures.figures(again, "2025Q4").fingerprint == fig.fingerprint


def test_fingerprint_changes_with_data_diligence_model_and_quarter(
    tmp_path, store, fig, monkeypatch
):
    other_data = build(tmp_path / "other", hash_q4="q4-corrected")
    assert figures.figures(other_data, "2025Q4").fingerprint != fig.fingerprint
    no_diligence = build(tmp_path / "plain", with_diligence=False)
    assert figures.figures(no_diligence, "2025Q4").fingerprint != fig.fingerprint
    assert figures.figures(store, "2025Q3").fingerprint != fig.fingerprint
    model = tmp_path / "risk_model.toml"
    text = (REPO / "data" / "risk_model.toml").read_text(encoding="utf-8")
    model.write_text(text.replace("max_reduction = 2", "max_reduction = 1"), encoding="utf-8")
    monkeypatch.setenv("TRANSPARENCY_RISK_MODEL", str(model))
    changed = figures.figures(store, "2025Q4")
    assert changed.fingerprint != fig.fingerprint
    # the model change shows: one band of reduction leaves S1's lines High
    cats = {r["category"]: r["residual_usd"] for r in changed.tables["by_risk_category"].to_dicts()}
    assert cats["High"] == Decimal("1350.75")


def test_a_quarter_without_data_lists_the_quarters_that_have_some(store):
    with pytest.raises(figures.NoData) as err:
        figures.figures(store, "2023Q2")
    message = str(err.value)
    assert "2023Q2 (1 April 2023 to 30 June 2023)" in message
    assert "Quarters with data: 2024Q4, 2025Q3 to 2025Q4." in message


def test_figures_use_todays_page_cache_instead_of_scoring(store, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path / "spill"))
    assert not figures.page_cache_ready_today(store)  # no cache: figures() scores its quarters
    database.connect_for_pages(store).close()  # as the dashboard builds it
    assert figures.page_cache_ready_today(store)

    def no_scoring(*args, **kwargs):
        raise AssertionError("scored again although the page cache holds the scored lines")

    monkeypatch.setattr(figures.connect, "score_periods", no_scoring)
    fig = figures.figures(store, "2025Q4")
    for key, value in EXPECTED_Q4.items():
        assert fig.top[key] == value, key
    # a cache written on an earlier day counts yesterday's due diligence: not used
    (path,) = (tmp_path / "spill" / "page-cache").glob("*.duckdb")
    yesterday = time.time() - 86_400
    os.utime(path, (yesterday, yesterday))
    assert not figures.page_cache_ready_today(store)


def test_a_quarter_without_data_on_a_given_connection(store):
    # the cube query runs beside the totals there; the connection stays usable after
    con = database.connect(store)
    with pytest.raises(figures.NoData, match="Quarters with data: 2024Q4, 2025Q3 to 2025Q4."):
        figures.figures(store, "2023Q2", con=con)
    assert figures.figures(store, "2025Q4", con=con).total_usd == EXPECTED_Q4["total_usd"]


def test_fiscal_year_starting_in_october(store):
    fiscal = figures.figures(store, "2026Q1", start_month=10)
    assert fiscal.quarter.start.isoformat() == "2025-10-01"
    assert fiscal.total_usd == EXPECTED_Q4["total_usd"]
    assert fiscal.comparisons[0].quarter.label == "2025Q4"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("figures") / "demo")
    lines = demo.generate(rows=20_000, seed=1, end_quarter="2026Q3")
    store.add_batch(
        lines,
        pl.DataFrame(schema=figures_rejections()),
        source_file="demo",
        content_hash="demo",
        rows_read=lines.height,
        is_demo=True,
    )
    return store


def test_demo_data_reconciles_in_every_quarter(demo_store):
    store = demo_store
    con = database.connect(store)
    found = figures.available_quarters(con)
    assert found[-1].label == "2026Q3"
    grand = Decimal("0.00")
    for q in found:
        fig = figures.figures(store, q, con=con)
        assert fig.reconciled
        assert fig.provenance["is_demo"] is True
        grand += fig.total_usd
    total = con.sql("select sum(amount_usd) from contract_lines").fetchall()[0][0]
    assert grand == total


def test_figures_scoring_only_their_quarters_equal_those_over_the_whole_store(demo_store):
    # Without a connection, figures() scores only the quarter and its two comparison
    # quarters; the figures must be the very ones of a connection that scored every line.
    now = datetime(2026, 11, 28, tzinfo=UTC)
    whole = figures.figures(demo_store, "2025Q2", con=database.connect(demo_store), now=now)
    own = figures.figures(demo_store, "2025Q2", now=now)
    assert own.to_json() == whole.to_json()
    con = database.connect(demo_store, with_risk=False)
    figures.score_periods(con, demo_store, quarters.parse("2025Q2"))
    scored = con.sql("select count(*) from scored_lines").fetchall()[0][0]
    periods = [whole.top["lines"]] + [c.values["lines"] for c in whole.comparisons]
    assert scored == sum(periods) < 20_000
    assert con.sql("select distinct award_quarter from scored_lines order by 1").fetchall() == [
        ("2024Q2",),
        ("2025Q1",),
        ("2025Q2",),
    ]


# --- figures from the page cache's cells ----------------------------------------------


@pytest.fixture
def pages(store, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path / "spill"))
    con = database.connect_for_pages(store)
    yield con
    con.close()


def test_figures_from_page_cache_cells_match_hand_computation(store, pages):
    fig = figures.figures(store, "2025Q4", con=pages)
    assert fig.source == "cells"
    for key, value in EXPECTED_Q4.items():
        assert fig.top[key] == value, key
    countries = _rows(fig, "by_country", "country")
    assert countries["China"]["subregion"] == "Eastern Asia"
    assert countries["China"]["spend_usd"] == Decimal("1350.75")
    assert countries["Unknown"]["spend_usd"] == Decimal("620.01")
    segments = _rows(fig, "by_segment", "segment")
    assert segments["Unclassified"]["spend_usd"] == Decimal("10.01")
    methods = _rows(fig, "by_method", "method")
    assert (methods["Open"]["count_lines"], methods["Open"]["spend_usd"]) == (2, Decimal("1350.75"))
    assert methods["Limited"]["spend_usd"] == Decimal("1244.57")  # 1234.56 + 10.01
    steps = {row["step_key"]: row for row in fig.tables["diligence_coverage"].to_dicts()}
    assert steps["audit"]["covered_usd"] == Decimal("1350.75")  # S1's two lines, both steps
    assert (steps[None]["count_lines"], steps[None]["covered_usd"]) == (2, Decimal("1350.75"))
    previous, year = fig.comparisons
    assert previous.values["total_usd"] == Decimal("1500.00")
    assert (year.values["total_usd"], year.values["contracts"]) == (Decimal("2000.00"), 1)
    assert len(fig.provenance["batches"]) == 2  # C1-C4 in q4.csv; C5/C7 in older.csv


def test_figures_from_page_cache_cells_equal_figures_from_the_lines(store, pages):
    now = datetime(2026, 1, 5, tzinfo=UTC)
    lines = database.connect(store)
    for quarter in ("2025Q4", "2025Q3", "2024Q4"):  # 2025Q3 without comparison data
        cells = figures.figures(store, quarter, con=pages, now=now)
        direct = figures.figures(store, quarter, con=lines, now=now)
        assert (cells.source, direct.source) == ("cells", "lines")
        assert cells.to_json() == direct.to_json(), quarter


def test_fiscal_quarters_on_the_page_connection_read_the_lines(store, pages):
    # Fiscal year from February: FY2026 Q3 is August to October 2025, which no calendar
    # quarter's cells hold: C1's two lines (1100.50 + 250.25) and C5 (500.00), all S1,
    # Very high (residual Medium after audit and certification).
    fig = figures.figures(store, "2026Q3", con=pages, start_month=2)
    assert fig.source == "lines"
    assert fig.quarter.start.isoformat() == "2025-08-01"
    assert (fig.top["total_usd"], fig.top["lines"]) == (Decimal("1850.75"), 3)
    assert (fig.top["contracts"], fig.top["suppliers"]) == (2, 1)
    assert fig.top["high_risk_share"] == Decimal("1.0000")
    assert fig.top["residual_high_risk_usd"] == Decimal("0.00")
    previous, year = fig.comparisons
    assert (previous.values["total_usd"], previous.values["lines"]) == (Decimal("1000.00"), 1)
    assert year.has_data is False  # August to October 2024: none (C7 is November)


def _patch_cells(monkeypatch, drop):
    real_run = sql.run

    def run(con, name, params=None, **kw):
        out = real_run(con, name, params, **kw)
        return out.filter(~drop) if name == "figures_spend_by_cell" else out

    monkeypatch.setattr(sql, "run", run)


def test_page_cache_cells_that_lose_a_line_do_not_reconcile(store, pages, monkeypatch):
    # A line lost by scoring is missing from every part of the cells (C4-2, 10.01, is the
    # only line of its cell in each): the parts still agree among themselves, but the total
    # is read from contract_lines as imported (imported_days): 6215.33 in 6 lines.
    _patch_cells(monkeypatch, pl.col("spend_usd") == Decimal("10.01"))
    with pytest.raises(figures.ReconciliationError) as err:
        figures.figures(store, "2025Q4", con=pages)
    assert "by_country.spend_usd: USD 6205.32 in 5 lines against USD 6215.33 in 6" in str(err.value)


def test_page_cache_cells_with_a_changed_amount_do_not_reconcile(store, pages, monkeypatch):
    # Same lines, one cent more on C4-2 in every part: the line counts agree, the spend
    # against the imported lines does not.
    real_run = sql.run

    def run(con, name, params=None, **kw):
        out = real_run(con, name, params, **kw)
        if name != "figures_spend_by_cell":
            return out
        changed = pl.col("spend_usd") == Decimal("10.01")
        return out.with_columns(
            pl.when(changed)
            .then(pl.col("spend_usd") + Decimal("0.01"))
            .otherwise(pl.col("spend_usd"))
            .alias("spend_usd")
        )

    monkeypatch.setattr(sql, "run", run)
    with pytest.raises(figures.ReconciliationError) as err:
        figures.figures(store, "2025Q4", con=pages)
    assert "by_country.spend_usd: USD 6215.34 in 6 lines against USD 6215.33 in 6" in str(err.value)


def test_page_cache_cells_that_differ_between_parts_do_not_reconcile(store, pages, monkeypatch):
    lost = (pl.col("part") == "method") & (pl.col("spend_usd") == Decimal("10.01"))
    _patch_cells(monkeypatch, lost)
    with pytest.raises(figures.ReconciliationError) as err:
        figures.figures(store, "2025Q4", con=pages)
    assert "by_method.spend_usd: USD 6205.32 in 5 lines against USD 6215.33 in 6" in str(err.value)


def test_a_quarter_without_data_on_the_page_connection(store, pages):
    with pytest.raises(figures.NoData, match="Quarters with data: 2024Q4, 2025Q3 to 2025Q4."):
        figures.figures(store, "2023Q2", con=pages)


def test_demo_figures_from_cells_equal_those_from_the_lines(demo_store, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path / "spill"))
    now = datetime(2026, 11, 28, tzinfo=UTC)
    pages = database.connect_for_pages(demo_store)
    lines = database.connect(demo_store)
    for quarter in ("2026Q3", "2025Q2", "2024Q1"):
        cells = figures.figures(demo_store, quarter, con=pages, now=now)
        assert cells.source == "cells"
        assert cells.to_json() == figures.figures(demo_store, quarter, con=lines, now=now).to_json()
    pages.close()


def figures_rejections():
    from transparency.schema import REJECTION

    return REJECTION


# --- command line ---------------------------------------------------------------------


def test_figures_command_prints_json(store, capsys):
    assert cli.main(["figures", "--quarter", "2025Q4", "--store", str(store.root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_usd"] == "6215.33"
    assert data["lines"] == 6


def test_figures_command_prints_text(store, capsys):
    assert cli.main(["figures", "--quarter", "2025Q4", "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert "6,215.33" in out
    assert "Reconciled" in out
    assert "Spend by supplier country" in out


@pytest.mark.parametrize("bad", ["2025Q5", "Q4", "2025-4"])
def test_malformed_quarter_is_a_clear_error(store, capsys, bad):
    assert cli.main(["figures", "--quarter", bad, "--store", str(store.root)]) == 2
    err = capsys.readouterr().err
    assert repr(bad) in err
    assert "YYYYQn, for example 2025Q4" in err


def test_quarter_outside_the_data_says_which_exist(store, capsys, tmp_path):
    out_dir = tmp_path / "out"
    args = ["report", "--quarter", "2019Q1", "--store", str(store.root), "--out", str(out_dir)]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "Quarters with data: 2024Q4, 2025Q3 to 2025Q4" in err
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_quarter_parse_errors_are_quarter_errors():
    with pytest.raises(quarters.QuarterError):
        figures.figures(Store("unused"), "2025Q5")


def test_empty_store_points_to_import_and_demo(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["report", "--quarter", "2025Q4", "--store", str(tmp_path / "empty"), "--out", str(out)]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "has no batches" in err and "python -m transparency demo" in err
    assert not out.exists()
