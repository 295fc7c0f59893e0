"""`report --quarter 2025Q4 --out DIR`: write the quarter's XLSX, HTML and PDF report."""

from __future__ import annotations

import argparse

from transparency.commands import add_store_argument
from transparency.commands.figures import compute


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report",
        help="write a quarter's transparency report (XLSX, HTML, PDF)",
        description="Write a quarter's transparency report as an XLSX workbook, a "
        "self-contained HTML page and a PDF, with methodology and provenance. "
        "A quarter without data writes nothing.",
    )
    parser.add_argument("--quarter", required=True, help="quarter as YYYYQn, e.g. 2025Q4")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    add_store_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # lazy: the report pulls in duckdb, polars, plotly and xlsxwriter (over 1 s); the command
    # line imports every command module to register it
    from transparency.report import write_report

    fig = compute(args)
    paths = write_report(fig, args.out)
    print(f"Transparency report for {fig.quarter.describe()}:")
    for path in paths.values():
        print(f"  {path}")
    print(fig.reconciliation_statement())
    print(f"Fingerprint: {fig.fingerprint}")
    return 0
