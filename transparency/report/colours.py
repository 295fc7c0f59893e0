"""The report's colours: one per risk category, used when the model gives none.

The charts and the PDF take each category's colour from the risk model (the `colour`
column of the risk-category table) when it is a '#rrggbb' value, else from here.

>>> category_colour("#D55E00", "Very high"), category_colour(None, "Very high")
('#D55E00', '#c0392b')
>>> rgb("#c0392b")
(192, 57, 43)
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

CATEGORY_COLOURS = {
    "Low": "#4c9a2a",
    "Medium": "#e3b505",
    "High": "#e07b00",
    "Very high": "#c0392b",
    "Not assessable": "#8c8c8c",
}


def category_colour(colour: Any, category: str) -> str:
    """Return the model's colour when it is a '#rrggbb' value, else the built-in one."""
    if isinstance(colour, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        return colour
    return CATEGORY_COLOURS.get(category, "#5b7db1")


def rgb(colour: str) -> tuple[int, int, int]:
    """Return a '#rrggbb' colour as its red, green and blue values."""
    text = colour.lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


def model_colours(frame: pl.DataFrame) -> list[Any]:
    """Return the `colour` column of a risk-category table, or None per row without one."""
    if "colour" in frame.columns:
        return frame.get_column("colour").to_list()
    return [None] * frame.height
