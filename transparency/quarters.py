"""Periods, once: what '2026Q1' means, its dates, the quarter before and a year before.

Every page, query and report uses this one meaning. Quarters are calendar quarters unless
a fiscal year starting in another month is set (`TRANSPARENCY_FISCAL_YEAR_START`, a month
number 1-12). A fiscal year is named for the calendar year in which it ends, as in the US
federal and Australian conventions: with a July start, 2026Q1 is July to September 2025,
on the Overview's period filter (each line's `award_quarter`, from the SQL macro
`fiscal_quarter` over the same setting) as in the Quarterly report. Every output states
the actual dates too.

>>> q = parse("2025Q4")
>>> q.start, q.end, q.previous().label, q.year_earlier().label
(datetime.date(2025, 10, 1), datetime.date(2026, 1, 1), '2025Q3', '2024Q4')
>>> parse("2026Q1", start_month=7).start
datetime.date(2025, 7, 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from transparency import settings

FORM = "YYYYQn, for example 2025Q4"
_QUARTER = re.compile(r"(\d{4})-?[Qq](\d+)")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


class QuarterError(ValueError):
    """A quarter or fiscal-year setting could not be read; the message says what is expected."""


def fiscal_year_start(value: str | int | None = None) -> int:
    """Return the month (1-12) the fiscal year starts in: `value`, else the setting, else 1.

    >>> fiscal_year_start("4")
    4
    """
    raw = value if value is not None else settings.fiscal_year_start_raw()
    text = str(raw).strip()
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise QuarterError(
            f"fiscal year start {raw!r} is not a month number: expected 1 (January) to 12 "
            "(December), set in TRANSPARENCY_FISCAL_YEAR_START."
        )
    return int(text)


@dataclass(frozen=True, order=True)
class Quarter:
    """One reporting quarter: year and number (1-4) within a year starting in `start_month`."""

    year: int
    number: int
    start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise QuarterError(f"quarter number {self.number} is not 1 to 4")
        if not 1 <= self.start_month <= 12:
            raise QuarterError(f"fiscal year start month {self.start_month} is not 1 to 12")

    @property
    def label(self) -> str:
        """Return the quarter as written on the command line, e.g. '2025Q4'."""
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        """Return the first day of the quarter."""
        # A fiscal year named for the year it ends starts in the previous calendar year.
        first_year = self.year if self.start_month == 1 else self.year - 1
        offset = (self.start_month - 1) + 3 * (self.number - 1)
        return date(first_year + offset // 12, offset % 12 + 1, 1)

    @property
    def end(self) -> date:
        """Return the day after the quarter's last day (the exclusive bound queries use)."""
        return self.next().start

    @property
    def last_day(self) -> date:
        """Return the quarter's last day."""
        return self.end - timedelta(days=1)

    def next(self) -> Quarter:
        """Return the following quarter."""
        if self.number == 4:
            return Quarter(self.year + 1, 1, self.start_month)
        return Quarter(self.year, self.number + 1, self.start_month)

    def previous(self) -> Quarter:
        """Return the quarter before this one."""
        if self.number == 1:
            return Quarter(self.year - 1, 4, self.start_month)
        return Quarter(self.year, self.number - 1, self.start_month)

    def year_earlier(self) -> Quarter:
        """Return the same quarter one year earlier."""
        return Quarter(self.year - 1, self.number, self.start_month)

    def describe(self) -> str:
        """Return the quarter with its dates, e.g. '2025Q4 (1 October 2025 to 31 December 2025)'."""
        fiscal = "" if self.start_month == 1 else f" of fiscal year {self.year}"
        return f"{self.label}{fiscal} ({_long(self.start)} to {_long(self.last_day)})"

    def __str__(self) -> str:
        return self.label


def _long(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def parse(text: str, *, start_month: int | None = None) -> Quarter:
    """Return the quarter written as `YYYYQn` (also `YYYY-Qn`, any case).

    Raises `QuarterError` naming the value and the expected form.

    >>> parse("2025q2").label
    '2025Q2'
    """
    month = fiscal_year_start(start_month)
    raw = "" if text is None else str(text)
    match = _QUARTER.fullmatch(raw.strip())
    if not match:
        raise QuarterError(f"{raw!r} is not a quarter: expected {FORM}.")
    number = int(match.group(2))
    if not 1 <= number <= 4:
        raise QuarterError(
            f"{raw!r} is not a quarter: the quarter number must be 1 to 4; expected {FORM}."
        )
    return Quarter(int(match.group(1)), number, month)


def before(label: str) -> str:
    """Return the label of the quarter before `label` (the same for any fiscal year start).

    >>> before("2025Q1"), before("2025q3")
    ('2024Q4', '2025Q2')
    """
    return parse(label, start_month=1).previous().label


def is_label(text: str) -> bool:
    """Return True when `text` is a quarter as `parse` reads it ('2025Q4', '2025-q4').

    >>> is_label("2025Q4"), is_label("2025Q5"), is_label("Q4")
    (True, False, False)
    """
    try:
        parse(text, start_month=1)
    except QuarterError:
        return False
    return True


def of(day: date, *, start_month: int | None = None) -> Quarter:
    """Return the quarter `day` falls in.

    >>> of(date(2025, 8, 15)).label, of(date(2025, 8, 15), start_month=7).label
    ('2025Q3', '2026Q1')
    """
    month = fiscal_year_start(start_month)
    offset = (day.month - month) % 12
    number = offset // 3 + 1
    # Months before the start month belong to the fiscal year that began the previous year.
    first_year = day.year if day.month >= month else day.year - 1
    year = first_year if month == 1 else first_year + 1
    return Quarter(year, number, month)


def span(first: str, last: str) -> list[str]:
    """Return the labels of every quarter from `first` to `last`, both included.

    Quarters without data in between are kept, so a period slider never skips one.

    >>> span("2025Q3", "2026Q2")
    ['2025Q3', '2025Q4', '2026Q1', '2026Q2']
    >>> span("2026Q1", "2025Q1")
    []
    """
    out: list[str] = []
    q, end = parse(first, start_month=1), parse(last, start_month=1)
    while (q.year, q.number) <= (end.year, end.number):
        out.append(q.label)
        q = q.next()
    return out
