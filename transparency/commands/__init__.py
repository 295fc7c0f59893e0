"""Command modules for `python -m transparency`; each defines `register(subparsers)`."""

from __future__ import annotations

import argparse

from transparency.settings import default_store


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    """Add the `--store DIR` option every command takes."""
    parser.add_argument(
        "--store",
        default=None,
        help="store folder (default: $TRANSPARENCY_STORE or data/store/)",
    )


def store_from(args: argparse.Namespace):
    """Return the `Store` named by `--store`, or the default one."""
    from transparency.store import Store

    return Store(args.store or default_store())
