"""Rebuild the risk reference CSVs in this folder from the public copies in ../shared/data.

Run from the repository root: ``python data/reference/build_risk_reference.py``. The output is
committed; the dashboard never runs this. Every transformation is listed in SOURCES.md.

The good -> UNSPSC mapping (`GOOD_MAP`) is the reviewed, hand-made part: one entry per good on
the DOL list, each with its UNSPSC family (or segment), CPV division, confidence and a note.
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

# good -> [(unspsc_code (family 4 digits or segment 2 digits), cpv_division, confidence, note)]
H, M, L = "high", "medium", "low"
FV = ("5010", "03", H, "fresh fruit, vegetables, nuts and seeds")
GOOD_MAP: dict[str, list[tuple[str, str, str, str]]] = {
    "Açaí Berries": [FV],
    "Alcoholic Beverages": [("5020", "15", H, "beverages")],
    "Amber": [("5412", "14", M, "semi-precious material sold as gemstone")],
    "Artificial Flowers": [
        ("6012", "39", L, "decorative craft goods; no UNSPSC family for artificial flowers in v7")
    ],
    "Baked Goods": [("5018", "15", H, "bread and bakery products")],
    "Bamboo": [("1112", "03", M, "non-edible plant and forestry products")],
    "Bananas": [FV],
    "Beans": [FV],
    "Beans (green beans)": [FV],
    "Beans (green, soy, yellow)": [FV, ("5022", "03", M, "dried beans and soy as pulse products")],
    "Beef": [("5011", "15", H, "meat products")],
    "Bidis (hand-rolled cigarettes)": [("5021", "15", H, "tobacco products")],
    "Blueberries": [FV],
    "Bovines": [("1010", "03", H, "live animals"), ("5011", "15", M, "meat from the animals")],
    "Brassware": [
        ("5215", "39", M, "domestic kitchenware and utensils; decorative brass also in 5217")
    ],
    "Brazil Nuts/Chestnuts": [FV],
    "Bricks": [("3013", "44", H, "structural building products")],
    "Bricks (clay)": [("3013", "44", H, "structural building products")],
    "Broccoli": [FV],
    "Cabbages": [FV],
    "Carpets": [("5210", "39", H, "floor coverings")],
    "Carrots": [FV],
    "Cashews": [FV],
    "Cattle": [("1010", "03", H, "live animals"), ("5011", "15", M, "beef from the animals")],
    "Cement": [("3011", "44", H, "concrete, cement and plaster")],
    "Ceramics": [("3016", "44", M, "ceramic tiles"), ("5215", "39", M, "ceramic tableware")],
    "Cereal Grains": [("5022", "03", H, "cereal products")],
    "Charcoal": [("1510", "09", H, "fuels")],
    "Chile Peppers": [FV],
    "Christmas Decorations": [("6012", "39", L, "seasonal decorations; no exact UNSPSC v7 family")],
    "Citrus Fruits": [FV],
    "Cloves": [("5017", "15", H, "seasonings")],
    "Coal": [("1510", "09", H, "fuels")],
    "Cobalt ore (heterogenite)": [("1110", "14", H, "minerals, ores and metals")],
    "Coca (stimulant plant)": [("1112", "03", L, "plant material; not normally procured")],
    "Cocoa": [("5016", "15", H, "chocolate and cocoa products")],
    "Coconuts": [FV],
    "Coffee": [("5020", "15", H, "beverages (coffee)")],
    "Copper": [("1110", "14", H, "metals"), ("2612", "31", M, "copper wire and cable")],
    "Corn": [("5022", "03", H, "cereal products"), FV],
    "Cotton": [("1115", "19", H, "fibres, threads and yarns"), ("1116", "19", M, "cotton fabrics")],
    "Cottonseed (hybrid)": [("1015", "03", H, "seeds")],
    "Crude Palm Kernel Oil": [("5015", "15", H, "edible oils and fats")],
    "Crude Palm Oil": [("5015", "15", H, "edible oils and fats")],
    "Cucumbers": [FV],
    "Cumin": [("5017", "15", H, "seasonings")],
    "Dairy Products": [("5013", "15", H, "dairy products and eggs")],
    "Diamonds": [("5412", "14", H, "gemstones")],
    "Dried Fish": [("5012", "15", H, "seafood")],
    "Eggplants": [FV],
    "Electronics": [
        ("5216", "32", M, "consumer electronics"),
        ("4321", "30", M, "computer equipment"),
        ("4319", "32", M, "communications devices"),
    ],
    "Embellished Textiles": [
        ("1116", "19", M, "fabrics"),
        ("5310", "18", L, "embellished garments"),
    ],
    "Emeralds": [("5412", "14", H, "gemstones")],
    "Fashion Accessories": [
        ("5312", "18", M, "bags and cases"),
        ("5410", "18", L, "costume jewellery"),
    ],
    "Fireworks": [("1213", "24", H, "explosive materials (pyrotechnics)")],
    "Fish": [("5012", "15", H, "seafood"), ("1010", "03", L, "live fish")],
    "Flowers": [("1016", "03", H, "floriculture products")],
    "Fluorspar (mineral)": [("1110", "14", H, "minerals")],
    "Footwear": [("5311", "18", H, "footwear")],
    "Footwear (sandals)": [("5311", "18", H, "footwear")],
    "Fruit (Pome and Stone)": [FV],
    "Furniture": [("56", "39", H, "furniture and furnishings (whole segment)")],
    "Furniture (steel)": [("56", "39", H, "furniture and furnishings (whole segment)")],
    "Garlic": [FV],
    "Garments": [("5310", "18", H, "clothing"), ("4213", "33", M, "medical apparel and textiles")],
    "Gems": [("5412", "14", H, "gemstones")],
    "Glass": [("3017", "44", M, "glass for doors and windows"), ("5215", "39", L, "glassware")],
    "Glass Bangles": [("5410", "18", H, "jewellery")],
    "Gloves": [
        ("4618", "18", M, "protective gloves"),
        ("4213", "33", M, "medical gloves (UNSPSC 421322)"),
    ],
    "Goats": [("1010", "03", H, "live animals"), ("5011", "15", M, "meat")],
    "Gold": [("1110", "14", H, "metals"), ("5410", "18", M, "gold jewellery")],
    "Granite": [("1111", "14", H, "earth and stone")],
    "Granite (crushed)": [("1111", "14", H, "earth and stone")],
    "Grapes": [FV],
    "Gravel (crushed stones)": [("1111", "14", H, "earth and stone")],
    "Gypsum (mineral)": [("1110", "14", H, "minerals"), ("3011", "44", M, "plaster")],
    "Hair Products": [("5313", "33", M, "personal care products (wigs, extensions)")],
    "Hazelnuts": [FV],
    "Hogs": [("1010", "03", H, "live animals"), ("5011", "15", M, "pork")],
    "Incense (agarbatti)": [("5313", "33", L, "personal and household products; no exact family")],
    "Iron": [("1110", "14", H, "ores and metals"), ("3010", "44", L, "iron and steel shapes")],
    "Jade": [("5412", "14", H, "gemstones")],
    "Jute (textiles)": [("1115", "19", H, "fibres"), ("1116", "19", H, "fabrics")],
    "Khat (stimulant plant)": [("1112", "03", L, "plant material; not normally procured")],
    "Khat/Miraa (stimulant plant)": [("1112", "03", L, "plant material; not normally procured")],
    "Leather": [("1116", "19", H, "fabrics and leather materials")],
    "Leather Goods/Accessories": [("5312", "18", H, "luggage, handbags and cases")],
    "Lettuce": [FV],
    "Lithium-Ion Batteries": [("2611", "31", H, "batteries")],
    "Lobsters": [("5012", "15", H, "seafood")],
    "Locks": [("4617", "44", H, "locks and security hardware")],
    "Manioc/Cassava": [FV],
    "Matches": [("1213", "24", L, "combustible materials; no exact family")],
    "Meat": [("5011", "15", H, "meat and poultry products")],
    "Melons": [FV],
    "Mica": [("1110", "14", H, "minerals")],
    "Nails": [("3116", "44", H, "hardware (fasteners)")],
    "Nile Perch (fish)": [("5012", "15", H, "seafood")],
    "Oleochemicals": [("1235", "24", M, "chemical compounds"), ("1218", "24", M, "waxes and oils")],
    "Olives": [FV],
    "Onions": [FV],
    "Palm Fruit": [FV, ("5015", "15", M, "palm oil made from the fruit")],
    "Palm Thatch": [("1112", "03", M, "non-edible plant products")],
    "Peanuts": [FV],
    "Pepper": [("5017", "15", H, "seasonings")],
    "Peppers": [FV],
    "Photovoltaic Ingots": [
        ("3211", "31", M, "semiconductor material"),
        ("2613", "09", M, "solar power"),
    ],
    "Photovoltaic Wafers": [
        ("3211", "31", M, "semiconductor material"),
        ("2613", "09", M, "solar power"),
    ],
    "Pineapples": [FV],
    "Polysilicon": [("1214", "24", M, "elements (silicon)"), ("2613", "09", M, "solar power")],
    "Poppies": [("1112", "03", L, "plant material; not normally procured")],
    "Pornography": [("5510", "22", L, "printed and recorded media; not normally procured")],
    "Potatoes": [FV],
    "Poultry": [("5011", "15", H, "meat and poultry"), ("1010", "03", M, "live birds")],
    "Pulses (legumes)": [("5022", "03", H, "cereal and pulse products")],
    "Pyrotechnics": [("1213", "24", H, "explosive materials")],
    "Refined Palm Kernel Oil": [("5015", "15", H, "edible oils and fats")],
    "Refined Palm Oil": [("5015", "15", H, "edible oils and fats")],
    "Rice": [("5022", "03", H, "cereal products")],
    "Rubber": [("1310", "19", H, "rubber and elastomers")],
    "Rubber Gloves": [
        ("4213", "33", H, "medical gloves (UNSPSC 421322)"),
        ("4618", "18", M, "protective gloves"),
    ],
    "Rubies": [("5412", "14", H, "gemstones")],
    "Salt": [("5017", "15", M, "table salt"), ("1110", "14", M, "industrial salt (mineral)")],
    "Sand": [("1111", "14", H, "earth and stone")],
    "Sandstone": [("1111", "14", H, "earth and stone")],
    "Sapphires": [("5412", "14", H, "gemstones")],
    "Sesame": [FV],
    "Sheep": [("1010", "03", H, "live animals"), ("5011", "15", M, "meat")],
    "Shellfish": [("5012", "15", H, "seafood")],
    "Shrimp": [("5012", "15", H, "seafood")],
    "Silk Cocoons": [("1115", "19", H, "fibres")],
    "Silk Fabric": [("1116", "19", H, "fabrics")],
    "Silk Thread": [("1115", "19", H, "threads and yarns")],
    "Silver": [("1110", "14", H, "metals"), ("5410", "18", M, "silver jewellery")],
    "Sisal": [("1115", "19", H, "fibres")],
    "Soap": [("5313", "33", H, "personal care products"), ("4713", "39", M, "cleaning supplies")],
    "Soccer Balls": [("4916", "37", H, "field and court sports equipment")],
    "Solar Cells": [
        ("2613", "09", H, "solar power generation"),
        ("3211", "31", M, "photovoltaic cells"),
    ],
    "Solar Modules": [("2613", "09", H, "solar power generation")],
    "Stones": [("1111", "14", H, "earth and stone")],
    "Stones (limestone)": [("1111", "14", H, "earth and stone")],
    "Stones (pumice)": [("1111", "14", H, "earth and stone")],
    "Strawberries": [FV],
    "Sugar Beets": [("5016", "15", M, "sugar"), FV],
    "Sugarcane": [("5016", "15", M, "sugar"), FV],
    "Sunflowers": [("5015", "15", M, "sunflower oil"), FV],
    "Surgical Instruments": [("4229", "33", H, "surgical products")],
    "Sweet Potatoes": [FV],
    "Tantalum ore (coltan)": [("1110", "14", H, "ores")],
    "Tanzanite (gems)": [("5412", "14", H, "gemstones")],
    "Tea": [("5020", "15", H, "beverages (tea)")],
    "Teak": [("1112", "03", H, "forestry products (logs)"), ("3010", "44", M, "sawn timber")],
    "Textiles": [("1116", "19", H, "fabrics"), ("5212", "39", M, "household linen")],
    "Textiles (hand-woven)": [("1116", "19", H, "fabrics"), ("5212", "39", M, "household linen")],
    "Thread/Yarn": [("1115", "19", H, "threads and yarns")],
    "Tilapia (fish)": [("5012", "15", H, "seafood")],
    "Timber": [("1112", "03", H, "forestry products (logs)"), ("3010", "44", M, "sawn timber")],
    "Tin": [("1110", "14", H, "metals")],
    "Tin ore (cassiterite)": [("1110", "14", H, "ores")],
    "Tobacco": [("5021", "15", H, "tobacco products")],
    "Tomato Products": [("5019", "15", H, "prepared and preserved foods")],
    "Tomatoes": [FV],
    "Toys": [("6014", "37", H, "toys and games")],
    "Trona (mineral)": [("1110", "14", H, "minerals")],
    "Tungsten ore (wolframite)": [("1110", "14", H, "ores")],
    "Vanilla": [("5017", "15", H, "seasonings and flavourings")],
    "Wheat": [("5022", "03", H, "cereal products")],
    "Yerba Mate (stimulant plant)": [("5020", "15", H, "beverages (infusions)")],
    "Zinc": [("1110", "14", H, "metals")],
}

# High-risk sectors: (scheme, code, risk_group, sector, source_note)
PPN = "ppn_0223_service"
UFLPA = "uflpa_priority"
SECTORS: list[tuple[str, str, str, str, str]] = [
    ("UNSPSC", "7611", PPN, "cleaning", "Cleaning and janitorial services"),
    ("UNSPSC", "7610", PPN, "cleaning", "Decontamination services"),
    ("UNSPSC", "9212", PPN, "security", "Security and personal safety services"),
    ("UNSPSC", "9010", PPN, "catering", "Restaurants and catering"),
    ("UNSPSC", "8515", PPN, "catering", "Food and nutrition services"),
    ("UNSPSC", "9011", PPN, "hospitality", "Hotels and lodging and meeting facilities"),
    ("UNSPSC", "78", PPN, "logistics", "Transportation and storage and mail services"),
    ("UNSPSC", "72", PPN, "construction", "Building and construction and maintenance services"),
    ("UNSPSC", "9111", PPN, "care", "Domestic and personal assistance"),
    ("UNSPSC", "9314", PPN, "care", "Community and social services"),
    ("UNSPSC", "8510", PPN, "care", "Comprehensive health services"),
    ("CPV", "9091", PPN, "cleaning", "Cleaning services"),
    ("CPV", "7971", PPN, "security", "Security services"),
    ("CPV", "5552", PPN, "catering", "Catering services"),
    ("CPV", "5551", PPN, "catering", "Canteen services"),
    ("CPV", "55", PPN, "hospitality", "Hotel, restaurant and retail trade services"),
    ("CPV", "60", PPN, "logistics", "Transport services"),
    ("CPV", "63", PPN, "logistics", "Supporting and auxiliary transport services"),
    ("CPV", "45", PPN, "construction", "Construction work"),
    ("CPV", "85", PPN, "care", "Health and social work services"),
    ("UNSPSC", "1115", UFLPA, "cotton and apparel", "Fibers and threads and yarns"),
    ("UNSPSC", "1116", UFLPA, "cotton and apparel", "Fabrics and leather materials"),
    ("UNSPSC", "5310", UFLPA, "cotton and apparel", "Clothing"),
    ("UNSPSC", "1214", UFLPA, "polysilicon and solar", "Elements and gases (polysilicon)"),
    ("UNSPSC", "2613", UFLPA, "polysilicon and solar", "Power generation (solar)"),
    ("UNSPSC", "5019", UFLPA, "tomatoes", "Prepared and preserved foods (tomato products)"),
    ("UNSPSC", "1110", UFLPA, "aluminium, steel, copper", "Minerals and ores and metals"),
    ("UNSPSC", "1117", UFLPA, "aluminium, steel", "Alloys"),
    ("UNSPSC", "3010", UFLPA, "aluminium, steel", "Structural materials and basic shapes"),
    ("UNSPSC", "1311", UFLPA, "PVC", "Resins and rosins (PVC)"),
    ("UNSPSC", "5012", UFLPA, "seafood", "Seafood"),
    ("UNSPSC", "2612", UFLPA, "copper", "Electrical wire and cable"),
    ("UNSPSC", "2611", UFLPA, "lithium", "Batteries"),
    ("CPV", "18", UFLPA, "cotton and apparel", "Clothing, footwear, luggage and accessories"),
    ("CPV", "1921", UFLPA, "cotton and apparel", "Woven fabrics"),
    ("CPV", "0933", UFLPA, "polysilicon and solar", "Solar energy"),
    ("CPV", "1412", UFLPA, "aluminium, steel, copper", "Basic metals"),
    ("CPV", "1531", UFLPA, "tomatoes", "Potatoes and potato products"),
    ("CPV", "1520", UFLPA, "seafood", "Prepared and preserved fish"),
]


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
    out.write_csv(HERE / "tip_tiers.csv")
    partial = pl.read_csv(
        SHARED / "tip_tiers_recent" / "tip_tiers_recent_partial.csv", infer_schema_length=0
    ).with_columns(pl.col("report_year").cast(pl.Int64))
    partial.sort("report_year", "iso3").write_csv(HERE / "tip_tiers_partial.csv")


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
    unmapped = sorted(set(goods["good"]) - set(GOOD_MAP))
    extra = sorted(set(GOOD_MAP) - set(goods["good"]))
    if unmapped or extra:
        sys.exit(f"GOOD_MAP out of step with the DOL list: unmapped {unmapped}, unknown {extra}")
    rows = []
    for good, targets in sorted(GOOD_MAP.items()):
        for code, cpv, confidence, note in targets:
            rows.append(
                {
                    "good": good,
                    "unspsc_segment": code[:2],
                    "unspsc_family": code if len(code) == 4 else None,
                    "cpv_division": cpv,
                    "confidence": confidence,
                    "note": note,
                }
            )
    pl.DataFrame(rows).write_csv(HERE / "dol_goods_to_unspsc.csv")

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
    pl.DataFrame(
        SECTORS, schema=["scheme", "code", "risk_group", "sector", "title"], orient="row"
    ).write_csv(HERE / "high_risk_sectors.csv")


if __name__ == "__main__":
    lookup = country_lookup()
    build_tip()
    build_dol(lookup)
    build_sectors()
    print("wrote", ", ".join(sorted(p.name for p in HERE.glob("*.csv"))))
