"""The figures pinned before the house-plan refactor: what `figures --json` prints, per quarter.

`python tests/pinned_figures.py` writes `tests/data/pinned/*.json` from the code as it is;
`tests/test_pinned_figures.py` compares the code as it is now with them. Rewrite the files
only when a change is meant to move published figures, and say so in the commit.

Left out of the comparison: the fingerprint (it hashes the query files, which a refactor
moves) and the provenance (batch ids and import times differ per run).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
PINNED = REPO / "tests" / "data" / "pinned"
SCMS = SHARED_DATA / "usaid_scms_shipments" / "SCMS_Delivery_History_Dataset.csv"
SCMS_MAPPING = REPO / "data" / "mappings" / "usaid_scms.toml"
# The demo at its default size and seed, ending on a fixed quarter (the default end moves
# with today's date); its last quarter, the one before and the one a year before.
DEMO_END = "2026Q3"
DEMO_QUARTERS = ("2026Q3", "2026Q2", "2025Q3")
# SCMS shipments: the busiest quarters of its last years.
SCMS_QUARTERS = ("2014Q4", "2015Q1", "2015Q2")
VOLATILE = ("fingerprint", "provenance")


def demo_store(root: Path):
    """Return a store holding the default demo data ending `DEMO_END`."""
    from transparency import demo
    from transparency.store import Store

    store = Store(root)
    demo.add_to_store(store, end_quarter=DEMO_END)
    return store


def scms_store(root: Path):
    """Return a store holding the USAID SCMS export imported with its mapping file."""
    from transparency.ingest import import_file
    from transparency.store import Store

    store = Store(root)
    import_file(SCMS, store, mapping=SCMS_MAPPING)
    return store


def figures_json(store, quarters: tuple[str, ...]) -> dict[str, Any]:
    """Return `figures --json` of each quarter, without the volatile keys."""
    from transparency import figures
    from transparency import quarters as quarters_mod

    out = {}
    for label in quarters:
        data = figures.figures(store, quarters_mod.parse(label)).to_json()
        out[label] = {k: v for k, v in data.items() if k not in VOLATILE}
    return out


def main() -> None:
    import tempfile

    PINNED.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, quarters in (
            ("demo", demo_store, DEMO_QUARTERS),
            ("scms", scms_store, SCMS_QUARTERS),
        ):
            store = make(Path(tmp) / name)
            data = figures_json(store, quarters)
            path = PINNED / f"{name}.json"
            path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
            print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
