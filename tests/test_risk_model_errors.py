"""A malformed model or reference file stops with a message naming the file, key and value,
and nothing is installed (no figures from a half-read method)."""

from __future__ import annotations

import duckdb
import pytest
from risk_helpers import TIP, build_store, copy_model, line, write_reference

from transparency import risk
from transparency.risk.model import RiskModelError, load
from transparency.store import Store


@pytest.fixture
def ref(tmp_path):
    return write_reference(tmp_path / "ref")


def _model_error(tmp_path, old: str, new: str) -> str:
    path = copy_model(tmp_path / "bad.toml", (old, new))
    with pytest.raises(RiskModelError) as info:
        load(path)
    message = str(info.value)
    assert "bad.toml" in message
    return message


def test_shipped_model_loads():
    model = load()
    assert model.tier_scores["Tier 3"] == 5
    assert [b.category for b in model.bands] == ["Low", "Medium", "High", "Very high"]


def test_missing_key(tmp_path):
    message = _model_error(tmp_path, '"Tier 3" = 5\n', "")
    assert "key 'country.tier_scores.Tier 3': is missing" in message


def test_wrong_type(tmp_path):
    message = _model_error(tmp_path, "cap = 10", 'cap = "ten"')
    assert "key 'total.cap'" in message and "whole number" in message and "'ten'" in message


def test_boolean_is_not_a_score(tmp_path):
    message = _model_error(tmp_path, "forced_labour = 2", "forced_labour = true")
    assert "key 'listed_pair.forced_labour'" in message and "True" in message


def test_overlapping_bands(tmp_path):
    message = _model_error(tmp_path, 'category = "Medium"\nmin = 5', 'category = "Medium"\nmin = 4')
    assert "key 'bands.1.min'" in message and "overlaps band 'Low' (2-4)" in message
    assert "(found 4)" in message


def test_gap_between_bands(tmp_path):
    message = _model_error(tmp_path, 'category = "Medium"\nmin = 5', 'category = "Medium"\nmin = 6')
    assert "key 'bands.1.min'" in message and "gap" in message and "(found 6)" in message


def test_bands_must_reach_cap(tmp_path):
    message = _model_error(tmp_path, "max = 10", "max = 9")
    assert "key 'bands.3.max'" in message and "total.cap" in message and "(found 9)" in message


def test_unknown_rule_and_tier_order(tmp_path):
    message = _model_error(tmp_path, 'tip_year_rule = "award_year"', 'tip_year_rule = "newest"')
    assert "key 'country.tip_year_rule'" in message and "'newest'" in message
    message = _model_error(tmp_path, '"Tier 3" = 5', '"Tier 3" = 1')
    assert "key 'country.tier_scores.Tier 3'" in message and "(found 1)" in message


def test_bad_colour_and_unknown_step(tmp_path):
    message = _model_error(tmp_path, 'colour = "#999999"', 'colour = "grey"')
    assert "key 'not_assessable.colour'" in message and "'grey'" in message
    message = _model_error(
        tmp_path,
        "[diligence.steps.audit]",
        '[diligence.steps.site_visit]\nbands = 1\nlabel = "x"\n\n[diligence.steps.audit]',
    )
    assert "key 'diligence.steps.site_visit'" in message


def test_invalid_toml(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[country\ncap = 6\n", encoding="utf-8")
    with pytest.raises(RiskModelError, match="broken.toml: not valid TOML"):
        load(path)


def _install_error(tmp_path, ref, **overrides) -> str:
    write_reference(ref, **overrides)
    root = tmp_path / "store"
    store = Store(root) if root.exists() else build_store(root, [line(1, "DEU", "43211500")])
    con = duckdb.connect()
    with pytest.raises(RiskModelError) as info:
        risk.install(con, store, reference_dir=ref)
    # Nothing half-installed: no risk table, no view.
    assert con.sql("select count(*) from duckdb_tables()").fetchall() == [(0,)]
    assert con.sql("select count(*) from duckdb_views() where not internal").fetchall() == [(0,)]
    return str(info.value)


def test_unknown_country_code_in_tier_file(tmp_path, ref):
    bad = TIP + "2023,Atlantis,ATL,Tier 1,x\n"
    message = _install_error(tmp_path, ref, **{"tip_tiers.csv": bad})
    assert "tip_tiers.csv: row 10, column 'iso3': unknown country code" in message
    assert "(found 'ATL')" in message


def test_unknown_tier(tmp_path, ref):
    message = _install_error(tmp_path, ref, **{"tip_tiers.csv": TIP + "2023,France,FRA,Tier 4,x\n"})
    assert "row 10, column 'tier'" in message and "'Tier 4'" in message


def test_year_not_a_number(tmp_path, ref):
    message = _install_error(tmp_path, ref, **{"tip_tiers.csv": TIP + "2O23,France,FRA,Tier 1,x\n"})
    assert "row 10, column 'report_year'" in message and "'2O23'" in message


def test_missing_column(tmp_path, ref):
    text = "good,scheme,title,confidence,note\nCoffee,UNSPSC,x,high,x\n"
    message = _install_error(tmp_path, ref, **{"dol_goods_to_codes.csv": text})
    assert "dol_goods_to_codes.csv: column 'code' is missing" in message


def test_bad_confidence_and_unmapped_good(tmp_path, ref):
    text = "good,scheme,code,title,confidence,note\nGarments,UNSPSC,5310,x,sure,x\n"
    message = _install_error(tmp_path, ref, **{"dol_goods_to_codes.csv": text})
    assert "row 1, column 'confidence'" in message and "'sure'" in message
    text = "good,scheme,code,title,confidence,note\nGarments,UNSPSC,5310,x,high,x\n"
    message = _install_error(tmp_path, ref, **{"dol_goods_to_codes.csv": text})
    assert "dol_goods.csv: row 3, column 'good'" in message and "'Coffee'" in message


def test_duplicate_placement_across_files(tmp_path, ref):
    extra = TIP.splitlines()[0] + "\n2023,Germany,DEU,Tier 2,x\n"
    message = _install_error(tmp_path, ref, **{"tip_tiers_new.csv": extra})
    assert "'DEU'" in message and "2023" in message
    assert "tip_tiers.csv row 2" in message and "tip_tiers_new.csv row 1" in message


def test_sector_group_without_score(tmp_path, ref):
    text = "scheme,code,risk_group,sector,title\nUNSPSC,7611,modern_slavery_hotspot,cleaning,x\n"
    message = _install_error(tmp_path, ref, **{"high_risk_sectors.csv": text})
    assert "high_risk_sectors.csv: row 1, column 'risk_group'" in message
    assert "'modern_slavery_hotspot'" in message


def test_missing_reference_file(tmp_path, ref):
    write_reference(ref)
    (ref / "ilab_country_findings.csv").unlink()
    store = build_store(tmp_path / "store", [line(1, "DEU", "43211500")])
    missing = "ilab_country_findings.csv: reference file is missing"
    with pytest.raises(RiskModelError, match=missing):
        risk.install(duckdb.connect(), store, reference_dir=ref)
