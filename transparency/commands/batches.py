"""`batches`: list the store's batches (file, time, rows, totals)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from decimal import Decimal

from transparency.commands import add_store_argument, store_from


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("batches", help="list imported batches")
    add_store_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    batches = store_from(args).batches()
    if args.json:
        print(json.dumps([asdict(b) for b in batches], indent=2))
        return 0
    if not batches:
        print("The store has no batches.")
        return 0
    print(
        f"{'batch':28} {'imported at':26} {'read':>9} {'accepted':>9} {'rejected':>9} "
        f"{'total USD':>18}  file"
    )
    for b in batches:
        demo = " (demo data)" if b.is_demo else ""
        print(
            f"{b.batch_id:28} {b.imported_at:26} {b.rows_read:>9,} {b.rows_accepted:>9,} "
            f"{b.rows_rejected:>9,} {Decimal(b.total_usd):>18,.2f}  {b.source_file}{demo}"
        )
    return 0
