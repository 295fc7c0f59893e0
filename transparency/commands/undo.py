"""`undo BATCH`: remove one batch from the store."""

from __future__ import annotations

import argparse

from transparency.commands import UserError, add_store_argument, store_from
from transparency.commands.import_cmd import add_prepare_argument, prepare_pages
from transparency.store import StoreError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("undo", help="remove one imported batch")
    parser.add_argument("batch_id", metavar="BATCH")
    add_store_argument(parser)
    add_prepare_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = store_from(args)
    try:
        batch = store.undo(args.batch_id)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    print(f"Removed batch {batch.batch_id} ({batch.lines:,} lines from {batch.source_file}).")
    prepare_pages(args, store)
    return 0
