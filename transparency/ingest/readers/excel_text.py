"""How much text an XLSX part expands to, bounded before the sheet is parsed.

A cell of type "s" holds the index of a shared string (`xl/sharedStrings.xml`), and the
reader gives every such cell its own copy: a 14 KB workbook whose cells all name one
long string expands to gigabytes. While the archive is unpacked (the zip-bomb check's
pass), each part's size and its number of `t="s"` cells are counted, and the longest
text of each shared string is taken from its `<si>` element's length (an upper bound).
A part's text is its own size plus, for each shared-string cell, that string's length.
When the cheap bound (size + cells x longest string) is within `TRANSPARENCY_MAX_TEXT_MB`,
nothing more is done; otherwise the part is read again and each cell's string counted
exactly, and the file is refused at the first cell past the limit.
"""

from __future__ import annotations

import re
from array import array
from typing import IO

import numpy as np

from transparency import settings

_CHUNK = 1 << 20
_SHARED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_TYPE_S = (b't="s"', b"t='s'")
_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)\bt=[\"']s[\"']([^>]*)>\s*"
    rb"<(?:[A-Za-z_][\w.-]*:)?v>\s*(\d+)\s*</"
)
_REF = re.compile(rb"\br=[\"']([A-Z]+[0-9]+)[\"']")
_MARKUP = len(b"<si><t></t></si>")  # the least markup around a shared string's text


class ExcelRefused(ValueError):
    """The workbook is not read: the message names the file, the part and the limit."""


class TextBound:
    """The text each part of one workbook expands to (see the module doc)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.limit = settings.max_text_bytes()
        self.sizes: dict[str, tuple[int, int]] = {}  # part: (bytes, shared-string cells)
        self.starts = array("q")  # where each <si> starts in the shared strings part
        self.lengths = np.zeros(0, dtype=np.int64)
        self._part, self._size, self._cells, self._tail = "", 0, 0, b""
        self._shared, self._next = False, 0

    def start(self, part: str) -> None:
        self._part, self._size, self._cells, self._tail = part, 0, 0, b""
        self._shared, self._next = part.lower().endswith("sharedstrings.xml"), 0

    def feed(self, chunk: bytes) -> None:
        """Count one chunk of the current part; a part larger than the limit is refused."""
        buf = self._tail + chunk
        if self._shared:
            # The last 64 bytes are read again with the next chunk (a tag cut in two);
            # a tag seen whole already is not counted again.
            base = self._size - len(self._tail)
            for match in _SHARED.finditer(buf):
                if base + match.start() >= self._next:
                    self.starts.append(base + match.start())
                    self._next = base + match.start() + 1
            self._tail = buf[-64:]
        else:
            # A match needs 5 bytes: none fits in the 4 carried, so none is counted twice.
            self._cells += sum(buf.count(t) for t in _TYPE_S)
            self._tail = chunk[-4:]
        self._size += len(chunk)
        if self._size > self.limit:
            self._refuse(f"part {self._part!r} alone unpacks to more than that")

    def end(self) -> None:
        if self._shared:
            bounds = np.append(np.frombuffer(self.starts, dtype=np.int64), self._size)
            self.lengths = np.maximum(np.diff(bounds) - _MARKUP, 0)
            self._cells = 0
        self.sizes[self._part] = (self._size, self._cells)

    def suspects(self) -> list[str]:
        """Return the parts whose cheap bound passes the limit: counted exactly next."""
        longest = int(self.lengths.max()) if self.lengths.size else 0
        return [p for p, (size, cells) in self.sizes.items() if size + cells * longest > self.limit]

    def count_exactly(self, part: str, fh: IO[bytes]) -> None:
        """Add each shared-string cell's string to the part's size; refuse past the limit."""
        total, tail = self.sizes[part][0], b""
        strings = self.lengths.size
        uses = np.zeros(strings, dtype=np.int64)
        while True:
            chunk = fh.read(_CHUNK)
            buf = tail + chunk
            # Cut before the last cell tag: a cell is never split between two reads.
            cut = len(buf) if not chunk else max(buf.rfind(b"<c"), buf.rfind(b":c"), 0)
            found = _CELL.findall(buf, 0, cut)
            tail = buf[cut:] if cut else buf[-64:]
            if found and strings:
                index = np.array([f[2] for f in found]).astype(np.int64)
                index = index[index < strings]  # no such string: the reader says so
                np.add.at(uses, index, 1)
                running = total + np.cumsum(self.lengths[index])
                if running.size and running[-1] > self.limit:
                    k = int(np.searchsorted(running, self.limit, side="right"))
                    ref = _REF.search(found[k][0] + found[k][1])
                    cell = f"cell {ref.group(1).decode()}" if ref else f"shared-string cell {k + 1}"
                    worst = int(np.argmax(uses * self.lengths))
                    self._refuse(
                        f"past it at {cell} of part {part!r}, where shared string {worst} "
                        f"({int(self.lengths[worst]):,} bytes) has been copied into "
                        f"{int(uses[worst]):,} cells"
                    )
                total = int(running[-1]) if running.size else total
            if not chunk:
                return

    def _refuse(self, where: str) -> None:
        raise ExcelRefused(
            f"{self.name}: the sheet's text expands to more than {self.limit / 1048576:,.0f} MB "
            f"(TRANSPARENCY_MAX_TEXT_MB), {where}. Not read; save the sheet again without "
            "repeated long text, split it, or raise the limit."
        )
