"""Command modules for `python -m transparency`; each defines `register(subparsers)`.

`transparency.cli` imports this package and every module in it; nothing here imports
`transparency.cli` back. `--help` imports every command module, so the modules import
heavy parts of the library (duckdb, the ingest, figures, report and bench packages)
inside their `run` functions.
"""

from __future__ import annotations

import argparse

from transparency.settings import default_store
from transparency.store import Store


class UserError(Exception):
    """A failure the user can fix (bad file, bad argument); printed without a traceback."""


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    """Add the `--store DIR` option every command takes."""
    parser.add_argument(
        "--store",
        default=None,
        help="store folder (default: $TRANSPARENCY_STORE or data/store/)",
    )


def store_from(args: argparse.Namespace):
    """Return the `Store` named by `--store`, or the default one."""
    return Store(args.store or default_store())
