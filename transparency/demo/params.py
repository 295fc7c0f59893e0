"""The demo dataset's parameters: default size and seed, its period, its supplier count."""

from __future__ import annotations

from datetime import date

DEFAULT_ROWS = 200_000
DEFAULT_SEED = 2388
QUARTERS = 12
ORGANISATION = "Demo International Organisation"


def default_end_quarter(today: date | None = None) -> str:
    """Return the last complete calendar quarter before `today` (default: the current date).

    >>> default_end_quarter(date(2026, 11, 28)), default_end_quarter(date(2026, 1, 1))
    ('2026Q3', '2025Q4')
    """
    today = today or date.today()
    quarter = (today.month - 1) // 3 + 1
    if quarter == 1:
        return f"{today.year - 1}Q4"
    return f"{today.year}Q{quarter - 1}"


def _parse_quarter(label: str) -> tuple[int, int]:
    text = str(label).strip().upper().replace("-", "")
    if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
        raise ValueError(f"{label!r} is not a quarter: expected YYYYQn, for example 2026Q3.")
    return int(text[:4]), int(text[5])


def period(end_quarter: str, quarters: int = QUARTERS) -> tuple[date, date]:
    """Return the first day and the day after the last day of the demo period.

    >>> period("2026Q3")
    (datetime.date(2023, 10, 1), datetime.date(2026, 10, 1))
    """
    year, number = _parse_quarter(end_quarter)
    end_index = year * 4 + number  # index of the quarter after the end quarter, 0-based
    start_index = end_index - quarters
    return (
        date(start_index // 4, (start_index % 4) * 3 + 1, 1),
        date(end_index // 4, (end_index % 4) * 3 + 1, 1),
    )


def supplier_count(rows: int) -> int:
    """Return how many suppliers a dataset of `rows` lines draws from (grows like sqrt).

    >>> supplier_count(200_000), supplier_count(10_000_000)
    (2504, 17709)
    """
    return max(50, round(5.6 * rows**0.5))
