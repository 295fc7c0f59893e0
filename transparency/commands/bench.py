"""`bench [--rows N] [--out FILE]`: measure import, queries, pages, report and memory."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from transparency.commands import UserError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("bench", help="measure speed and memory (figures, not pass/fail)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="demo lines (default 1M)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write the results as JSON here (and Markdown tables beside it, .md)",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: temp)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # lazy: `--help` imports every command module, and the bench package (outside the
    # library's core, imported only here) loads duckdb, the ingest and the report
    from transparency import bench

    # Checked before the run (which can take many minutes), not after it.
    if args.out:
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot write the results to {args.out}: {exc}") from exc
    with tempfile.TemporaryDirectory(prefix="transparency-bench-") as tmp:
        results = bench.run(args.rows, args.workdir or Path(tmp) / "bench")
    print(bench.render(results))
    if args.out:
        bench.write_json(results, args.out)
        table = args.out.with_suffix(".md")
        table.write_text(bench.markdown(results), encoding="utf-8")
        print(f"\nWrote {args.out} and {table}")
    return 0
