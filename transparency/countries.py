"""Countries: ISO 3166 codes, UN M49 regions, and matching of free-text country names.

The reference table `data/reference/countries.csv` is derived from the datahub
"country-codes" dataset (see `data/reference/SOURCES.md`); `build_reference` rebuilds it.

>>> to_iso3(pl.Series(["Viet Nam", "côte d'ivoire", "UK", "DE", "Atlantis"])).to_list()
['VNM', 'CIV', 'GBR', 'DEU', None]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import polars as pl

from transparency.settings import REFERENCE_DIR

COUNTRIES_CSV = REFERENCE_DIR / "countries.csv"

# Source columns whose values are names of the country (English, French, Spanish).
_NAME_COLUMNS = (
    "official_name_en",
    "official_name_fr",
    "official_name_es",
    "UNTERM English Short",
    "UNTERM English Formal",
    "UNTERM French Short",
    "UNTERM French Formal",
    "UNTERM Spanish Short",
    "UNTERM Spanish Formal",
    "CLDR display name",
)

# Display names where the CLDR short form is too terse or carries a city suffix.
_DISPLAY = {
    "GBR": "United Kingdom",
    "USA": "United States",
    "COG": "Congo",
    "COD": "Congo (Democratic Republic)",
    "MMR": "Myanmar",
    "HKG": "Hong Kong",
    "MAC": "Macao",
    "PSE": "Palestine",
}

# Common names found in exports that none of the source columns spell this way.
ALIASES: dict[str, str] = {
    "usa": "USA",
    "u s a": "USA",
    "u s": "USA",
    "united states": "USA",
    "america": "USA",
    "etats unis": "USA",
    "estados unidos": "USA",
    "royaume uni": "GBR",
    "reino unido": "GBR",
    "uk": "GBR",
    "u k": "GBR",
    "united kingdom": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "korea republic of": "KOR",
    "korea south": "KOR",
    "south korea": "KOR",
    "korea rep": "KOR",
    "republic of korea": "KOR",
    "korea": "KOR",
    "north korea": "PRK",
    "korea dpr": "PRK",
    "dprk": "PRK",
    "korea democratic people s republic of": "PRK",
    "cote d ivoire": "CIV",
    "cote divoire": "CIV",
    "ivory coast": "CIV",
    "turkey": "TUR",
    "turkiye": "TUR",
    "russia": "RUS",
    "russian federation": "RUS",
    "iran": "IRN",
    "syria": "SYR",
    "laos": "LAO",
    "lao pdr": "LAO",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "moldova": "MDA",
    "czech republic": "CZE",
    "macedonia": "MKD",
    "swaziland": "SWZ",
    "burma": "MMR",
    "cape verde": "CPV",
    "holland": "NLD",
    "drc": "COD",
    "dr congo": "COD",
    "d r congo": "COD",
    "congo kinshasa": "COD",
    "congo dem rep": "COD",
    "congo democratic republic": "COD",
    "congo democratic republic of the": "COD",
    "democratic republic of congo": "COD",
    "congo brazzaville": "COG",
    "republic of the congo": "COG",
    "congo rep": "COG",
    "congo republic of the": "COG",
    "palestine": "PSE",
    "east timor": "TLS",
    "uae": "ARE",
    "u a e": "ARE",
    "brunei": "BRN",
    "micronesia": "FSM",
    "vatican": "VAT",
    "gambia": "GMB",
    "the gambia": "GMB",
    "bahamas": "BHS",
    "the bahamas": "BHS",
    "kyrgyzstan": "KGZ",
    "slovakia": "SVK",
    # "China, Hong Kong SAR" and "China, Macao SAR" make the bare head ambiguous otherwise.
    "china": "CHN",
    "taiwan": "TWN",
    "hong kong": "HKG",
    "macau": "MAC",
    "macao": "MAC",
    "kosovo": "XKX",
}

# Two-letter codes that mean something else far more often than the country.
_AMBIGUOUS_CODES = {"NA"}  # "not available" in most exports; Namibia is matched by name


def normalise_name(value: str) -> str:
    """Return the matching key of a country name: lower case, no accents or punctuation.

    >>> normalise_name("Côte d’Ivoire (la)")
    'cote d ivoire'
    """
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    # UNTERM short names carry the article in brackets: "Congo (le)", "Estados Unidos (los)".
    text = re.sub(r"\((the|l'|l’|le|la|les|el|los|las)\)", " ", text)
    text = text.replace("*", " ")
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _variants(name: str) -> set[str]:
    """Return the keys a name should match: itself, without brackets, comma-inverted."""
    out = {normalise_name(name)}
    bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if bare:
        out.add(normalise_name(bare))
    if "," in name:
        head, _, tail = name.partition(",")
        out.add(normalise_name(f"{tail} {head}"))
        out.add(normalise_name(head))
    bracket = re.search(r"^(.*?)\s*\(([^)]*)\)\s*$", name)
    if bracket:
        out.add(normalise_name(f"{bracket.group(2)} {bracket.group(1)}"))
    return {key for key in out if key}


def build_reference(source_csv: Path, dest_csv: Path = COUNTRIES_CSV) -> pl.DataFrame:
    """Derive `countries.csv` from the datahub `country-codes.csv`; return the frame written."""
    src = pl.read_csv(source_csv, infer_schema_length=0)
    rows = []
    for rec in src.iter_rows(named=True):
        iso3 = rec["ISO3166-1-Alpha-3"]
        names = sorted({rec[c].strip() for c in _NAME_COLUMNS if rec.get(c) and rec[c].strip()})
        rows.append(
            {
                "iso3": iso3,
                "iso2": rec["ISO3166-1-Alpha-2"],
                "m49": rec["M49"].zfill(3),
                "name": _DISPLAY.get(iso3) or rec["CLDR display name"] or rec["official_name_en"],
                "region": rec["Region Name"],
                "subregion": rec["Sub-region Name"],
                "currency": rec["ISO4217-currency_alphabetic_code"],
                "names": "|".join(names),
                "keys": "|".join(sorted({k for n in names for k in _variants(n)})),
            }
        )
    # Kosovo has no ISO code; exports and the TIP report use the user-assigned XKX.
    rows.append(
        {
            "iso3": "XKX",
            "iso2": "XK",
            "m49": "412",
            "name": "Kosovo",
            "region": "Europe",
            "subregion": "Southern Europe",
            "currency": "EUR",
            "names": "Kosovo",
            "keys": "kosovo",
        }
    )
    frame = pl.DataFrame(rows).sort("iso3")
    frame.write_csv(dest_csv)
    return frame


@functools.cache
def _reference() -> pl.DataFrame:
    # Read as text: "NA" is Namibia's alpha-2 code, not a missing value.
    return pl.read_csv(COUNTRIES_CSV, infer_schema_length=0, null_values=[""])


def countries() -> pl.DataFrame:
    """Return one row per country: iso3, iso2, name, region, subregion (UN M49)."""
    return _reference().select("iso3", "iso2", "name", "region", "subregion")


@functools.cache
def lookup() -> dict[str, str]:
    """Return the matching table: normalised name or code -> ISO alpha-3.

    A key that two countries share (for example "congo" from both Congos' names)
    is left out rather than guessed, unless an alias fixes it.
    """
    seen: dict[str, set[str]] = {}
    # The matching keys of every name are precomputed in the CSV (`keys`), which keeps
    # the first lookup in a process fast.
    for iso3, keys in _reference().select("iso3", "keys").iter_rows():
        for key in (keys or "").split("|"):
            if key:
                seen.setdefault(key, set()).add(iso3)
    table = {key: next(iter(codes)) for key, codes in seen.items() if len(codes) == 1}
    table.update(ALIASES)
    return table


@functools.cache
def _codes() -> dict[str, str]:
    ref = _reference()
    table = {iso3: iso3 for iso3 in ref.get_column("iso3")}
    for iso2, iso3 in ref.select("iso2", "iso3").iter_rows():
        if iso2 and iso2 not in _AMBIGUOUS_CODES:
            table[iso2] = iso3
    return table


def match(value: str | None) -> str | None:
    """Return the ISO alpha-3 code for one name or code, or None when unrecognised.

    >>> match("Korea, Republic of"), match("usa"), match("Bolivie"), match("NA")
    ('KOR', 'USA', 'BOL', None)
    """
    if value is None:
        return None
    raw = value.strip()
    if not raw:
        return None
    codes = _codes()
    if raw.upper() in codes and len(raw) in (2, 3) and raw.isalpha():
        # Codes match in any case except two-letter lower case ("in", "us" are words).
        if len(raw) == 3 or raw.isupper():
            return codes[raw.upper()]
    return lookup().get(normalise_name(raw))


def to_iso3(series: pl.Series) -> pl.Series:
    """Map a series of country names or ISO codes to ISO alpha-3; null where unknown.

    Only the distinct values are matched in Python, so this stays fast on large frames.
    """
    text = series.cast(pl.String)
    uniques = text.drop_nulls().unique()
    mapping = {value: match(value) for value in uniques.to_list()}
    return text.replace_strict(mapping, default=None, return_dtype=pl.String).alias(series.name)
