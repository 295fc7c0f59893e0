"""Builders for the risk tests: a tiny fictional reference folder, canonical lines, a store.

The reference folder is small and partly fictional (e.g. coffee "listed" for Germany) so
that every rule can be worked out by hand; the shipped model file is used unchanged unless a
test copies and edits it.

Shipped model numbers the hand computations use:
  tiers: Tier 1 = 1, Tier 2 = 2, Tier 2 Watch List = 4, Tier 3 = 5, Special Case = 5;
  ILAB: Minimal / No Advancement +1; country cap 6;
  sector: default 1, DOL-listed good category 2, PPN 02/23 service 3, UFLPA 4;
  pair: forced 2, child 1, inputs 1, forced and child 3; confidences high and medium;
  min_raise 1;
  total cap 10; bands Low 2-4, Medium 5-6, High 7-8, Very high 9-10;
  diligence: audit 1, certification 1, others 0, max 2.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl

from transparency import database, risk, schema
from transparency.settings import RISK_MODEL_PATH
from transparency.store import Store

TIP = """report_year,country_name_as_published,iso3,tier,source_url
2015,Germany,DEU,Tier 1,test
2023,Germany,DEU,Tier 1,test
2015,Brazil,BRA,Tier 2,test
2023,Brazil,BRA,Tier 2,test
2015,Malaysia,MYS,Tier 3,test
2023,Malaysia,MYS,Tier 2 Watch List,test
2023,North Korea,PRK,Tier 3,test
2020,Libya,LBY,Special Case,test
2023,India,IND,Tier 2,test
"""

# A partial year (Watch List and Tier 3 only): the 2023 countries it does not list are
# filled in as Tier 1 or 2 for 2024 (DEU Tier 1, BRA and IND Tier 2: their 2023 tiers).
TIP_PARTIAL = """report_year,country_name_as_published,iso3,tier,source_url
2024,Malaysia,MYS,Tier 3,test
2024,North Korea,PRK,Tier 3,test
"""

ILAB = (
    "iso3,country_name_as_published,advancement_level,findings_year,"
    "n_goods_forced_labor,n_goods_child_labor,webpage\n"
    """BRA,Brazil,Moderate Advancement,2022,0,1,x
IND,India,Minimal Advancement – Efforts Made but Continued Law that Delayed Advancement,2022,1,1,x
PRK,North Korea,No Advancement,2022,1,0,x
MYS,Malaysia,Minimal Advancement,2022,1,0,x
"""
)

DOL = (
    "good,sector,iso3,country_name_as_published,child_labour,forced_labour,"
    "produced_with_inputs,input_country,list_edition\n"
    """Garments,Manufacturing,IND,India,true,true,false,,2022
