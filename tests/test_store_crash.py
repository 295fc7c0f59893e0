"""Crash consistency: an import killed at any moment leaves the store as before or as after."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal

from transparency.database import connect
from transparency.store import Store

# Writes one batch of `n` lines of 1.00 USD each, with the given content hash.
WRITER = """
import sys, datetime as dt
from decimal import Decimal
import polars as pl
from transparency import schema
from transparency.store import Store
root, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = schema.conform(pl.DataFrame({
    "contract_id": [f"{tag}-{i}" for i in range(n)],
    "award_date": [dt.date(2025, 2, 1)] * n,
    "supplier_name": ["Acme"] * n,
    "amount": [Decimal("1")] * n,
    "currency": ["USD"] * n,
    "amount_usd": [Decimal("1")] * n,
    "source_row": list(range(1, n + 1)),
}))
rejections = pl.DataFrame(schema=schema.REJECTION)
Store(root).add_batch(lines, rejections, source_file=tag, content_hash=tag, rows_read=n)
print("committed", flush=True)
"""


def state(store: Store) -> tuple[list[str], Decimal]:
    con = connect(store, with_risk=False)
    total = con.sql("select coalesce(sum(amount_usd), 0) from contract_lines").fetchall()[0][0]
    return [b.batch_id for b in store.batches()], Decimal(total)


def test_sigkill_at_random_moments_leaves_before_or_after(tmp_path):
    store = Store(tmp_path / "store")
    rng = random.Random(2388)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    before = state(store)
    outcomes = {"before": 0, "after": 0}
    for attempt in range(22):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store.root), "200000", f"run{attempt}"],
            stdout=subprocess.PIPE,
            env=env,
        )
        # Python start-up and the Parquet write take about a second; kill somewhere in it.
        time.sleep(rng.uniform(0.0, 2.0))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        after = state(store)
        ids_before, total_before = before
        ids_after, total_after = after
        if ids_after == ids_before:
            assert total_after == total_before
            outcomes["before"] += 1
        else:
            assert ids_after[:-1] == ids_before
            assert total_after == total_before + Decimal(200000)
            outcomes["after"] += 1
        before = after
    # Both outcomes must have been exercised for the test to mean something.
    assert outcomes["before"] > 0 and outcomes["after"] > 0, outcomes
