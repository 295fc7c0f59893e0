"""The store: immutable Parquet batches, one per import, listed in a manifest.

Layout of a store folder::

    manifest.json              the committed batches, newest last
    batches/<batch_id>.parquet canonical contract lines (see `schema.py`)
    rejections/<batch_id>.csv  one row per rejected input row and reason

A batch becomes visible only when the manifest names it. Files are written to a
temporary name, flushed and renamed, and the manifest is replaced the same way last,
so a crash at any moment leaves the store exactly as before or exactly as after.

The root may also be an object-store URL (`s3://bucket/prefix`), read and written
through fsspec (s3fs). There an object PUT is atomic, so the manifest PUT is the commit;
the endpoint comes from `TRANSPARENCY_S3_ENDPOINT` (for S3-compatible servers) and the
credentials from the usual AWS variables. Imports into one object-store root must come
from one writer at a time (the lock is local to a machine); any number of dashboards
may read it. Due-diligence records and user rates live in a local folder beside it
(`TRANSPARENCY_LOCAL_DIR`, default `data/store-local/<hash>/`).

>>> import tempfile
>>> folder = tempfile.TemporaryDirectory()
>>> store = Store(folder.name)
>>> lines = schema.conform(pl.DataFrame({"source_row": [1, 2], "amount_usd": ["10.00", "2.50"]}))
>>> rejections = pl.DataFrame(
...     [("po.csv", 3, "amount", "", "amount is missing")], schema=schema.REJECTION, orient="row"
... )
>>> batch = store.add_batch(
...     lines, rejections, source_file="po.csv", content_hash="ab12", rows_read=3
... )
>>> batch.rows_accepted, batch.rows_rejected, batch.lines, batch.total_usd
(2, 1, 2, '12.50')
>>> [b.source_file for b in store.batches()]
['po.csv']
>>> folder.cleanup()
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import queue
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from transparency import schema, settings


class StoreError(Exception):
    """A store operation was refused; the message says why."""


class DuplicateImport(StoreError):
    """The same file content is already in the store."""


@dataclass(frozen=True)
class Batch:
    """One committed import, as listed in the manifest."""

    batch_id: str
    source_file: str
    content_hash: str
    imported_at: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    total_usd: str
    lines: int = 0
    is_demo: bool = False
    extra: dict = field(default_factory=dict)


def file_hash(path: str | os.PathLike) -> str:
    """Return the SHA-256 of a file's bytes (the duplicate-import key)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def refuse_duplicate(batches: list[Batch], content_hash: str, source_file: str) -> None:
    """Raise `DuplicateImport` when one of `batches` has the same content hash."""
    for existing in batches:
        if existing.content_hash == content_hash:
            raise DuplicateImport(
                f"{source_file} was already imported as batch {existing.batch_id} "
                f"(from {existing.source_file} at {existing.imported_at}); "
                "undo that batch first to import it again."
            )


