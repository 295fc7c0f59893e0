"""The within-file exact-duplicate check, chunk by chunk (a hash bitset, then exact compares)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from transparency.ingest import validate
from transparency.ingest.validate import WHOLE_ROW


def _bitset_bits(rows: int) -> int:
    """Return log2 of the bitset size for about `rows` rows: 16 to 32 bits a row.

    A bit per slot of the hash's top bits is a cheap "maybe seen before" for every row;
    at 16 bits a row only about 3% of the rows of a file without duplicates are looked
    up (10M rows: 32 MB).
    """
    return min(max(int(rows * 16 - 1).bit_length(), 16), 31)


class Duplicates:
    """The within-file exact-duplicate check, chunk by chunk.

    Every distinct row hash (64 bits, of all the row's cells, `DataFrame.hash_rows`) is
    kept for the whole file with the row of its first occurrence, as one sorted array
    per chunk (16 bytes a distinct row), behind a bitset of the hashes' top bits.
    Within a chunk, rows whose hash repeats are compared exactly, as before. A row whose
    hash an earlier chunk had is taken as a duplicate of that row for now and the pair
    is kept: `verify` compares those rows for real at the end, so a hash collision is
    never taken for a duplicate.
    """

    def __init__(self, file: str, rows: int = 1_000_000) -> None:
        self.file = file
        self.bits = _bitset_bits(rows)
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []
        self.pairs: list[pl.DataFrame] = []
        self.bitset: np.ndarray | None = None

    def check(self, raw: pl.DataFrame) -> pl.DataFrame:
        """Return a rejection for each row of `raw` that repeats an earlier row in every column.

        The first copy is imported; each later one is reported as a duplicate of it, so a
        line exported twice is neither counted twice nor dropped silently.
        """
        columns = [c for c in raw.columns if c != "source_row"]
        if not columns or raw.height == 0:
            return validate.empty_rejections()
        # One hash over each whole row (linear in the columns; a chain of one expression
        # per column grew with their square). The same seed for every chunk of a file.
        hashes = raw.select(columns).hash_rows(seed=0).to_numpy()
        rows = raw.get_column("source_row").to_numpy()
        n = len(hashes)
        order = pl.Series(hashes).arg_sort().to_numpy()  # about half numpy's stable sort
        ordered = hashes[order]
        same_prev = np.zeros(n, dtype=bool)
        same_prev[1:] = ordered[1:] == ordered[:-1]
        in_run = same_prev.copy()
        in_run[:-1] |= same_prev[1:]
        repeated = np.zeros(n, dtype=bool)
        repeated[order[in_run]] = True
        earlier, first = self._seen_before(hashes)
        found = []
        if earlier.any():
            matched = raw.filter(pl.Series(earlier)).with_columns(
                pl.Series("_first", first[earlier])
            )
            self.pairs.append(matched.select("source_row", "_first"))
            found.append(matched)
        # A cheap screen first: equal rows have equal hashes; only rows whose hash repeats
        # are compared exactly (a hash collision is then not taken for a duplicate).
        screen = repeated & ~earlier
        if screen.any():
            at_first = pl.col("source_row").min().over(columns)
            found.append(
                raw.filter(pl.Series(screen))
                .with_columns(at_first.alias("_first"))
                .filter(pl.col("source_row") != pl.col("_first"))
            )
        self._remember(ordered, order, same_prev, earlier, rows)
        if not found:
            return validate.empty_rejections()
        return self._report(pl.concat(found, how="vertical_relaxed"), columns)

    def _seen_before(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (hash seen in an earlier chunk, the row of its first occurrence) per row."""
        n = len(hashes)
        earlier = np.zeros(n, dtype=bool)
        first = np.zeros(n, dtype=np.int64)
        if self.bitset is None:
            self.bitset = np.zeros(1 << (self.bits - 3), dtype=np.uint8)
        slot = hashes >> np.uint64(64 - self.bits)
        byte, bit = (slot >> np.uint64(3)).astype(np.int64), (slot & np.uint64(7)).astype(np.uint8)
        if self.runs:
            maybe = np.flatnonzero((self.bitset[byte] >> bit) & 1)
            wanted = hashes[maybe]
            for seen, firsts in self.runs:  # each hash is kept in one run only
                at = np.minimum(np.searchsorted(seen, wanted), seen.size - 1)
                hit = seen[at] == wanted
                earlier[maybe[hit]] = True
                first[maybe[hit]] = firsts[at[hit]]
        return earlier, first

    def _remember(
        self,
        ordered: np.ndarray,
        order: np.ndarray,
        same_prev: np.ndarray,
        earlier: np.ndarray,
        rows: np.ndarray,
    ) -> None:
        """Keep this chunk's new hashes with the row of their first occurrence (the
        smallest row of each run of equal hashes), and set their bits."""
        starts = np.flatnonzero(~same_prev)
        fresh = ~earlier[order[starts]]
        if fresh.any():
            kept = ordered[starts[fresh]]
            self.runs.append((kept, np.minimum.reduceat(rows[order], starts)[fresh]))
            # Sorted hashes give sorted slots: OR each byte's bits together, then set them
            # (np.bitwise_or.at does it per element, ten times slower).
            slot = kept >> np.uint64(64 - self.bits)
            at = (slot >> np.uint64(3)).astype(np.int64)
            bits = np.left_shift(np.uint8(1), (slot & np.uint64(7)).astype(np.uint8))
            heads = np.flatnonzero(np.concatenate(([True], at[1:] != at[:-1])))
            self.bitset[at[heads]] |= np.bitwise_or.reduceat(bits, heads)

    def _report(self, dups: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
        """Return the rejection rows of the duplicates (with `_first`), sorted by row."""
        return dups.sort("source_row").select(
            pl.lit(self.file, dtype=pl.String).alias("file"),
            pl.col("source_row"),
            pl.lit(WHOLE_ROW, dtype=pl.String).alias("column"),
            pl.concat_str([pl.col(c).fill_null("") for c in columns[:6]], separator=" | ").alias(
                "value"
            ),
            pl.format(
                "duplicate of row {}: every column the same; the first copy is imported, this "
                "one is not counted again",
                pl.col("_first"),
            ).alias("reason"),
        )

    def verify(self, chunks: Iterator[pl.DataFrame]) -> bool:
        """Return True when every duplicate found across chunks equals its first copy.

        `chunks` reads the file again (numbered, blank and ragged rows left out); only
        the rows of the pairs are kept, then compared cell by cell.
        """
        if not self.pairs:
            return True
        pairs = pl.concat(self.pairs)
        wanted = pl.concat([pairs.get_column("source_row"), pairs.get_column("_first")]).unique()
        kept = [c.filter(pl.col("source_row").is_in(wanted.implode())) for c in chunks]
        rows = pl.concat(kept, how="vertical_relaxed")
        columns = [c for c in rows.columns if c != "source_row"]
        both = pairs.join(rows, on="source_row").join(
            rows, left_on="_first", right_on="source_row", suffix="__first"
        )
        if both.height != pairs.height:
            return False
        same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"{c}__first")) for c in columns])
        return bool(both.select(same.all()).item())
