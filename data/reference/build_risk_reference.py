"""Rebuild the risk reference CSVs in this folder from the public copies in ../shared/data.

Run from the repository root: ``python data/reference/build_risk_reference.py``. The output is
committed; the dashboard never runs this. Every transformation is listed in SOURCES.md.

The codes of each DOL good and of each high-risk sector (`goods_codes_spec.py`) are the
reviewed, hand-made part; this script adds each code's title from the shipped code lists and
stops if a code does not exist or is broader than allowed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" / "data"

# DOL / ILAB country names that do not match a country-codes display name.
NAME_OVERRIDES = {
    "Burma": "MMR",
    "Congo, Democratic Republic of the": "COD",
    "Congo, Republic of the": "COG",
    "Côte d'Ivoire": "CIV",
    "Kyrgyz Republic": "KGZ",
    "North Korea": "PRK",
    "Russia": "RUS",
    "Turkey (Türkiye)": "TUR",
    "Taiwan": "TWN",
    "Vietnam": "VNM",
    "Bolivia": "BOL",
    "Iran": "IRN",
    "Tanzania": "TZA",
    "Venezuela": "VEN",
    "Moldova": "MDA",
    "Kosovo": "XKX",
    "Laos": "LAO",
    "Syria": "SYR",
    "The Gambia": "GMB",
    "Falkland Islands (Islas Malvinas)": "FLK",
    "Saint Helena, Ascension, and Tristan da Cunha": "SHN",
    "West Bank and the Gaza Strip": "PSE",
    "British Virgin Islands": "VGB",
    "Cocos (Keeling) Islands": "CCK",
    "São Tomé and Príncipe": "STP",
    "Wallis and Futuna": "WLF",
    "Cabo Verde": "CPV",
    "Eswatini": "SWZ",
    "North Macedonia": "MKD",
    "Bosnia and Herzegovina": "BIH",
}

# The reviewed, hand-made part (codes per good and per sector) lives beside this script.
sys.path.insert(0, str(HERE))
from goods_codes_spec import PPN_SWITCH, SERVICES, SPEC, UFLPA  # noqa: E402

UNSPSC_LEVELS = {2: "segment", 4: "family", 6: "class", 8: "commodity"}


def country_lookup() -> dict[str, str]:
    codes = pl.read_csv(SHARED / "country_codes" / "country-codes.csv", infer_schema_length=0)
    lookup: dict[str, str] = {}
    for col in ("CLDR display name", "official_name_en", "UNTERM English Short"):
        for name, iso3 in codes.select(col, "ISO3166-1-Alpha-3").iter_rows():
            if name and iso3:
                lookup.setdefault(name.strip(), iso3)
    lookup.update(NAME_OVERRIDES)
    return lookup


def to_iso3(names: pl.Series, lookup: dict[str, str], what: str) -> pl.Series:
    missing = sorted({n for n in names.to_list() if n not in lookup})
    if missing:
        sys.exit(f"{what}: no ISO3 code for {missing}; add them to NAME_OVERRIDES")
    return names.replace_strict(lookup, return_dtype=pl.String)


def build_tip() -> None:
    hk = pl.read_csv(
        SHARED / "tip_tiers_heiss_kelley" / "tip_tiers_orig.csv",
        infer_schema_length=0,
        null_values=["NA"],
    )
    tier_names = {"Watchlist": "Tier 2 Watch List"}
    hk = (
        hk.with_columns(pl.col("tier").str.strip_chars())
        .filter(pl.col("tier").is_not_null() & (pl.col("tier") != ""))
        .select(
            pl.col("year").cast(pl.Int64).alias("report_year"),
            pl.col("countryname").alias("country_name_as_published"),
            pl.col("iso").replace({"KOS": "XKX"}).alias("iso3"),  # Kosovo as in the 2020s files
            pl.col("tier").replace(tier_names),
            pl.lit(
                "https://github.com/andrewheiss/From-the-Trenches-Anti-TIP-NGOs-and-US/blob/"
                "475c15bab196e3584d3c089234efb53e5bf1c7b7/data/tip_tiers_orig.csv"
            ).alias("source_url"),
        )
    )
    recent = pl.read_csv(
        SHARED / "tip_tiers_recent" / "tip_tiers_recent.csv", infer_schema_length=0
    )
    recent = recent.with_columns(pl.col("report_year").cast(pl.Int64))
    out = pl.concat([hk, recent]).sort("report_year", "iso3")
    cite(out).write_csv(HERE / "tip_tiers.csv")
    partial = pl.read_csv(
        SHARED / "tip_tiers_recent" / "tip_tiers_recent_partial.csv", infer_schema_length=0
    ).with_columns(pl.col("report_year").cast(pl.Int64))
    cite(partial.sort("report_year", "iso3")).write_csv(HERE / "tip_tiers_partial.csv")


# The 2021 rows rest on a secondary copy of the report's tier lists; what confirms them.
CROSS_CHECK_2021 = (
    "secondary copy (discerning-islam.org); cross-checked: the State Department's 2022 "
    "interim assessment names 45 Watch List countries in the 2021 report (45 rows here) and "
    "no upgrade from Tier 2 to Tier 1 (Tier 1 falls from 34 to 28 here)"
)


def cite(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `citation` (the primary source a public report cites: the State Department's
    report of that year) and `cross_check` (how a copy taken from a secondary page is known
    to match it). `source_url` stays the page the row was read from."""
    year = pl.col("report_year").cast(pl.String)
    hk = pl.col("source_url").str.contains("From-the-Trenches")
    return frame.with_columns(
        (
            pl.lit("US Department of State, Trafficking in Persons Report ")
            + year
            + pl.when(hk)
            .then(pl.lit(", as compiled by Heiss and Kelley (Journal of Human Trafficking, 2017)"))
            .otherwise(pl.lit(", tier placements"))
        ).alias("citation"),
        pl.when(pl.col("report_year") == 2021)
        .then(pl.lit(CROSS_CHECK_2021))
        .when(hk)
        .then(pl.lit("peer-reviewed compilation of the report's tier tables"))
        .when(pl.col("source_url").str.contains("factbook"))
        .then(pl.lit("CIA World Factbook copy of the report's Watch List and Tier 3 lists"))
        .otherwise(pl.lit("copy of the report's placement checked against its published counts"))
        .alias("cross_check"),
    )


