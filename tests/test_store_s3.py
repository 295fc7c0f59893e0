"""A store on an object store: batches and manifest on a local S3-compatible server (moto)."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import time
from decimal import Decimal

import polars as pl
import pytest

from transparency import schema
from transparency.database import connect
from transparency.store import Store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    import boto3

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            client.create_bucket(Bucket="procurement-store")
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.2)
    yield endpoint
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def s3_store(s3_endpoint, monkeypatch, tmp_path, request):
    monkeypatch.setenv("TRANSPARENCY_S3_ENDPOINT", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("TRANSPARENCY_LOCAL_DIR", str(tmp_path / "local"))
    return Store(f"s3://procurement-store/{request.node.name}")


def lines(n: int, amount: str) -> pl.DataFrame:
    return schema.conform(
        pl.DataFrame(
            {
                "contract_id": [f"C{i}" for i in range(n)],
                "award_date": [dt.date(2025, 5, 2)] * n,
                "supplier_name": ["Acme"] * n,
                "amount": [Decimal(amount)] * n,
                "currency": ["USD"] * n,
                "amount_usd": [Decimal(amount)] * n,
                "source_row": list(range(1, n + 1)),
            }
        )
    )


NO_REJECTIONS = pl.DataFrame(schema=schema.REJECTION)


def test_batches_land_and_read_back_through_duckdb(s3_store):
    a = s3_store.add_batch(
        lines(3, "2.50"), NO_REJECTIONS, source_file="a.csv", content_hash="a", rows_read=3
    )
    s3_store.add_batch(
        lines(2, "1.25"), NO_REJECTIONS, source_file="b.csv", content_hash="b", rows_read=2
    )
    assert s3_store.batch_files()[0].startswith("s3://procurement-store/")
    con = connect(s3_store, with_risk=False)
    got = con.cursor().sql("select count(*), sum(amount_usd) from contract_lines").fetchall()
    assert got == [(5, Decimal("10.00"))]

    # A second reader (another dashboard instance) sees the same store.
    other = Store(s3_store.url)
    assert [b.batch_id for b in other.batches()] == [b.batch_id for b in s3_store.batches()]

    s3_store.undo(a.batch_id)
    con = connect(Store(s3_store.url), with_risk=False)
    assert con.sql("select sum(amount_usd) from contract_lines").fetchall() == [(Decimal("2.50"),)]
    assert not s3_store.fs.exists(s3_store.batch_path(a.batch_id))


def test_rejections_and_duplicates_on_object_store(s3_store):
    rejected = pl.DataFrame(
        {
            "file": ["x.csv"],
            "source_row": [2],
            "column": ["Amount"],
            "value": ["?"],
            "reason": ["r"],
        },
        schema=schema.REJECTION,
    )
    batch = s3_store.add_batch(
        lines(1, "1"), rejected, source_file="x.csv", content_hash="x", rows_read=2
    )
    assert s3_store.rejections(batch.batch_id).get_column("value").to_list() == ["?"]
    with pytest.raises(Exception, match="already imported"):
        s3_store.add_batch(
            lines(1, "1"), NO_REJECTIONS, source_file="x.csv", content_hash="x", rows_read=1
        )
