"""Real data acceptance: every OCDS file in ../shared/data/ocds_real_examples/ is read, and
imported, and its line counts, suppliers and totals per currency equal figures computed
independently here with DuckDB's own JSON reader from the rules in the README.

The DuckDB query below is written from the documented rules, not from the reader's code:
releases of one ocid merge field by field (latest release wins, file order breaks ties);
one line per award with a value x supplier (the supplier's name, else its party's, else
its identifier's legalName); contracts carry the value only for an award without one, or
when no award has one; awards are rejected for an invalid currency, status
unsuccessful/cancelled, no date (award date, else the signed contract's), an impossible
date (outside 1900-2100 or more than a year after its release), or a supplier without a
name.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import SHARED_DATA

from transparency.ingest import import_file
from transparency.ingest.ocds import ISO_4217, looks_like_ocds, read_ocds
from transparency.store import Store, count_rows

EXAMPLES = SHARED_DATA / "ocds_real_examples"
FILES = sorted(p.name for p in EXAMPLES.glob("*.jsonl"))

INDEPENDENT_SQL = """
-- Independent figures for one JSON Lines file of OCDS releases, written from the rules
-- in the README (not from the reader's code): one row per award or contract that gives
-- lines, with its amount, currency and supplier names.
with
releases as (
    select row_number() over () as rn,
           json ->> '$.ocid' as ocid,
           coalesce(try_cast(json ->> '$.date' as timestamptz), '0001-01-01'::timestamptz) as ts,
           try_cast(left(json ->> '$.date', 10) as date) as release_day,
           json as r
    from read_ndjson_objects($path)
),
award_rows as (
    select rn, ocid, ts, release_day,
           unnest(json_extract(r, '$.awards[*]')) as a,
           generate_subscripts(json_extract(r, '$.awards[*]'), 1) as pos
    from releases
),
awards as (
    -- releases of one ocid merge field by field: the latest release giving a field wins
    select ocid, coalesce(a ->> '$.id', '#' || pos) as award_id,
           arg_max(nullif(a ->> '$.value.amount', ''), (ts, rn))
               filter (where nullif(a ->> '$.value.amount', '') is not null) as amount,
           arg_max(upper(trim(a ->> '$.value.currency')), (ts, rn))
               filter (where (a ->> '$.value.currency') is not null) as currency,
           arg_max(nullif(a ->> '$.date', ''), (ts, rn))
               filter (where nullif(a ->> '$.date', '') is not null) as own_date,
           arg_max(release_day, (ts, rn))
               filter (where nullif(a ->> '$.date', '') is not null) as own_date_release_day,
           arg_max(lower(trim(a ->> '$.status')), (ts, rn))
               filter (where (a ->> '$.status') is not null) as status,
           arg_max(a -> '$.suppliers', (ts, rn))
               filter (where (a -> '$.suppliers') is not null) as suppliers
    from award_rows
    group by all
),
award_counts as (select ocid, count(*) as n_awards from awards group by ocid),
contract_rows as (
    select rn, ocid, ts, release_day, unnest(json_extract(r, '$.contracts[*]')) as c
    from releases
),
contracts_merged as (
    select ocid, c ->> '$.id' as contract_id,
           arg_max(c ->> '$.awardID', (ts, rn))
               filter (where (c ->> '$.awardID') is not null) as award_ref,
           arg_max(nullif(c ->> '$.value.amount', ''), (ts, rn))
               filter (where nullif(c ->> '$.value.amount', '') is not null) as amount,
           arg_max(upper(trim(c ->> '$.value.currency')), (ts, rn))
               filter (where (c ->> '$.value.currency') is not null) as currency,
           arg_max(nullif(c ->> '$.dateSigned', ''), (ts, rn))
               filter (where nullif(c ->> '$.dateSigned', '') is not null) as own_date,
           arg_max(release_day, (ts, rn))
               filter (where nullif(c ->> '$.dateSigned', '') is not null) as own_date_release_day,
           arg_max(lower(trim(c ->> '$.status')), (ts, rn))
               filter (where (c ->> '$.status') is not null) as status,
           arg_max(c -> '$.suppliers', (ts, rn))
               filter (where (c -> '$.suppliers') is not null) as suppliers
    from contract_rows
    group by all
),
contracts as (
    -- a contract names its award; without awardID, the only award of its process
    select k.* exclude (award_ref), coalesce(k.award_ref, a.award_id) as award_id
    from contracts_merged k
    left join award_counts n using (ocid)
    left join awards a on a.ocid = k.ocid and k.award_ref is null and n.n_awards = 1
),
first_signed as (
    select ocid, award_id, min(own_date) as date_signed
    from contracts where own_date is not null group by all
),
valued as (select ocid, count(*) as n_valued from awards where amount is not null group by ocid),
award_parts as (
    select a.ocid, 'award' as kind, a.award_id as part_id, a.amount, a.currency, a.status,
           a.suppliers, coalesce(a.own_date, s.date_signed) as line_date,
           a.own_date, a.own_date_release_day
    from awards a left join first_signed s using (ocid, award_id)
    where a.amount is not null
),
contract_parts as (
    -- contracts carry the value only for an award without one, or when no award has one
    select k.ocid, 'contract' as kind, k.contract_id as part_id, k.amount, k.currency, k.status,
           -- some publishers give contracts[].suppliers as one object: a list of one
           coalesce(
               case when json_type(k.suppliers) = 'OBJECT' then json_array(k.suppliers)
                    else k.suppliers end,
               a.suppliers
           ) as suppliers,
           coalesce(k.own_date, a.own_date) as line_date,
           k.own_date, k.own_date_release_day
    from contracts k
    left join awards a on a.ocid = k.ocid and a.award_id = k.award_id
    left join valued v on v.ocid = k.ocid
    where k.amount is not null
      and a.amount is null
      and (coalesce(v.n_valued, 0) = 0 or a.award_id is not null)
),
parts as (select * from award_parts union all by name select * from contract_parts),
party_names as (
    select ocid, p ->> '$.id' as party_id,
           arg_max(nullif(trim(p ->> '$.name'), ''), (ts, rn)) as party_name
    from (select ocid, ts, rn, unnest(json_extract(r, '$.parties[*]')) as p from releases)
    group by all
),
supplier_names as (
    select x.ocid, x.kind, x.part_id,
           list(coalesce(
               nullif(trim(x.s ->> '$.name'), ''),
               pn.party_name,
               nullif(trim(x.s ->> '$.identifier.legalName'), '')
           )) as names
    from (
        select p.ocid, p.kind, p.part_id, unnest(json_extract(p.suppliers, '$[*]')) as s
        from parts p
    ) x
    left join party_names pn on pn.ocid = x.ocid and pn.party_id = x.s ->> '$.id'
    group by all
),
final as (
    select p.ocid, p.kind, p.part_id, p.amount::decimal(38, 4) as amount, p.currency, n.names
    from parts p
    left join supplier_names n using (ocid, kind, part_id)
    where p.currency in (select unnest($currencies))
      and coalesce(p.status, '') not in ('unsuccessful', 'cancelled')
      and year(try_cast(left(p.line_date, 10) as date)) between 1900 and 2100
      and (p.own_date is null
           or try_cast(left(p.own_date, 10) as date) <= p.own_date_release_day + interval 366 day)
      and len(n.names) > 0
      and list_count(n.names) = len(n.names)
)
select * from final
"""


def test_every_example_file_is_covered():
    # The folder holds 11 publishers' JSON Lines files (see its SOURCE.md).
    assert len(FILES) == 11


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    # One thread, so row_number() over () follows the file's line order (it breaks ties
    # between releases of one ocid that share a date).
    connection.execute("set threads = 1")
    return connection


def independent(con, name: str) -> tuple[pl.DataFrame, int]:
    """Return (one row per award or contract giving lines, number of releases) by DuckDB."""
    path = str(EXAMPLES / name)
    parts = con.sql(INDEPENDENT_SQL, params={"path": path, "currencies": sorted(ISO_4217)}).pl()
    releases = con.sql("select count(*) from read_ndjson_objects($path)", params={"path": path})
    return parts, releases.fetchall()[0][0]


def per_currency_from_parts(parts: pl.DataFrame) -> dict[str, tuple[Decimal, int]]:
    totals = parts.group_by("currency").agg(
        pl.col("amount").sum(), pl.col("names").list.len().sum().alias("lines")
    )
    return {c: (a, int(n)) for c, a, n in totals.rows()}


def per_currency_from_lines(lines: pl.DataFrame) -> dict[str, tuple[Decimal, int]]:
    totals = lines.group_by("currency").agg(pl.col("amount").sum(), pl.len())
    return {c: (a, int(n)) for c, a, n in totals.rows()}


@pytest.mark.parametrize("name", FILES)
def test_reader_matches_duckdb(con, name):
    path = EXAMPLES / name
    assert looks_like_ocds(path)
    lines, rejections, rows_read = read_ocds(path)
    parts, releases = independent(con, name)
    assert rows_read == releases
    assert lines.height == parts.get_column("names").list.len().sum() > 0
    assert per_currency_from_lines(lines) == per_currency_from_parts(parts)
    assert set(lines.get_column("supplier_name")) == set(parts.get_column("names").explode())
    accepted, rejected = count_rows(lines, rejections)
    assert accepted + rejected == rows_read
    # Every rejection names its place in the file and a reason.
    assert rejections.get_column("column").str.starts_with("line ").all()
    assert rejections.get_column("reason").null_count() == 0


# Currencies the shipped Federal Reserve table lacks. A store's own rates file supplies
# them here: 1 unit per USD, a test stand-in, since only original-currency figures are
# compared.
TEST_RATES = ("AMD", "COP", "MDL", "NGN", "PYG", "UAH")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Import every example file into one store.

    Returns {file name: (import result, batch lines, rejection report)}.
    """
    store = Store(tmp_path_factory.mktemp("real") / "store")
    store.root.mkdir(parents=True)
    months = [f"{y}-{m:02d}" for y in range(2005, 2020) for m in range(1, 13)]
    pl.DataFrame(
        [(c, m, "1", "test stand-in rates") for c in TEST_RATES for m in months],
        schema=["currency", "month", "units_per_usd", "source"],
        orient="row",
    ).write_csv(store.root / "fx_rates.csv")
    out = {}
    for name in FILES:
        result = import_file(EXAMPLES / name, store)
        batch_id = result.batch.batch_id
        out[name] = (
            result,
            pl.read_parquet(store.batch_path(batch_id)),
            store.rejections(batch_id),
        )
    return out


@pytest.mark.parametrize("name", FILES)
def test_import_matches_duckdb(con, imported, name):
    result, lines, _ = imported[name]
    parts, releases = independent(con, name)
    assert result.rows_read == releases
    assert result.rows_accepted + result.rows_rejected == releases
    assert per_currency_from_lines(lines) == per_currency_from_parts(parts)
    assert set(lines.get_column("supplier_name")) == set(parts.get_column("names").explode())
    assert lines.get_column("amount_usd").null_count() == 0


def test_import_normalises_the_real_quirks(imported):
    armenia = imported["releases_armenia.jsonl"][1]
    # 'AM' in parties[].address.countryName is Armenia; CPV codes land on the sector axis.
    assert set(armenia.get_column("supplier_country")) == {"ARM"}
    assert armenia.get_column("segment_code").null_count() == 0
    assert set(armenia.get_column("category_scheme")) == {"CPV"}
    moldova = imported["releases_moldova.jsonl"][1]
    assert set(moldova.get_column("currency")) == {"MDL"}  # published as 'mdl'
    # Non-OCDS methods are kept raw and mapped to 'other' or a known method.
    assert moldova.get_column("procurement_method").null_count() == 0
    # Colombia gives UNSPSC without codes: kept raw, not assessable.
    colombia = imported["releases_colombia.jsonl"][1]
    assert colombia.get_column("category_code").null_count() == colombia.height
    assert colombia.get_column("category_raw").str.starts_with("UNSPSC: (no id)").all()
    _, mexico, rejections = imported["releases_mexico_grupo-aeroportuario.jsonl"]
    found = set(
        rejections.select(pl.col("column").str.replace(r"^line \d+\.", ""), "reason").rows()
    )
    assert ("awards[0].value.currency", "currency 'MNX' is not an ISO 4217 code") in found
    assert ("awards[0].date", "impossible date: year 2105") in found
    # Suppliers whose country is written in no recognisable way stay unknown, never guessed.
    countries = mexico.get_column("supplier_country")
    raw = mexico.get_column("supplier_country_raw")
    assert countries.filter(raw.str.contains("CUAUHTEMOC")).null_count() > 0


def test_source_rows_point_at_the_release_line(imported):
    # JSON Lines files have one release per line and no blank lines, so source_row is
    # the line number: the first loaded line of the Jalisco file comes from line 4.
    jalisco = imported["releases_mexico_jalisco.jsonl"][1]
    assert jalisco.get_column("source_row").to_list() == [4, 9]
    text = (EXAMPLES / "releases_mexico_jalisco.jsonl").read_text(encoding="utf-8").splitlines()
    assert '"contract"' in text[3] and '"implementation"' in text[8]


def test_path_of_examples_is_relative_to_the_repo():
    assert Path(EXAMPLES).is_dir()
