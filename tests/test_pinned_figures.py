"""Behaviour unchanged: the demo's and USAID SCMS's figures equal those pinned before the
house-plan refactor, every table of `figures --json` for three quarters, to the cent.

The pinned files come from `python tests/pinned_figures.py` run on the code before the move.
"""

from __future__ import annotations

import json

from pinned_figures import (
    DEMO_QUARTERS,
    PINNED,
    SCMS_QUARTERS,
    demo_store,
    figures_json,
    scms_store,
)


def differences(pinned: object, now: object, path: str = "") -> list[str]:
    """Return where two JSON values differ, as 'path: pinned -> now' lines."""
    if isinstance(pinned, dict) and isinstance(now, dict):
        out = []
        for key in sorted(set(pinned) | set(now)):
            out += differences(pinned.get(key), now.get(key), f"{path}.{key}")
        return out
    if isinstance(pinned, list) and isinstance(now, list) and len(pinned) == len(now):
        out = []
        for i, (a, b) in enumerate(zip(pinned, now, strict=True)):
            out += differences(a, b, f"{path}[{i}]")
        return out
    return [] if pinned == now else [f"{path}: {pinned!r} -> {now!r}"]


def test_differences_names_the_cell_that_moved():
    pinned = {"2026Q3": {"by_country": [{"country": "VN", "spend_usd": "10.00"}]}}
    now = {"2026Q3": {"by_country": [{"country": "VN", "spend_usd": "10.01"}]}}
    assert differences(pinned, now) == [".2026Q3.by_country[0].spend_usd: '10.00' -> '10.01'"]
    assert differences(pinned, pinned) == []


def test_demo_figures_equal_the_pinned_ones(tmp_path):
    now = figures_json(demo_store(tmp_path / "store"), DEMO_QUARTERS)
    pinned = json.loads((PINNED / "demo.json").read_text())
    assert sorted(pinned) == sorted(DEMO_QUARTERS)
    assert differences(pinned, now) == []


def test_scms_figures_equal_the_pinned_ones(tmp_path):
    now = figures_json(scms_store(tmp_path / "store"), SCMS_QUARTERS)
    pinned = json.loads((PINNED / "scms.json").read_text())
    assert sorted(pinned) == sorted(SCMS_QUARTERS)
    assert differences(pinned, now) == []
