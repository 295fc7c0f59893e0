"""The report's three files: their names, their bytes, and writing them safely.

>>> paths = write_report(fig, Path("out"))          # doctest: +SKIP
>>> sorted(p.suffix for p in paths.values())        # doctest: +SKIP
['.html', '.pdf', '.xlsx']
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from transparency.figures import Figures
from transparency.report.html import html_report
from transparency.report.pdf import pdf_report
from transparency.report.xlsx import xlsx_bytes


def file_names(fig: Figures) -> dict[str, str]:
    """Return the file name of each format, e.g. {'xlsx': 'transparency-figures-2025Q4.xlsx'}."""
    stem = f"transparency-figures-{fig.quarter.label}"
    return {ext: f"{stem}.{ext}" for ext in ("xlsx", "html", "pdf")}


def render(fig: Figures) -> dict[str, bytes]:
    """Return the three files' bytes, keyed by extension."""
    return {
        "xlsx": xlsx_bytes(fig),
        "html": html_report(fig).encode("utf-8"),
        "pdf": pdf_report(fig),
    }


def write_report(fig: Figures, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write the XLSX, HTML and PDF into `out_dir`; return their paths by extension.

    Every file is rendered in memory first and then moved into place, so a failure
    leaves no half-written or empty file behind.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    payloads = render(fig)
    paths = {}
    for ext, name in file_names(fig).items():
        path = folder / name
        tmp = folder / f".tmp-{secrets.token_hex(6)}-{name}"
        tmp.write_bytes(payloads[ext])
        os.replace(tmp, path)
        paths[ext] = path
    return paths
