"""`demo`: add a generated demo dataset (a fictional organisation) to the store.

python -m transparency demo                      # 200,000 lines ending last quarter
python -m transparency demo --rows 20000 --seed 7 --end 2026Q3 --store /tmp/demo
"""

from __future__ import annotations

import argparse

from transparency import demo
from transparency.commands import UserError, add_store_argument, store_from
from transparency.store import StoreError


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo",
        help="add generated demo data (a fictional organisation) to the store",
        description=(
            f"Generate the deterministic purchasing history of the fictional "
            f"'{demo.ORGANISATION}' ({demo.QUARTERS} quarters) and add it as one batch "
            "marked as demo data. The same --rows, --seed and --end give the same figures."
        ),
    )
    parser.add_argument(
        "--rows",
        type=_positive,
        default=demo.DEFAULT_ROWS,
        help=f"number of contract lines (default {demo.DEFAULT_ROWS:,})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=demo.DEFAULT_SEED,
        help=f"random seed (default {demo.DEFAULT_SEED})",
    )
    parser.add_argument(
        "--end",
        default=None,
        metavar="YYYYQn",
        help="last quarter of the data, e.g. 2026Q3 (default: the last complete quarter)",
    )
    add_store_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    end = args.end or demo.default_end_quarter()
    try:
        start, stop = demo.period(end)
    except ValueError as exc:
        raise UserError(f"--end: {exc}") from exc
    store = store_from(args)
    try:
        batch = demo.add_to_store(store, rows=args.rows, seed=args.seed, end_quarter=end)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    print(
        f"Added demo data ({demo.ORGANISATION}) as batch {batch.batch_id}: "
        f"{batch.rows_accepted:,} lines, {demo.QUARTERS} quarters to {end} "
        f"({start.isoformat()} to {stop.isoformat()} exclusive), seed {args.seed}, "
        f"total USD {float(batch.total_usd):,.2f}, store {store.root}."
    )
    return 0
