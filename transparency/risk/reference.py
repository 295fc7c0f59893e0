"""Risk reference tables (`data/reference/`): load the CSVs the risk model names and check them.

Every problem stops with `RiskModelError` naming the file, the row (1-based data row), the
column and the value. Tier files are found by the model's `reference.tip_tiers` pattern, so
a newer `tip_tiers_2026.csv` with the same columns is used as soon as it is dropped in.

>>> ref = load(model.load())                  # doctest: +SKIP
>>> ref.tip.select("report_year").max().item()  # doctest: +SKIP
2025
>>> reference_dir("elsewhere/reference").name
'reference'
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from transparency import countries as countries_mod
from transparency import settings
from transparency.risk.checks import (
    _bool_column,
    _check_in,
    _check_required,
    _date_column,
    _fail,
    _int_column,
    _read,
)
from transparency.risk.model import (
    CONFIDENCES,
    ILAB_LEVELS,
    PATTERN_KEYS,
    TIERS,
    RiskModel,
    RiskModelError,
)

TIP_COLUMNS = ("report_year", "country_name_as_published", "iso3", "tier", "source_url")
ILAB_COLUMNS = ("iso3", "country_name_as_published", "advancement_level", "findings_year")
DOL_COLUMNS = (
    "good",
    "sector",
    "iso3",
    "country_name_as_published",
    "child_labour",
    "forced_labour",
    "produced_with_inputs",
    "input_country",
    "list_edition",
)
MAP_COLUMNS = ("good", "scheme", "code", "title", "confidence", "note")
SECTOR_COLUMNS = ("scheme", "code", "risk_group", "sector", "title")
CHANGE_COLUMNS = (
    "change",
    "good",
    "iso3",
    "child_labour",
    "forced_labour",
    "produced_with_inputs",
    "input_country",
    "effective_date",
    "list_edition",
)
SCHEMES = ("UNSPSC", "CPV")
MANIFEST_COLUMNS = ("file", "list", "edition", "as_of", "source")
CONFIRMATION_COLUMNS = ("report_year", "iso3", "tier", "source_url", "source_type")
# Tiers whose presence makes a file's report year complete: a partial year lists only the
# Watch List, Tier 3 and Special Cases.
COMPLETE_TIERS = ("Tier 1", "Tier 2")


@dataclass(frozen=True)
class Reference:
    """The checked reference frames the risk model joins against."""

    folder: Path
    files: tuple[Path, ...]
    tip: pl.DataFrame  # report_year, iso3, tier, country_name_as_published, source_url, file,
    # complete (the year's table in that file lists every tier)
    tip_confirmations: pl.DataFrame  # report_year, iso3, tier, source_url, source_type, file
    ilab: pl.DataFrame  # iso3, advancement_level, ilab_level, findings_year
    dol_goods: pl.DataFrame  # good, iso3, child/forced/inputs flags, list_edition,
    # valid_from, valid_to (dates; null: open), file
    dol_map: pl.DataFrame  # good, scheme, code, title, confidence, note (+ level, broad_reason)
    sectors: pl.DataFrame  # scheme, code, risk_group, sector, title, valid_from, valid_to
    dol_label: str  # what the DOL table holds, e.g. "DOL 2022 edition with ..."
    countries: pl.DataFrame  # iso3, name, region, subregion

    def tip_years(self) -> list[int]:
        """Return the TIP report years present, ascending."""
        return sorted(self.tip.get_column("report_year").unique().to_list())

    def dol_edition(self) -> int:
        """Return the latest complete DOL list edition on file (`dol_label` says which
        published changes of a later edition are applied to it)."""
        complete = self.dol_goods.filter(~pl.col("from_changes"))
        return int(complete.get_column("list_edition").max())

    def ilab_year(self) -> int:
        """Return the ILAB findings year."""
        return int(self.ilab.get_column("findings_year").max())


def reference_dir(folder: str | Path | None = None) -> Path:
    """Return the reference folder: argument, $TRANSPARENCY_REFERENCE_DIR, or data/reference."""
    if folder is not None:
        return Path(folder)
    return settings.reference_dir()


def country_table(folder: Path | None = None) -> pl.DataFrame:
    """Return iso3, name, region, subregion for every known country (UN M49 regions)."""
    if folder is None:
        try:
            return countries_mod.countries().select("iso3", "name", "region", "subregion")
        except OSError:
            folder = settings.REFERENCE_DIR
    path = Path(folder) / "countries.csv"
    if not path.exists():
        path = settings.REFERENCE_DIR / "countries.csv"
    frame = pl.read_csv(path, infer_schema_length=0, null_values=[""])
    return frame.select("iso3", "name", "region", "subregion")


def load(model: RiskModel, folder: str | Path | None = None) -> Reference:
    """Read and check every reference file the model names."""
    folder = reference_dir(folder)
    files = model.reference_files
    countries = country_table(None if folder == settings.REFERENCE_DIR else folder)
    known = set(countries.get_column("iso3").to_list()) | set(model.extra_country_codes)
    tip_paths = sorted(folder.glob(files["tip_tiers"]))
    tip = _load_tip(folder, tip_paths, files["tip_tiers"], known, files["tip_tiers_partial"])
    confirmations = _load_confirmations(folder / files["tip_confirmations"], known)
    ilab = _load_ilab(folder / files["ilab_findings"], known)
    dol_paths = [
        folder / files["dol_goods"],
        *sorted(folder.glob(files["dol_goods_editions"])),
    ]
    change_paths = sorted(folder.glob(files["dol_goods_changes"]))
    dol, dol_label = dated_dol(dol_paths, change_paths, known)
    mapping = _load_mapping(folder / files["dol_goods_to_unspsc"])
    unmapped = dol.filter(~pl.col("good").is_in(mapping.get_column("good").to_list()))
    if unmapped.height:
        row = unmapped.row(0, named=True)
        raise _fail(
            folder / row["file"],
            row["_row"],
            "good",
            f"listed good has no mapping in {files['dol_goods_to_unspsc']}",
            row["good"],
        )
    sectors = _load_sectors(folder / files["high_risk_sectors"], model)
    used = [*tip_paths, *dol_paths[1:], *change_paths]
    used += [
        folder / files[k] for k in files if k not in PATTERN_KEYS and (folder / files[k]).exists()
    ]
    return Reference(
        folder=folder,
        files=tuple(used),
        tip=tip,
        tip_confirmations=confirmations,
        ilab=ilab.drop("_row"),
        dol_goods=dol.drop("_row"),
        dol_map=mapping.drop("_row"),
        sectors=sectors.drop("_row"),
        dol_label=dol_label,
        countries=countries,
    )


def _load_tip(
    folder: Path, paths: list[Path], pattern: str, known: set[str], partial: str
) -> pl.DataFrame:
    """Return the TIP placements of every tier file, each (year, country) given once.

    A file whose name matches `partial` holds partial years: their Watch List, Tier 3 and
    Special Cases only (a Tier 1 or Tier 2 row there is an error: it belongs in the
    confirmations file). Every other file holds complete years.
    """
    if not paths:
        raise RiskModelError(f"{folder}: no TIP tier file matches {pattern!r}")
    tip_frames = []
    for path in paths:
        frame = _read(path, TIP_COLUMNS)
        _check_required(frame, path, ("report_year", "iso3", "tier"))
        frame = _int_column(frame, path, "report_year")
        _check_in(frame, path, "iso3", known, "unknown country code (ISO 3166 alpha-3 expected)")
        _check_in(frame, path, "tier", set(TIERS), f"tier must be one of {list(TIERS)}")
        is_partial = fnmatch.fnmatch(path.name, partial)
        if is_partial:
            _check_in(
                frame,
                path,
                "tier",
                set(TIERS) - set(COMPLETE_TIERS),
                "a partial file lists the Watch List, Tier 3 and Special Cases only",
            )
        tip_frames.append(
            frame.with_columns(
                pl.lit(path.name).alias("file"), pl.lit(not is_partial).alias("complete")
            )
        )
    tip = pl.concat(tip_frames, how="diagonal_relaxed")
    # A complete table of a year replaces the partial ones of that year, so dropping in a
    # complete file needs no other change.
    complete_years = tip.filter(pl.col("complete")).get_column("report_year").unique()
    tip = tip.filter(pl.col("complete") | ~pl.col("report_year").is_in(complete_years.to_list()))
    dupes = tip.filter(pl.struct("report_year", "iso3").is_duplicated())
    if dupes.height:
        first = dupes.row(0, named=True)
        where = dupes.filter(
            (pl.col("report_year") == first["report_year"]) & (pl.col("iso3") == first["iso3"])
        )
        places = ", ".join(f"{f} row {r}" for f, r in where.select("file", "_row").iter_rows())
        raise RiskModelError(
            f"{folder}: TIP placement for iso3 {first['iso3']!r} in report year "
            f"{first['report_year']} is given twice ({places}); keep one"
        )
    cited = [c for c in ("citation", "cross_check") if c in tip.columns]
    return tip.select(*TIP_COLUMNS, *cited, "file", "complete")


def _load_confirmations(path: Path, known: set[str]) -> pl.DataFrame:
    """Return the Tier 1 / Tier 2 placements confirmed for partial years (one per country and
    year); a missing file means none."""
    schema = {c: pl.String for c in CONFIRMATION_COLUMNS} | {"report_year": pl.Int64}
    schema["file"] = pl.String
    if not path.exists():
        return pl.DataFrame(schema=schema)
    frame = _read(path, CONFIRMATION_COLUMNS)
    _check_required(frame, path, ("report_year", "iso3", "tier", "source_url"))
    frame = _int_column(frame, path, "report_year")
    _check_in(frame, path, "iso3", known, "unknown country code (ISO 3166 alpha-3 expected)")
    _check_in(frame, path, "tier", set(COMPLETE_TIERS), f"must be one of {list(COMPLETE_TIERS)}")
    clash = frame.filter(pl.col("tier").n_unique().over("report_year", "iso3") > 1)
    if clash.height:
        row = clash.row(0, named=True)
        raise _fail(path, row["_row"], "tier", "two different tiers for one country", row["tier"])
    return (
        frame.sort("_row")
        .unique(["report_year", "iso3"], keep="first", maintain_order=True)
        .select(*CONFIRMATION_COLUMNS, pl.lit(path.name).alias("file"))
    )


def _load_ilab(path: Path, known: set[str]) -> pl.DataFrame:
    """Return the ILAB findings with `ilab_level`, the advancement level's leading words."""
    ilab = _read(path, ILAB_COLUMNS)
    _check_required(ilab, path, ("iso3", "advancement_level", "findings_year"))
    ilab = _int_column(ilab, path, "findings_year")
    _check_in(ilab, path, "iso3", known, "unknown country code (ISO 3166 alpha-3 expected)")
    level = pl.lit(None, dtype=pl.String)
    for name in reversed(ILAB_LEVELS):
        level = (
            pl.when(pl.col("advancement_level").str.starts_with(name))
            .then(pl.lit(name))
            .otherwise(level)
        )
    ilab = ilab.with_columns(level.alias("ilab_level"))
    bad = ilab.filter(pl.col("ilab_level").is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise _fail(
            path,
            row["_row"],
            "advancement_level",
            f"must start with one of {list(ILAB_LEVELS)}",
            row["advancement_level"],
        )
    dupes = ilab.filter(pl.col("iso3").is_duplicated())
    if dupes.height:
        row = dupes.row(0, named=True)
        raise _fail(path, row["_row"], "iso3", "country listed twice", row["iso3"])
    return ilab


def _load_dol(path: Path, known: set[str]) -> pl.DataFrame:
    """Return the DOL list of goods with true/false flags and NFC-normalised names."""
    dol = _read(path, DOL_COLUMNS)
    _check_required(dol, path, ("good", "iso3", "list_edition"))
    _check_in(dol, path, "iso3", known, "unknown country code (ISO 3166 alpha-3 expected)")
    for column in ("child_labour", "forced_labour", "produced_with_inputs"):
        dol = _bool_column(dol, path, column)
    dol = _int_column(dol, path, "list_edition")
    return dol.with_columns(pl.col("good").str.normalize("NFC"))


def _load_mapping(path: Path) -> pl.DataFrame:
    """Return the reviewed mapping of listed goods to category codes (UNSPSC or CPV prefixes)."""
    mapping = _read(path, MAP_COLUMNS)
    _check_required(mapping, path, ("good", "scheme", "code", "confidence"))
    mapping = mapping.with_columns(pl.col("good").str.normalize("NFC"))
    _check_in(mapping, path, "confidence", set(CONFIDENCES), f"must be one of {list(CONFIDENCES)}")
    _check_codes(mapping, path)
    return mapping


def _check_codes(frame: pl.DataFrame, path: Path) -> None:
    """Raise unless every row's scheme is UNSPSC or CPV and its code a prefix of that scheme:
    UNSPSC 2, 4, 6 or 8 digits; CPV 2 to 8 digits."""
    _check_in(frame, path, "scheme", set(SCHEMES), "must be UNSPSC or CPV")
    pattern = (
        pl.when(pl.col("scheme") == "UNSPSC")
        .then(pl.col("code").str.contains(r"^[0-9]{2}([0-9]{2}){0,3}$"))
        .otherwise(pl.col("code").str.contains(r"^[0-9]{2,8}$"))
    )
    bad = frame.filter(~pattern.fill_null(False))
    if bad.height:
        row = bad.row(0, named=True)
        raise _fail(
            path,
            row["_row"],
            "code",
            "must be a code prefix: UNSPSC 2, 4, 6 or 8 digits, CPV 2 to 8 digits",
            row["code"],
        )


def _load_sectors(path: Path, model: RiskModel) -> pl.DataFrame:
    """Return the high-risk sector list with its dates; each group must have a score."""
    sectors = _read(path, SECTOR_COLUMNS)
    _check_required(sectors, path, ("scheme", "code", "risk_group"))
    _check_codes(sectors, path)
    _check_in(
        sectors,
        path,
        "risk_group",
        set(model.sector_groups) - {"dol_listed_good"},
        "risk group has no score in the risk model's [sector.groups]",
    )
    for column in ("valid_from", "valid_to"):
        sectors = _date_column(sectors, path, column)
    return sectors


def dated_dol(
    paths: list[Path], change_paths: list[Path], known: set[str]
) -> tuple[pl.DataFrame, str]:
    """Return the DOL list with each row's valid_from / valid_to, and a label of what it holds.

    `paths`: the base edition file, then any complete newer editions (each with an
    `edition_date`): an edition's rows count from its date until the next edition's. Change
    files (published removals and additions of an edition not on file complete) apply from
    their `effective_date`.
    """
    editions = []
    for path in paths:
        frame = _load_dol(path, known)
        frame = _date_column(frame, path, "edition_date")
        editions.append(
            frame.with_columns(pl.lit(path.name).alias("file"), pl.lit(False).alias("from_changes"))
        )
    editions.sort(key=lambda f: int(f.get_column("list_edition").max()))
    starts = [f.get_column("edition_date").max() for f in editions]
    frames = []
    for i, frame in enumerate(editions):
        start = starts[i] if i else None
        end = starts[i + 1] if i + 1 < len(editions) else None
        frames.append(
            frame.with_columns(
                pl.lit(start, dtype=pl.Date).alias("valid_from"),
                pl.lit(end, dtype=pl.Date).alias("valid_to"),
            )
        )
    dol = pl.concat(frames, how="diagonal_relaxed")
    complete = {int(f.get_column("list_edition").max()): starts[i] for i, f in enumerate(editions)}
    notes = {edition: "" for edition in complete}
    for path in change_paths:
        changes = _load_changes(path, known)
        edition = int(changes.get_column("list_edition").max())
        if edition in complete:
            continue  # superseded by the complete edition on file
        later = [d for e, d in complete.items() if e > edition and d is not None]
        dol = _apply_changes(dol, changes, path, min(later) if later else None)
        removed = changes.filter(pl.col("change") == "removed").height
        added = changes.filter(pl.col("change") == "added").height
        day = changes.get_column("effective_date").min()
        base = max(e for e in complete if e < edition)
        notes[base] += (
            f" with the {edition} edition's published changes from {day:%d %b %Y} "
            f"({removed} pairs removed, {added} added)"
        )
    parts = [
        f"DOL {e} edition{notes[e]}" + (f" from {complete[e]:%d %b %Y}" if i else "")
        for i, e in enumerate(sorted(complete))
    ]
    return dol.drop("edition_date", strict=False), "; then ".join(parts)


def _load_changes(path: Path, known: set[str]) -> pl.DataFrame:
    """Return a DOL change file: `removed` or `added` good and country pairs, dated."""
    changes = _read(path, CHANGE_COLUMNS)
    _check_required(changes, path, ("change", "good", "iso3", "effective_date", "list_edition"))
    _check_in(changes, path, "change", {"removed", "added"}, "must be removed or added")
    _check_in(changes, path, "iso3", known, "unknown country code (ISO 3166 alpha-3 expected)")
    for column in ("child_labour", "forced_labour", "produced_with_inputs"):
        changes = _bool_column(changes, path, column)
    changes = _int_column(changes, path, "list_edition")
    changes = _date_column(changes, path, "effective_date")
    return changes.with_columns(pl.col("good").str.normalize("NFC"))


def _apply_changes(
    dol: pl.DataFrame, changes: pl.DataFrame, path: Path, until: object
) -> pl.DataFrame:
    """End the removed pairs at their effective date and add the new ones from it, until
    `until` (the date a later complete edition takes over; None: open)."""
    removed = changes.filter(pl.col("change") == "removed")
    for row in removed.iter_rows(named=True):
        day = row["effective_date"]
        hit = (
            (pl.col("good") == row["good"])
            & (pl.col("iso3") == row["iso3"])
            & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= day))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") > day))
        )
        if dol.filter(hit).height == 0:
            raise _fail(path, row["_row"], "good", "removed pair is not on the list", row["good"])
        dol = dol.with_columns(
            pl.when(hit)
            .then(pl.lit(row["effective_date"], dtype=pl.Date))
            .otherwise(pl.col("valid_to"))
            .alias("valid_to")
        )
    added = changes.filter(pl.col("change") == "added").select(
        "good",
        "iso3",
        "child_labour",
        "forced_labour",
        "produced_with_inputs",
        "input_country",
        "list_edition",
        pl.col("effective_date").alias("valid_from"),
        pl.lit(until, dtype=pl.Date).alias("valid_to"),
        pl.lit(path.name).alias("file"),
        pl.lit(True).alias("from_changes"),
    )
    return pl.concat([dol, added], how="diagonal_relaxed")


def read_manifest(path: Path) -> pl.DataFrame:
    """Return the reference manifest: one row per file with its list, edition, as-of date
    (YYYY, YYYY-MM or YYYY-MM-DD) and source."""
    frame = _read(path, MANIFEST_COLUMNS)
    _check_required(frame, path, MANIFEST_COLUMNS)
    bad = frame.filter(~pl.col("as_of").str.contains(r"^[0-9]{4}(-[0-9]{2}){0,2}$"))
    if bad.height:
        row = bad.row(0, named=True)
        raise _fail(path, row["_row"], "as_of", "must be YYYY, YYYY-MM or YYYY-MM-DD", row["as_of"])
    return frame.drop("_row")
