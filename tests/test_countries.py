"""Country matching: names in any case, accent or language, ISO codes; unknown stays null."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import SHARED_DATA

from transparency import countries


@pytest.mark.parametrize(
    ("raw", "iso3"),
    [
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Korea, Republic of", "KOR"),
        ("REPUBLIC OF KOREA", "KOR"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d’Ivoire", "CIV"),
        ("cote divoire", "CIV"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Russia", "RUS"),
        ("Russian Federation (the)", "RUS"),
        ("USA", "USA"),
        ("United States of America", "USA"),
        ("UK", "GBR"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Allemagne", "DEU"),  # official French name
        ("Alemania", "DEU"),  # official Spanish name
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Bolivia", "BOL"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Democratic Republic of the Congo", "COD"),
        ("DRC", "COD"),
        ("Congo", "COG"),
        ("  india ", "IND"),
        ("DE", "DEU"),
        ("deu", "DEU"),
        ("ZAF", "ZAF"),
        ("Namibia", "NAM"),
        ("Kosovo", "XKX"),
    ],
)
def test_match_known_names_and_codes(raw: str, iso3: str) -> None:
    assert countries.match(raw) == iso3


@pytest.mark.parametrize("raw", ["Atlantis", "", "   ", "NA", "N/A", "in", "Various", "123"])
def test_unknown_stays_null(raw: str) -> None:
    assert countries.match(raw) is None


def test_to_iso3_is_null_for_unknown_and_keeps_length() -> None:
    series = pl.Series("c", ["Viet Nam", None, "Atlantis", "Viet Nam", "fr"])
    assert countries.to_iso3(series).to_list() == ["VNM", None, None, "VNM", None]


def test_countries_frame_has_contract_columns_and_m49_regions() -> None:
    frame = countries.countries()
    assert frame.columns == ["iso3", "iso2", "name", "region", "subregion"]
    assert frame.get_column("iso3").is_unique().all()
    ind = frame.filter(pl.col("iso3") == "IND").row(0, named=True)
    assert ind == {
        "iso3": "IND",
        "iso2": "IN",
        "name": "India",
        "region": "Asia",
        "subregion": "Southern Asia",
    }
    # "NA" is Namibia's code and must survive the CSV round trip as text, not null.
    assert frame.filter(pl.col("iso3") == "NAM").get_column("iso2").to_list() == ["NA"]


def test_no_key_maps_to_two_countries_by_accident() -> None:
    table = countries.lookup()
    assert table["congo"] == "COG"
    assert table["korea"] == "KOR"


def test_reference_rebuilds_identically(tmp_path) -> None:
    dest = tmp_path / "countries.csv"
    countries.build_reference(SHARED_DATA / "country_codes" / "country-codes.csv", dest)
    assert dest.read_bytes() == countries.COUNTRIES_CSV.read_bytes()
