"""Where a file's headings are: on the first row, below title rows, or nowhere.

Exports often have title rows above the headings ("Contracts awarded 2024", a blank
line), and some have no heading row at all. Taking the first row as headings regardless
loses a data row (a file without headings) or maps nothing (a file with a title). So:

- a mapping's `[headings] row = N` says where they are (`row = 0`: there are none);
- otherwise the first row is the heading row when it has a recognised heading (a
  synonym, or a heading the mapping names) or does not look like data;
- a first row that looks like data (two or more cells that are dates or amounts, one
  a date or half the cells, and no recognised heading) means no heading row: the columns
  are named by position, "column 1", "column 2"..., which a mapping can name;
- a first row with no recognised heading, above a row among the first 20 that has two or
  more, is a title row: the rows above that heading row are skipped, and listed in the
  import report (never silently).

>>> locate([["Contracts awarded 2024"], [], ["PO Number", "Vendor", "PO Date", "Amount"]])
Layout(index=2, headerless=False, detected=True)
>>> locate([["PO-1", "Acme", "2024-01-05", "1,500.00"]])
Layout(index=None, headerless=True, detected=True)
>>> locate([["PO Number", "Vendor"]])
Layout(index=0, headerless=False, detected=False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transparency.ingest.mapping import SYNONYM_INDEX, WEAK_INDEX, heading_key

# How far down title rows are looked through for the heading row.
SEARCH_ROWS = 20
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_AMOUNT = re.compile(r"^[-+(]?\s?[$€£¥]?\s?\d[\d,.' ]*\)?$")


@dataclass(frozen=True)
class Layout:
    """`index`: the 0-based row of the headings (None: no heading row); `detected`: the
    layout was worked out (not the plain first-row case, nor stated in the mapping)."""

    index: int | None
    headerless: bool
    detected: bool


def generated_headings(width: int) -> list[str]:
    """Return the headings of a file without a heading row: "column 1" to "column N"."""
    return [f"column {i}" for i in range(1, width + 1)]


def _cells(row: list) -> list[str]:
    return [str(c).strip() for c in row if c is not None and str(c).strip()]


def recognised(row: list, named: set[str]) -> int:
    """Return how many cells of `row` are a heading the import recognises or a mapping names."""
    known = SYNONYM_INDEX.keys() | WEAK_INDEX.keys()
    return sum(1 for c in _cells(row) if c in named or heading_key(c) in known)


def looks_like_data(row: list) -> bool:
    """Return whether `row` reads as data: two or more cells are dates or amounts, and one
    of them is a date or they are at least half the cells (headings are words)."""
    cells = _cells(row)
    dated = sum(1 for c in cells if _DATE.match(c))
    valued = dated + sum(1 for c in cells if not _DATE.match(c) and _AMOUNT.match(c))
    return valued >= 2 and (dated > 0 or valued * 2 >= len(cells))


def locate(rows: list[list], named: set[str] = frozenset(), row: int | None = None) -> Layout:
    """Return where the headings are among the file's first `rows` (see the module doc).

    `row` is the mapping's `[headings] row` (1-based; 0 for none), which is taken as said.
    """
    if row is not None:
        return Layout(None, True, False) if row == 0 else Layout(row - 1, False, False)
    if not rows:
        return Layout(0, False, False)
    first = rows[0]
    if recognised(first, named):
        return Layout(0, False, False)
    if looks_like_data(first):
        return Layout(None, True, True)
    for i, candidate in enumerate(rows[1:SEARCH_ROWS], start=1):
        if looks_like_data(candidate):
            break  # data before any heading row: the first row is the only candidate
        if recognised(candidate, named) >= 2:
            return Layout(i, False, True)
    return Layout(0, False, False)


def named_headings(columns: dict[str, list[str]]) -> set[str]:
    """Return the headings a mapping's `[columns]` names."""
    return {h for heads in columns.values() for h in heads}


def describe(layout: Layout, skipped: list[str], width: int) -> dict:
    """Return the import-report entry for a layout other than plain first-row headings."""
    if layout.headerless:
        how = "detected: the first row looks like data" if layout.detected else "mapping"
        return {
            "heading_row": None,
            "heading_note": f"none ({how}); columns 'column 1' to 'column {width}'",
        }
    if layout.index:
        return {"heading_row": layout.index + 1, "skipped_rows": skipped}
    return {}
