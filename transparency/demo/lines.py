"""One block's lines: category code (some family-only or unusable), description and value."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import polars as pl

from transparency import categories
from transparency.demo.contracts import Contracts
from transparency.demo.profile import Profile
from transparency.demo.suppliers import Suppliers

# Share of lines that carry only the 4-digit UNSPSC family, as many ERPs export.
FAMILY_ONLY_SHARE = 0.04
# Share of lines with no usable category, and the raw values they carry.
UNKNOWN_CATEGORY_SHARE = 0.01
UNKNOWN_CATEGORY_RAW = ("MISC", "N/A", "Other", "TBC", "0")


@dataclass(frozen=True)
class Lines:
    """One block's lines as arrays (one entry per line, grouped by contract)."""

    contract: np.ndarray  # index of the line's contract in the block
    line_no: np.ndarray  # 1-based within its contract
    code: np.ndarray  # index into profile.codes
    usd_cents: np.ndarray
    family_only: np.ndarray
    unknown_category: np.ndarray
    unknown_category_raw: np.ndarray


def draw_lines(
    rng: np.random.Generator, profile: Profile, sup: Suppliers, c: Contracts, n_lines: int
) -> Lines:
    """Draw each line's code from its supplier's families and its value from the sector."""
    line_contract = np.repeat(np.arange(c.count), c.sizes)
    first = np.concatenate(([0], np.cumsum(c.sizes)[:-1]))
    line_no = np.arange(n_lines) - first[line_contract] + 1
    l_sup = c.supplier[line_contract]
    slot = (rng.random(n_lines) * sup.family_k[l_sup]).astype(np.int64)
    family = sup.families[l_sup, slot]
    code = profile.code_start[family] + (rng.random(n_lines) * profile.code_count[family]).astype(
        np.int64
    )
    mu = np.array([s["mu"] for s in profile.sectors])[c.sector[line_contract]]
    sigma = np.array([s["sigma"] for s in profile.sectors])[c.sector[line_contract]]
    usd_value = np.exp(mu + sigma * rng.standard_normal(n_lines)) * c.factor[line_contract]
    usd_cents = np.clip(np.round(usd_value * 100), 500, 5_000_000_000).astype(np.int64)
    category_draw = rng.random(n_lines)
    family_only = category_draw < FAMILY_ONLY_SHARE
    unknown_category = (category_draw >= FAMILY_ONLY_SHARE) & (
        category_draw < FAMILY_ONLY_SHARE + UNKNOWN_CATEGORY_SHARE
    )
    unknown_category_raw = rng.integers(0, len(UNKNOWN_CATEGORY_RAW), size=n_lines)
    return Lines(
        contract=line_contract,
        line_no=line_no,
        code=code,
        usd_cents=usd_cents,
        family_only=family_only,
        unknown_category=unknown_category,
        unknown_category_raw=unknown_category_raw,
    )


@functools.cache
def _family_titles() -> dict[str, str]:
    return dict(categories.families().select("family_code", "family_title").iter_rows())


def line_frame(profile: Profile, drawn: Lines) -> pl.DataFrame:
    """Return the lines as columns: category code, raw category, scheme and description."""
    lines = pl.DataFrame(
        {
            "_c": drawn.contract,
            "_line": drawn.line_no,
            "_usd_cents": drawn.usd_cents,
            "_family_only": drawn.family_only,
            "_unknown_category": drawn.unknown_category,
            "_unknown_category_raw": drawn.unknown_category_raw,
        }
    )
    lines = pl.concat([lines, profile.codes[drawn.code]], how="horizontal")
    family_titles = _family_titles()
    unknown_cat = pl.col("_unknown_category")
    return lines.with_columns(
        pl.when(unknown_cat)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("_family_only"))
        .then(pl.col("family"))
        .otherwise(pl.col("code"))
        .alias("category_code"),
        pl.when(unknown_cat)
        .then(
            pl.col("_unknown_category_raw").replace_strict(
                list(range(len(UNKNOWN_CATEGORY_RAW))),
                list(UNKNOWN_CATEGORY_RAW),
                return_dtype=pl.String,
            )
        )
        .when(pl.col("_family_only"))
        .then(pl.col("family"))
        .otherwise(pl.col("code"))
        .alias("category_raw"),
        pl.when(unknown_cat)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.lit("UNSPSC"))
        .alias("category_scheme"),
        pl.when(pl.col("_family_only"))
        .then(pl.col("family").replace_strict(family_titles, default=pl.col("title")))
        .otherwise(pl.col("title"))
        .alias("description"),
    )