def build_dol(lookup: dict[str, str]) -> None:
    src = SHARED / "dol_ilab_tvpra_list"
    goods = pl.read_csv(src / "tvpra_goods_by_country_latest.csv", infer_schema_length=0)
    # The source mixes composed and decomposed accents (Açaí); store NFC.
    goods = goods.with_columns(pl.col("good").str.normalize("NFC"))
    yes = {"Yes": True, "No": False}
    goods = goods.select(
        "good",
        "sector",
        to_iso3(goods["country"], lookup, "DOL goods").alias("iso3"),
        pl.col("country").alias("country_name_as_published"),
        pl.col("child_labor").replace_strict(yes, return_dtype=pl.Boolean).alias("child_labour"),
        (
            pl.col("forced_labor").replace_strict(yes, return_dtype=pl.Boolean)
            | pl.col("forced_child_labor").replace_strict(yes, return_dtype=pl.Boolean)
        ).alias("forced_labour"),
        pl.col("derived_labor_exploitation")
        .replace_strict(yes, return_dtype=pl.Boolean)
        .alias("produced_with_inputs"),
        pl.when(pl.col("derived_country") == "No")
        .then(None)
        .otherwise(pl.col("derived_country"))
        .alias("input_country"),
        pl.lit(2022).alias("list_edition"),
    ).sort("good", "iso3")
    goods.write_csv(HERE / "dol_goods.csv")
    changes = build_dol_changes()
    listed = set(goods["good"]) | set(changes.filter(pl.col("change") == "added")["good"])
    unmapped, extra = sorted(listed - set(SPEC)), sorted(set(SPEC) - listed)
    if unmapped or extra:
        sys.exit(f"SPEC out of step with the DOL list: unmapped {unmapped}, unknown {extra}")
    rows = []
    for good, targets in sorted(SPEC.items()):
        for scheme, code, confidence, note, why in targets:
            level = code_level(scheme, code)
            if level in ("segment", "division") or (level == "family" and not why):
                sys.exit(f"{good}: {scheme} {code} is a whole {level}; narrow it or give a reason")
            rows.append((good, scheme, code, level, title(scheme, code), confidence, note, why))
    pl.DataFrame(
        rows,
        schema=["good", "scheme", "code", "level", "title", "confidence", "note", "broad_reason"],
        orient="row",
    ).write_csv(HERE / "dol_goods_to_codes.csv")

    profiles = pl.read_csv(src / "ilab_country_profiles_latest.csv", infer_schema_length=0)
    profiles.select(
        to_iso3(profiles["country"], lookup, "ILAB profiles").alias("iso3"),
        pl.col("country").alias("country_name_as_published"),
        pl.col("advancement_level").fill_null("No Assessment"),
        pl.lit(2022).alias("findings_year"),
        pl.col("n_goods_forced_labor").cast(pl.Int64),
        pl.col("n_goods_child_labor").cast(pl.Int64),
        "webpage",
    ).sort("iso3").write_csv(HERE / "ilab_country_findings.csv")


