"""`python -m transparency COMMAND ...`: one module per command in `transparency/commands/`.

Each command module defines `register(subparsers)`, which adds its parser and sets
`func` to a function taking the parsed arguments and returning an exit code. A command
raises `transparency.commands.UserError` for a failure the user can fix.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from transparency import commands
from transparency.commands import UserError


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every command module registered."""
    parser = argparse.ArgumentParser(
        prog="python -m transparency",
        description="Procurement transparency: imports, risk, figures and reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"transparency.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; print a clear message (no traceback) for expected failures."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (`figures ... | head`): not an error of ours. Point
        # stdout at /dev/null so Python's flush at exit does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