def count_rows(lines: pl.DataFrame, rejections: pl.DataFrame) -> tuple[int, int]:
    """Return (rows accepted, rows rejected), counted in source rows.

    A source row is accepted when it yields at least one line (an OCDS release may
    yield several, and may also have parts rejected); it is rejected when it appears
    only in the rejection report.

    >>> count_rows(pl.DataFrame({"source_row": [1, 2, 2]}),
    ...            pl.DataFrame({"source_row": [2, 3, 3]}))
    (2, 1)
    """
    accepted = lines.get_column("source_row").unique()
    rejected = rejections.get_column("source_row").unique()
    return accepted.len(), rejected.filter(~rejected.is_in(accepted.implode())).len()


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    tmp = path.with_name(f".tmp-{secrets.token_hex(6)}-{path.name}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def is_url(root: str | os.PathLike) -> bool:
    """Return True when `root` names an object store (`s3://...`) rather than a folder."""
    return "://" in str(root)


def storage_options(url: str) -> dict[str, Any]:
    """Return fsspec options for an object-store URL, from the environment."""
    options: dict[str, Any] = {}
    endpoint = settings.s3_endpoint()
    if url.startswith(("s3://", "s3a://")) and endpoint:
        options["client_kwargs"] = {"endpoint_url": endpoint, "region_name": settings.aws_region()}
    return options


class Store:
    """A folder (or object-store prefix) of Parquet batches and their manifest."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.url = str(root).rstrip("/")
        self.fs = None
        if is_url(root):
            # lazy: only object stores need fsspec and its protocol plugins
            import fsspec

            self.fs, _ = fsspec.core.url_to_fs(self.url, **storage_options(self.url))
            digest = hashlib.sha256(self.url.encode()).hexdigest()[:12]
            self.root = settings.local_dir() or settings.DATA_DIR / "store-local" / digest
        else:
            self.root = Path(root)

    @property
    def is_remote(self) -> bool:
        return self.fs is not None

    def _where(self, *parts: str) -> Any:
        if self.fs is not None:
            return "/".join((self.url, *parts))
        return self.root.joinpath(*parts)

    @property
    def manifest_path(self) -> Any:
        return self._where("manifest.json")

    @property
    def batches_dir(self) -> Any:
        return self._where("batches")

    @property
    def rejections_dir(self) -> Any:
        return self._where("rejections")

    def batch_path(self, batch_id: str) -> Any:
        """Return the batch's Parquet location (a Path, or a URL string for object stores)."""
        return self._where("batches", f"{batch_id}.parquet")

    def rejections_path(self, batch_id: str) -> Any:
        """Return the batch's rejection report location (a Path, or a URL string)."""
        return self._where("rejections", f"{batch_id}.csv")

    def _ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.fs is None:
            for folder in (self.batches_dir, self.rejections_dir):
                folder.mkdir(parents=True, exist_ok=True)

    def _exists(self, where: Any) -> bool:
        return self.fs.exists(where) if self.fs is not None else Path(where).exists()

    def _read_bytes(self, where: Any) -> bytes:
        if self.fs is not None:
            return self.fs.cat_file(where)
        return Path(where).read_bytes()

    def _write_bytes(self, where: Any, data: bytes) -> None:
        if self.fs is not None:
            self.fs.pipe_file(where, data)  # one PUT: atomic on object stores
        else:
            atomic_write_bytes(where, data)

    def _delete(self, where: Any) -> None:
        if self.fs is not None:
            if self.fs.exists(where):
                self.fs.rm_file(where)
        else:
            Path(where).unlink(missing_ok=True)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's writer lock (one import or undo at a time, across processes)."""
        self._ensure()
        with open(self.root / ".lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def batches(self) -> list[Batch]:
        """Return the committed batches, oldest first."""
        if not self._exists(self.manifest_path):
            return []
        entries = json.loads(self._read_bytes(self.manifest_path).decode("utf-8"))["batches"]
        return [Batch(**entry) for entry in entries]

    def batch(self, batch_id: str) -> Batch:
        """Return one batch by id, or raise `StoreError` naming the known ids."""
        for batch in self.batches():
            if batch.batch_id == batch_id:
                return batch
        known = ", ".join(b.batch_id for b in self.batches()) or "none"
        raise StoreError(f"No batch {batch_id!r} in store {self.root}. Batches: {known}.")

    def batch_files(self) -> list[str]:
        """Return the Parquet files (paths or URLs) of the committed batches, oldest first."""
        return [str(self.batch_path(b.batch_id)) for b in self.batches()]

    def version(self, batches: list[Batch] | None = None) -> str:
        """Return a short key that changes whenever a batch lands or is undone (of
        `batches`, one read of the manifest, when given)."""
        ids = "|".join(b.batch_id for b in (self.batches() if batches is None else batches))
        return hashlib.sha256(ids.encode()).hexdigest()[:16]

    def is_demo(self) -> bool:
        """Return True when every committed batch is generated demo data."""
        batches = self.batches()
        return bool(batches) and all(b.is_demo for b in batches)

    def _write_manifest(self, batches: list[Batch]) -> None:
        body = {"format": 1, "batches": [asdict(b) for b in batches]}
        self._write_bytes(
            self.manifest_path, json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")
        )

    def add_batch(
        self,
        lines: pl.DataFrame | Iterable[pl.DataFrame],
        rejections: pl.DataFrame | Callable[[], pl.DataFrame],
        *,
        source_file: str,
        content_hash: str,
        rows_read: int | Callable[[], int],
        is_demo: bool = False,
        extra: dict | None = None,
    ) -> Batch:
        """Commit one import: write its Parquet and rejection report, then list it.

        `lines` is one frame or an iterable of frames (chunks are streamed into one
        Parquet file, so a 10M-line batch never sits in memory whole). For a streamed
        import, whose rejections and row count are known only once every chunk is read,
        `rejections` and `rows_read` may be callables: they are called after the last
        chunk is written and before anything is listed. Raises `DuplicateImport` when a
        batch with the same content hash exists, and `StoreError` when the rows do not
        add up (nothing is then written); an exception raised while the chunks are
        produced also leaves nothing behind.
        """
        chunks = [lines] if isinstance(lines, pl.DataFrame) else lines
        with self.lock():
            batches = self.batches()
            self.sweep(batches)
            refuse_duplicate(batches, content_hash, source_file)
            now = datetime.now(UTC)
            batch_id = self._new_batch_id(batches, now, content_hash)
            final = self.batch_path(batch_id)
            staging = (
                final
                if self.fs is not None  # unlisted until the manifest names it
                else final.with_name(f".tmp-{secrets.token_hex(6)}-{final.name}")
            )
            try:
                n_lines, total, accepted = self._write_chunks(chunks, batch_id, staging)
                if callable(rejections):
                    rejections = rejections()
                if callable(rows_read):
                    rows_read = rows_read()
                rows_accepted, rows_rejected = count_rows(
                    pl.DataFrame({"source_row": accepted}), rejections
                )
                if rows_read != rows_accepted + rows_rejected:
                    raise StoreError(
                        f"{source_file}: rows do not add up: read {rows_read}, "
                        f"accepted {rows_accepted}, rejected {rows_rejected}."
                    )
            except BaseException:
                self._delete(staging)
                raise
            if staging != final:
                os.replace(staging, final)
                fsync_dir(final.parent)
            buf = rejection_report(rejections).write_csv()
            self._write_bytes(self.rejections_path(batch_id), buf.encode("utf-8"))
            batch = Batch(
                batch_id=batch_id,
                source_file=source_file,
                content_hash=content_hash,
                imported_at=now.isoformat(timespec="seconds"),
                rows_read=rows_read,
                rows_accepted=rows_accepted,
                rows_rejected=rows_rejected,
                lines=n_lines,
                total_usd=str(total.quantize(Decimal("0.01"))),
                is_demo=is_demo,
                extra=extra or {},
            )
            self._write_manifest([*batches, batch])
            return batch

    def sweep(self, batches: list[Batch]) -> list[Path]:
        """Remove what killed writers left; the caller holds the lock and passes the listed
        batches. Returns the files removed.

        That is temporary files (`.tmp-*`) in `batches/` and `rejections/` and of the
        manifest, and batch files and rejection reports the manifest does not list. Readers
        never see them (they read the files the manifest names), but another engine reading
        `batches/*.parquet` would count them. Local stores only: on an object store a
        writer on another machine may be writing its batch under its final name now.
        """
        if self.fs is None and self.batches_dir.exists():
            listed = {b.batch_id for b in batches}
            found = [(p, p.stem not in listed) for p in self.batches_dir.glob("*.parquet")]
            found += [(p, p.stem not in listed) for p in self.rejections_dir.glob("*.csv")]
            found += [(p, True) for p in self.batches_dir.glob(".tmp-*")]
            found += [(p, True) for p in self.rejections_dir.glob(".tmp-*")]
            found += [(p, True) for p in self.root.glob(".tmp-*-manifest.json")]
            removed = [p for p, stale in found if stale and p.is_file()]
            for path in removed:
                path.unlink(missing_ok=True)
            return removed
        return []

    def _new_batch_id(self, batches: list[Batch], now: datetime, content_hash: str) -> str:
        """Return an id no listed batch and no file left in `batches/` has.

        The id is the import's second and 8 hex digits of the file hash; two files imported
        in one second can share both (8 hex digits collide after some 65,000 files, and
        can be crafted), so a taken id gets a counter: `...-2`, `...-3`.
        """
        taken = {b.batch_id for b in batches}
        base = f"{now:%Y%m%dT%H%M%S}-{content_hash[:8]}"
        candidate, n = base, 1
        while candidate in taken or self._exists(self.batch_path(candidate)):
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _write_chunks(
        self, chunks: Iterable[pl.DataFrame], batch_id: str, where: Any
    ) -> tuple[int, Decimal, pl.Series]:
        """Stream canonical chunks into one Parquet file; return lines, USD total, source rows.

        A writer thread encodes chunk k while the caller's iterable produces chunk k+1
        (both Polars and pyarrow release the GIL), so reading and writing share the cores;
        at most two chunks wait in memory.
        """
        # Polars hands strings to Arrow as views without a copy (the old large_string
        # export copied every string: about 0.35 s per 1M lines). The Arrow schema is not
        # stored in the file, so readers take the plain Parquet types (no view types).
        # zstd level 1: at 1M demo lines 25 MB in about 1.0 s of CPU, against snappy or
        # lz4 40 MB in 0.8-0.9 s and no compression 100 MB in 0.8 s; one row group per
        # chunk (up to 1M rows) is smaller and faster than 256k groups (27.8 MB, 1.1 s).
        compat = pl.CompatLevel.newest()
        arrow_schema = schema.empty_lines().to_arrow(compat_level=compat).schema
        sink = self.fs.open(where, "wb") if self.fs is not None else open(where, "wb")
        n_lines, total, rows = 0, Decimal(0), []
        tables: queue.Queue = queue.Queue(maxsize=1)
        failed: list[BaseException] = []
        writer = None

        def write() -> None:
            try:
                while (table := tables.get()) is not None:
                    writer.write_table(table, row_group_size=1_048_576)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                failed.append(exc)
                while tables.get() is not None:  # let the producer finish or stop
                    pass

        try:
            writer = _parquet_writer(sink, arrow_schema)
            thread = threading.Thread(target=write, name="batch-writer", daemon=True)
            thread.start()
            try:
                for chunk in chunks:
                    chunk = schema.conform(chunk.with_columns(pl.lit(batch_id).alias("batch_id")))
                    n_lines += chunk.height
                    total += chunk.get_column("amount_usd").sum() or Decimal(0)
                    rows.append(chunk.get_column("source_row").unique())
                    if chunk.height:
                        table = chunk.to_arrow(compat_level=compat)
                        if failed:
                            break
                        tables.put(table.cast(arrow_schema))
            finally:
                tables.put(None)
                thread.join()
            if failed:
                raise failed[0]
            writer.close()
            if self.fs is None:
                sink.flush()
                os.fsync(sink.fileno())
        finally:
            if writer is not None and writer.is_open:
                with contextlib.suppress(Exception):  # the file is deleted by the caller
                    writer.close()
            sink.close()
        accepted = pl.concat(rows).unique() if rows else pl.Series("source_row", [], pl.Int64)
        return n_lines, total, accepted

    def undo(self, batch_id: str) -> Batch:
        """Remove one batch: unlist it first (atomic), then delete its files."""
        with self.lock():
            batch = self.batch(batch_id)
            self.sweep(self.batches())
            self._write_manifest([b for b in self.batches() if b.batch_id != batch_id])
            for where in (self.batch_path(batch_id), self.rejections_path(batch_id)):
                self._delete(where)
            return batch

    def rejections(self, batch_id: str) -> pl.DataFrame:
        """Return a batch's rejection report."""
        data = self._read_bytes(self.rejections_path(batch_id))
        return rejection_report(pl.read_csv(data, infer_schema=False))


def rejection_report(rejections: pl.DataFrame) -> pl.DataFrame:
    """Return a rejection report with `schema.REJECTION_REPORT`'s columns, typed; the value
    columns are empty where the report has none (readers' own rows, older reports)."""
    return rejections.select(
        (pl.col(c) if c in rejections.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in schema.REJECTION_REPORT.items()
    )


def _parquet_writer(sink: Any, arrow_schema: Any) -> Any:
    """Return the Parquet writer of a batch file: zstd level 1, dictionaries where they pay."""
    # lazy: pyarrow takes a few tenths of a second to import; only writing a batch needs it
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Columns with a value per line gain nothing from a dictionary, which pyarrow
    # would build and then drop (same file size or smaller, less CPU).
    unique = {"contract_id", "line_id", "amount", "amount_usd", "source_row"}
    return pq.ParquetWriter(
        sink,
        arrow_schema,
        compression="zstd",
        compression_level=1,
        use_dictionary=[name for name in arrow_schema.names if name not in unique],
        store_schema=False,
        # The C library's allocator: pyarrow's default (mimalloc) hands the encoder's
        # buffers back to the kernel and faults them in again, chunk after chunk
        # (10M-line import: 17 s with it against 20 s, 29 against 37 CPU-s).
        memory_pool=pa.system_memory_pool(),
    )
