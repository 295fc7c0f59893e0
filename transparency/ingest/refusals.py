"""Whole-file refusals: `ImportRefused` and the messages that name file, column and fix."""

from __future__ import annotations

from transparency import settings


class ImportRefused(Exception):
    """The whole file cannot be imported; the message names file, column, what was found
    and what is needed (duplicates included)."""


def label(headings: dict[str, str], name: str) -> str:
    return headings.get(name, name)


def numbers_refused(
    source_file: str, headings: dict[str, str], column: str, exc: Exception
) -> ImportRefused:
    return ImportRefused(
        f"{source_file}: column {label(headings, column)!r}: {exc}. State the "
        'format in a mapping file: [csv] decimal = "," and thousands = "." (or '
        'decimal = "." and thousands = ",").'
    )


def dates_refused(source_file: str, headings: dict[str, str], exc: Exception) -> ImportRefused:
    return ImportRefused(
        f"{source_file}: date column {label(headings, 'award_date')!r}: {exc}. "
        "It is not guessed: state the order in a mapping file, [dates] order = "
        '"dmy" (day first) or "mdy" (month first), or an exact format, e.g. '
        '[dates.formats] "<heading>" = "%d/%m/%Y".'
    )


def check_duplicate_headings(headings: list[str], used: dict[str, list[str]], name: str) -> None:
    """Refuse a file when a heading the import reads appears more than once."""
    positions: dict[str, list[int]] = {}
    for i, heading in enumerate(headings, start=1):
        positions.setdefault(heading, []).append(i)
    for canonical, heads in used.items():
        for head in heads:
            where = positions.get(head, [])
            if len(where) > 1:
                raise ImportRefused(
                    f"{name}: the heading {head!r} appears {len(where)} times (columns "
                    f"{', '.join(map(str, where))}), and it would be read as {canonical}; "
                    "the import does not guess which one holds it. Rename the columns in the "
                    "export so each heading is unique."
                )


def check_rows(rows_read: int, name: str) -> None:
    most = settings.max_import_rows()
    if rows_read > most:
        raise ImportRefused(
            f"{name}: has {rows_read:,} rows, more than the import limit of {most:,} rows "
            "(TRANSPARENCY_MAX_IMPORT_ROWS). Split the export, or raise the limit."
        )


def check_columns(count: int, name: str) -> None:
    """Refuse a file with more columns than `settings.max_columns()`, before its rows are read."""
    most = settings.max_columns()
    if count > most:
        raise ImportRefused(
            f"{name} has {count:,} columns; the limit is {most:,} (TRANSPARENCY_MAX_COLUMNS). "
            "Export only the columns the import needs, or raise the limit."
        )
