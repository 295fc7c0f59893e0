"""Supplier names against list entries with rapidfuzz: scores, thresholds from the config.

A supplier and a list entry are a candidate when, for some name of the entry (its name, the
name without bracketed parts, each part of "A / B", each alias):

- the score, the larger of rapidfuzz `ratio` on the normalised names with words sorted
  (word order ignored: token-sort ratio) and on the names with spaces removed ("Zhong Tai"
  and "Zhongtai"), less `country_mismatch_penalty` when both give countries and they differ,
  reaches `candidate_score`;
- the distinctive words (the name without common words) of both are not empty and their
  token-sort ratio reaches `distinctive_score`, so a common word alone never matches;
- for a dated list (debarments), some award date of the supplier lies inside the entry's
  period, ends included.

>>> from transparency.screening.config import load
>>> score_pair("Hoshine Silicon Industry Co., Ltd.", "HOSHINE SILICON IND CO LTD", load())
100.0
>>> score_pair("Global Trading LLC", "Global Trading Ltd", load())
0.0
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from transparency.screening import names
from transparency.screening.config import ScreeningConfig

# Blocking: a supplier name is scored only against list names that share the first
# PREFIX letters of a distinctive word (a typo in a word's first letters is missed).
PREFIX = 3

MATCH_COLUMNS: dict[str, pl.DataType] = {
    "supplier_key": pl.String(),
    "entry_id": pl.String(),
    "score": pl.Float64(),
    "matched_name": pl.String(),  # the entry's name or alias that scored best
}


def _forms(normalised: str) -> tuple[str, str]:
    return names.sort_tokens(normalised), normalised.replace(" ", "")


def _pair_score(a: str, b: str, cfg: ScreeningConfig) -> float:
    """Return the score of two normalised names before the country rule (0 when refused)."""
    da, db = names.distinctive(a, cfg), names.distinctive(b, cfg)
    if not da or not db:
        return 0.0
    flat = fuzz.ratio(da.replace(" ", ""), db.replace(" ", ""))
    if max(fuzz.token_sort_ratio(da, db), flat) < cfg.distinctive_score:
        return 0.0
    sa, na = _forms(a)
    sb, nb = _forms(b)
    return max(fuzz.ratio(sa, sb), fuzz.ratio(na, nb))


def score_pair(a: str, b: str, cfg: ScreeningConfig) -> float:
    """Return the score of two names as written (no countries)."""
    return round(_pair_score(names.normalise(a, cfg), names.normalise(b, cfg), cfg), 1)


def entry_names(entries: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Return one row per (entry, distinct normalised name): `row`, `name`, `normalised`."""
    out_row, out_name, out_norm = [], [], []
    for i, (name, aliases) in enumerate(entries.select("entry_name", "aliases").iter_rows()):
        seen: set[str] = set()
        variants = [name, names.without_brackets(name), *name.split(" / "), *(aliases or [])]
        for variant in variants:
            norm = names.normalise(variant, cfg)
            if len(norm.replace(" ", "")) < cfg.min_name_length or norm in seen:
                continue
            seen.add(norm)
            out_row.append(i)
            out_name.append(variant)
            out_norm.append(norm)
    return pl.DataFrame({"row": out_row, "name": out_name, "normalised": out_norm})


def _keys(normalised: list[str], cfg: ScreeningConfig) -> pl.DataFrame:
    """Return (index, block key) for every distinctive word's prefix of each name."""
    idx, keys = [], []
    for i, norm in enumerate(normalised):
        for key in {w[:PREFIX] for w in names.distinctive(norm, cfg).split()}:
            idx.append(i)
            keys.append(key)
    return pl.DataFrame({"i": idx, "key": keys}, schema={"i": pl.Int64, "key": pl.String})


