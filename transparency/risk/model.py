"""The risk model file (`data/risk_model.toml`): load it and check every key before use.

A malformed file stops with `RiskModelError` naming the file, the key and the value, so the
dashboard shows that message instead of figures computed with a half-read method.

>>> model = load()                      # doctest: +SKIP
>>> model.tier_scores["Tier 3"]         # doctest: +SKIP
5
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transparency import settings
from transparency.risk.categories import BANDED, NOT_ASSESSABLE

TIERS: tuple[str, ...] = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")
# Raising a tier in this order must never lower a score (Special Case stands apart).
TIER_ORDER: tuple[str, ...] = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")
ILAB_LEVELS: tuple[str, ...] = (
    "Significant Advancement",
    "Moderate Advancement",
    "Minimal Advancement",
    "No Advancement",
    "No Assessment",
)
STEPS: tuple[str, ...] = (
    "contract_clause",
    "questionnaire",
    "audit",
    "certification",
    "remediation_plan",
)
LABOUR_TYPES: tuple[str, ...] = ("forced_labour", "child_labour", "produced_with_inputs")
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")
TIP_YEAR_RULES: tuple[str, ...] = ("award_year", "latest")


class RiskModelError(ValueError):
    """The risk model or a reference file is malformed; the message names file, key, value."""


@dataclass(frozen=True)
class Band:
    """One risk category over a range of capped total scores."""

    category: str
    min: int
    max: int
    colour: str


@dataclass(frozen=True)
class SectorGroup:
    """A named group of categories with one sector score (e.g. UFLPA priority sectors)."""

    name: str
    score: int
    label: str


@dataclass(frozen=True)
class Step:
    """A due-diligence step type and how many bands it lowers the residual category."""

    name: str
    bands: int
    label: str


@dataclass(frozen=True)
class RiskModel:
    """The parsed, checked risk model."""

    path: Path
    raw: dict[str, Any]
    name: str
    version: str
    tip_year_rule: str
    country_cap: int
    tier_scores: dict[str, int]
    ilab_adjustment: dict[str, int]
    sector_default: int
    sector_groups: dict[str, SectorGroup]
    pair_scores: dict[str, int]
    pair_confidences: tuple[str, ...]
    pair_min_raise: int
    total_cap: int
    bands: tuple[Band, ...]
    not_assessable_colour: str
    max_reduction: int
    steps: dict[str, Step]
    reference_files: dict[str, str]
    extra_country_codes: tuple[str, ...]

    def colours(self) -> dict[str, str]:
        """Return category -> colour, the five categories in order."""
        out = {b.category: b.colour for b in self.bands}
        out[NOT_ASSESSABLE] = self.not_assessable_colour
        return out

    def lowest_total(self) -> int:
        """Return the smallest total a line can score."""
        sector = min([self.sector_default, *(g.score for g in self.sector_groups.values())])
        country = min(self.tier_scores.values()) + min(self.ilab_adjustment.values())
        return min(country, self.country_cap) + sector

    def band_of(self, total: int) -> int:
        """Return the 1-based band index of a capped total (1 = Low)."""
        for index, band in enumerate(self.bands, start=1):
            if band.min <= total <= band.max:
                return index
        raise RiskModelError(f"{self.path}: no band holds total score {total}")


class _Reader:
    """Typed access to nested TOML keys, with errors naming file, key and value."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, key: str, problem: str, value: Any = None) -> RiskModelError:
        found = "" if value is None else f" (found {value!r})"
        return RiskModelError(f"{self.path}: key '{key}': {problem}{found}")

    def get(self, key: str, kind: type | tuple[type, ...], *, default: Any = ...) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
                continue
            if not isinstance(node, dict) or part not in node:
                if default is not ...:
                    return default
                raise self.fail(key, "is missing")
            node = node[part]
        # bool is an int in Python; a score of `true` is a wrong type, not 1.
        if isinstance(node, bool) and bool not in _as_tuple(kind):
            raise self.fail(key, f"must be {_kind_name(kind)}", node)
        if not isinstance(node, kind):
            raise self.fail(key, f"must be {_kind_name(kind)}", node)
        return node

    def score(self, key: str, low: int, high: int) -> int:
        value = self.get(key, int)
        if not low <= value <= high:
            raise self.fail(key, f"must be a whole number from {low} to {high}", value)
        return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        int: "a whole number",
        str: "text",
        dict: "a table",
        list: "a list",
        bool: "true/false",
    }
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def step_labels(path: str | Path | None = None) -> dict[str, str]:
    """Return due-diligence step key -> label, in the model's order.

    >>> step_labels()["audit"]
    'Third-party social audit'
    """
    return {key: step.label for key, step in load(path).steps.items()}


