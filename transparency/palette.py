"""One palette for screens, charts, XLSX, HTML and PDF.

Each risk category's colour comes from the risk model file (`[[bands]] colour` and
`[not_assessable] colour` in `data/risk_model.toml`: the Okabe-Ito colours, which stay
apart for colour-blind readers). Everything else is a neutral named for what it is used for.

>>> category_colours()["Very high"], colour_of(None, "Very high")
('#D55E00', '#D55E00')
>>> rgb("#D55E00")
(213, 94, 0)
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import polars as pl

from transparency import settings
from transparency.risk import model as risk_model
from transparency.risk.categories import CATEGORIES

MISSING = "#999999"  # a category or series without a colour of its own
OTHER = "#9db4d3"  # the rest of a total beside a highlighted part
ACCENT = "#2e86ab"  # a chart with a single series (spend over time)
BLANK = "#f7f7f7"  # the low end of a sequential scale: no share at all
BORDER = "#cccccc"  # map and table borders
WHITE = "#ffffff"
TEXT = "#222222"
MUTED = "#666666"
RULE = "#d7dce4"  # lines between table rows
HEADER = "#ebeff4"  # table heading ground
NOTE = "#fff4d6"  # a caution (demo data, an unreconciled figure)
NOTE_EDGE = "#F0E442"  # the model's Medium: the caution's outline
OK = "#e8f5e9"  # a statement that holds (reconciled)
OK_EDGE = "#009E73"  # the model's Low: the statement's outline


def category_colours(model_path: str | Path | None = None) -> dict[str, str]:
    """Return category -> colour from the risk model (the shipped one if the set one is broken).

    A model that cannot be read is reported where the figures are shown; the colours then
    come from the shipped model, so a chart never goes blank for it.
    """
    path = Path(model_path or settings.risk_model_path())
    try:
        return _colours(path, path.stat().st_mtime_ns)
    except (OSError, risk_model.RiskModelError):
        try:
            return _colours(settings.RISK_MODEL_PATH, settings.RISK_MODEL_PATH.stat().st_mtime_ns)
        except (OSError, risk_model.RiskModelError):
            return dict.fromkeys(CATEGORIES, MISSING)


@functools.lru_cache(maxsize=8)
def _colours(path: Path, _mtime: int) -> dict[str, str]:
    return risk_model.load(path).colours()


def colour_of(colour: Any, category: str) -> str:
    """Return `colour` when it is a '#rrggbb' value, else the model's colour of `category`."""
    if isinstance(colour, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        return colour
    return category_colours().get(category, MISSING)


def frame_colours(frame: pl.DataFrame) -> list[Any]:
    """Return the `colour` column of a risk-category table, or None per row without one."""
    if "colour" in frame.columns:
        return frame.get_column("colour").to_list()
    return [None] * frame.height


def rgb(colour: str) -> tuple[int, int, int]:
    """Return a '#rrggbb' colour as its red, green and blue values."""
    text = colour.lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
