"""`figures --quarter 2025Q4`: print a quarter's transparency figures (text or JSON)."""

from __future__ import annotations

import argparse
import json

from transparency.commands import UserError, add_store_argument, store_from


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "figures",
        help="print a quarter's transparency figures",
        description="Print a quarter's transparency figures, reconciled to the cent. "
        "JSON keys are documented in the README (money as strings with two decimals).",
    )
    parser.add_argument("--quarter", required=True, help="quarter as YYYYQn, e.g. 2025Q4")
    add_store_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def compute(args: argparse.Namespace):
    """Return the `Figures` the arguments ask for, or raise `UserError` with a clear message."""
    # lazy: the figures pull in duckdb, polars and the risk model (about 1 s); the command
    # line imports every command module to register it, and most commands need none of them
    from transparency import figures, quarters

    try:
        quarter = quarters.parse(args.quarter)
    except quarters.QuarterError as exc:
        raise UserError(f"--quarter: {exc}") from exc
    store = store_from(args)
    if not store.batches():
        raise UserError(
            f"The store {store.root} has no batches; import an export first "
            "(python -m transparency import FILE) or add demo data (python -m transparency demo)."
        )
    try:
        return figures.figures(store, quarter)
    except (figures.NoData, figures.ReconciliationError) as exc:
        raise UserError(str(exc)) from exc


def run(args: argparse.Namespace) -> int:
    # lazy: as in `compute`
    from transparency.figures import TABLES

    # lazy: as in `compute`, and the report package adds plotly and xlsxwriter
    from transparency.report import DEMO_NOTE, cell_text, change_text, top_line_rows

    fig = compute(args)
    if args.json:
        print(json.dumps(fig.to_json(), indent=2, ensure_ascii=False))
        return 0
    print(f"Transparency figures, {fig.quarter.describe()}")
    if fig.provenance.get("is_demo"):
        print(DEMO_NOTE)
    print()
    for row in top_line_rows(fig):
        print(f"  {row[0]:58} {row[1]:>20}")
    for comp in fig.comparisons:
        label = "previous quarter" if comp.kind == "previous_quarter" else "a year earlier"
        if comp.has_data:
            print(
                f"  Change in total spend from {comp.quarter.label} ({label}): "
                f"{change_text('total_usd', comp.change)}"
            )
        else:
            print(f"  {comp.quarter.label} ({label}) has no data to compare with.")
    for table in TABLES:
        frame = fig.tables[table.key]
        print(f"\n{table.title}")
        rows = [
            [cell_text(row[c.key], c.kind) for c in table.columns]
            for row in frame.iter_rows(named=True)
        ]
        widths = [
            max([len(c.label)] + [len(r[i]) for r in rows]) for i, c in enumerate(table.columns)
        ]
        # text left, numbers right, as in the published tables
        align = ["<" if c.kind == "text" else ">" for c in table.columns]
        for cells in [[c.label for c in table.columns], *rows]:
            line = "  ".join(f"{v:{a}{w}}" for v, a, w in zip(cells, align, widths, strict=True))
            print("  " + line.rstrip())
    print(f"\n{fig.reconciliation_statement()}")
    print(f"Fingerprint: {fig.fingerprint}")
    return 0
