"""Reporting quarters: parsing, dates, fiscal years, neighbours."""

from __future__ import annotations

from datetime import date

import pytest

from transparency import quarters
from transparency.quarters import Quarter, QuarterError


def test_calendar_quarter_dates_and_neighbours():
    q = quarters.parse("2025Q4")
    assert (q.year, q.number, q.start_month) == (2025, 4, 1)
    assert q.start == date(2025, 10, 1)
    assert q.end == date(2026, 1, 1)
    assert q.last_day == date(2025, 12, 31)
    assert q.previous().label == "2025Q3"
    assert q.next().label == "2026Q1"
    assert q.year_earlier().label == "2024Q4"
    assert quarters.parse("2025Q1").previous().label == "2024Q4"
    assert q.describe() == "2025Q4 (1 October 2025 to 31 December 2025)"


@pytest.mark.parametrize("text", ["2025q4", " 2025Q4 ", "2025-Q4"])
def test_lenient_spellings(text):
    assert quarters.parse(text) == Quarter(2025, 4)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("2025Q5", "quarter number must be 1 to 4"),
        ("2025Q0", "quarter number must be 1 to 4"),
        ("Q4", "is not a quarter"),
        ("2025-4", "is not a quarter"),
        ("25Q4", "is not a quarter"),
        ("", "is not a quarter"),
        ("2025Q4; drop table x", "is not a quarter"),
    ],
)
def test_malformed_quarter_names_value_and_form(text, detail):
    with pytest.raises(QuarterError) as err:
        quarters.parse(text)
    message = str(err.value)
    assert detail in message
    assert repr(text) in message
    assert "YYYYQn, for example 2025Q4" in message


def test_fiscal_year_starting_in_july_is_named_for_the_year_it_ends():
    q = quarters.parse("2026Q1", start_month=7)
    assert q.start == date(2025, 7, 1)
    assert q.last_day == date(2025, 9, 30)
    assert quarters.parse("2026Q4", start_month=7).last_day == date(2026, 6, 30)
    assert q.previous().start == date(2025, 4, 1)
    assert q.year_earlier().start == date(2024, 7, 1)
    assert "fiscal year 2026" in q.describe()


def test_fiscal_year_from_environment(monkeypatch):
    monkeypatch.setenv("TRANSPARENCY_FISCAL_YEAR_START", "4")
    q = quarters.parse("2026Q1")
    assert q.start == date(2025, 4, 1)
    monkeypatch.setenv("TRANSPARENCY_FISCAL_YEAR_START", "13")
    with pytest.raises(QuarterError, match="expected 1 \\(January\\) to 12"):
        quarters.parse("2026Q1")


@pytest.mark.parametrize("start_month", range(1, 13))
def test_every_day_falls_in_exactly_the_quarter_of_returns(start_month):
    day = date(2024, 1, 1)
    while day < date(2026, 1, 1):
        q = quarters.of(day, start_month=start_month)
        assert q.start <= day < q.end
        day = date.fromordinal(day.toordinal() + 5)
    # consecutive quarters tile the calendar without gaps
    q = quarters.of(date(2024, 1, 1), start_month=start_month)
    for _ in range(8):
        assert q.next().start == q.end
        q = q.next()
