"""The demo's suppliers: sector, country, families, name and a trend, and how contracts pick them.

Every name is generated from syllables, a sector word and the country's legal form, so
it is fictional.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import polars as pl

from transparency.countries import countries
from transparency.demo.profile import Profile, rng

_SYLLABLES = (
    "ka ro vel mi tan zo ri lu na bex dor sa qui fen la mor ta vin el ar is ul om pra sen "
    "tri do ga ny ver ko lam bri su ten ha jo"
).split()

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True)
class Suppliers:
    """Every supplier of one dataset, as a frame and as arrays indexed by supplier."""

    frame: pl.DataFrame  # supplier_id, supplier_name, supplier_country, country_name
    sector: np.ndarray
    country: list[str]
    region: np.ndarray  # index into profile.regions, -1 when not at a duty station
    families: np.ndarray  # (n, 4) indices into profile.family_codes
    family_k: np.ndarray
    cum_weight: np.ndarray
    trend: np.ndarray  # log change of a supplier's share of business over the period
    currency: list[str]


def _names(
    rng: np.random.Generator, profile: Profile, sector: np.ndarray, country: list[str]
) -> list[str]:
    n = len(country)
    syl = rng.integers(0, len(_SYLLABLES), size=(n, 3))
    three = rng.random(n) < 0.4
    word_pick = rng.integers(0, 1_000_000, size=n)
    form_pick = rng.integers(0, 1_000_000, size=n)
    seen: dict[str, int] = {}
    names = []
    for i in range(n):
        parts = syl[i, :3] if three[i] else syl[i, :2]
        stem = "".join(_SYLLABLES[p] for p in parts).capitalize()
        words = profile.sectors[sector[i]]["words"]
        word = words[word_pick[i] % len(words)]
        forms = profile.legal_form_of.get(country[i], profile.default_forms)
        form = forms[form_pick[i] % len(forms)]
        name = f"PT {stem} {word}" if form == "PT" else f"{stem} {word} {form}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        if count:
            # Same generated name twice: tell them apart the way registries do.
            mark = _ROMAN[count] if count < len(_ROMAN) else str(count + 1)
            name = f"{name} ({mark})"
        names.append(name)
    return names


@functools.cache
def _country_names() -> dict[str, str]:
    return dict(countries().select("iso3", "name").iter_rows())


def _places(
    rng: np.random.Generator, profile: Profile, sector: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Draw each supplier's country, region and up to four families from its sector."""
    n = sector.size
    country = np.empty(n, dtype=object)
    region = np.full(n, -1, dtype=np.int64)
    families = np.zeros((n, 4), dtype=np.int64)
    family_k = np.ones(n, dtype=np.int64)
    family_index = {f: i for i, f in enumerate(profile.family_codes)}
    for s, spec in enumerate(profile.sectors):
        members = np.flatnonzero(sector == s)
        m = members.size
        if m == 0:
            continue
        if spec["countries"] == "duty_stations":
            p = profile.duty_weight / profile.duty_weight.sum()
            pick = rng.choice(len(profile.duty_iso3), size=m, p=p)
            country[members] = np.array(profile.duty_iso3, dtype=object)[pick]
            region_of = np.array([profile.regions.index(r) for r in profile.duty_region])
            region[members] = region_of[pick]
        else:
            isos = list(spec["countries"])
            weights = np.array([spec["countries"][c] for c in isos], dtype=float)
            pick = rng.choice(len(isos), size=m, p=weights / weights.sum())
            country[members] = np.array(isos, dtype=object)[pick]
        sector_fams = np.array([family_index[f] for f in spec["families"]], dtype=np.int64)
        take = min(4, sector_fams.size)
        order = np.argsort(rng.random((m, sector_fams.size)), axis=1)[:, :take]
        families[members, :take] = sector_fams[order]
        if take < 4:
            families[members, take:] = families[members, :1]
        family_k[members] = np.minimum(rng.integers(1, 5, size=m), take)
    return country, region, families, family_k


def make_suppliers(profile: Profile, n: int, seed: int) -> Suppliers:
    """Return `n` suppliers drawn from stream (seed, 0)."""
    gen = rng(seed, 0)
    shares = np.array([s["share"] for s in profile.sectors], dtype=float)
    sector = gen.choice(len(profile.sectors), size=n, p=shares / shares.sum())
    country, region, families, family_k = _places(gen, profile, sector)
    country_list = [str(c) for c in country]
    weight = gen.lognormal(0.0, 0.9, size=n)
    # Suppliers come and go; some sectors shift between countries (the profile's `trend`).
    trend = gen.normal(0.0, 0.6, size=n)
    for iso3, shift in profile.country_trend.items():
        trend[country == iso3] += shift
    for s, spec in enumerate(profile.sectors):
        for iso3, shift in spec.get("trend", {}).items():
            trend[(sector == s) & (country == iso3)] += shift
    names = _names(gen, profile, sector, country_list)
    country_names = _country_names()
    frame = pl.DataFrame(
        {
            "supplier_id": [f"{profile.prefix}-V{i + 1:06d}" for i in range(n)],
            "supplier_name": names,
            "supplier_country": country_list,
            "country_name": [country_names[c] for c in country_list],
        }
    )
    return Suppliers(
        frame=frame,
        sector=sector,
        country=country_list,
        region=region,
        families=families,
        family_k=family_k,
        cum_weight=np.cumsum(weight),
        trend=trend,
        currency=[profile.currency_of.get(c, "USD") for c in country_list],
    )


def pick_suppliers(rng: np.random.Generator, sup: Suppliers, when: np.ndarray) -> np.ndarray:
    """Draw one supplier per contract, `when` (0..1) being its place in the period.

    A supplier's weight at time t is its base weight times exp(trend * t); drawing from
    the base weights and accepting with probability exp(trend * t - max(trend, 0)) samples
    exactly that, vectorised.
    """
    n = when.size
    chosen = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(64):
        draw = np.searchsorted(sup.cum_weight, rng.random(todo.size) * sup.cum_weight[-1], "right")
        draw = np.minimum(draw, sup.cum_weight.size - 1)
        beta = sup.trend[draw]
        accept = rng.random(todo.size) < np.exp(beta * when[todo] - np.maximum(beta, 0.0))
        chosen[todo[accept]] = draw[accept]
        todo = todo[~accept]
        if todo.size == 0:
            break
    else:
        chosen[todo] = draw[~accept]  # practically never: keep the last draw
    return chosen