def build_sectors() -> None:
    rows = []
    for scheme, code, sector, why in SERVICES:
        for group, start, end in (
            ("ppn_0223_service", None, PPN_SWITCH),
            ("ppn_009_service", PPN_SWITCH, None),
        ):
            rows.append(
                (
                    scheme,
                    code,
                    code_level(scheme, code),
                    title(scheme, code),
                    group,
                    sector,
                    start,
                    end,
                    why,
                )
            )
    for scheme, code, sector, start, why in UFLPA:
        rows.append(
            (
                scheme,
                code,
                code_level(scheme, code),
                title(scheme, code),
                "uflpa_priority",
                sector,
                start,
                None,
                why,
            )
        )
    pl.DataFrame(
        rows,
        schema=[
            "scheme",
            "code",
            "level",
            "title",
            "risk_group",
            "sector",
            "valid_from",
            "valid_to",
            "broad_reason",
        ],
        orient="row",
    ).write_csv(HERE / "high_risk_sectors.csv")


def build_dol_changes() -> pl.DataFrame:
    """Write the 2024 edition's published changes (removals and documented additions)."""
    src = pl.read_csv(
        SHARED / "dol_tvpra_2024" / "tvpra_2024_documented_changes.csv", infer_schema_length=0
    )
    removed = src.filter(pl.col("change") == "removed").select(
        "change",
        pl.col("good").replace({"Fluorspar": "Fluorspar (mineral)"}),
        "iso3",
        pl.lit(False).alias("child_labour"),
        pl.lit(False).alias("forced_labour"),
        pl.lit(False).alias("produced_with_inputs"),
        pl.lit(None, pl.String).alias("input_country"),
        pl.lit("2024-09-05").alias("effective_date"),
        pl.lit(2024).alias("list_edition"),
        "source_url",
        pl.lit("removed by the 2024 edition (child labour reduced to isolated incidents)").alias(
            "note"
        ),
    )
    thompson = src.get_column("source_url").first()
    added = pl.DataFrame(
        [
            (
                "added",
                "Cotton Textiles",
                "CHN",
                False,
                False,
                True,
                "China",
                thompson,
                "2024 edition: downstream good made with inputs (cotton) produced with "
                "forced labour",
            ),
            (
                "added",
                "Cotton Textiles",
                "VNM",
                False,
                False,
                True,
                None,
                thompson,
                "2024 edition: downstream good made with inputs produced with forced "
                "labour; input country not stated",
            ),
            (
                "added",
                "Jujubes",
                "CHN",
                False,
                False,
                False,
                None,
                thompson,
                "2024 edition new good; country from the UFLPA sources; labour type not "
                "stated, so no listed pair is scored",
            ),
        ],
        schema=[
            "change",
            "good",
            "iso3",
            "child_labour",
            "forced_labour",
            "produced_with_inputs",
            "input_country",
            "source_url",
            "note",
        ],
        orient="row",
    ).with_columns(pl.lit("2024-09-05").alias("effective_date"), pl.lit(2024).alias("list_edition"))
    out = pl.concat([removed, added.select(removed.columns)])
    out.write_csv(HERE / "dol_goods_changes_2024.csv")
    return out


def build_code_lists() -> None:
    """Write the UNSPSC v7.0901 and CPV 2008 code lists the reference tables are checked against."""
    unspsc = pl.read_csv(
        SHARED / "unspsc_v7_openacs" / "unspsc_v7_0901_en.csv", infer_schema_length=0
    )
    unspsc.select("code", "level", "title").write_csv(HERE / "unspsc_codes.csv")
    cpv = pl.read_csv(SHARED / "cpv_2008" / "cpv_2008_en.csv", infer_schema_length=0)
    cpv.select(
        pl.col("code8").alias("code"), "level", pl.col("description").alias("title")
    ).write_csv(HERE / "cpv_codes.csv")


_TITLES: dict[tuple[str, str], tuple[str, str]] = {}


def _titles() -> dict[tuple[str, str], tuple[str, str]]:
    if not _TITLES:
        for scheme, name in (("UNSPSC", "unspsc_codes.csv"), ("CPV", "cpv_codes.csv")):
            for code, level, text in pl.read_csv(HERE / name, infer_schema_length=0).iter_rows():
                _TITLES[(scheme, code)] = (level, text)
    return _TITLES


def code_level(scheme: str, code: str) -> str:
    """Return the level of a significant-prefix code, checking it exists."""
    if (scheme, code.ljust(8, "0")) not in _titles():
        sys.exit(f"{scheme} code {code} is not in the shipped code list")
    if scheme == "UNSPSC":
        return UNSPSC_LEVELS[len(code)]
    return _titles()[(scheme, code.ljust(8, "0"))][0]


def title(scheme: str, code: str) -> str:
    return _titles()[(scheme, code.ljust(8, "0"))][1]


