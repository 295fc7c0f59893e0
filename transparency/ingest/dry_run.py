"""A dry run (issue 17): what an import would do, before anything is written to the store.

The file goes through the same `import_file` into a throw-away store that has the real
store's own rates file, so rows accepted and rejected, the top rejection reasons, the
value rejected and the share of spend that will be assessable are the import's own;
then the throw-away store is removed. A file already imported is not refused here (the
real import says so).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from transparency.ingest.mapping import Mapping
from transparency.ingest.pipeline import import_file
from transparency.ingest.summary import batch_notes, recognised_shares
from transparency.settings import user_fx_rates_path
from transparency.store import Store


@dataclass(frozen=True)
class DryRun:
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    top_reasons: list[tuple[str, int]]  # (reason, rows), most first
    recognised: dict[str, dict[str, float]]
    notes: list[str]


def dry_run(
    path: str | Path,
    store: Store,
    *,
    mapping: Mapping | None = None,
    source_name: str | None = None,
) -> DryRun:
    """Return what importing `path` into `store` would do; `store` is not touched."""
    with tempfile.TemporaryDirectory(prefix="transparency-dry-run-") as folder:
        scratch = Store(Path(folder) / "store")
        scratch.root.mkdir(parents=True)
        rates = user_fx_rates_path(store.root) if not store.is_remote else None
        if rates is not None and rates.exists():
            shutil.copyfile(rates, user_fx_rates_path(scratch.root))
        result = import_file(path, scratch, mapping=mapping, source_name=source_name)
        report = scratch.rejections(result.batch.batch_id)
        reasons = (
            report.unique("source_row", keep="first")
            .group_by("reason")
            .agg(pl.len().alias("n"))
            .sort("n", "reason", descending=[True, False])
            .head(5)
        )
        lines = pl.scan_parquet(scratch.batch_path(result.batch.batch_id))
        return DryRun(
            rows_read=result.rows_read,
            rows_accepted=result.rows_accepted,
            rows_rejected=result.rows_rejected,
            top_reasons=[tuple(r) for r in reasons.iter_rows()],
            recognised=recognised_shares(lines),
            notes=batch_notes(scratch, result.batch.batch_id),
        )
