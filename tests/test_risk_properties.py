"""Property tests: raising a tier never lowers a category; one category per line; unknown is
never Low; a listed pair always lifts its line (for any valid model numbers)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from risk_helpers import build_store, line, write_reference

from transparency import database, risk
from transparency.risk import diligence
from transparency.risk.categories import CATEGORIES
from transparency.risk.model import TIER_ORDER, load, parse

COUNTRIES = ("DEU", "BRA", "MYS", "PRK", "IND")
CODES = ("43211500", "76111500", "50201700", "53101500", "42141500", "46181500", None)
ORDER = {c: i for i, c in enumerate(CATEGORIES, start=1)}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("props")
    rows = []
    n = 0
    for country, code in itertools.product((*COUNTRIES, None), CODES):
        n += 1
        rows.append(line(n, country, code, scheme="UNSPSC" if code else None))
    store = build_store(root / "store", rows)
    past = date.today() - timedelta(days=10)
    for supplier, step in (("S01", "audit"), ("S05", "certification"), ("S09", "audit")):
        diligence.add(
            store,
            supplier_id=supplier,
            step=step,
            recorded_by="t",
            step_date=past,
            evidence="e",
        )
    ref = write_reference(root / "ref")
    con = database.connect(store, with_risk=False)
    return store, ref, con


def _tiers_csv(tiers: dict[str, str]) -> str:
    body = "".join(f"2023,{iso},{iso},{tier},x\n" for iso, tier in tiers.items())
    return "report_year,country_name_as_published,iso3,tier,source_url\n" + body


def _categories(con, store, ref: Path, tiers: dict[str, str]) -> dict[str, tuple]:
    (ref / "tip_tiers.csv").write_text(_tiers_csv(tiers), encoding="utf-8")
    risk.install(con, store, reference_dir=ref)
    out = con.sql(
        "select contract_id, supplier_country, category_code, inherent_category, "
        "residual_category from scored_lines"
    ).fetchall()
    return {r[0]: r[1:] for r in out}


tier_maps = st.fixed_dictionaries({c: st.sampled_from(TIER_ORDER) for c in COUNTRIES})


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(tiers=tier_maps, country=st.sampled_from(COUNTRIES), steps=st.integers(1, 3))
def test_raising_a_tier_never_lowers_a_category(world, tiers, country, steps):
    store, ref, con = world
    before = _categories(con, store, ref, tiers)
    raised = dict(tiers)
    raised[country] = TIER_ORDER[min(TIER_ORDER.index(tiers[country]) + steps, 3)]
    after = _categories(con, store, ref, raised)
    assert before.keys() == after.keys()
    for cid, (iso, _code, inherent, residual) in before.items():
        a_inherent, a_residual = after[cid][2], after[cid][3]
        if inherent == "Not assessable":
            assert a_inherent == "Not assessable"
            continue
        assert ORDER[a_inherent] >= ORDER[inherent], (cid, iso, inherent, a_inherent)
        assert ORDER[a_residual] >= ORDER[residual], (cid, iso, residual, a_residual)
        if iso != country:
            assert (a_inherent, a_residual) == (inherent, residual)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(tiers=tier_maps)
def test_each_line_exactly_one_category_and_unknown_never_low(world, tiers):
    store, ref, con = world
    cats = _categories(con, store, ref, tiers)
    assert len(cats) == con.sql("select count(*) from contract_lines").fetchall()[0][0]
    for iso, code, inherent, residual in cats.values():
        assert inherent in CATEGORIES and residual in CATEGORIES
        if iso is None or code is None:
            assert inherent == residual == "Not assessable"
        if inherent == "Not assessable":
            assert residual == "Not assessable"
        assert ORDER[residual] <= ORDER[inherent]


@st.composite
def models(draw):
    """Valid model numbers: monotone tier scores, any sector/pair scores, contiguous bands."""
    raw = load().raw
    raw = {**raw, "country": dict(raw["country"]), "sector": dict(raw["sector"])}
    scores = sorted(draw(st.lists(st.integers(0, 6), min_size=4, max_size=4)))
    tiers = dict(zip(TIER_ORDER, scores, strict=True))
    tiers["Special Case"] = draw(st.integers(0, 6))
    raw["country"]["tier_scores"] = tiers
    raw["country"]["cap"] = draw(st.integers(1, 8))
    groups = {
        name: {**g, "score": draw(st.integers(0, 4))} for name, g in raw["sector"]["groups"].items()
    }
    raw["sector"] = {"default": draw(st.integers(0, 4)), "groups": groups}
    raw["listed_pair"] = {
        **raw["listed_pair"],
        "forced_labour": draw(st.integers(1, 3)),
        "child_labour": draw(st.integers(1, 3)),
        "produced_with_inputs": draw(st.integers(1, 3)),
    }
    cap = draw(st.integers(4, 20))
    raw["total"] = {"cap": cap}
    cuts = sorted(draw(st.lists(st.integers(1, cap - 1), min_size=3, max_size=3, unique=True)))
    edges = [0, *cuts, cap]
    raw["bands"] = [
        {**b, "min": edges[i] if i == 0 else edges[i] + 1, "max": edges[i + 1]}
        for i, b in enumerate(raw["bands"])
    ]
    if any(b["min"] > b["max"] for b in raw["bands"]):
        raw["bands"][0]["min"] = 0
    return raw


@settings(max_examples=200, deadline=None)
@given(raw=models())
def test_combination_rules_hold_for_any_valid_model(raw):
    try:
        model = parse(Path("generated.toml"), raw)
    except ValueError:
        return  # an invalid draw (e.g. bands that cannot be contiguous) is rejected elsewhere
    combos = risk.combination_frame(model).rows(named=True)
    by_key = {(r["country_score"], r["sector_score"], r["pair_score"]): r for r in combos}
    top = len(model.bands)
    for (c, s, p), r in by_key.items():
        # Higher country score never gives a lower band.
        for (c2, s2, p2), r2 in by_key.items():
            if s2 == s and p2 == p and c2 > c:
                assert r2["inherent_order"] >= r["inherent_order"]
        # A listed pair always lifts the line above its no-pair band (unless already top).
        if p > 0:
            base = by_key[(c, s, 0)]["inherent_order"]
            assert r["inherent_order"] >= min(base + model.pair_min_raise, top)
            assert r["inherent_order"] > base or base == top
        assert 1 <= r["inherent_order"] <= top
