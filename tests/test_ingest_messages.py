"""Messages of issue 17: a binary file with no line ends is not 'a heading line but no data
rows'; 'NA' (Namibia) is documented as left unknown."""

from __future__ import annotations

import re

import pytest

from transparency.ingest import ImportRefused, import_file
from transparency.settings import ROOT


def test_binary_file_without_line_ends_says_so(tmp_path, tmp_store) -> None:
    path = tmp_path / "blob.csv"
    path.write_bytes(bytes(range(160, 256)) * 40)  # high bytes, no newline, no zero byte
    with pytest.raises(ImportRefused) as refused:
        import_file(path, tmp_store)
    assert str(refused.value).startswith(
        "blob.csv: the file has no line ends and none of its text is a heading the import knows"
    )


def test_heading_line_without_a_line_end_is_still_a_heading_line(tmp_path, tmp_store) -> None:
    path = tmp_path / "heads.csv"
    path.write_text("PO Number,Vendor,PO Date,Amount,Currency")  # no newline at the end
    with pytest.raises(ImportRefused, match="has a heading line but no data rows"):
        import_file(path, tmp_store)


def test_readme_says_na_stays_unknown() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "except `NA`" in readme


def test_readme_documents_the_earliest_tip_fallback() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "earliest placement; none at or before" in readme  # the driver's own words


def test_future_date_message_tells_the_limit_from_the_import_date(tmp_path, tmp_store) -> None:
    path = tmp_path / "po.csv"
    path.write_text("PO Number,Vendor,PO Date,Amount,Currency\nP1,Acme,2099-01-15,1,USD\n")
    result = import_file(path, tmp_store)
    (reason,) = tmp_store.rejections(result.batch.batch_id).get_column("reason").to_list()
    assert re.fullmatch(
        r"award date more than 366 days after the import date: after (\d{4}-\d\d-\d\d) "
        r"\(imported on (\d{4}-\d\d-\d\d); the limit is TRANSPARENCY_MAX_DAYS_AHEAD\): "
        r"not a plausible award date",
        reason,
    )