# One row per reference file: what list it holds, which edition, as of which date (ISO date,
# or year / year-month where the source gives no day), and the source to cite.
MANIFEST = [
    (
        "tip_tiers.csv",
        "US State Dept TIP report tier placements, complete years",
        "reports 2001-2015 (Heiss & Kelley compilation), 2020, 2021, 2023",
        "2023-06-15",
        "US Department of State, Trafficking in Persons Report (2001-2023); Heiss & Kelley, "
        "Journal of Human Trafficking 2017 (2001-2015)",
    ),
    (
        "tip_tiers_partial.csv",
        "US State Dept TIP report Watch List, Tier 3 and Special Cases",
        "reports 2022, 2024, 2025 (those lists only)",
        "2025-09-29",
        "US Department of State, Trafficking in Persons Report 2022, 2024, 2025, as listed in "
        "the CIA World Factbook",
    ),
    (
        "tip_tier_confirmations.csv",
        "Tier 1 / Tier 2 placements confirmed for partial years",
        "reports 2022, 2024",
        "2024-06-25",
        "statements on the TIP Report by Yonhap, KBS, Thai News Agency, New Straits Times, "
        "US Embassy Cairo, The Star, IAWJ (one URL per row)",
    ),
    (
        "tip_tier_counts_reported.csv",
        "published TIP tier counts (checks only)",
        "reports 2018-2024",
        "2024-06-24",
        "State Department interim assessments, CRS R44953, press (one URL per row)",
    ),
    (
        "ilab_country_findings.csv",
        "US DOL ILAB Findings on the Worst Forms of Child Labor",
        "2022 findings",
        "2023-08-23",
        "U.S. Department of Labor, Bureau of International Labor Affairs, 2022 Findings",
    ),
    (
        "dol_goods.csv",
        "US DOL List of Goods Produced by Child Labor or Forced Labor",
        "2022 edition",
        "2022-09-28",
        "U.S. Department of Labor, ILAB, List of Goods (2022)",
    ),
    (
        "dol_goods_changes_2024.csv",
        "published changes of the DOL list's 2024 edition",
        "2024 edition: 4 removals, 3 documented additions",
        "2024-09-05",
        "U.S. Department of Labor, ILAB, List of Goods (2024), as summarised by Thompson Hine",
    ),
    (
        "dol_goods_to_codes.csv",
        "reviewed mapping of DOL goods to UNSPSC / CPV codes",
        "reviewed 2026-12 against UNSPSC v7.0901 and CPV 2008",
        "2026-12-03",
        "this project",
    ),
    (
        "high_risk_sectors.csv",
        "UK PPN 02/23 and PPN 009 services; UFLPA high-priority sectors",
        "PPN 02/23 (2023), PPN 009 (17 Feb 2025); UFLPA strategy 2022, 2024 and 2025 updates",
        "2025-08-19",
        "UK Cabinet Office PPN 02/23 and PPN 009; US DHS / FLETF UFLPA Strategy and updates",
    ),
    (
        "unspsc_codes.csv",
        "UNSPSC code list",
        "v7.0901",
        "2005",
        "UNSPSC (UNDP / GS1 US), as packaged by OpenACS ref-unspsc",
    ),
    (
        "unspsc_segments_families.csv",
        "UNSPSC segments and families",
        "v7.0901",
        "2005",
        "UNSPSC (UNDP / GS1 US), as packaged by OpenACS ref-unspsc",
    ),
    (
        "cpv_codes.csv",
        "Common Procurement Vocabulary",
        "CPV 2008",
        "2008-03-15",
        "Commission Regulation (EC) No 213/2008",
    ),
    (
        "cpv_to_unspsc_segment.csv",
        "CPV to UNSPSC segment table",
        "CPV 2008 / UNSPSC v7.0901",
        "2008-03-15",
        "this project",
    ),
    (
        "countries.csv",
        "country codes and names",
        "datahub country-codes",
        "2026-05-15",
        "ISO 3166, UN M49, UNTERM, CLDR via datahub.io",
    ),
    (
        "fx_rates_monthly.csv",
        "monthly exchange rates",
        "FRB H.10 to 2026-06",
        "2026-07-21",
        "US Federal Reserve Board H.10 via FRED",
    ),
]


def build_manifest() -> None:
    pl.DataFrame(
        MANIFEST, schema=["file", "list", "edition", "as_of", "source"], orient="row"
    ).write_csv(HERE / "reference_manifest.csv")


def copy_tip_extras() -> None:
    folder = SHARED / "tip_tiers_2016_2025"
    for name in ("tip_tier_confirmations.csv", "tip_tier_counts_reported.csv"):
        (HERE / name).write_bytes((folder / name).read_bytes())


if __name__ == "__main__":
    lookup = country_lookup()
    build_code_lists()
    build_tip()
    copy_tip_extras()
    build_dol(lookup)
    build_sectors()
    build_manifest()
    print("wrote", ", ".join(sorted(p.name for p in HERE.glob("*.csv"))))
