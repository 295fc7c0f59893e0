"""The screening lists as one table of entries, whatever each source's layout.

Each list in `data/screening.toml` becomes rows of `ENTRY_COLUMNS`: the list key and edition,
a stable entry id, the name and aliases as written, the countries (ISO alpha-3), the dates the
entry is in force (`date_to` null = open-ended), the details a reviewer needs, and a
fingerprint of the whole source row (a changed entry gets a new fingerprint, so a decision
about the old one is asked again).

>>> entries = load_entries()
>>> sorted(entries["list_key"].unique())
['ebrd', 'idb', 'un_sc', 'worldbank']
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import date
from pathlib import Path

import polars as pl

from transparency import countries
from transparency.screening.config import ListSpec, ScreeningConfig, load

ENTRY_COLUMNS: dict[str, pl.DataType] = {
    "list_key": pl.String(),
    "list_title": pl.String(),
    "edition": pl.String(),
    "entry_id": pl.String(),
    "entry_name": pl.String(),
    "aliases": pl.List(pl.String()),
    "countries": pl.List(pl.String()),
    "date_from": pl.Date(),
    "date_to": pl.Date(),
    "dated": pl.Boolean(),
    "details": pl.String(),  # JSON object: column -> value, for the side-by-side view
    "entry_fingerprint": pl.String(),
}
# Written in the lists for "no end date".
OPEN_ENDED = ("ongoing", "indefinite", "permanent", "2999-12-31", "")


class ListFileError(ValueError):
    """A list file lacks a column its layout names, or holds a bad date."""


def _date(value: str | None) -> date | None:
    if value is None or value.strip().lower() in OPEN_ENDED:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _split(value: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(";") if v.strip()]


def _countries(values: list[str | None]) -> list[str]:
    out: list[str] = []
    for value in values:
        for part in _split(value):
            code = countries.match(part)
            if code and code not in out:
                out.append(code)
    return out


def read_list(spec: ListSpec, path: Path) -> pl.DataFrame:
    """Return the entries of one list file laid out as `spec` says (re-read when it changes)."""
    stat = Path(path).stat()
    return _read_list(spec, Path(path), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _read_list(spec: ListSpec, path: Path, mtime_ns: int, size: int) -> pl.DataFrame:
    raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    wanted = {spec.name, *spec.aliases, *spec.country, *spec.details}
    wanted |= {c for c in (*spec.date_from, spec.date_to, spec.id_column) if c}
    missing = sorted(wanted - set(raw.columns))
    required = {spec.name, *spec.date_from[:1]} if spec.dated else {spec.name}
    if set(missing) & required:
        raise ListFileError(f"{path.name}: column(s) {', '.join(missing)} missing")
    rows = []
    for row in raw.iter_rows(named=True):
        name = (row.get(spec.name) or "").strip()
        if not name:
            continue
        source = json.dumps(row, sort_keys=True, ensure_ascii=False)
        fingerprint = hashlib.sha256(source.encode()).hexdigest()[:16]
        entry_id = row.get(spec.id_column) if spec.id_column else None
        aliases = [a for col in spec.aliases for a in _split(row.get(col))]
        rows.append(
            {
                "list_key": spec.key,
                "list_title": spec.title,
                "edition": spec.edition,
                "entry_id": f"{spec.key}:{entry_id or fingerprint}",
                "entry_name": name,
                "aliases": aliases,
                "countries": _countries([row.get(c) for c in spec.country]),
                "date_from": next(
                    (d for c in spec.date_from if (d := _date(row.get(c))) is not None), None
                ),
                "date_to": _date(row.get(spec.date_to)) if spec.date_to else None,
                "dated": spec.dated,
                "details": json.dumps(
                    {c: row.get(c) for c in spec.details if row.get(c)}, ensure_ascii=False
                ),
                "entry_fingerprint": fingerprint,
            }
        )
    frame = pl.DataFrame(rows, schema=ENTRY_COLUMNS)
    if spec.edition.startswith("the file's newest") and frame.height:
        newest = frame["date_from"].max()
        frame = frame.with_columns(pl.lit(str(newest) if newest else "undated").alias("edition"))
    return frame


def available(cfg: ScreeningConfig | None = None, folder: Path | None = None) -> dict[str, Path]:
    """Return list key -> file for every list whose file is present."""
    cfg = cfg or load()
    return {k: s.path(folder) for k, s in cfg.lists.items() if s.path(folder).exists()}


def load_entries(
    cfg: ScreeningConfig | None = None,
    folder: Path | None = None,
    extra: dict[str, Path] | None = None,
) -> pl.DataFrame:
    """Return every entry of every present list (`extra`: list key -> another file to use)."""
    cfg = cfg or load()
    paths = {**available(cfg, folder), **(extra or {})}
    frames = [read_list(cfg.lists[k], p) for k, p in sorted(paths.items())]
    if not frames:
        return pl.DataFrame(schema=ENTRY_COLUMNS)
    return pl.concat(frames)


def coverage(entries: pl.DataFrame, cfg: ScreeningConfig | None = None) -> pl.DataFrame:
    """Return one row per configured list: title, edition, entries, and whether it was used."""
    cfg = cfg or load()
    counts = dict(entries.group_by("list_key").len().iter_rows())
    editions = dict(entries.select("list_key", "edition").unique("list_key").iter_rows())
    rows = [
        {
            "list_key": key,
            "list_title": spec.title,
            "edition": editions.get(key, "-"),
            "entries": counts.get(key, 0),
            "screened": key in counts,
        }
        for key, spec in cfg.lists.items()
    ]
    return pl.DataFrame(rows)
