"""Real data: the USAID SCMS shipment export (BOM, CR-only lines, placeholder dates) with the
mapping file kept in the repo gives the row count and USD total stated in its SOURCE.md."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import polars as pl
import pytest
from conftest import REPO, SHARED_DATA

from transparency.ingest import ImportRefused, import_file
from transparency.ingest.mapping import Mapping

SCMS = SHARED_DATA / "usaid_scms_shipments" / "SCMS_Delivery_History_Dataset.csv"
MAPPING = REPO / "data" / "mappings" / "usaid_scms.toml"


@pytest.fixture(scope="module")
def scms(tmp_path_factory):
    from transparency.store import Store

    store = Store(tmp_path_factory.mktemp("scms") / "store")
    result = import_file(SCMS, store, mapping=MAPPING)
    lines = pl.read_parquet(store.batch_path(result.batch.batch_id))
    return result, lines


def test_row_count_and_usd_total_match_source_md(scms) -> None:
    result, lines = scms
    assert result.rows_read == 10_324
    assert result.rows_accepted + result.rows_rejected == 10_324
    # Every row is accepted: the placeholder PO dates have a documented stand-in.
    assert result.rows_rejected == 0
    assert lines.get_column("amount_usd").sum() == Decimal("1627584457.29")
    assert result.batch.total_usd == "1627584457.29"
    assert set(lines.get_column("currency").unique()) == {"USD"}


def test_placeholder_dates_fall_back_to_scheduled_delivery(scms) -> None:
    _, lines = scms
    raw = pl.read_csv(
        SCMS.read_bytes()[3:].replace(b"\r", b"\n"), infer_schema=False
    ).with_row_index("source_row", offset=1)
    placeholder = raw.filter(
        pl.col("PO Sent to Vendor Date").is_in(["N/A - From RDC", "Date Not Captured"])
    )
    assert placeholder.height == 5_404 + 328
    joined = placeholder.select(
        pl.col("source_row").cast(pl.Int64), "Scheduled Delivery Date"
    ).join(lines.select("source_row", "award_date"), on="source_row")
    expected = joined.get_column("Scheduled Delivery Date").str.to_date("%d-%b-%y")
    assert joined.get_column("award_date").equals(expected, check_names=False)
    # Rows with a real PO date use it (month-first: 8/27/14 is 27 August 2014).
    first_po = raw.filter(pl.col("PO Sent to Vendor Date") == "8/27/14").get_column("ID")
    dated = lines.filter(pl.col("line_id").is_in(first_po.implode()))
    assert set(dated.get_column("award_date").cast(pl.String)) == {"2014-08-27"}


def test_supplier_country_comes_from_manufacturing_site_never_destination(scms) -> None:
    _, lines = scms
    countries = Counter(lines.get_column("supplier_country").to_list())
    assert countries["IND"] > 7_000  # Indian generics dominate
    # Destination countries (Country column) never appear as supplier countries.
    for destination in ("NGA", "CIV", "HTI", "VNM", "ZMB"):
        assert destination not in countries
    unknown = lines.filter(pl.col("supplier_country").is_null())
    assert set(unknown.get_column("supplier_country_raw")) >= {"Not Applicable"}
    # Every site in the file is decided explicitly in the mapping file.
    sites = set(lines.get_column("supplier_country_raw"))
    assert sites == set(Mapping.load(MAPPING).values["supplier_country"])


def test_categories_from_product_group(scms) -> None:
    _, lines = scms
    by_group = dict(lines.group_by("category_raw").agg(pl.col("family_code").first()).rows())
    assert by_group == {
        "ARV": "5110",
        "ACT": "5110",
        "ANTM": "5110",
        "HRDT": "4111",
        "MRDT": "4111",
    }


def test_without_mapping_the_import_stops_naming_what_it_needs(tmp_store) -> None:
    with pytest.raises(ImportRefused) as info:
        import_file(SCMS, tmp_store)
    message = str(info.value)
    assert message.startswith("SCMS_Delivery_History_Dataset.csv: cannot find the column(s)")
    assert "'PO / SO #'" in message and "mapping file" in message


def test_bare_country_heading_is_not_taken_as_supplier_country(tmp_store) -> None:
    mapping = Mapping.load(MAPPING)
    del mapping.columns["supplier_country"]
    mapping.ignore = []
    with pytest.raises(ImportRefused, match=r"column 'Country' but it is not clear whose"):
        import_file(SCMS, tmp_store, mapping=mapping)
    assert tmp_store.batches() == []