def _blocked_hits(
    distinct: list[str],
    l_norm: list[str],
    l_sorted: list[str],
    l_flat: list[str],
    cfg: ScreeningConfig,
) -> np.ndarray:
    """Return (supplier name index, list name index) pairs whose score reaches the cutoff."""
    pairs = (
        _keys(distinct, cfg)
        .join(_keys(l_norm, cfg).rename({"i": "j"}), on="key")
        .select("i", "j")
        .unique()
    )
    if pairs.height == 0:
        return np.empty((0, 2), dtype=np.int64)
    i = pairs["i"].to_numpy()
    j = pairs["j"].to_numpy()
    s_forms = [_forms(n) for n in distinct]
    kwargs = {"scorer": fuzz.ratio, "score_cutoff": cfg.candidate_score, "workers": -1}
    by_sorted = process.cpdist(
        [s_forms[k][0] for k in i], [l_sorted[k] for k in j], dtype=np.uint8, **kwargs
    )
    by_flat = process.cpdist(
        [s_forms[k][1] for k in i], [l_flat[k] for k in j], dtype=np.uint8, **kwargs
    )
    keep = np.maximum(by_sorted, by_flat) > 0
    return np.stack([i[keep], j[keep]], axis=1)


def _in_force(dates: list[date] | None, start: date | None, end: date | None) -> bool:
    return any((start is None or d >= start) and (end is None or d <= end) for d in (dates or ()))


def match(suppliers: pl.DataFrame, entries: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
    """Return the candidate pairs (`MATCH_COLUMNS`), best name per pair.

    `suppliers` has `supplier_key`, `supplier_name`, `supplier_country` (ISO alpha-3 or null)
    and `award_dates` (list of dates); `entries` is `lists.load_entries()`.
    """
    if suppliers.height == 0 or entries.height == 0:
        return pl.DataFrame(schema=MATCH_COLUMNS)
    listed = entry_names(entries, cfg)
    l_norm = listed["normalised"].to_list()
    l_sorted = [_forms(n)[0] for n in l_norm]
    l_flat = [_forms(n)[1] for n in l_norm]
    # Distinct normalised supplier names: the same spelling is compared once.
    sup = suppliers.with_columns(
        pl.col("supplier_name")
        .map_elements(lambda n: names.normalise(n, cfg), return_dtype=pl.String)
        .alias("normalised")
    )
    distinct = (
        sup.filter(
            pl.col("normalised").str.replace_all(" ", "").str.len_chars() >= cfg.min_name_length
        )["normalised"]
        .unique()
        .sort()
        .to_list()
    )
    hits = _blocked_hits(distinct, l_norm, l_sorted, l_flat, cfg)
    pairs = [(distinct[i], j, 0.0) for i, j in hits]
    return _confirm(sup, entries, listed, pairs, cfg)


def _confirm(
    sup: pl.DataFrame,
    entries: pl.DataFrame,
    listed: pl.DataFrame,
    pairs: list[tuple[str, int, float]],
    cfg: ScreeningConfig,
) -> pl.DataFrame:
    """Apply the exact score, the distinctive words, the country and the dates to each hit."""
    by_norm: dict[str, list[dict]] = {}
    for row in sup.select(
        "supplier_key", "supplier_country", "award_dates", "normalised"
    ).iter_rows(named=True):
        by_norm.setdefault(row["normalised"], []).append(row)
    e_rows = entries.select("entry_id", "countries", "date_from", "date_to", "dated").rows(
        named=True
    )
    l_rows = listed.rows(named=True)
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for norm, j, _ in pairs:
        lrow = l_rows[j]
        base = _pair_score(norm, lrow["normalised"], cfg)
        if base < cfg.candidate_score:
            continue
        entry = e_rows[lrow["row"]]
        for s in by_norm[norm]:
            score = base
            if s["supplier_country"] and entry["countries"]:
                if s["supplier_country"] not in entry["countries"]:
                    score -= cfg.country_mismatch_penalty
            if score < cfg.candidate_score:
                continue
            if entry["dated"] and not _in_force(
                s["award_dates"], entry["date_from"], entry["date_to"]
            ):
                continue
            key = (s["supplier_key"], entry["entry_id"])
            if key not in best or score > best[key][0]:
                best[key] = (score, lrow["name"])
    rows = [
        {"supplier_key": k[0], "entry_id": k[1], "score": round(v[0], 1), "matched_name": v[1]}
        for k, v in sorted(best.items())
    ]
    return pl.DataFrame(rows, schema=MATCH_COLUMNS)
