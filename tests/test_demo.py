"""Demo data: determinism, the shape the issue asks for, trade patterns, store and CLI."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from transparency import countries, currency, demo, schema
from transparency.cli import main

END = "2026Q3"

SOUTH_AND_EAST_ASIA = {"BGD", "IND", "CHN", "VNM", "KHM", "PAK", "LKA", "MMR", "IDN", "TUR"}
EAST_ASIA_AND_US = {"CHN", "TWN", "MYS", "KOR", "USA", "JPN", "SGP", "VNM", "THA"}
SOUTH_EAST_ASIA = {"THA", "VNM", "IDN", "PHL", "MYS", "MMR"}


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    """The default-size dataset (200,000 lines), generated once for this module."""
    return demo.generate(rows=demo.DEFAULT_ROWS, seed=demo.DEFAULT_SEED, end_quarter=END)


def _quarter(col: str = "award_date") -> pl.Expr:
    return pl.format("{}Q{}", pl.col(col).dt.year(), pl.col(col).dt.quarter())


def _spend_share(df: pl.DataFrame, where: pl.Expr, countries_in: set[str]) -> float:
    part = df.filter(where)
    total = part.get_column("amount_usd").sum()
    inside = part.filter(pl.col("supplier_country").is_in(sorted(countries_in)))
    return float(inside.get_column("amount_usd").sum() / total)


# ------------------------------------------------------------------ shape (default size)


def test_default_dataset_has_the_canonical_columns_and_row_numbers(lines: pl.DataFrame) -> None:
    assert lines.height == 200_000
    assert lines.schema == pl.Schema(schema.CONTRACT_LINE)
    assert lines.get_column("source_row").to_list() == list(range(1, 200_001))
    assert lines.get_column("line_id").n_unique() == 200_000
    assert lines.select(pl.col(c).null_count() for c in schema.REQUIRED).row(0) == (0, 0, 0, 0)


def test_default_dataset_reaches_the_issue_counts(lines: pl.DataFrame) -> None:
    known_iso3 = set(countries.countries().get_column("iso3").to_list())
    supplier_countries = set(lines.get_column("supplier_country").drop_nulls().to_list())
    assert supplier_countries <= known_iso3
    assert len(supplier_countries) >= 120
    assert lines.get_column("supplier_id").n_unique() >= 1_500
    assert (
        lines.get_column("supplier_name").n_unique() == lines.get_column("supplier_id").n_unique()
    )
    assert lines.get_column("segment_code").drop_nulls().n_unique() >= 40
    assert lines.get_column("currency").n_unique() >= 6
    assert {"USD", "EUR", "GBP", "CHF", "JPY", "INR"} <= set(lines.get_column("currency"))
    assert lines.get_column("buyer").n_unique() >= 8
    methods = set(lines.get_column("procurement_method"))
    assert methods == set(schema.PROCUREMENT_METHODS)


def test_twelve_consecutive_quarters_ending_with_the_end_quarter(lines: pl.DataFrame) -> None:
    quarters = lines.select(_quarter().unique().sort()).to_series().to_list()
    assert quarters == [
        "2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1",
        "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3",
    ]  # fmt: skip
    assert lines.get_column("award_date").min() >= date(2023, 10, 1)
    assert lines.get_column("award_date").max() <= date(2026, 9, 30)


def test_every_line_converts_through_currency_convert(lines: pl.DataFrame) -> None:
    assert lines.select(
        pl.col("amount_usd", "fx_rate", "fx_rate_date", "fx_source").null_count()
    ).row(0) == (0, 0, 0, 0)
    again = currency.convert(lines.select("amount", "currency", "award_date"), currency.rates())
    assert again.get_column("amount_usd").equals(lines.get_column("amount_usd"))
    assert again.get_column("fx_rate").equals(lines.get_column("fx_rate"))


def test_contracts_have_one_to_several_lines_sharing_their_header(lines: pl.DataFrame) -> None:
    per_contract = lines.group_by("contract_id").agg(
        pl.len().alias("n"),
        pl.col("supplier_id").n_unique().alias("suppliers"),
        pl.col("award_date").n_unique().alias("dates"),
        pl.col("currency").n_unique().alias("currencies"),
        pl.col("buyer").n_unique().alias("buyers"),
    )
    assert per_contract.get_column("n").min() == 1
    assert per_contract.get_column("n").max() >= 5
    assert 1.5 < lines.height / per_contract.height < 3.5
    assert per_contract.select(pl.col("suppliers", "dates", "currencies", "buyers").max()).row(
        0
    ) == (1, 1, 1, 1)


def test_amounts_are_heavy_tailed(lines: pl.DataFrame) -> None:
    usd = lines.get_column("amount_usd").cast(pl.Float64).sort(descending=True)
    top_one_percent = usd.head(usd.len() // 100).sum() / usd.sum()
    assert top_one_percent > 0.2
    assert usd.mean() > 2 * usd.median()


def test_some_direct_awards(lines: pl.DataFrame) -> None:
    share = (lines.get_column("procurement_method") == "direct").mean()
    assert 0.03 < share < 0.25


def test_unknown_country_lines_keep_their_raw_value(lines: pl.DataFrame) -> None:
    unknown = lines.filter(pl.col("supplier_country").is_null())
    assert 0.005 < unknown.height / lines.height < 0.03
    assert set(unknown.get_column("supplier_country_raw")) <= set(demo.UNKNOWN_COUNTRY_RAW)
    # Known countries are written as names that the import's matcher maps back to the code.
    known = lines.filter(pl.col("supplier_country").is_not_null()).unique("supplier_country_raw")
    matched = countries.to_iso3(known.get_column("supplier_country_raw"))
    assert matched.to_list() == known.get_column("supplier_country").to_list()


def test_unknown_and_family_only_categories(lines: pl.DataFrame) -> None:
    unknown = lines.filter(pl.col("category_code").is_null())
    assert 0.003 < unknown.height / lines.height < 0.03
    assert unknown.get_column("segment_code").null_count() == unknown.height
    assert set(unknown.get_column("category_raw")) <= set(demo.UNKNOWN_CATEGORY_RAW)
    codes = lines.get_column("category_code").drop_nulls()
    assert set(codes.str.len_chars().unique().to_list()) == {4, 8}
    # Every given code is a real UNSPSC code: its segment and family titles are found.
    classified = lines.filter(pl.col("category_code").is_not_null())
    assert classified.select(pl.col("segment_title", "family_title").null_count()).row(0) == (0, 0)


# ------------------------------------------------------------------ trade patterns


def test_country_by_sector_mix_follows_trade_patterns(lines: pl.DataFrame) -> None:
    segment = pl.col("segment_code")
    assert _spend_share(lines, segment == "53", SOUTH_AND_EAST_ASIA) > 0.8
    hardware = pl.col("family_code").is_in(["4319", "4320", "4321", "4322"])
    assert _spend_share(lines, hardware, EAST_ASIA_AND_US) > 0.8
    assert _spend_share(lines, pl.col("family_code") == "5012", SOUTH_EAST_ASIA) > 0.5
    assert _spend_share(lines, segment.is_in(["26", "39"]), {"CHN"}) > 0.4
    assert _spend_share(lines, segment == "51", {"IND", "DEU", "CHE", "USA"}) > 0.5


def test_services_are_bought_locally_by_regional_offices(lines: pl.DataFrame) -> None:
    services = lines.filter(pl.col("segment_code").is_in(["76", "92", "90"]))
    regional = services.get_column("buyer").str.contains("Regional Office").mean()
    assert regional > 0.75
    # Many countries each, not a few global vendors.
    assert services.get_column("supplier_country").drop_nulls().n_unique() >= 80


def test_names_say_demo(lines: pl.DataFrame) -> None:
    assert "Demo" in demo.ORGANISATION
    assert lines.get_column("buyer").str.starts_with("DIO ").all()
    assert lines.get_column("contract_id").str.starts_with("DIO-").all()


# ------------------------------------------------------------------ determinism and chunks


def test_same_seed_gives_identical_lines_and_other_seed_does_not() -> None:
    first = demo.generate(rows=30_000, seed=11, end_quarter=END)
    second = demo.generate(rows=30_000, seed=11, end_quarter=END)
    other = demo.generate(rows=30_000, seed=12, end_quarter=END)
    assert first.equals(second)
    assert first.write_csv() == second.write_csv()
    assert not first.get_column("amount").equals(other.get_column("amount"))


def test_chunks_concatenate_to_the_whole_dataset() -> None:
    rows = demo.BLOCK_ROWS + 1_234  # a whole block and a partial one
    whole = demo.generate(rows=rows, seed=5, end_quarter=END)
    chunks = list(demo.iter_chunks(rows, 5, END, chunk_rows=demo.BLOCK_ROWS))
    assert [c.height for c in chunks] == [demo.BLOCK_ROWS, 1_234]
    assert pl.concat(chunks).equals(whole)
    assert (
        whole.get_column("contract_id").n_unique()
        == whole.select(pl.struct("contract_id", "supplier_id").n_unique()).item()
    )


def test_end_quarter_after_the_rates_table_still_converts_every_line() -> None:
    last_rate = currency.rates().get_column("month").max()
    end = f"{last_rate.year + 2}Q4"
    df = demo.generate(rows=20_000, seed=3, end_quarter=end)
    assert df.get_column("amount_usd").null_count() == 0
    late = df.filter(pl.col("award_date") >= date(last_rate.year + 1, 1, 1))
    assert late.height > 0
    assert set(late.get_column("currency")) == {"USD"}


# ------------------------------------------------------------------ quarters


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 28), "2026Q3"),
        (date(2026, 10, 1), "2026Q3"),
        (date(2026, 9, 30), "2026Q2"),
        (date(2026, 1, 1), "2025Q4"),
        (date(2026, 3, 31), "2025Q4"),
    ],
)
def test_default_end_is_the_last_complete_quarter(today: date, expected: str) -> None:
    assert demo.default_end_quarter(today) == expected


def test_period_covers_twelve_quarters() -> None:
    assert demo.period("2025Q1") == (date(2022, 4, 1), date(2025, 4, 1))
    with pytest.raises(ValueError, match="2025Q5"):
        demo.period("2025Q5")


# ------------------------------------------------------------------ store and CLI


def test_ensure_demo_writes_once_and_is_idempotent(tmp_store) -> None:
    assert demo.ensure_demo(tmp_store) is True
    batches = tmp_store.batches()
    assert len(batches) == 1
    assert batches[0].is_demo and tmp_store.is_demo()
    assert batches[0].source_file == "demo data (generated, seed 2388)"
    assert batches[0].rows_read == batches[0].rows_accepted == demo.DEFAULT_ROWS
    assert batches[0].extra["organisation"] == demo.ORGANISATION
    assert demo.ensure_demo(tmp_store) is False
    assert [b.batch_id for b in tmp_store.batches()] == [batches[0].batch_id]


def test_ensure_demo_leaves_a_store_with_real_data_alone(tmp_store) -> None:
    tmp_store.add_batch(
        demo.generate(rows=10, seed=1, end_quarter=END),
        pl.DataFrame(schema=schema.REJECTION),
        source_file="po.csv",
        content_hash="abc",
        rows_read=10,
    )
    assert demo.ensure_demo(tmp_store) is False
    assert [b.source_file for b in tmp_store.batches()] == ["po.csv"]


def test_demo_command_writes_a_batch_with_the_given_end(tmp_store, capsys) -> None:
    code = main(
        ["demo", "--rows", "3000", "--seed", "9", "--end", "2025Q4", "--store", str(tmp_store.root)]
    )
    assert code == 0
    assert "3,000 lines" in capsys.readouterr().out
    [batch] = tmp_store.batches()
    assert batch.is_demo and batch.rows_accepted == 3_000
    stored = pl.read_parquet(tmp_store.batch_path(batch.batch_id))
    assert stored.drop("batch_id").equals(
        demo.generate(rows=3_000, seed=9, end_quarter="2025Q4").drop("batch_id")
    )
    assert stored.select(_quarter().max()).item() == "2025Q4"
    # The same dataset again is refused as a duplicate, with a message and exit code 2.
    again = ["demo", "--rows", "3000", "--seed", "9", "--end", "2025Q4"]
    assert main([*again, "--store", str(tmp_store.root)]) == 2
    assert "already imported" in capsys.readouterr().err


def test_demo_command_rejects_a_bad_end_quarter(tmp_store, capsys) -> None:
    assert main(["demo", "--end", "2026Q5", "--store", str(tmp_store.root)]) == 2
    assert "2026Q5" in capsys.readouterr().err
    assert tmp_store.batches() == []


# ------------------------------------------------------------------ export files


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_write_export_streams_chunks_into_one_file(tmp_path, suffix: str) -> None:
    rows = demo.BLOCK_ROWS + 10
    path = tmp_path / f"export{suffix}"
    assert demo.write_export(path, rows, 4, END, chunk_rows=demo.BLOCK_ROWS) == rows
    if suffix == ".csv":
        written = pl.read_csv(path, infer_schema_length=0)
    else:
        written = pl.read_parquet(path).cast(pl.String)
    assert written.columns == list(demo.EXPORT_HEADINGS.values())
    expected = demo.to_export(demo.generate(rows, 4, END)).cast(pl.String)
    assert written.equals(expected)
    # Amounts are written with cents, and the unknown countries keep their raw text.
    assert written.get_column("Amount").head(3).str.contains(r"^\d+\.\d{2}$").all()
    unknown_raw = set(written.get_column("Vendor Country")) & set(demo.UNKNOWN_COUNTRY_RAW)
    assert unknown_raw


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_exported_demo_imports_back_to_the_same_lines(tmp_path, tmp_store, suffix: str) -> None:
    from transparency.ingest import import_file

    path = tmp_path / f"dio_export{suffix}"
    demo.write_export(path, 3_000, 8, END)
    result = import_file(path, tmp_store)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3_000, 3_000, 0)
    imported = pl.read_parquet(tmp_store.batch_path(result.batch.batch_id))
    expected = demo.generate(3_000, 8, END)
    assert imported.drop("batch_id").equals(expected.drop("batch_id"))