def read_bytes(path: str | Path | None = None) -> tuple[Path, bytes]:
    """Return the model path (argument, $TRANSPARENCY_RISK_MODEL or default) and its bytes."""
    model_path = Path(path) if path is not None else settings.risk_model_path()
    try:
        return model_path, model_path.read_bytes()
    except OSError as exc:
        raise RiskModelError(f"{model_path}: cannot read the risk model: {exc.strerror}") from exc


def load(path: str | Path | None = None) -> RiskModel:
    """Read and check the risk model; raise `RiskModelError` on the first problem found."""
    model_path, data = read_bytes(path)
    return parse(model_path, read_toml(model_path, data))


def read_toml(path: Path, data: bytes) -> dict[str, Any]:
    """Return the TOML document in `data` (read from `path`); raise `RiskModelError` if invalid."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RiskModelError(f"{path}: not valid TOML: {exc}") from exc


def parse(path: Path, raw: dict[str, Any]) -> RiskModel:
    """Check a TOML document already read into `raw` and return the model.

    The sections are checked in file order, so the first problem found is the one reported.
    """
    r = _Reader(path, raw)
    rule, country_cap, tier_scores, ilab = _country(r)
    sector_default = r.score("sector.default", 0, 100)
    groups = _sector_groups(r)
    pair_scores = {t: r.score(f"listed_pair.{t}", 0, 100) for t in LABOUR_TYPES}
    # A good listed for both forced and child labour; older model files: the forced score.
    if r.get("listed_pair.forced_and_child_labour", int, default=None) is not None:
        pair_scores["forced_and_child_labour"] = r.score(
            "listed_pair.forced_and_child_labour", 0, 100
        )
    confidences = r.get("listed_pair.confidences", list)
    for value in confidences:
        if value not in CONFIDENCES:
            raise r.fail(
                "listed_pair.confidences", f"entries must be in {list(CONFIDENCES)}", value
            )
    min_raise = r.score("listed_pair.min_raise", 1, 3)
    total_cap = r.score("total.cap", 1, 1000)
    bands = _bands(r)
    na_colour = _colour(r, "not_assessable.colour")
    max_reduction = r.score("diligence.max_reduction", 0, 3)
    steps = _steps(r)
    files, extra_codes = _reference_files(r)
    model = RiskModel(
        path=path,
        raw=raw,
        name=r.get("model.name", str),
        version=r.get("model.version", str),
        tip_year_rule=rule,
        country_cap=country_cap,
        tier_scores=tier_scores,
        ilab_adjustment=ilab,
        sector_default=sector_default,
        sector_groups=groups,
        pair_scores=pair_scores,
        pair_confidences=tuple(confidences),
        pair_min_raise=min_raise,
        total_cap=total_cap,
        bands=bands,
        not_assessable_colour=na_colour,
        max_reduction=max_reduction,
        steps=steps,
        reference_files=files,
        extra_country_codes=tuple(extra_codes),
    )
    _check_bands_reach(r, model)
    return model


def _country(r: _Reader) -> tuple[str, int, dict[str, int], dict[str, int]]:
    """Return the [country] section: TIP year rule, cap, tier scores, ILAB adjustments."""
    rule = r.get("country.tip_year_rule", str)
    if rule not in TIP_YEAR_RULES:
        raise r.fail("country.tip_year_rule", f"must be one of {list(TIP_YEAR_RULES)}", rule)
    country_cap = r.score("country.cap", 1, 100)
    tier_scores = {t: r.score(f"country.tier_scores.{t}", 0, 100) for t in TIERS}
    _no_extra_keys(r, "country.tier_scores", TIERS)
    for lower, higher in zip(TIER_ORDER, TIER_ORDER[1:], strict=False):
        if tier_scores[higher] < tier_scores[lower]:
            raise r.fail(
                f"country.tier_scores.{higher}",
                f"must not be below the score of {lower!r} ({tier_scores[lower]})",
                tier_scores[higher],
            )
    ilab = {lvl: r.score(f"country.ilab_adjustment.{lvl}", 0, 100) for lvl in ILAB_LEVELS}
    _no_extra_keys(r, "country.ilab_adjustment", ILAB_LEVELS)
    return rule, country_cap, tier_scores, ilab


def _sector_groups(r: _Reader) -> dict[str, SectorGroup]:
    """Return [sector.groups]; the group `dol_listed_good` must be there."""
    groups = {}
    for name in r.get("sector.groups", dict):
        groups[name] = SectorGroup(
            name,
            r.score(f"sector.groups.{name}.score", 0, 100),
            r.get(f"sector.groups.{name}.label", str),
        )
    if "dol_listed_good" not in groups:
        raise r.fail("sector.groups.dol_listed_good", "is missing")
    return groups


def _steps(r: _Reader) -> dict[str, Step]:
    """Return [diligence.steps]: every known step, no other."""
    steps = {}
    for step in STEPS:
        steps[step] = Step(
            step,
            r.score(f"diligence.steps.{step}.bands", 0, 3),
            r.get(f"diligence.steps.{step}.label", str),
        )
    _no_extra_keys(r, "diligence.steps", STEPS)
    return steps


# Reference files a model file may name; the default is used when it does not.
OPTIONAL_REFERENCE_FILES: dict[str, str] = {
    "tip_confirmations": "tip_tier_confirmations.csv",
    "tip_tiers_partial": "tip_tiers*partial*.csv",
    "dol_goods_changes": "dol_goods_changes_*.csv",
    "dol_goods_editions": "dol_goods_edition_*.csv",
    "unspsc_codes": "unspsc_codes.csv",
    "cpv_codes": "cpv_codes.csv",
    "manifest": "reference_manifest.csv",
}
# Reference keys that name a glob pattern (every matching file is read), not one file.
PATTERN_KEYS = ("tip_tiers", "tip_tiers_partial", "dol_goods_changes", "dol_goods_editions")


def _reference_files(r: _Reader) -> tuple[dict[str, str], list[str]]:
    """Return [reference]: the file (or pattern) of each reference table, extra country codes."""
    files = {
        key: r.get(f"reference.{key}", str)
        for key in (
            "tip_tiers",
            "ilab_findings",
            "dol_goods",
            "dol_goods_to_unspsc",
            "high_risk_sectors",
        )
    }
    # Optional files (older model files do not name them): a missing key takes the default.
    for key, default in OPTIONAL_REFERENCE_FILES.items():
        files[key] = r.get(f"reference.{key}", str, default=default)
    extra_codes = r.get("reference.extra_country_codes", list, default=[])
    for code in extra_codes:
        if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
            raise r.fail("reference.extra_country_codes", "entries must be 3 capital letters", code)
    return files, extra_codes


def _check_bands_reach(r: _Reader, model: RiskModel) -> None:
    """Raise unless the bands cover every total from the lowest possible up to total.cap."""
    bands = model.bands
    lowest = model.lowest_total()
    if bands[0].min > lowest:
        raise r.fail(
            "bands.0.min", f"must be at most the lowest possible total {lowest}", bands[0].min
        )
    if bands[-1].max < model.total_cap:
        raise r.fail(
            f"bands.{len(bands) - 1}.max",
            f"must reach total.cap ({model.total_cap})",
            bands[-1].max,
        )


def _no_extra_keys(r: _Reader, key: str, allowed: tuple[str, ...]) -> None:
    for name in r.get(key, dict):
        if name not in allowed:
            raise r.fail(
                f"{key}.{name}", f"is not a known key; expected one of {list(allowed)}", name
            )


def _colour(r: _Reader, key: str) -> str:
    value = r.get(key, str)
    if not (len(value) == 7 and value.startswith("#")) or any(
        c not in "0123456789abcdefABCDEF" for c in value[1:]
    ):
        raise r.fail(key, "must be a colour like '#009E73'", value)
    return value


def _bands(r: _Reader) -> tuple[Band, ...]:
    raw = r.get("bands", list)
    expected = BANDED
    if len(raw) != len(expected):
        raise r.fail("bands", f"must list exactly {list(expected)} in that order", len(raw))
    bands: list[Band] = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise r.fail(f"bands.{i}", "must be a table", entry)
        category = r.get(f"bands.{i}.category", str)
        if category != expected[i]:
            raise r.fail(f"bands.{i}.category", f"must be {expected[i]!r}", category)
        low = r.get(f"bands.{i}.min", int)
        high = r.get(f"bands.{i}.max", int)
        if high < low:
            raise r.fail(f"bands.{i}.max", f"must not be below min ({low})", high)
        if bands:
            prev = bands[-1]
            if low <= prev.max:
                raise r.fail(
                    f"bands.{i}.min",
                    f"overlaps band {prev.category!r} ({prev.min}-{prev.max})",
                    low,
                )
            if low != prev.max + 1:
                raise r.fail(
                    f"bands.{i}.min",
                    f"leaves a gap after band {prev.category!r} (max {prev.max})",
                    low,
                )
        bands.append(Band(category, low, high, _colour(r, f"bands.{i}.colour")))
    return tuple(bands)


def fingerprint_bytes(chunks: list[tuple[str, bytes]]) -> str:
    """Return a short SHA-256 over named byte strings (model file plus reference files)."""
    digest = hashlib.sha256()
    for name, data in chunks:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]
