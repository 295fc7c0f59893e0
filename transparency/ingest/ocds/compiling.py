"""Compiling the releases of one ocid, and the spill file and row chunks the reader keeps."""

from __future__ import annotations

import pickle
import struct
import tempfile

import polars as pl

from transparency.ingest.ocds.checks import Fragment

_MERGED_BY_ID = frozenset({"awards", "contracts", "parties", "items"})


def merge(base: dict, new: dict) -> dict:
    """Merge release `new` into `base` in place (later wins) and return `base`.

    Objects merge key by key; ``awards``, ``contracts``, ``parties`` and ``items`` merge
    by ``id``; any other list is replaced whole.

    >>> merge({"awards": [{"id": "1", "value": 5}]}, {"awards": [{"id": "1", "date": "d"}]})
    {'awards': [{'id': '1', 'value': 5, 'date': 'd'}]}
    """
    for key, value in new.items():
        old = base.get(key)
        if old is None and key in _MERGED_BY_ID and isinstance(value, list):
            # Merged into an empty list, so an id given twice in one release counts once.
            old = base[key] = []
        if isinstance(value, dict) and isinstance(old, dict):
            merge(old, value)
        elif key in _MERGED_BY_ID and isinstance(value, list) and isinstance(old, list):
            index = {str(o.get("id")): o for o in old if isinstance(o, dict)}
            for item in value:
                match = index.get(str(item.get("id"))) if isinstance(item, dict) else None
                if match is None:
                    old.append(item)
                    if isinstance(item, dict):
                        index[str(item.get("id"))] = item
                else:
                    merge(match, item)
        else:
            base[key] = value
    return base


def compile_fragments(fragments: list[Fragment], spill: Spill | None = None) -> dict:
    """Return the compiled release of one ocid: its releases merged in date order."""
    ordered = sorted(fragments, key=lambda f: (f.order, f.number))
    compiled: dict = {}
    for fragment in ordered:
        data = spill.get(fragment.data) if spill is not None else fragment.data
        merge(compiled, pickle.loads(data))  # noqa: S301 (our own bytes)
    return compiled


class Spill:
    """A temporary file holding the fragments until every release of an ocid is read,
    so memory holds only a small key per release, whatever the file's size."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._end = 0

    def put(self, data: bytes) -> bytes:
        """Store `data`; return a 16-byte key (offset, length) to get it back."""
        self._file.seek(self._end)
        self._file.write(data)
        key = struct.pack("<QQ", self._end, len(data))
        self._end += len(data)
        return key

    def get(self, key: bytes) -> bytes:
        offset, length = struct.unpack("<QQ", key)
        self._file.seek(offset)
        return self._file.read(length)

    def close(self) -> None:
        self._file.close()


class Chunks:
    """Rows gathered as small frames, so a million lines never sit in memory as dicts."""

    def __init__(self, schema_: dict[str, pl.DataType], size: int = 20_000) -> None:
        self.schema, self.size = schema_, size
        self.rows: list = []
        self.frames: list[pl.DataFrame] = []

    def add(self, rows: list) -> None:
        self.rows += rows
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.frames.append(pl.DataFrame(self.rows, schema=self.schema, orient="row"))
            self.rows = []

    def frame(self) -> pl.DataFrame:
        self.flush()
        if not self.frames:
            return pl.DataFrame(schema=self.schema)
        return pl.concat(self.frames, rechunk=True)
