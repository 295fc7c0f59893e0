"""The reader: units checked, releases compiled per ocid, lines made, every unit accounted for."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl

from transparency import schema, settings
from transparency.ingest.ocds.checks import Fragment, check_release
from transparency.ingest.ocds.compiling import Chunks, Spill, compile_fragments
from transparency.ingest.ocds.detect import sniff
from transparency.ingest.ocds.lines import lines_of
from transparency.ingest.ocds.model import LINE_SCHEMA
from transparency.ingest.ocds.units import Unit, read_units
from transparency.ingest.refusals import ImportRefused


def _record_fragments(obj: Any, unit: Unit, rejections: list[tuple]) -> tuple[list[Fragment], bool]:
    """Return the fragments of one record: its compiledRelease, else its releases."""
    compiled = obj.get("compiledRelease")
    if compiled is not None:
        fragment, has_parts = check_release(
            compiled, unit.number, f"{unit.path}.compiledRelease", rejections
        )
        return ([fragment] if fragment else []), has_parts
    releases = obj.get("releases")
    embedded = [r for r in releases or [] if isinstance(r, dict) and "ocid" in r]
    if not isinstance(releases, list) or not embedded:
        rejections.append(
            (
                unit.number,
                unit.path,
                obj.get("ocid", ""),
                "record has no compiledRelease and no embedded releases (only links)",
            )
        )
        return [], False
    fragments, any_parts = [], False
    for j, release in enumerate(releases):
        fragment, has_parts = check_release(
            release, unit.number, f"{unit.path}.releases[{j}]", rejections
        )
        any_parts |= has_parts
        if fragment:
            fragments.append(fragment)
    return fragments, any_parts


def _is_record(obj: Any) -> bool:
    return isinstance(obj, dict) and (
        "compiledRelease" in obj or isinstance(obj.get("releases"), list)
    )


def read_ocds(path: str | os.PathLike) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Read an OCDS file into (lines, rejections, rows_read).

    `lines` has the columns of `LINE_SCHEMA` (canonical names; countries, methods and
    FX still to be normalised by the ingest pipeline); `rejections` has the
    `schema.REJECTION` columns, with the JSON path in `column`; `rows_read` counts the
    releases (records, for a record package). Raises `NotOcds` when the file is not
    JSON at all.
    """
    path = Path(path)
    kind = sniff(path)
    rejections: list[tuple] = []
    groups: dict[str, list[Fragment]] = defaultdict(list)
    unit_info: list[tuple[int, str, str | None, bool]] = []  # number, path, ocid, has parts
    rows_read = 0
    spill = Spill()
    try:
        for unit in read_units(path, kind):
            rows_read += 1
            if unit.error is not None:
                rejections.append((unit.number, unit.path, "", unit.error))
                unit_info.append((unit.number, unit.path, None, False))
                continue
            if _is_record(unit.obj):
                fragments, has_parts = _record_fragments(unit.obj, unit, rejections)
                # A record is compiled on its own: its releases share one source row.
                key = f"record {unit.number}"
            else:
                fragment, has_parts = check_release(unit.obj, unit.number, unit.path, rejections)
                fragments = [fragment] if fragment else []
                key = fragment.ocid if fragment else ""
            for fragment in fragments:
                fragment.data = spill.put(fragment.data)
                groups[key].append(fragment)
            ocid = unit.obj.get("ocid") if isinstance(unit.obj, dict) else None
            unit_info.append(
                (unit.number, unit.path, ocid if isinstance(ocid, str) else None, has_parts)
            )

        lines = Chunks(LINE_SCHEMA)
        text = _TextBound(path.name)
        seen_rows: set[int] = set()
        for key in list(groups):
            new_lines, new_rejections = lines_of(compile_fragments(groups.pop(key), spill))
            rows = [tuple(line[c] for c in LINE_SCHEMA) for line in new_lines]
            text.check(rows, new_lines)  # before the text is copied into frames
            lines.add(rows)
            seen_rows.update(line["source_row"] for line in new_lines)
            rejections += new_rejections
    finally:
        spill.close()

    _account_for_the_rest(unit_info, seen_rows, rejections)
    lines_frame = lines.frame().sort("source_row", "contract_id", "line_id", maintain_order=True)
    rejection_frame = pl.DataFrame(
        [(path.name, n, col, val, reason) for n, col, val, reason in rejections],
        schema=schema.REJECTION,
        orient="row",
    ).sort("source_row", maintain_order=True)
    return lines_frame, rejection_frame, rows_read


class _TextBound:
    """The text of the lines made so far, held to `TRANSPARENCY_MAX_TEXT_MB`.

    A supplier that names a party by id gets the party's name, country ... in its line:
    one long name referenced by every supplier of a small file would expand to
    gigabytes when the lines are copied into frames. Python shares the one string until
    then, so the lines are measured first and the file refused at the first line past
    the limit, naming its JSON path and the longest text in it.
    """

    def __init__(self, name: str) -> None:
        self.name, self.limit, self.total = name, settings.max_text_bytes(), 0

    def check(self, rows: list[tuple], lines: list[dict]) -> None:
        for row, line in zip(rows, lines, strict=True):
            self.total += sum(len(v) for v in row if isinstance(v, str))
            if self.total > self.limit:
                field, value = max(
                    ((k, v) for k, v in line.items() if isinstance(v, str) and k[0] != "_"),
                    key=lambda kv: len(kv[1]),
                )
                raise ImportRefused(
                    f"{self.name}: the lines' text expands to more than "
                    f"{self.limit / 1048576:,.0f} MB (TRANSPARENCY_MAX_TEXT_MB), past it at "
                    f"{line['_path']} (release {line['source_row']}), whose {field} has "
                    f"{len(value):,} characters: a long text repeated in every line that names "
                    "it (a party referenced by many suppliers). Not read; shorten it in the "
                    "feed, split the file, or raise the limit."
                )


def _account_for_the_rest(
    unit_info: list[tuple[int, str, str | None, bool]],
    line_rows: set[int],
    rejections: list[tuple],
) -> None:
    """Give every release that neither yields a line nor has a rejection its reason."""
    seen = line_rows | {r[0] for r in rejections}
    seen_by_ocid: dict[str, set[int]] = defaultdict(set)
    for number, _path, ocid, _parts in unit_info:
        if ocid is not None and number in seen:
            seen_by_ocid[ocid].add(number)
    for number, where, ocid, has_parts in unit_info:
        if number in seen:
            continue
        if not has_parts:
            reason = "no award or contract in this release (planning or tender stage): no spend"
        else:
            others = sorted(seen_by_ocid.get(ocid or "", set()) - {number})
            later = ", ".join(str(n) for n in others[:5]) or "another release"
            reason = (
                f"nothing of its own to load: the awards and contracts of ocid {ocid} are "
                f"counted in release {later} (a later release wins; a contract of an award "
                "that has a value is not counted again)"
            )
        rejections.append((number, where, ocid or "", reason))
