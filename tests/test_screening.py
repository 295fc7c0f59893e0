"""Supplier screening: names, the matcher, the lists' dates, the UFLPA file, decisions, CLI.

Hand-made cases (issue #18): spelling variants that must match, near-misses that must not,
debarments outside their dates, and the 5-entity UFLPA file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import warnings
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from screening_fixtures import connection_over, supplier_lines

from transparency import access, cli, schema
from transparency.screening import candidates, decisions, lists, names
from transparency.screening.config import load
from transparency.screening.matcher import score_pair
from transparency.store import Store

REPO = Path(__file__).resolve().parents[1]
UFLPA = REPO / "tests" / "data" / "screening" / "uflpa_entities_partial.csv"


@pytest.mark.parametrize(
    ("ours", "listed"),
    [
        (
            "Hoshine Silicon Industry Co., Ltd.",
            "HOSHINE SILICON IND CO LTD",
        ),  # case, abbreviation, legal form
        ("Silicon Hoshine Industry Co Ltd", "Hoshine Silicon Industry Co., Ltd."),  # word order
        ("ООО Стройтрансгаз", "OOO Stroytransgaz"),  # Cyrillic transliteration
        ("Société Générale S.A.", "SOCIETE GENERALE"),  # accents, S.A.
        ("Mohammed Al-Rashid Trading", "Mohamed Al Rashid Trading"),  # Arabic name spellings
        ("Zhong Tai Chemical", "Zhongtai Chemical Co Ltd"),  # pinyin written apart
        ("Grand Motors L.L.C.", "GRAND MOTORS LLC"),
    ],
)
def test_spelling_variants_match(ours, listed):
    assert score_pair(ours, listed, load()) >= load().candidate_score


@pytest.mark.parametrize(
    ("ours", "listed"),
    [
        (
            "Beijing Urban Construction Group",
            "Beijing Construction Engineering Group",
        ),  # same words, other firm
        (
            "Hoshine Silicon Trading",
            "Hoshine Silicon Industry",
        ),  # same distinctive words, other trade
        ("Grand Motors Trading LLC", "Grand Motors LLC"),
        ("Global Trading LLC", "Global Trading Ltd"),  # common words alone
        ("International Services", "International Services Co"),
        ("China National Trading", "China National Trading Corporation"),
    ],
)
def test_near_misses_do_not_match(ours, listed):
    assert score_pair(ours, listed, load()) < load().candidate_score


def test_normalised_names():
    assert names.normalise("Hoshine Silicon Industry Co., Ltd.") == "hoshine silicon industry"
    assert names.normalise("ACME GmbH & Co. KG") == "acme"
    assert names.normalise("") == ""


def _screen(rows, extra=None):
    con = connection_over(supplier_lines(rows))
    return candidates.screen(con, extra=extra)


def test_debarment_counts_only_for_awards_in_force():
    # EBRD: "Gezhouba Dangyang Cement Co., Ltd.", ineligible 2024-07-01 to 2025-05-31.
    name = "Gezhouba Dangyang Cement Company Limited"
    before = _screen([("S1", name, "CHN", date(2024, 6, 30))]).candidates
    inside = _screen([("S1", name, "CHN", date(2024, 7, 1)), ("S1", name, "CHN", date(2023, 1, 1))])
    after = _screen([("S1", name, "CHN", date(2025, 6, 1))]).candidates
    assert before.filter(pl.col("list_key") == "ebrd").height == 0
    assert after.filter(pl.col("list_key") == "ebrd").height == 0
    hit = inside.candidates.filter(pl.col("list_key") == "ebrd")
    assert hit["entry_name"].to_list() == ["Gezhouba Dangyang Cement Co., Ltd."]
    assert hit["score"].to_list() == [100.0]
    assert hit["first_award"].to_list() == [date(2023, 1, 1)]


def test_country_on_both_sides_must_agree():
    # World Bank: "GRAND MOTORS LLC", Azerbaijan, 2024-12-10 to 2027-08-09.
    same = _screen([("S1", "Grand Motors L.L.C.", "AZE", date(2025, 3, 1))]).candidates
    other = _screen([("S1", "Grand Motors L.L.C.", "DEU", date(2025, 3, 1))]).candidates
    unknown = _screen([("S1", "Grand Motors L.L.C.", None, date(2025, 3, 1))]).candidates
    assert same.filter(pl.col("list_key") == "worldbank")["score"].to_list() == [100.0]
    assert other.filter(pl.col("list_key") == "worldbank").height == 0  # 100 - 15 < 90
    assert unknown.filter(pl.col("list_key") == "worldbank").height == 1


def test_uflpa_file_is_screened_when_present_with_its_aliases():
    rows = [
        ("S1", "XINJIANG HABAHE ASHELE COPPER CO LTD", "CHN", date(2025, 1, 1)),
        ("S2", "Ashele Copper", None, date(2025, 1, 1)),  # the alias
        ("S3", "Ashele Trading", None, date(2025, 1, 1)),
    ]
    without = _screen(rows)
    cov = {r["list_key"]: r for r in without.coverage.iter_rows(named=True)}
    assert cov["uflpa"]["screened"] is False and cov["uflpa"]["entries"] == 0
    assert without.candidates.filter(pl.col("list_key") == "uflpa").height == 0
    result = _screen(rows, extra={"uflpa": UFLPA})
    cov = {r["list_key"]: r for r in result.coverage.iter_rows(named=True)}
    assert (cov["uflpa"]["entries"], cov["uflpa"]["edition"]) == (5, "2024-08-09")
    hits = result.candidates.filter(pl.col("list_key") == "uflpa")
    assert sorted(hits["supplier_key"].to_list()) == ["S1", "S2"]
    assert set(hits["entry_name"]) == {"Xinjiang Habahe Ashele Copper Co., Ltd."}


def test_coverage_counts_suppliers_and_spend():
    result = _screen([("S1", "Acme Widgets", "FRA", date(2025, 1, 1)),
                      ("S2", "Widgets Beta", None, date(2025, 1, 2))])  # fmt: skip
    assert (result.suppliers_screened, result.spend_screened_usd) == (2, 2000.0)
    assert set(result.coverage.filter("screened")["list_key"]) == {
        "worldbank",
        "idb",
        "ebrd",
        "un_sc",
    }
    assert lists.load_entries().height == 1285 + 1081 + 1322 + 273


def _candidate(store_rows):
    return (
        _screen(store_rows).candidates.filter(pl.col("list_key") == "worldbank").row(0, named=True)
    )


def test_decisions_are_append_only_and_close_the_candidate(tmp_path):
    result = _screen([("S1", "Grand Motors LLC", "AZE", date(2025, 3, 1))])
    cand = result.candidates.filter(pl.col("list_key") == "worldbank").row(0, named=True)
    assert candidates.open_candidates(tmp_path, result).height == result.candidates.height
    decisions.add(tmp_path, cand, decision="confirmed", reason="same address in Baku",
                  decided_by="J. Doe", role="analyst")  # fmt: skip
    first = decisions.path(tmp_path).read_bytes()
    assert cand["candidate_id"] not in candidates.open_candidates(tmp_path, result)["candidate_id"]
    assert candidates.confirmed(tmp_path, result)["reason"].to_list() == ["same address in Baku"]
    decisions.add(tmp_path, cand, decision="dismissed", reason="different registration",
                  decided_by="A. Steward", role="steward")  # fmt: skip
    assert decisions.path(tmp_path).read_bytes().startswith(first)
    assert decisions.read(tmp_path).height == 2
    assert candidates.confirmed(tmp_path, result).height == 0  # the latest decision counts


def test_a_changed_supplier_is_asked_again(tmp_path):
    before = _screen([("S1", "Grand Motors LLC", "AZE", date(2025, 3, 1))])
    cand = before.candidates.filter(pl.col("list_key") == "worldbank").row(0, named=True)
    decisions.add(
        tmp_path, cand, decision="dismissed", reason="not them", decided_by="x", role="analyst"
    )
    same = _screen([("S1", "Grand Motors LLC", "AZE", date(2025, 4, 1))])
    renamed = _screen([("S1", "Grand Motors L.L.C.", "AZE", date(2025, 3, 1))])
    assert (
        candidates.open_candidates(tmp_path, same).filter(pl.col("list_key") == "worldbank").height
        == 0
    )
    assert (
        candidates.open_candidates(tmp_path, renamed)
        .filter(pl.col("list_key") == "worldbank")
        .height
        == 1
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"role": "viewer"}, "may not decide"),
        ({"role": None}, "may not decide"),
        ({"reason": "  "}, "reason: is required"),
        ({"decided_by": ""}, "decided_by: is required"),
        ({"decision": "maybe"}, "decision: must be one of"),
    ],
)
def test_decisions_are_refused_with_a_reason(tmp_path, change, message):
    cand = {"candidate_id": "C-1", "supplier_key": "S1", "score": 95.0}
    kw = {"decision": "confirmed", "reason": "r", "decided_by": "x", "role": "analyst", **change}
    with pytest.raises(decisions.DecisionError, match=message):
        decisions.add(tmp_path, cand, **kw)
    assert not decisions.path(tmp_path).exists()
    assert access.can("analyst", "screening_decide") and not access.can(
        "viewer", "screening_decide"
    )


def test_torn_last_decision_is_ignored_then_cut(tmp_path):
    cand = {"candidate_id": "C-1", "supplier_key": "S1", "score": 95.0}
    decisions.add(tmp_path, cand, decision="confirmed", reason="r", decided_by="x", role="analyst")
    with decisions.path(tmp_path).open("ab") as fh:
        fh.write(b'{"candidate_id": "C-2", "deci')
    with pytest.warns(decisions.TornDecisionWarning):
        assert decisions.read(tmp_path)["candidate_id"].to_list() == ["C-1"]
    with pytest.warns(decisions.TornDecisionWarning):
        decisions.add(tmp_path, {**cand, "candidate_id": "C-3"}, decision="dismissed", reason="r",
                      decided_by="x", role="analyst")  # fmt: skip
    assert decisions.read(tmp_path)["candidate_id"].to_list() == ["C-1", "C-3"]


def test_kill_during_decisions_never_loses_an_accepted_one(tmp_path):
    script = textwrap.dedent(
        f"""
        from transparency.screening import decisions
        for i in range(100000):
            decisions.add({str(tmp_path)!r}, {{"candidate_id": f"C-{{i}}", "score": 91.0}},
                          decision="dismissed", reason="r" * 500, decided_by="x", role="analyst")
            print(i, flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, text=True)  # fmt: skip
    accepted = []
    for out in proc.stdout:
        accepted.append(int(out))
        if len(accepted) >= 30:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", decisions.TornDecisionWarning)
        ids = set(decisions.read(tmp_path)["candidate_id"])
    assert {f"C-{i}" for i in accepted} <= ids


