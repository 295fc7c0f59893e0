"""The demo organisation's catalogue: `data/demo_profile.toml` read into arrays.

Sectors with their countries, families and value spread; UNSPSC codes per family; duty
stations, buyers and regional offices; currencies and legal forms per country.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from transparency.settings import DATA_DIR

PROFILE_PATH = DATA_DIR / "demo_profile.toml"


@dataclass(frozen=True)
class Profile:
    """The profile's tables, indexed the way the generator draws from them."""

    organisation: str
    prefix: str
    sectors: list[dict]
    family_codes: list[str]  # sorted families that appear in [codes]
    code_start: np.ndarray  # per family: first index into the code arrays
    code_count: np.ndarray  # per family: number of codes
    codes: pl.DataFrame  # code, title, family (4 digits), family_title
    duty_iso3: list[str]
    duty_weight: np.ndarray
    duty_region: list[str]
    buyer_keys: list[str]  # units, then one regional office per region
    buyer_names: list[str]
    regions: list[str]
    currency_of: dict[str, str]
    legal_form_of: dict[str, tuple[str, ...]]
    default_forms: tuple[str, ...]
    country_trend: dict[str, float]


@functools.cache
def load_profile(path: Path = PROFILE_PATH) -> Profile:
    """Read the profile at `path`, once per process.

    Raises ValueError when a sector names families that have no codes.
    """
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    families = sorted(raw["codes"])
    rows = []
    starts, counts = [], []
    for family in families:
        starts.append(len(rows))
        counts.append(len(raw["codes"][family]))
        rows.extend((code, title, family) for code, title in raw["codes"][family])
    codes = pl.DataFrame(rows, schema=["code", "title", "family"], orient="row")
    regions = sorted(raw["regional"])
    duty_iso3, duty_weight, duty_region = [], [], []
    for region in regions:
        for iso3, weight in raw["duty_stations"][region].items():
            duty_iso3.append(iso3)
            duty_weight.append(float(weight))
            duty_region.append(region)
    units = list(raw["buyers"])
    currency_of = {iso3: cur for cur, members in raw["currency_of"].items() for iso3 in members}
    forms = {k: v for k, v in raw["legal_forms"].items() if k != "default"}
    legal_form_of: dict[str, list[str]] = {}
    for form, members in forms.items():
        for iso3 in members:
            legal_form_of.setdefault(iso3, []).append(form)
    for sector in raw["sector"]:
        missing = [f for f in sector["families"] if f not in raw["codes"]]
        if missing:
            raise ValueError(
                f"{path}: sector {sector['name']!r} names families without codes: "
                f"{', '.join(missing)}"
            )
    return Profile(
        organisation=raw["organisation"],
        prefix=raw["prefix"],
        sectors=raw["sector"],
        family_codes=families,
        code_start=np.array(starts, dtype=np.int64),
        code_count=np.array(counts, dtype=np.int64),
        codes=codes,
        duty_iso3=duty_iso3,
        duty_weight=np.array(duty_weight),
        duty_region=duty_region,
        buyer_keys=units + [f"regional:{r}" for r in regions],
        buyer_names=[raw["buyers"][u] for u in units] + [raw["regional"][r] for r in regions],
        regions=regions,
        currency_of=currency_of,
        legal_form_of={k: tuple(v) for k, v in legal_form_of.items()},
        default_forms=tuple(raw["legal_forms"]["default"]),
        country_trend={k: float(v) for k, v in raw.get("country_trend", {}).items()},
    )


def rng(seed: int, *stream: int) -> np.random.Generator:
    """Return the Generator of one stream of `seed` (suppliers: (0,), block b: (1, b))."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))
