"""A mapping file's values, checked by type before they are used (a one-line error, no traceback).

>>> check_types({"columns": {"contract_id": "PO"}}, "m.toml") is None
True
"""

from __future__ import annotations

# The sections a mapping file may have (`Mapping.load` refuses any other).
SECTIONS: tuple[str, ...] = (
    "columns",
    "ignore",
    "constants",
    "csv",
    "excel",
    "dates",
    "placeholders",
    "values",
    "headings",
    "suppliers",
    "countries",
)


class MappingError(ValueError):
    """The headings cannot be mapped without help; the message says what to write."""


# What a value must be, in words (also the test `_is` applies).
_TEXT = "a text"
_TEXTS = "a text or a list of texts"
_SCALAR = "a text or a number"


def _kind(value: object) -> str:
    names = {bool: "true/false", int: "a whole number", float: "a number", str: "a text"}
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return names.get(type(value), type(value).__name__)


def _is(value: object, want: str) -> bool:
    if want == _TEXT:
        return isinstance(value, str)
    if want == _TEXTS:
        return isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def check_types(data: dict, path: str) -> None:
    """Raise `MappingError` in one line naming the key and the type it needs, if one is off.

    >>> try:
    ...     check_types({"columns": {"contract_id": 5}}, "m.toml")
    ... except MappingError as exc:
    ...     print(str(exc).split(": ", 1)[1])
    [columns] contract_id must be a text or a list of texts (a heading), not a whole number (5).
    """

    def fail(where: str, want: str, value: object) -> MappingError:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        return MappingError(
            f"mapping file {path}: {where} must be {want}, not {_kind(value)} ({shown})."
        )

    for section in SECTIONS:
        if section in data and not isinstance(data[section], dict):
            raise fail(f"[{section}]", "a table", data[section])
    rules = {
        "columns": _TEXTS + " (a heading)",
        "constants": _SCALAR,
        "csv": _SCALAR,
        "excel": _SCALAR,
        "placeholders": _TEXTS,
    }
    for section, want in rules.items():
        for key, value in data.get(section, {}).items():
            if not _is(value, want.split(" (")[0]):
                raise fail(f"[{section}] {key}", want, value)
    ignored = data.get("ignore", {}).get("columns", [])
    if not _is(ignored, _TEXTS) or isinstance(ignored, str):
        raise fail("[ignore] columns", "a list of texts", ignored)
    withheld = data.get("suppliers", {}).get("undisclosed", [])
    if not _is(withheld, _TEXTS):
        raise fail("[suppliers] undisclosed", "a list of texts", withheld)
    row = data.get("headings", {}).get("row")
    if row is not None and (not isinstance(row, int) or isinstance(row, bool) or row < 0):
        raise fail("[headings] row", "a whole number, 0 for no heading row", row)
    dates = data.get("dates", {})
    if "order" in dates and not isinstance(dates["order"], str):
        raise fail("[dates] order", "'dmy' or 'mdy'", dates["order"])
    formats = dates.get("formats", {})
    if not isinstance(formats, dict):
        raise fail("[dates] formats", "a table of heading = format", formats)
    for key, value in formats.items():
        if not isinstance(value, str):
            raise fail(f"[dates.formats] {key}", _TEXT, value)
    for column, table in data.get("values", {}).items():
        if not isinstance(table, dict):
            raise fail(f"[values.{column}]", "a table of raw value = value", table)
        for raw, value in table.items():
            if not isinstance(value, str):
                raise fail(f"[values.{column}] {raw}", _TEXT, value)
