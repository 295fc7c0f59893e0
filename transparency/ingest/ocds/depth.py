"""The nesting-depth guard: hostile input is cut out before ijson sees it.

ijson's cost grows with the square of the nesting depth (20,000 levels: 1.5 s; a 2 MB
file of brackets: about an hour). A vectorised pass over the bytes finds the elements
of the releases array that nest deeper than the limit, and the reader hands ijson the
file with each of them replaced by the string `TOO_DEEP`; that release is reported.
"""

from __future__ import annotations

import io
import json
import os

import numpy as np

TOO_DEEP = "\u0000nested too deeply\u0000"
_TOO_DEEP_JSON = json.dumps(TOO_DEEP).encode()
_SCAN_CHUNK = 1 << 20


def deep_regions(path: str | os.PathLike, limit: int, item_level: int) -> list[tuple[int, int]]:
    """Return byte ranges [start, end) of the containers opened at `item_level` (2: items
    of a top-level array; 3: of a package's releases) inside which nesting passes `limit`.

    Brackets inside strings (escaped quotes included) do not count.

    >>> Path("d.json").write_text('[{"a": 1}, [[[[[[]]]]]], {"b": 2}]')   # doctest: +SKIP
    >>> deep_regions("d.json", 4, 2)                                       # doctest: +SKIP
    [(11, 23)]
    """
    limit = max(limit, item_level + 1)
    regions: list[tuple[int, int]] = []
    depth, in_string, backslashes = 0, False, 0
    last_open, pending = -1, -1
    offset = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            a = np.frombuffer(chunk, dtype=np.uint8)
            n = a.size
            quote = np.flatnonzero(a == 34)
            # A quote after an odd run of backslashes is escaped. Runs are short, so they
            # are measured one step back at a time, only for quotes after a backslash.
            run = np.zeros(quote.size, dtype=np.int64)
            if quote.size and quote[0] == 0:
                run[0] = backslashes
            live = np.flatnonzero(quote > 0)
            live = live[a[quote[live] - 1] == 92]
            step = 1
            while live.size:
                run[live] += 1
                step += 1
                at = quote[live] - step
                inside = at >= 0
                run[live[~inside]] += backslashes  # the run began in the previous chunk
                live = live[inside]
                live = live[a[at[inside]] == 92]
            real = quote[run % 2 == 0]
            bracket = np.flatnonzero((a == 91) | (a == 93) | (a == 123) | (a == 125))
            if bracket.size:
                # A bracket is structural when an even number of real quotes precede it.
                quotes_before = np.searchsorted(real, bracket) + int(in_string)
                bracket = bracket[quotes_before % 2 == 0]
            # Carry the string state and a trailing run of backslashes to the next chunk.
            in_string ^= bool(real.size % 2)
            tail = n - len(chunk.rstrip(b"\\"))
            backslashes = tail if tail < n else backslashes + n
            if bracket.size:
                opens = (a[bracket] == 91) | (a[bracket] == 123)
                after = depth + np.cumsum(np.where(opens, 1, -1))
                pos = bracket + offset
                level_opens = pos[opens & (after == item_level)]
                level_closes = pos[~opens & (after == item_level - 1)]
                deep = pos[opens & (after > limit)]
                if pending >= 0:
                    if level_closes.size:
                        end = int(level_closes[0]) + 1
                        regions.append((pending, end))
                        pending = -1
                        deep = deep[deep >= end]
                    else:
                        deep = deep[:0]
                while deep.size:
                    k = np.searchsorted(level_opens, deep[0], side="right") - 1
                    start = int(level_opens[k]) if k >= 0 else last_open
                    c = np.searchsorted(level_closes, deep[0])
                    if c >= level_closes.size:
                        pending = start
                        break
                    end = int(level_closes[c]) + 1
                    regions.append((start, end))
                    deep = deep[deep >= end]
                if level_opens.size:
                    last_open = int(level_opens[-1])
                depth = int(after[-1])
            offset += n
    if pending >= 0:
        regions.append((pending, offset))
    return [r for r in regions if r[0] >= 0]


class Spliced:
    """A binary file with byte ranges replaced by the JSON string `TOO_DEEP` (read only)."""

    def __init__(self, fh: io.BufferedReader, regions: list[tuple[int, int]]) -> None:
        self._fh = fh
        self._regions = list(regions)
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson reads 0 bytes first to learn bytes from text
        size = size if size > 0 else 1 << 16
        while not self._pending:
            pos = self._fh.tell()
            if self._regions and pos >= self._regions[0][0]:
                start, end = self._regions.pop(0)
                self._fh.seek(end)
                self._pending = _TOO_DEEP_JSON
                break
            stop = self._regions[0][0] if self._regions else pos + size
            data = self._fh.read(max(min(size, stop - pos), 1))
            if not data:
                return b""
            self._pending = data
        out, self._pending = self._pending[:size], self._pending[size:]
        return out
