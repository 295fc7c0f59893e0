"""The screening settings file `data/screening.toml`: lists, name rules and match thresholds.

>>> cfg = load()
>>> cfg.candidate_score, sorted(cfg.lists)[:2]
(90.0, ['ebrd', 'idb'])
>>> cfg.abbreviations["ind"], "ltd" in cfg.legal_forms, "global" in cfg.common_words
('industry', True, True)
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from transparency.settings import DATA_DIR, QUERIES_DIR, reference_dir

CONFIG_PATH = DATA_DIR / "screening.toml"
# The screening room's own leaf queries (red flags, the suppliers to screen).
QUERIES = QUERIES_DIR / "screening"


class ScreeningConfigError(ValueError):
    """The screening settings file is missing a key or holds a wrong value."""


@dataclass(frozen=True)
class ListSpec:
    """One list: where its file is, its edition, and which columns hold what."""

    key: str
    title: str
    file: str
    edition: str
    dated: bool
    name: str
    aliases: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    date_from: tuple[str, ...] = ()  # the first non-empty of these columns
    date_to: str | None = None
    id_column: str | None = None
    details: tuple[str, ...] = ()
    optional: bool = False

    def path(self, folder: Path | None = None) -> Path:
        """Return the list file (in `folder`, default the reference folder's `screening/`)."""
        return Path(folder or reference_dir() / "screening") / self.file


@dataclass(frozen=True)
class ScreeningConfig:
    """Everything `data/screening.toml` sets."""

    candidate_score: float
    distinctive_score: float
    country_mismatch_penalty: float
    min_name_length: int
    legal_forms: frozenset[str]
    abbreviations: dict[str, str]
    common_words: frozenset[str]
    lists: dict[str, ListSpec] = field(default_factory=dict)
    confirmed_match_category: str | None = None


def _list_spec(key: str, raw: dict) -> ListSpec:
    try:
        return ListSpec(
            key=key,
            title=str(raw["title"]),
            file=str(raw["file"]),
            edition=str(raw["edition"]),
            dated=bool(raw["dated"]),
            name=str(raw["name"]),
            aliases=tuple(raw.get("aliases", ())),
            country=tuple(raw.get("country", ())),
            date_from=(raw["from"],)
            if isinstance(raw.get("from"), str)
            else tuple(raw.get("from", ())),
            date_to=raw.get("to"),
            id_column=raw.get("id"),
            details=tuple(raw.get("details", ())),
            optional=bool(raw.get("optional", False)),
        )
    except KeyError as exc:
        raise ScreeningConfigError(f"[lists.{key}]: key {exc} is missing") from exc


def parse(text: str, source: str = "screening.toml") -> ScreeningConfig:
    """Return the settings in TOML `text`; raise `ScreeningConfigError` naming what is wrong."""
    try:
        data = tomllib.loads(text)
        m = data["matching"]
        names = data["names"]
        cfg = ScreeningConfig(
            candidate_score=float(m["candidate_score"]),
            distinctive_score=float(m["distinctive_score"]),
            country_mismatch_penalty=float(m["country_mismatch_penalty"]),
            min_name_length=int(m["min_name_length"]),
            legal_forms=frozenset(names["legal_forms"]),
            abbreviations=dict(names.get("abbreviations", {})),
            common_words=frozenset(data["common_words"]["words"]),
            lists={k: _list_spec(k, v) for k, v in data.get("lists", {}).items()},
            confirmed_match_category=data.get("risk", {}).get("confirmed_match_category"),
        )
    except tomllib.TOMLDecodeError as exc:
        raise ScreeningConfigError(f"{source} is not valid TOML: {exc}") from exc
    except KeyError as exc:
        raise ScreeningConfigError(f"{source}: key {exc} is missing") from exc
    if not 0 < cfg.candidate_score <= 100 or not 0 < cfg.distinctive_score <= 100:
        raise ScreeningConfigError(f"{source}: scores must lie in (0, 100]")
    return cfg


@functools.cache
def _load(path: Path, mtime: float) -> ScreeningConfig:
    return parse(path.read_text(encoding="utf-8"), source=str(path))


def load(path: Path | None = None) -> ScreeningConfig:
    """Return the screening settings (default `data/screening.toml`), re-read when it changes."""
    path = Path(path or CONFIG_PATH)
    return _load(path, path.stat().st_mtime)
