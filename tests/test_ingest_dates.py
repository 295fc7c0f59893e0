"""Dates: ISO, day-first, month-first and month names; an ambiguous column is refused."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from transparency.ingest import ImportRefused, import_file
from transparency.ingest.dates import AmbiguousDates, detect_order, parse_dates


def _parse(values: list[str | None], **kwargs) -> list[date | None]:
    frame = pl.DataFrame({"d": values}, schema={"d": pl.String})
    return frame.select(parse_dates(pl.col("d"), **kwargs)).to_series().to_list()


def test_unambiguous_forms() -> None:
    assert (
        _parse(
            [
                "2024-03-05",
                "2024/3/5",
                "20240305",
                "2024-03-05 00:00:00",
                "2024-03-05T14:30:00Z",
                "5-Mar-24",
                "05-Mar-2024",
                "5 Mar 2024",
                "5 March 2024",
                "Mar 5, 2024",
                "March 5, 2024",
            ]
        )
        == [date(2024, 3, 5)] * 11
    )


def test_day_first_and_month_first_detected_from_the_values() -> None:
    dmy = pl.Series(["31/01/2024", "05/03/2024", "5.3.2024"])
    mdy = pl.Series(["01/31/2024", "3/5/24", None])
    assert detect_order(dmy) == "dmy"
    assert detect_order(mdy) == "mdy"
    assert _parse(dmy.to_list(), order="dmy") == [
        date(2024, 1, 31),
        date(2024, 3, 5),
        date(2024, 3, 5),
    ]
    assert _parse(mdy.to_list(), order="mdy") == [date(2024, 1, 31), date(2024, 3, 5), None]


def test_ambiguous_and_mixed_columns_raise() -> None:
    with pytest.raises(AmbiguousDates, match="could be day-first or month-first"):
        detect_order(pl.Series(["01/02/2024", "03/04/2024"]))
    with pytest.raises(AmbiguousDates, match="some dates are day-first"):
        detect_order(pl.Series(["31/01/2024", "01/31/2024"]))
    # Day equal to month reads the same either way: not ambiguous.
    assert detect_order(pl.Series(["01/01/2024", "2024-05-06"])) == "dmy"
    assert detect_order(pl.Series(["2024-05-06"])) is None


def test_four_digit_year_forms_do_not_read_two_digit_years() -> None:
    assert _parse(["8/27/14"], order="mdy") == [date(2014, 8, 27)]
    assert _parse(["8/27/0014"], order="mdy") == [date(14, 8, 27)]
    assert _parse(["not a date", "32/01/2024", ""], order="dmy") == [None, None, None]


def _export(tmp_path, dates: list[str]):
    path = tmp_path / "po.csv"
    body = "".join(f"P{i},Acme,FR,{d},10,USD\n" for i, d in enumerate(dates))
    path.write_text("PO Number,Vendor Name,Vendor Country,PO Date,Amount,Currency\n" + body)
    return path


def test_ambiguous_date_column_stops_the_import_and_names_it(tmp_path, tmp_store) -> None:
    path = _export(tmp_path, ["01/02/2024", "03/04/2024"])
    with pytest.raises(ImportRefused, match=r"'PO Date'.*not guessed.*order"):
        import_file(path, tmp_store)
    assert tmp_store.batches() == []


def test_mapping_file_settles_the_order(tmp_path, tmp_store) -> None:
    path = _export(tmp_path, ["01/02/2024", "03/04/2024"])
    mapping = tmp_path / "m.toml"
    mapping.write_text('[dates]\norder = "mdy"\n')
    result = import_file(path, tmp_store, mapping=mapping)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.get_column("award_date").to_list() == [date(2024, 1, 2), date(2024, 3, 4)]


def test_exact_format_per_heading(tmp_path, tmp_store) -> None:
    path = _export(tmp_path, ["2024|02|01", "2024|04|03"])
    mapping = tmp_path / "m.toml"
    mapping.write_text('[dates.formats]\n"PO Date" = "%Y|%d|%m"\n')
    result = import_file(path, tmp_store, mapping=mapping)
    lines = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    assert lines.get_column("award_date").to_list() == [date(2024, 1, 2), date(2024, 3, 4)]


def test_unreadable_dates_are_rejected_not_dropped(tmp_path, tmp_store) -> None:
    path = _export(tmp_path, ["31/01/2024", "Date Not Captured", ""])
    result = import_file(path, tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 1, 2)
    report = tmp_store.rejections(result.batch.batch_id)
    assert report.select("source_row", "column", "value", "reason").rows() == [
        (2, "PO Date", "Date Not Captured", "not a date (expected day/month/year)"),
        (3, "PO Date", None, "missing award date"),
    ]
