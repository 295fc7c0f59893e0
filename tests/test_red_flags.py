"""Red flags on the six-contract fixture of tests/screening_fixtures.py, worked by hand.

Thresholds are data/red_flags.toml's: direct|limited; R018 open|selective and 1 tenderer;
R003 fewer than 15 whole days; splitting under USD 50,000 within 30 days, at least 2 awards,
together at least 50,000; concentration share >= 0.5, HHI >= 1,800, cell >= USD 10,000.
"""

from __future__ import annotations

import polars as pl
import pytest
from screening_fixtures import connection_over, flag_frame

from transparency.screening import flags


@pytest.fixture
def results():
    return flags.compute(connection_over(flag_frame()))


def _flag(results, key):
    return {r.flag.key: r for r in results}[key]


def _flagged(results, key):
    rows = _flag(results, key).rows.sort("contract_id")
    return dict(zip(rows["contract_id"], rows["flagged"], strict=True))


def test_direct_or_limited_award(results):
    # C1 direct, C3 limited; the rest open or selective.
    assert _flagged(results, "direct_award") == {
        "C1": True, "C2": False, "C3": True, "C4": False, "C5": False, "C6": False,
    }  # fmt: skip


def test_single_bidder_follows_cardinal_r018(results):
    # C1 has 1 tenderer but a direct award (not competitive): not flagged, as R018.
    # C4 and C6 give no tenderer count: not known (null), never False.
    assert _flagged(results, "single_bidder") == {
        "C1": False, "C2": True, "C3": False, "C4": None, "C5": True, "C6": None,
    }  # fmt: skip


def test_short_tender_follows_cardinal_r003(results):
    # 9 days and 14 days are flagged; 15 days is not (R003 flags "< 15").
    assert _flagged(results, "short_tender") == {
        "C1": True, "C2": False, "C3": True, "C4": None, "C5": None, "C6": None,
    }  # fmt: skip


def test_splitting(results):
    # U1 -> A: C1 (1 Jan, 20k), C2 (10 Jan, 20k), C3 (25 Jan, 15k) fall within 30 days of
    # 1 Jan, each under 50k, together 55k: all three flagged. C4 (1 Mar, 40k) is alone in
    # its window; C5 is 60k (not small); C6 is the only U1 -> B contract.
    assert _flagged(results, "splitting") == {
        "C1": True, "C2": True, "C3": True, "C4": False, "C5": False, "C6": False,
    }  # fmt: skip
    rows = _flag(results, "splitting").rows.filter(pl.col("contract_id") == "C2")
    assert rows["evidence"][0] == "3 awards, USD 55000.00 together"


def test_concentration_share_and_herfindahl(results):
    # U1 segment 43: A 95k, B 30k of 125k -> shares 0.76 and 0.24,
    # HHI = (0.76^2 + 0.24^2) x 10,000 = 6,352. U2 segment 43: B alone -> 1.0, HHI 10,000.
    rows = _flag(results, "concentration").rows
    got = {
        (r["buyer"], r["supplier_key"]): (r["share"], r["hhi"], r["flagged"])
        for r in rows.iter_rows(named=True)
    }
    assert got == {
        ("U1", "A"): (0.76, 6352.0, True),
        ("U1", "B"): (0.24, 6352.0, False),
        ("U2", "B"): (1.0, 10000.0, True),
    }


def test_summary_counts_and_spend(results):
    table = flags.summary(results)
    got = {
        r["flag"]: (r["status"], r["flagged"], r["flagged_usd"], r["assessed"])
        for r in table.iter_rows(named=True)
    }
    assert got == {
        "direct_award": ("computed", 2, 35000.0, 6),
        "single_bidder": ("computed", 2, 80000.0, 4),
        "short_tender": ("computed", 2, 35000.0, 3),
        "concentration": ("computed", 2, 155000.0, 3),
        "splitting": ("computed", 3, 55000.0, 6),
    }


def test_per_contract_and_per_supplier(results):
    contracts = flags.by_contract(results)
    assert contracts.filter(pl.col("contract_id") == "C4")["flags"].to_list() == [[]]
    assert contracts.filter(pl.col("contract_id") == "C5")["flags"].to_list() == [
        ["Single bid received"]
    ]
    per_supplier = {r["supplier_key"]: r for r in flags.by_supplier(results).iter_rows(named=True)}
    a = per_supplier["A"]
    assert (
        a["direct_award"],
        a["single_bidder"],
        a["short_tender"],
        a["splitting"],
        a["concentration"],
    ) == (2, 1, 2, 3, 1)
    assert float(a["flagged_usd"]) == 55000.0  # C1 + C2 + C3; C4 has no flag
    assert float(per_supplier["B"]["flagged_usd"]) == 60000.0


def test_missing_fields_are_not_computable_never_zero():
    results = flags.compute(connection_over(flag_frame(tender_fields=False)))
    table = {r["flag"]: r for r in flags.summary(results).iter_rows(named=True)}
    assert table["single_bidder"]["status"] == "not computable"
    assert table["single_bidder"]["missing_fields"] == "number_of_tenderers"
    assert table["short_tender"]["missing_fields"] == "tender_start_date, tender_end_date"
    assert (
        table["single_bidder"]["flagged"] is None and table["single_bidder"]["flagged_usd"] is None
    )
    assert table["direct_award"]["flagged"] == 2
    assert "single_bidder" not in flags.by_contract(results).columns


def test_a_column_without_any_value_is_missing():
    lines = flag_frame(tender_fields=False).with_columns(pl.lit(None, pl.String).alias("buyer"))
    table = {
        r["flag"]: r
        for r in flags.summary(flags.compute(connection_over(lines))).iter_rows(named=True)
    }
    assert table["splitting"]["status"] == "not computable"
    assert table["concentration"]["missing_fields"] == "buyer"
    assert table["direct_award"]["status"] == "computed"


def test_bid_level_cardinal_indicators_are_listed_as_not_computable():
    codes = flags.not_computable_indicators()
    assert {"R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058"} == set(codes)
