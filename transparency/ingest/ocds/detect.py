"""Recognising OCDS from the content: JSON Lines, arrays, release and record packages."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import ijson

from transparency.ingest.ocds.model import NotOcds

_HEAD_BYTES = 1 << 18
_LINE_LIMIT = 64 << 20  # a JSON Lines release longer than 64 MB is not expected
_MARKERS = (b'"ocid"', b'"releases"', b'"records"', b'"compiledRelease"')


def _first_byte(head: bytes) -> bytes:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text[:1]


def looks_like_ocds(path: str | os.PathLike) -> bool:
    """Return True when the file's content is OCDS JSON (package, records, JSON Lines, array).

    Reads only the start of the file: JSON that starts with ``{`` or ``[`` and names
    ``ocid``, ``releases``, ``records`` or ``compiledRelease`` early on.

    >>> looks_like_ocds("export.csv")   # doctest: +SKIP
    False
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return False
    if _first_byte(head) not in (b"{", b"["):
        return False
    return any(marker in head for marker in _MARKERS)


def sniff(path: Path) -> str:
    """Return 'jsonl', 'array', 'release_package', 'record_package' or 'single'."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    first = _first_byte(head)
    if first == b"[":
        return "array"
    if first != b"{":
        raise NotOcds(f"{path.name}: not JSON (starts with {head[:20]!r}); OCDS is JSON.")
    # JSON Lines: the first non-blank line is a complete JSON value on its own. The line
    # is read up to a limit, so a huge one-line package is still streamed below.
    with open(path, "rb") as fh:
        skip_bom(fh)
        first_line = b""
        while not first_line.strip():
            first_line = fh.readline(_LINE_LIMIT)
            if not first_line:
                break
    if first_line.endswith(b"\n"):
        try:
            json.loads(first_line)
            return "jsonl"
        except (ValueError, RecursionError):
            pass
    with open(path, "rb") as fh:
        skip_bom(fh)
        try:
            # basic_parse builds no prefixes: ijson.parse's cost grows with depth squared.
            depth = 0
            for event, value in ijson.basic_parse(fh):
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                elif depth == 1 and event == "map_key" and value in ("releases", "records"):
                    return "release_package" if value == "releases" else "record_package"
        except ijson.JSONError:
            # A broken single document: read it as far as it goes.
            pass
    return "single"


def skip_bom(fh: io.BufferedReader) -> None:
    if fh.read(3) != b"\xef\xbb\xbf":
        fh.seek(0)