Garments,Manufacturing,PRK,North Korea,false,true,false,,2022
Coffee,Agriculture,BRA,Brazil,true,false,false,,2022
Coffee,Agriculture,DEU,Germany,true,false,false,,2022
Gloves,Manufacturing,MYS,Malaysia,false,true,false,,2022
Electronics,Manufacturing,MYS,Malaysia,false,true,false,,2022
"""
)

# Code prefixes (fictional breadth, so that family and division rules can be worked out).
MAPPING = """good,scheme,code,title,confidence,note
Garments,UNSPSC,5310,Clothing,high,clothing
Garments,CPV,18,x,high,clothing
Coffee,UNSPSC,5020,Beverages,high,beverages
Coffee,CPV,15,x,high,beverages
Gloves,UNSPSC,4214,x,high,examination gloves
Gloves,CPV,33,x,high,examination gloves
Gloves,UNSPSC,4618,x,medium,protective gloves
Gloves,CPV,18,x,medium,protective gloves
Electronics,UNSPSC,4321,x,low,computers
Electronics,CPV,30,x,low,computers
"""

SECTORS = """scheme,code,risk_group,sector,title
UNSPSC,7611,ppn_0223_service,cleaning,Cleaning and janitorial services
UNSPSC,78,ppn_0223_service,logistics,Transportation and storage and mail services
UNSPSC,5310,uflpa_priority,cotton and apparel,Clothing
CPV,9091,ppn_0223_service,cleaning,Cleaning services
"""

FILES = {
    "tip_tiers.csv": TIP,
    "tip_tiers_partial.csv": TIP_PARTIAL,
    "ilab_country_findings.csv": ILAB,
    "dol_goods.csv": DOL,
    "dol_goods_to_codes.csv": MAPPING,
    "high_risk_sectors.csv": SECTORS,
}

TITLES = {
    "42": "Medical Equipment and Accessories and Supplies",
    "4214": "Patient care and treatment products and supplies",
    "43": "Information Technology Broadcasting and Telecommunications",
    "4321": "Computer Equipment and Accessories",
    "46": "Defense and Law Enforcement and Security and Safety Equipment and Supplies",
    "4618": "Personal safety and protection",
    "50": "Food Beverage and Tobacco Products",
    "5020": "Beverages",
    "53": "Apparel and Luggage and Personal Care Products",
    "5310": "Clothing",
    "76": "Industrial Cleaning Services",
    "7611": "Cleaning and janitorial services",
    "78": "Transportation and Storage and Mail Services",
    "7811": "Passenger transport",
}


def write_reference(folder: Path, **overrides: str) -> Path:
    """Write the tiny reference folder (file name -> text overrides allowed); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**FILES, **overrides}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def copy_model(dest: Path, replace: tuple[str, str] | None = None) -> Path:
    """Copy the shipped model file to `dest`, optionally replacing one exact text."""
    text = RISK_MODEL_PATH.read_text(encoding="utf-8")
    if replace is not None:
        old, new = replace
        assert text.count(old) == 1, f"{old!r} must occur once in the model file"
        text = text.replace(old, new)
    dest.write_text(text, encoding="utf-8")
    return dest


def line(
    n: int,
    country: str | None,
    code: str | None,
    *,
    award: date = date(2024, 2, 10),
    scheme: str | None = "UNSPSC",
    raw: str | None = None,
    supplier_id: str | None = "",
    supplier_name: str | None = None,
    usd: str = "100.00",
) -> dict:
    """Return one canonical line; `code` is a UNSPSC (or CPV with scheme='CPV') code."""
    seg = fam = None
    if code is not None and scheme == "UNSPSC":
        seg = code[:2]
        fam = code[:4] if len(code) >= 4 and code[2:4] != "00" else None
    return {
        "contract_id": f"C{n:02d}",
        "line_id": "1",
        "award_date": award,
        "buyer": "HQ",
        "supplier_id": f"S{n:02d}" if supplier_id == "" else supplier_id,
        "supplier_name": supplier_name or f"Supplier {n:02d}",
        "supplier_country": country,
        "category_scheme": scheme,
        "category_code": code,
        "category_raw": raw or code,
        "segment_code": seg,
        "segment_title": TITLES.get(seg) if seg else None,
        "family_code": fam,
        "family_title": TITLES.get(fam) if fam else None,
        "amount": Decimal(usd),
        "currency": "USD",
        "amount_usd": Decimal(usd),
        "fx_rate": Decimal("1"),
        "source_row": n,
    }


def build_store(root: Path, rows: list[dict]) -> Store:
    """Write `rows` as one batch of a new store at `root`."""
    frame = schema.conform(pl.DataFrame(rows, infer_schema_length=None))
    store = Store(root)
    store.add_batch(
        frame,
        pl.DataFrame(schema=schema.REJECTION),
        source_file="test.csv",
        content_hash=f"h{len(rows)}-{root.name}",
        rows_read=len(rows),
    )
    return store


def connect(
    store: Store, model_path: Path | None = None, reference_dir: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """Return a connection with contract_lines and the risk objects from the given files."""
    con = database.connect(store, with_risk=False)
    risk.install(con, store, model_path=model_path, reference_dir=reference_dir)
    return con


def scored(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Return scored_lines as contract_id -> row dict."""
    frame = con.sql("select * from scored_lines order by contract_id").pl()
    return {row["contract_id"]: row for row in frame.iter_rows(named=True)}
