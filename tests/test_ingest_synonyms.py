"""Headings as plain as "Date" and "Vendor" (issue 17): recognised, and never a clash with a
more specific heading."""

from __future__ import annotations

import re
from decimal import Decimal

from transparency.ingest import import_file
from transparency.ingest.mapping import resolve
from transparency.ingest.synonyms import WEAK_SYNONYMS
from transparency.settings import ROOT


def test_plain_headings_are_recognised() -> None:
    columns = resolve(["Reference", "Vendor", "Date", "Total", "Currency"]).columns
    assert columns == {
        "contract_id": ["Reference"],
        "supplier_name": ["Vendor"],
        "award_date": ["Date"],
        "amount": ["Total"],
        "currency": ["Currency"],
    }


def test_a_plain_heading_gives_way_to_a_specific_one() -> None:
    headings = ["PO Number", "Vendor Name", "PO Date", "Date", "Amount", "Total", "Currency"]
    columns = resolve(headings).columns
    assert columns["award_date"] == ["PO Date"]  # "Date" (say, of delivery) is left alone
    assert columns["amount"] == ["Amount"]


def test_two_plain_headings_for_one_column_take_neither() -> None:
    columns = resolve(["PO", "Vendor", "Award Date", "Amount", "Total", "Sum", "Currency"]).columns
    assert columns["amount"] == ["Amount"]


def test_a_file_with_plain_headings_imports_every_row(tmp_path, tmp_store) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(
        "Date,Vendor,Reference,Total,Currency\n"
        "2024-05-01,Acme,R-1,10.25,USD\n"
        "2024-05-02,Beta,R-2,4.75,USD\n"
    )
    result = import_file(path, tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (2, 2, 0)
    assert Decimal(result.batch.total_usd) == Decimal("15.00")


def test_the_readme_lists_the_plain_headings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Plain headings, taken only when nothing more specific", 1)[1]
    rows = {}
    for line in section.split("\n#", 1)[0].splitlines():
        match = re.match(r"\| `(\w+)` \| (.+) \|$", line)
        if match:
            rows[match.group(1)] = [h.strip() for h in match.group(2).split(",")]
    assert rows == {k: list(v) for k, v in WEAK_SYNONYMS.items()}
