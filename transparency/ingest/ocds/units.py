"""Reading the file's units (releases or records) one at a time, numbered from 1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import ijson

from transparency import settings
from transparency.ingest.ocds.depth import TOO_DEEP, Spliced, deep_regions
from transparency.ingest.ocds.detect import skip_bom


@dataclass
class Unit:
    """One release or record as read from the file, or the error that stopped it."""

    number: int  # 1-based, = source_row
    path: str  # JSON path of the unit in the file
    obj: Any = None
    error: str | None = None


def read_units(path: Path, kind: str) -> Iterator[Unit]:
    """Yield the file's releases (or records) one at a time, numbered from 1."""
    if kind == "jsonl":
        yield from _jsonl_units(path)
        return
    if kind == "single":
        try:
            obj = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"), parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            yield Unit(1, "$", error=f"not valid JSON: {exc}")
            return
        counter = iter(range(1, 1 << 62))
        yield from _expand(obj, "$", counter)
        return
    prefix, key = {
        "array": ("item", ""),
        "release_package": ("releases.item", "releases"),
        "record_package": ("records.item", "records"),
    }[kind]
    number = 0
    depth = settings.max_json_depth()
    regions = deep_regions(path, depth, 2 if kind == "array" else 3)
    with open(path, "rb") as raw:
        skip_bom(raw)
        fh = Spliced(raw, regions) if regions else raw
        try:
            for obj in ijson.items(fh, prefix, use_float=False):
                number += 1
                where = f"{key}[{number - 1}]"
                if isinstance(obj, str) and obj == TOO_DEEP:
                    error = (
                        f"nested deeper than {depth} levels (TRANSPARENCY_MAX_JSON_DEPTH); "
                        "an OCDS release nests about 8, so this one is not read"
                    )
                    yield Unit(number, where, error=error)
                    continue
                yield Unit(number, where, obj)
        except ijson.JSONError as exc:
            number += 1
            yield Unit(
                number,
                f"{key}[{number - 1}]",
                error=(
                    f"the file is not valid JSON from this release on ({exc}); "
                    "it is truncated or corrupt, so nothing after this point can be read"
                ),
            )


def _jsonl_units(path: Path) -> Iterator[Unit]:
    counter = iter(range(1, 1 << 62))
    with open(path, "rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            text = raw.removeprefix(b"\xef\xbb\xbf") if line_no == 1 else raw
            if not text.strip():
                continue
            where = f"line {line_no}"
            try:
                obj = json.loads(text, parse_float=Decimal, parse_constant=str)
            except (ValueError, RecursionError) as exc:
                yield Unit(next(counter), where, error=f"line is not valid JSON: {exc}")
                continue
            yield from _expand(obj, where, counter)


def _expand(obj: Any, where: str, counter: Iterator[int]) -> Iterator[Unit]:
    """Yield the releases or records inside one JSON value (a package is opened)."""
    if isinstance(obj, dict) and "ocid" not in obj:
        for key in ("releases", "records"):
            if isinstance(obj.get(key), list):
                for i, item in enumerate(obj[key]):
                    yield Unit(next(counter), f"{where}.{key}[{i}]", item)
                return
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield Unit(next(counter), f"{where}[{i}]", item)
        return
    yield Unit(next(counter), where, obj)
