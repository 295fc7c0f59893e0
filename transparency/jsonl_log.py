"""Append-only JSON-lines files: one record per line, safe against crashes and concurrent writers.

Each record is one `write()` in append mode under an exclusive lock and flushed to disk
(`fsync`) before `append` returns, so a crash never loses an accepted record. A crash mid-write
can leave a last line without newline: readers ignore it with a warning, and the next append
cuts it off first. The due-diligence records and the screening decisions use this.

>>> import tempfile, pathlib
>>> log = pathlib.Path(tempfile.mkdtemp()) / "log.jsonl"
>>> append(log, {"a": 1}, UserWarning, "record")
>>> read(log, UserWarning, "record", ValueError)
[{'a': 1}]
"""

from __future__ import annotations

import fcntl
import json
import os
import warnings
from pathlib import Path


def append(target: Path, record: dict, torn: type[Warning], noun: str) -> None:
    """Append `record` as one line of `target`, on disk when this returns.

    A torn last line left by a crash is cut first, with a `torn` warning naming it a `noun`.
    """
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _cut_torn_tail(fd, target, torn, noun)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _cut_torn_tail(fd: int, target: Path, torn: type[Warning], noun: str) -> None:
    """Truncate a last line without newline (a write torn by a crash, never accepted)."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    # Find the end of the last complete line, reading back a block at a time.
    keep, chunk, pos = 0, 1 << 16, size
    while pos > 0:
        start = max(0, pos - chunk)
        idx = os.pread(fd, pos - start, start).rfind(b"\n")
        if idx >= 0:
            keep = start + idx + 1
            break
        pos = start
    warnings.warn(
        f"{target}: dropped a torn last {noun} ({size - keep} bytes, no newline) before appending",
        torn,
        stacklevel=4,
    )
    os.ftruncate(fd, keep)
    os.fsync(fd)


def read(target: Path, torn: type[Warning], noun: str, error: type[Exception]) -> list[dict]:
    """Return the records of `target` as dicts, oldest first ([] without a file).

    A torn last line is ignored with a `torn` warning; any other line that is not JSON
    raises `error` naming the file and the line number.
    """
    if not target.exists():
        return []
    lines = target.read_bytes().split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    if tail:
        warnings.warn(
            f"{target}: ignoring a torn last {noun} ({len(tail)} bytes without newline)",
            torn,
            stacklevel=3,
        )
    out = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            out.append(json.loads(raw))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise error(f"{target}: line {number} is not a valid {noun}: {exc}") from exc
    return out
