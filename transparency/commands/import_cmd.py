"""`import FILE...`: load purchasing exports into the store, one batch per file."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TextIO

from transparency.commands import UserError, add_store_argument, store_from
from transparency.store import Store


def add_prepare_argument(parser: argparse.ArgumentParser) -> None:
    """Add `--no-prepare` (skip preparing the pages for the new data version)."""
    parser.add_argument(
        "--no-prepare",
        action="store_true",
        help="do not prepare the dashboard pages for the new data now (the first page "
        "opened then does it)",
    )


def _unknown_families(store: Store, batch_id: str) -> int | None:
    """Return the batch's count of `categories.unknown_family_count` (None for a batch in an
    object store, which this report does not read back)."""
    import polars as pl  # lazy: keeps `--help` fast

    from transparency import categories  # lazy: keeps `--help` fast

    path = store.batch_path(batch_id)
    if not hasattr(path, "exists"):
        return None
    return categories.unknown_family_count(pl.scan_parquet(path))


def _recognised(store: Store, batch_id: str, shares) -> dict:
    """The --json keys on the share of values and spend recognised (none for an object store)."""
    import polars as pl  # lazy: keeps `--help` fast

    path = store.batch_path(batch_id)
    if not hasattr(path, "exists"):
        return {}
    return {"recognised": shares(pl.scan_parquet(path))}


def prepare_pages(
    args: argparse.Namespace, store: Store, out: TextIO | None = None, *, strict: bool = False
) -> None:
    """Build the page cache of the store's new data version, unless `--no-prepare`, and
    print one line saying so and how long it took.

    A failure does not undo the change: it is reported in one line, and the pages say so
    until the data changes or a steward asks again (the failure is remembered). With
    `strict` (the `prepare` command: an explicit request) a remembered failure is tried
    again, and a failure raises `UserError` (a non-zero exit).
    """
    if getattr(args, "no_prepare", False) or not store.batches():
        return  # an empty store's pages show no figures
    from transparency import database  # lazy: keeps `--help` fast (package docstring)

    out = out or sys.stdout
    lines = sum(batch.lines for batch in store.batches())
    started = time.monotonic()
    try:
        database.prepare_page_cache(store, retry=strict)
    except Exception as exc:  # noqa: BLE001 - the change itself succeeded
        said = " ".join(str(exc).split()) or type(exc).__name__  # one line
        if strict:
            raise UserError(said) from exc
        print(f"warning: the pages were not prepared for the new data: {said}", file=out)
        return
    print(
        f"Prepared the dashboard pages for the new data ({lines:,} lines) in "
        f"{time.monotonic() - started:.1f} s.",
        file=out,
    )


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="import CSV, XLSX, Parquet or OCDS exports",
        description="Import purchasing exports. Each file becomes one batch; rejected rows "
        "are listed in a report beside it.",
        epilog="Limits (environment variables): TRANSPARENCY_MAX_UPLOAD_MB (largest file, "
        "default 200), TRANSPARENCY_MAX_IMPORT_ROWS (default 20,000,000), "
        "TRANSPARENCY_MAX_XLSX_UNPACKED_MB (default 4000) and TRANSPARENCY_MAX_XLSX_RATIO "
        "(default 200) against zip bombs, TRANSPARENCY_MAX_JSON_DEPTH (OCDS nesting, "
        "default 64), TRANSPARENCY_MAX_LINE_USD (default 1e12), TRANSPARENCY_MIN_AWARD_DATE "
        "(default 1990-01-01), TRANSPARENCY_MAX_DAYS_AHEAD (award dates, default 366).",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    add_store_argument(parser)
    parser.add_argument("--mapping", default=None, metavar="FILE", help="TOML mapping file")
    parser.add_argument("--json", action="store_true", help="print one JSON object per file")
    add_prepare_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from transparency.ingest import ImportRefused, import_file  # lazy: keeps `--help` fast
    from transparency.ingest.summary import (  # lazy: keeps `--help` fast
        batch_notes,
        layout_lines,
        recognised_shares,
        rejected_line,
    )

    store = store_from(args)
    failed = []
    imported = 0
    for path in args.files:
        try:
            result = import_file(path, store, mapping=args.mapping)
        except ImportRefused as exc:
            if len(args.files) == 1:
                raise UserError(str(exc)) from exc
            failed.append(str(exc))
            print(f"error: {exc}")
            continue
        imported += 1
        if args.json:
            print(
                json.dumps(
                    {
                        "batch_id": result.batch.batch_id,
                        "rows_read": result.rows_read,
                        "rows_accepted": result.rows_accepted,
                        "rows_rejected": result.rows_rejected,
                        "rejections": str(result.rejections_path),
                        "rejected_usd": str(result.rejected_usd),
                        "rejected_without_usd": result.rejected_unvalued,
                        **_recognised(store, result.batch.batch_id, recognised_shares),
                        **{
                            k: result.batch.extra[k]
                            for k in ("heading_row", "heading_note", "skipped_rows")
                            if k in result.batch.extra
                        },
                    }
                )
            )
        else:
            print(
                f"{path}: batch {result.batch.batch_id}: read {result.rows_read:,}, accepted "
                f"{result.rows_accepted:,}, rejected {result.rows_rejected:,} "
                f"(total USD {result.batch.total_usd}); rejections: {result.rejections_path}"
            )
            if result.rows_rejected:
                print(f"{path}: {rejected_line(result)}")
            for line in layout_lines(result.batch.extra):
                print(f"{path}: {line}")
            for line in batch_notes(store, result.batch.batch_id):
                print(f"{path}: {line}")
            newer = _unknown_families(store, result.batch.batch_id)
            if newer:
                print(
                    f"{path}: {newer:,} lines have a UNSPSC code whose family is not in the "
                    "shipped edition (v7.0901), e.g. a newer edition's code; they are scored "
                    "through their segment"
                )
    if imported:
        # After the last file, so several files make one build; on stderr with --json so
        # standard output stays one JSON object per file.
        prepare_pages(args, store, sys.stderr if args.json else None)
    if failed:
        raise UserError(f"{len(failed)} of {len(args.files)} files were not imported.")
    return 0
