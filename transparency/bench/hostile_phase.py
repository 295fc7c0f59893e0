"""Memory of the import on small hostile files: each imported in a fresh process, peak RSS.

Each file is small on disk and would expand to gigabytes if read naively: one huge shared
string in many XLSX cells, one long-named OCDS party referenced by every award, thousands of
columns. The import must refuse them (or read them) within the memory limit; the bench
reports each one's outcome, seconds and peak resident memory of its process.

>>> sorted(HOSTILE)[:2]
['ocds_long_party_name.json', 'wide_10000_columns.parquet']
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter


def _xlsx_shared_string(path: Path, cells: int = 40_000) -> None:
    # One 32,000-character string (Excel's cell limit is 32,767) in 40,000 cells: about
    # 200 KB on disk, 1.3 GB of text once every cell has its copy.
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"])
    name = "N" * 32_000
    for row in range(1, cells + 1):
        sheet.write_row(row, 0, [f"P{row}", name, "2024-03-15", 1, "USD"])
    book.close()


def _xlsx_just_under_the_limit(path: Path) -> None:
    # 30,000 copies of 32,000 characters: 960 MB of text, just under the default text limit,
    # so it is read: the most a shared-string sheet can make the import hold.
    _xlsx_shared_string(path, cells=30_000)


def _ocds_long_party(path: Path) -> None:
    # One party with a 600,000-character name named by 2,000 awards: 650 KB, 1.2 GB of text.
    party = {"id": "P1", "name": "N" * 600_000, "roles": ["supplier"]}
    awards = [
        {
            "id": f"A{i}",
            "date": "2024-03-15T00:00:00Z",
            "value": {"amount": 1, "currency": "USD"},
            "suppliers": [{"id": "P1"}],
        }
        for i in range(1, 2_001)
    ]
    release = {
        "ocid": "ocds-bench-1",
        "id": "r1",
        "date": "2024-03-15T00:00:00Z",
        "tag": ["award"],
        "parties": [party],
        "awards": awards,
    }
    path.write_text(json.dumps({"releases": [release]}))


def _wide_csv(path: Path) -> None:
    heads = ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"]
    heads += [f"Extra {i}" for i in range(1, 3_996)]
    row = "P1,Acme,2024-03-15,1,USD," + ",".join("x" for _ in range(3_995)) + "\n"
    path.write_text(",".join(heads) + "\n" + row * 10)


def _wide_parquet(path: Path) -> None:
    pl.DataFrame({f"c{i}": [str(i)] * 10 for i in range(10_000)}).write_parquet(path)


HOSTILE: dict[str, Callable[[Path], None]] = {
    "xlsx_shared_string_bomb.xlsx": _xlsx_shared_string,
    "xlsx_just_under_text_limit.xlsx": _xlsx_just_under_the_limit,
    "ocds_long_party_name.json": _ocds_long_party,
    "wide_4000_columns.csv": _wide_csv,
    "wide_10000_columns.parquet": _wide_parquet,
}


def bench_hostile(workdir: Path) -> list[dict[str, Any]]:
    """Write each hostile file to `workdir` and import it in a fresh process; return
    per file: bytes on disk, outcome (the command's first line), seconds, peak RSS in MiB."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = []
    for name, write in HOSTILE.items():
        path = workdir / name
        write(path)
        command = [sys.executable, "-m", "transparency", "import", str(path)]
        command += ["--store", str(workdir / "store"), "--no-prepare"]
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # wait4 gives this child's own peak resident memory (ru_maxrss, KiB on Linux)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        text = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
        proc.stdout and proc.stdout.close()
        first = next((line for line in text.splitlines() if line.strip()), "")
        out.append(
            {
                "file": name,
                "bytes": path.stat().st_size,
                "exit": os.waitstatus_to_exitcode(status),
                "outcome": first[:160],
                "seconds": round(seconds, 2),
                "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            }
        )
        path.unlink()
    return out
