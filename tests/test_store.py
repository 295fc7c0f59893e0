"""The store: atomic batches, manifest, duplicate refusal, undo, row accounting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from transparency import schema
from transparency.database import connect
from transparency.store import DuplicateImport, Store, StoreError


def lines_frame(amounts_usd: list[str], first_row: int = 1) -> pl.DataFrame:
    n = len(amounts_usd)
    return schema.conform(
        pl.DataFrame(
            {
                "contract_id": [f"C{i}" for i in range(n)],
                "award_date": [dt.date(2025, 1, 15)] * n,
                "supplier_name": ["Acme"] * n,
                "amount": [Decimal(a) for a in amounts_usd],
                "currency": ["USD"] * n,
                "amount_usd": [Decimal(a) for a in amounts_usd],
                "source_row": list(range(first_row, first_row + n)),
            }
        )
    )


def rejections_frame(rows: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "file": ["f.csv"] * len(rows),
            "source_row": rows,
            "column": ["Amount"] * len(rows),
            "value": ["abc"] * len(rows),
            "reason": ["not a number"] * len(rows),
        },
        schema=schema.REJECTION,
    )


def test_add_batch_lists_it_and_views_read_it(tmp_path):
    store = Store(tmp_path)
    batch = store.add_batch(
        lines_frame(["10.50", "0.25"]),
        rejections_frame([3, 3]),
        source_file="f.csv",
        content_hash="aa" * 32,
        rows_read=3,
    )
    assert (batch.rows_accepted, batch.rows_rejected, batch.lines) == (2, 1, 2)
    assert batch.total_usd == "10.75"
    assert [b.batch_id for b in store.batches()] == [batch.batch_id]
    assert store.rejections(batch.batch_id).get_column("source_row").to_list() == [3, 3]
    con = connect(store, with_risk=False)
    total, ids = con.sql(
        "select sum(amount_usd), list(distinct batch_id) from contract_lines"
    ).fetchall()[0]
    assert total == Decimal("10.75")
    assert ids == [batch.batch_id]


def test_rows_must_add_up(tmp_path):
    with pytest.raises(StoreError, match="read 4, accepted 2, rejected 1"):
        Store(tmp_path).add_batch(
            lines_frame(["1", "2"]),
            rejections_frame([3]),
            source_file="f.csv",
            content_hash="bb" * 32,
            rows_read=4,
        )


def test_same_content_is_refused(tmp_path):
    store = Store(tmp_path)
    kwargs = dict(source_file="f.csv", content_hash="cc" * 32, rows_read=1)
    first = store.add_batch(lines_frame(["1"]), rejections_frame([]), **kwargs)
    with pytest.raises(DuplicateImport, match=first.batch_id):
        store.add_batch(lines_frame(["1"]), rejections_frame([]), **kwargs)
    assert len(store.batches()) == 1


def test_undo_removes_batch_and_files(tmp_path):
    store = Store(tmp_path)
    a = store.add_batch(
        lines_frame(["1"]), rejections_frame([]), source_file="a", content_hash="a1", rows_read=1
    )
    b = store.add_batch(
        lines_frame(["2"]), rejections_frame([]), source_file="b", content_hash="b1", rows_read=1
    )
    version_before = store.version()
    store.undo(a.batch_id)
    assert [x.batch_id for x in store.batches()] == [b.batch_id]
    assert not store.batch_path(a.batch_id).exists()
    assert store.version() != version_before
    con = connect(store, with_risk=False)
    assert con.sql("select sum(amount_usd) from contract_lines").fetchall() == [(Decimal("2.00"),)]
    with pytest.raises(StoreError, match="No batch"):
        store.undo(a.batch_id)


def test_orphan_file_without_manifest_entry_is_invisible(tmp_path):
    store = Store(tmp_path)
    store.add_batch(
        lines_frame(["5"]), rejections_frame([]), source_file="a", content_hash="a1", rows_read=1
    )
    # A crash after the Parquet rename but before the manifest write leaves this behind.
    lines_frame(["999"]).write_parquet(store.batches_dir / "20990101T000000-deadbeef.parquet")
    con = connect(store, with_risk=False)
    assert con.sql("select sum(amount_usd) from contract_lines").fetchall() == [(Decimal("5.00"),)]


def test_empty_store_has_empty_view_with_canonical_columns(tmp_path):
    con = connect(Store(tmp_path), with_risk=False)
    rel = con.sql("select * from contract_lines")
    assert rel.columns == schema.COLUMNS
    assert rel.fetchall() == []


def test_chunks_stream_into_one_batch(tmp_path):
    store = Store(tmp_path)
    chunks = (lines_frame(["1.10"] * 3, first_row=1 + 3 * k) for k in range(4))
    batch = store.add_batch(
        chunks, rejections_frame([13]), source_file="big.csv", content_hash="ch", rows_read=13
    )
    assert (batch.lines, batch.rows_accepted, batch.rows_rejected) == (12, 12, 1)
    assert batch.total_usd == "13.20"
    assert pl.read_parquet(store.batch_path(batch.batch_id)).height == 12


def test_rows_not_adding_up_leave_no_file_behind(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(StoreError):
        store.add_batch(
            lines_frame(["1"]), rejections_frame([]), source_file="f", content_hash="z", rows_read=5
        )
    assert list(store.batches_dir.iterdir()) == []
    assert store.batches() == []


def test_rejections_and_rows_read_may_come_after_the_chunks(tmp_path):
    store = Store(tmp_path)
    seen: list[int] = []

    def chunks():
        for k in range(3):
            seen.append(k)
            yield lines_frame(["2.50"] * 2, first_row=1 + 2 * k)

    def rejections():
        assert seen == [0, 1, 2]  # called only once every chunk is written
        return rejections_frame([7])

    batch = store.add_batch(
        chunks(), rejections, source_file="s.csv", content_hash="cb", rows_read=lambda: 7
    )
    assert (batch.rows_read, batch.lines, batch.rows_accepted, batch.rows_rejected) == (7, 6, 6, 1)
    assert batch.total_usd == "15.00"
    assert store.rejections(batch.batch_id).get_column("source_row").to_list() == [7]


def test_a_failing_chunk_leaves_no_file_and_no_batch(tmp_path):
    store = Store(tmp_path)

    def chunks():
        yield lines_frame(["1"], first_row=1)
        raise ValueError("chunk 2 is unreadable")

    with pytest.raises(ValueError, match="chunk 2"):
        store.add_batch(
            chunks(), rejections_frame([]), source_file="f", content_hash="y", rows_read=2
        )
    assert list(store.batches_dir.iterdir()) == []
    assert store.batches() == []


def test_an_empty_batch_is_a_readable_empty_file(tmp_path):
    store = Store(tmp_path)
    batch = store.add_batch(
        [], rejections_frame([1]), source_file="f", content_hash="e", rows_read=1
    )
    frame = pl.read_parquet(store.batch_path(batch.batch_id))
    assert frame.height == 0
    assert frame.schema == schema.empty_lines().schema


def colliding_csvs(tmp_path) -> tuple:
    """Write two different CSV exports whose SHA-256 share their first 8 hex digits."""
    import hashlib

    head = "contract_id,award_date,supplier_name,supplier_country,amount,currency,category\n"
    seen: dict[str, bytes] = {}
    n = 0
    while True:
        n += 1
        body = f"C{n},2025-01-15,Acme {n},DE,{n % 900 + 100}.00,USD,43211500\n"
        data = (head + body).encode()
        prefix = hashlib.sha256(data).hexdigest()[:8]
        if prefix in seen:
            break
        seen[prefix] = data
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(seen[prefix])
    second.write_bytes(data)
    return first, second


def test_two_files_colliding_in_one_second_get_their_own_batch_ids(tmp_path, monkeypatch):
    from transparency import store as store_module
    from transparency.ingest import import_file

    first, second = colliding_csvs(tmp_path)
    assert first.read_bytes() != second.read_bytes()
    assert store_module.file_hash(first)[:8] == store_module.file_hash(second)[:8]

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 3, 12, 0, 0, tzinfo=tz)

    monkeypatch.setattr(store_module, "datetime", Frozen)
    s = Store(tmp_path / "store")
    a = import_file(first, s).batch
    b = import_file(second, s).batch
    base = f"20261203T120000-{store_module.file_hash(first)[:8]}"
    assert (a.batch_id, b.batch_id) == (base, f"{base}-2")
    # Each file counted once, and undoing one leaves the other.
    want = Decimal(a.total_usd) + Decimal(b.total_usd)
    assert connect(s).sql("select sum(amount_usd) from contract_lines").fetchall()[0][0] == want
    s.undo(a.batch_id)
    assert [x.batch_id for x in s.batches()] == [b.batch_id]
    assert connect(s).sql("select count(*) from contract_lines").fetchall()[0][0] == 1


def test_a_file_left_in_batches_is_removed_before_its_id_is_chosen(tmp_path, monkeypatch):
    # A killed import left a batch file the manifest does not list: the next write removes
    # it under the lock, so its id is free again and the new batch's own file is read.
    from transparency import store as store_module

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 3, 12, 0, 0, tzinfo=tz)

    monkeypatch.setattr(store_module, "datetime", Frozen)
    s = Store(tmp_path / "store")
    orphan = s.batch_path("20261203T120000-abcdef01")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a killed import")
    batch = s.add_batch(
        lines_frame(["1.00"]),
        rejections_frame([]),
        source_file="f.csv",
        content_hash="abcdef01" + "0" * 56,
        rows_read=1,
    )
    assert batch.batch_id == "20261203T120000-abcdef01"
    con = connect(s, with_risk=False)
    assert con.sql("select sum(amount_usd) from contract_lines").fetchall() == [(Decimal("1.00"),)]


def _leftovers(s: Store) -> list[str]:
    """Write what a killed import leaves: temporary files and unlisted batch files."""
    names = [
        "batches/.tmp-0a1b2c3d4e5f-20990101T000000-deadbeef.parquet",
        "batches/20990101T000000-deadbeef.parquet",
        "rejections/.tmp-0a1b2c3d4e5f-20990101T000000-deadbeef.csv",
        "rejections/20990101T000000-deadbeef.csv",
        ".tmp-0a1b2c3d4e5f-manifest.json",
    ]
    for name in names:
        if name.endswith(".parquet"):
            lines_frame(["999"]).write_parquet(s.root / name)
        else:
            (s.root / name).write_text("x")
    return names


def test_leftovers_of_a_killed_import_are_ignored_then_removed_at_the_next_import(tmp_path):
    s = Store(tmp_path / "store")
    a = s.add_batch(
        lines_frame(["5"]), rejections_frame([]), source_file="a", content_hash="a1", rows_read=1
    )
    names = _leftovers(s)
    # Readers take the manifest's files, not a glob: the 999.00 is not counted.
    con = connect(s, with_risk=False)
    assert con.sql("select sum(amount_usd) from contract_lines").fetchall() == [(Decimal("5.00"),)]
    b = s.add_batch(
        lines_frame(["2"]), rejections_frame([]), source_file="b", content_hash="b2", rows_read=1
    )
    assert not any((s.root / name).exists() for name in names)
    assert sorted(p.name for p in s.batches_dir.iterdir()) == sorted(
        [f"{a.batch_id}.parquet", f"{b.batch_id}.parquet"]
    )
    assert sorted(p.name for p in s.rejections_dir.iterdir()) == sorted(
        [f"{a.batch_id}.csv", f"{b.batch_id}.csv"]
    )
    # Any engine reading batches/*.parquet now counts what the manifest lists: 5 + 2.
    glob = str(s.batches_dir / "*.parquet")
    con = connect(s, with_risk=False)
    assert con.sql(
        "select sum(amount_usd) from read_parquet($glob)", params={"glob": glob}
    ).fetchall() == [(Decimal("7.00"),)]


def test_an_undo_removes_leftovers_too(tmp_path):
    s = Store(tmp_path / "store")
    a = s.add_batch(
        lines_frame(["5"]), rejections_frame([]), source_file="a", content_hash="a1", rows_read=1
    )
    b = s.add_batch(
        lines_frame(["2"]), rejections_frame([]), source_file="b", content_hash="b2", rows_read=1
    )
    names = _leftovers(s)
    s.undo(b.batch_id)
    assert not any((s.root / name).exists() for name in names)
    assert [p.name for p in s.batches_dir.iterdir()] == [f"{a.batch_id}.parquet"]
    assert sorted(p.name for p in s.root.iterdir()) == [
        ".lock",
        "batches",
        "manifest.json",
        "rejections",
    ]
