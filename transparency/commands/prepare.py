"""`prepare`: build the dashboard's page cache for the store's current data version.

For a machine whose dashboards read a store another machine writes (a shared folder or an
`s3://` store), or a scheduled job after imports: the first page opened then does not wait.
"""

from __future__ import annotations

import argparse

from transparency.commands import add_store_argument, store_from
from transparency.commands.import_cmd import prepare_pages


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "prepare",
        help="prepare the dashboard pages for the store's current data",
        description="Build the page cache (scored lines and pre-aggregated cells) of the "
        "store's current data version in TRANSPARENCY_SPILL_DIR, unless it is there "
        "already. Dashboards on this machine then open without waiting for it. A build "
        "that failed before (the pages then say so) is tried again; a failure exits with "
        "status 2.",
    )
    add_store_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = store_from(args)
    if not store.batches():
        print(f"The store {store.root} has no data: nothing to prepare.")
        return 0
    prepare_pages(args, store, strict=True)  # a failure: one line and exit status 2
    return 0