def test_cli_lists_and_decides(tmp_path, capsys):
    store = Store(tmp_path / "store")
    lines = supplier_lines([("S1", "Grand Motors LLC", "AZE", date(2025, 3, 1)),
                            ("S2", "Acme Widgets", "FRA", date(2025, 3, 1))])  # fmt: skip
    store.add_batch(
        lines,
        pl.DataFrame(schema=schema.REJECTION),
        source_file="t.csv",
        content_hash="h",
        rows_read=2,
    )
    assert cli.main(["screening", "list", "--store", str(store.root), "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(r["supplier_key"], r["entry_name"], r["score"]) for r in rows] == [
        ("S1", "GRAND MOTORS LLC", 100.0)
    ]
    cid = rows[0]["candidate_id"]
    argv = ["screening", "decide", cid, "--confirm", "--reason", "same firm", "--by", "J. Doe"]
    assert cli.main([*argv, "--store", str(store.root)]) == 0
    assert "confirmed" in capsys.readouterr().out
    assert cli.main(["screening", "list", "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert "Screened 2 suppliers (USD 2,000.00)" in out and "No open candidates." in out
    assert cli.main(["screening", "decide", "C-0000000000", "--dismiss", "--reason", "r",
                     "--by", "x", "--store", str(store.root)]) == 2  # fmt: skip
    assert "no open or current candidate" in capsys.readouterr().err


def test_a_confirmed_match_raises_the_suppliers_lines_as_configured(tmp_path):
    # lazy: the risk views need a real store connection
    from transparency import database
    from transparency.screening import outcomes

    store = Store(tmp_path / "store")
    lines = supplier_lines([("S1", "Grand Motors LLC", "AZE", date(2025, 3, 1)),
                            ("S2", "Acme Widgets", "FRA", date(2025, 3, 1))])  # fmt: skip
    store.add_batch(lines, pl.DataFrame(schema=schema.REJECTION), source_file="t.csv",
                    content_hash="h", rows_read=2)  # fmt: skip
    con = database.connect(store)
    result = candidates.screen(con)
    cand = candidates.find(result, result.candidates["candidate_id"][0])
    decisions.add(
        store, cand, decision="confirmed", reason="same firm", decided_by="x", role="analyst"
    )
    assert outcomes.confirmed_suppliers(store)[["supplier_key", "lists"]].rows() == [
        ("S1", "worldbank")
    ]
    outcomes.install_raise(con, store)
    got = con.sql(
        "select supplier_id, inherent_category::varchar, raised_category, screening_lists "
        "from screening_raised_lines order by supplier_id"
    ).fetchall()
    # No category codes: both lines are Not assessable; the confirmed one is raised to Very high.
    assert got == [
        ("S1", "Not assessable", "Very high", "worldbank"),
        ("S2", "Not assessable", "Not assessable", None),
    ]
    text = outcomes.coverage_text(result, candidates.confirmed(store, result).height)
    assert text.startswith("Screened 2 suppliers (USD 2,000.00 of spend) against World Bank")
    assert text.endswith("; 1 confirmed match(es).")
