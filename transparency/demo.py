"""Demo data: a deterministic purchasing history of a fictional international organisation.

The "Demo International Organisation" (DIO) buys goods worldwide and services at its duty
stations. Who sells what follows the trade patterns in `data/demo_profile.toml` (garments
from South and East Asia, IT hardware from East Asia, seafood from South-East Asia,
services local), so risk charts drawn from it look like real ones. Every supplier name
is generated and fictional.

The same rows, seed and end quarter give the same lines, byte for byte: all randomness
comes from numpy Generators seeded from (seed, stream), and the lines are produced in
blocks of `BLOCK_ROWS`, each from its own stream, so any number of lines can be made in
chunks of bounded memory (`iter_chunks`).

>>> lines = generate(rows=5_000, seed=7, end_quarter="2026Q3")
>>> lines.height, lines.get_column("amount_usd").null_count()
(5000, 0)
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from transparency import schema
from transparency.settings import DATA_DIR

if TYPE_CHECKING:
    from transparency.store import Batch, Store

PROFILE_PATH = DATA_DIR / "demo_profile.toml"
DEFAULT_ROWS = 200_000
DEFAULT_SEED = 2388
QUARTERS = 12
BLOCK_ROWS = 50_000
ORGANISATION = "Demo International Organisation"

# Shares of contracts whose supplier country is blank and of lines with no usable category.
UNKNOWN_COUNTRY_SHARE = 0.015
UNKNOWN_CATEGORY_SHARE = 0.01
# Share of lines that carry only the 4-digit UNSPSC family, as many ERPs export.
FAMILY_ONLY_SHARE = 0.04
UNKNOWN_COUNTRY_RAW = ("Unknown", "N/A", "Not specified", "TBD", "--")
UNKNOWN_CATEGORY_RAW = ("MISC", "N/A", "Other", "TBC", "0")

# Raw method labels as a UN-style ERP writes them, per canonical method.
METHOD_LABELS: dict[str, tuple[str, ...]] = {
    "open": ("Invitation to Bid (ITB)", "Request for Proposal (RFP)"),
    "selective": ("Restricted Invitation to Bid", "Request for Proposal (restricted)"),
    "limited": ("Request for Quotation (RFQ)", "Low value procurement"),
    "direct": ("Direct Contracting", "Single Source"),
    "other": ("Long-Term Agreement call-off", "UN agency piggy-back"),
}

# Probabilities of open/selective/limited/direct/other by contract value band (USD).
_METHOD_BANDS = (
    (5_000, (0.00, 0.05, 0.55, 0.30, 0.10)),
    (50_000, (0.05, 0.20, 0.55, 0.12, 0.08)),
    (250_000, (0.40, 0.40, 0.05, 0.08, 0.07)),
    (float("inf"), (0.72, 0.15, 0.00, 0.10, 0.03)),
)

_SYLLABLES = (
    "ka ro vel mi tan zo ri lu na bex dor sa qui fen la mor ta vin el ar is ul om pra sen "
    "tri do ga ny ver ko lam bri su ten ha jo"
).split()


def source_file(seed: int = DEFAULT_SEED) -> str:
    """Return the label a demo batch carries in the store.

    >>> source_file(2388)
    'demo data (generated, seed 2388)'
    """
    return f"demo data (generated, seed {seed})"


def default_end_quarter(today: date | None = None) -> str:
    """Return the last complete calendar quarter before `today` (default: the current date).

    >>> default_end_quarter(date(2026, 11, 28)), default_end_quarter(date(2026, 1, 1))
    ('2026Q3', '2025Q4')
    """
    today = today or date.today()
    quarter = (today.month - 1) // 3 + 1
    if quarter == 1:
        return f"{today.year - 1}Q4"
    return f"{today.year}Q{quarter - 1}"


def _parse_quarter(label: str) -> tuple[int, int]:
    text = str(label).strip().upper().replace("-", "")
    if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
        raise ValueError(f"{label!r} is not a quarter: expected YYYYQn, for example 2026Q3.")
    return int(text[:4]), int(text[5])


def period(end_quarter: str, quarters: int = QUARTERS) -> tuple[date, date]:
    """Return the first day and the day after the last day of the demo period.

    >>> period("2026Q3")
    (datetime.date(2023, 10, 1), datetime.date(2026, 10, 1))
    """
    year, number = _parse_quarter(end_quarter)
    end_index = year * 4 + number  # index of the quarter after the end quarter, 0-based
    start_index = end_index - quarters
    return (
        date(start_index // 4, (start_index % 4) * 3 + 1, 1),
        date(end_index // 4, (end_index % 4) * 3 + 1, 1),
    )


def supplier_count(rows: int) -> int:
    """Return how many suppliers a dataset of `rows` lines draws from (grows like sqrt).

    >>> supplier_count(200_000), supplier_count(10_000_000)
    (2504, 17709)
    """
    return max(50, round(5.6 * rows**0.5))


# --------------------------------------------------------------------------- profile


@dataclass(frozen=True)
class _Profile:
    organisation: str
    prefix: str
    sectors: list[dict]
    family_codes: list[str]  # sorted families that appear in [codes]
    code_start: np.ndarray  # per family: first index into the code arrays
    code_count: np.ndarray  # per family: number of codes
    codes: pl.DataFrame  # code, title, family (4 digits), family_title
    duty_iso3: list[str]
    duty_weight: np.ndarray
    duty_region: list[str]
    buyer_keys: list[str]  # units, then one regional office per region
    buyer_names: list[str]
    regions: list[str]
    currency_of: dict[str, str]
    legal_form_of: dict[str, tuple[str, ...]]
    default_forms: tuple[str, ...]
    country_trend: dict[str, float]


@functools.cache
def _profile(path: Path = PROFILE_PATH) -> _Profile:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    families = sorted(raw["codes"])
    rows = []
    starts, counts = [], []
    for family in families:
        starts.append(len(rows))
        counts.append(len(raw["codes"][family]))
        rows.extend((code, title, family) for code, title in raw["codes"][family])
    codes = pl.DataFrame(rows, schema=["code", "title", "family"], orient="row")
    regions = sorted(raw["regional"])
    duty_iso3, duty_weight, duty_region = [], [], []
    for region in regions:
        for iso3, weight in raw["duty_stations"][region].items():
            duty_iso3.append(iso3)
            duty_weight.append(float(weight))
            duty_region.append(region)
    units = list(raw["buyers"])
    currency_of = {iso3: cur for cur, members in raw["currency_of"].items() for iso3 in members}
    forms = {k: v for k, v in raw["legal_forms"].items() if k != "default"}
    legal_form_of: dict[str, list[str]] = {}
    for form, members in forms.items():
        for iso3 in members:
            legal_form_of.setdefault(iso3, []).append(form)
    for sector in raw["sector"]:
        missing = [f for f in sector["families"] if f not in raw["codes"]]
        if missing:
            raise ValueError(
                f"{path}: sector {sector['name']!r} names families without codes: "
                f"{', '.join(missing)}"
            )
    return _Profile(
        organisation=raw["organisation"],
        prefix=raw["prefix"],
        sectors=raw["sector"],
        family_codes=families,
        code_start=np.array(starts, dtype=np.int64),
        code_count=np.array(counts, dtype=np.int64),
        codes=codes,
        duty_iso3=duty_iso3,
        duty_weight=np.array(duty_weight),
        duty_region=duty_region,
        buyer_keys=units + [f"regional:{r}" for r in regions],
        buyer_names=[raw["buyers"][u] for u in units] + [raw["regional"][r] for r in regions],
        regions=regions,
        currency_of=currency_of,
        legal_form_of={k: tuple(v) for k, v in legal_form_of.items()},
        default_forms=tuple(raw["legal_forms"]["default"]),
        country_trend={k: float(v) for k, v in raw.get("country_trend", {}).items()},
    )


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))


# --------------------------------------------------------------------------- suppliers


@dataclass(frozen=True)
class _Suppliers:
    frame: pl.DataFrame  # supplier_id, supplier_name, supplier_country, country_name
    sector: np.ndarray
    country: list[str]
    region: np.ndarray  # index into profile.regions, -1 when not at a duty station
    families: np.ndarray  # (n, 4) indices into profile.family_codes
    family_k: np.ndarray
    cum_weight: np.ndarray
    trend: np.ndarray  # log change of a supplier's share of business over the period
    currency: list[str]


def _names(
    rng: np.random.Generator, profile: _Profile, sector: np.ndarray, country: list[str]
) -> list[str]:
    n = len(country)
    syl = rng.integers(0, len(_SYLLABLES), size=(n, 3))
    three = rng.random(n) < 0.4
    word_pick = rng.integers(0, 1_000_000, size=n)
    form_pick = rng.integers(0, 1_000_000, size=n)
    seen: dict[str, int] = {}
    names = []
    for i in range(n):
        parts = syl[i, :3] if three[i] else syl[i, :2]
        stem = "".join(_SYLLABLES[p] for p in parts).capitalize()
        words = profile.sectors[sector[i]]["words"]
        word = words[word_pick[i] % len(words)]
        forms = profile.legal_form_of.get(country[i], profile.default_forms)
        form = forms[form_pick[i] % len(forms)]
        name = f"PT {stem} {word}" if form == "PT" else f"{stem} {word} {form}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        if count:
            # Same generated name twice: tell them apart the way registries do.
            mark = _ROMAN[count] if count < len(_ROMAN) else str(count + 1)
            name = f"{name} ({mark})"
        names.append(name)
    return names


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@functools.cache
def _country_names() -> dict[str, str]:
    from transparency.countries import countries

    return dict(countries().select("iso3", "name").iter_rows())


def _suppliers(profile: _Profile, n: int, seed: int) -> _Suppliers:
    rng = _rng(seed, 0)
    shares = np.array([s["share"] for s in profile.sectors], dtype=float)
    sector = rng.choice(len(profile.sectors), size=n, p=shares / shares.sum())
    country = np.empty(n, dtype=object)
    region = np.full(n, -1, dtype=np.int64)
    families = np.zeros((n, 4), dtype=np.int64)
    family_k = np.ones(n, dtype=np.int64)
    family_index = {f: i for i, f in enumerate(profile.family_codes)}
    for s, spec in enumerate(profile.sectors):
        members = np.flatnonzero(sector == s)
        m = members.size
        if m == 0:
            continue
        if spec["countries"] == "duty_stations":
            p = profile.duty_weight / profile.duty_weight.sum()
            pick = rng.choice(len(profile.duty_iso3), size=m, p=p)
            country[members] = np.array(profile.duty_iso3, dtype=object)[pick]
            region_of = np.array([profile.regions.index(r) for r in profile.duty_region])
            region[members] = region_of[pick]
        else:
            isos = list(spec["countries"])
            weights = np.array([spec["countries"][c] for c in isos], dtype=float)
            pick = rng.choice(len(isos), size=m, p=weights / weights.sum())
            country[members] = np.array(isos, dtype=object)[pick]
        sector_fams = np.array([family_index[f] for f in spec["families"]], dtype=np.int64)
        take = min(4, sector_fams.size)
        order = np.argsort(rng.random((m, sector_fams.size)), axis=1)[:, :take]
        families[members, :take] = sector_fams[order]
        if take < 4:
            families[members, take:] = families[members, :1]
        family_k[members] = np.minimum(rng.integers(1, 5, size=m), take)
    country_list = [str(c) for c in country]
    weight = rng.lognormal(0.0, 0.9, size=n)
    # Suppliers come and go; some sectors shift between countries (the profile's `trend`).
    trend = rng.normal(0.0, 0.6, size=n)
    for iso3, shift in profile.country_trend.items():
        trend[country == iso3] += shift
    for s, spec in enumerate(profile.sectors):
        for iso3, shift in spec.get("trend", {}).items():
            trend[(sector == s) & (country == iso3)] += shift
    names = _names(rng, profile, sector, country_list)
    country_names = _country_names()
    frame = pl.DataFrame(
        {
            "supplier_id": [f"{profile.prefix}-V{i + 1:06d}" for i in range(n)],
            "supplier_name": names,
            "supplier_country": country_list,
            "country_name": [country_names[c] for c in country_list],
        }
    )
    return _Suppliers(
        frame=frame,
        sector=sector,
        country=country_list,
        region=region,
        families=families,
        family_k=family_k,
        cum_weight=np.cumsum(weight),
        trend=trend,
        currency=[profile.currency_of.get(c, "USD") for c in country_list],
    )


# --------------------------------------------------------------------------- currency


@functools.cache
def _rate_grid(start: date, months: int) -> tuple[tuple[str, ...], np.ndarray, pl.DataFrame]:
    """Return the currencies, a (currency x month) 'converts' mask, and each pair's rate.

    The rate is whatever `transparency.currency.convert` applies (including its rule for
    months after a series ends), found by converting one unit per pair, so every demo
    line converts and at exactly the rate the import path would use.
    """
    from transparency import currency

    rates = currency.rates()
    wanted = sorted(set(_profile().currency_of.values()) | {"USD"})
    have = set(rates.get_column("currency").unique().to_list()) | {"USD"}
    curs = tuple(c for c in wanted if c in have)
    month_starts = [
        date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1)
        for k in range(months)
    ]
    probe = pl.DataFrame(
        {
            "currency": [c for c in curs for _ in month_starts],
            "award_date": [m for _ in curs for m in month_starts],
            "amount": [1] * (len(curs) * months),
        },
        schema={"currency": pl.String(), "award_date": pl.Date(), "amount": schema.MONEY},
    )
    converted = currency.convert(probe, rates).select(
        pl.col("currency"),
        pl.int_range(pl.len()).mod(months).alias("month_index"),
        pl.col("fx_rate"),
    )
    ok = converted.get_column("fx_rate").is_not_null().to_numpy().reshape(len(curs), months)
    return curs, ok, converted


# --------------------------------------------------------------------------- lines


def _pick_suppliers(rng: np.random.Generator, sup: _Suppliers, when: np.ndarray) -> np.ndarray:
    """Draw one supplier per contract, `when` (0..1) being its place in the period.

    A supplier's weight at time t is its base weight times exp(trend * t); drawing from
    the base weights and accepting with probability exp(trend * t - max(trend, 0)) samples
    exactly that, vectorised.
    """
    n = when.size
    chosen = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(64):
        draw = np.searchsorted(sup.cum_weight, rng.random(todo.size) * sup.cum_weight[-1], "right")
        draw = np.minimum(draw, sup.cum_weight.size - 1)
        beta = sup.trend[draw]
        accept = rng.random(todo.size) < np.exp(beta * when[todo] - np.maximum(beta, 0.0))
        chosen[todo[accept]] = draw[accept]
        todo = todo[~accept]
        if todo.size == 0:
            break
    else:
        chosen[todo] = draw[~accept]  # practically never: keep the last draw
    return chosen


def _block(
    profile: _Profile,
    sup: _Suppliers,
    seed: int,
    block: int,
    n_lines: int,
    start: date,
    end: date,
) -> pl.DataFrame:
    rng = _rng(seed, 1, block)
    # Contracts: 1 to 15 lines each, most with one to three.
    sizes = np.minimum(rng.geometric(0.45, size=n_lines), 15)
    cum = np.cumsum(sizes)
    n_c = int(np.searchsorted(cum, n_lines) + 1)
    sizes = sizes[:n_c]
    sizes[-1] -= int(cum[n_c - 1] - n_lines)

    n_days = (end - start).days
    # Spending grows over the period: award dates lean towards its end.
    day = np.floor(n_days * rng.random(n_c) ** 0.85).astype(np.int64)
    supplier = _pick_suppliers(rng, sup, day / n_days)
    order = np.argsort(day, kind="stable")
    sizes, supplier, day = sizes[order], supplier[order], day[order]

    dates = np.datetime64(start, "D") + day
    month_index = (dates.astype("datetime64[M]") - np.datetime64(start, "M")).astype(np.int64)
    sector = sup.sector[supplier]

    # Currency: the home currency where it has a rate that month, unless invoiced in USD.
    n_months = (end.year - start.year) * 12 + end.month - start.month
    curs, ok, _ = _rate_grid(start, n_months)
    cur_index = {c: i for i, c in enumerate(curs)}
    home = np.array([cur_index.get(sup.currency[s], -1) for s in range(len(sup.currency))])
    usd = cur_index["USD"]
    home_c = home[supplier]
    usd_share = np.array([s["usd_share"] for s in profile.sectors])[sector]
    has_rate = np.where(home_c >= 0, ok[np.maximum(home_c, 0), month_index], False)
    use_home = has_rate & (rng.random(n_c) >= usd_share)
    contract_cur = np.where(use_home, home_c, usd)

    # Buyer: by sector; local purchases go through the duty station's regional office.
    buyer = np.zeros(n_c, dtype=np.int64)
    draw = rng.random(n_c)
    for s, spec in enumerate(profile.sectors):
        members = np.flatnonzero(sector == s)
        if members.size == 0:
            continue
        keys = list(spec["buyers"])
        probs = np.array([spec["buyers"][k] for k in keys], dtype=float)
        pick = np.searchsorted(np.cumsum(probs) / probs.sum(), draw[members], side="right")
        pick = np.minimum(pick, len(keys) - 1)
        unit_index = np.array(
            [profile.buyer_keys.index(k) if k != "regional" else -1 for k in keys]
        )[pick]
        regional = unit_index < 0
        sup_region = sup.region[supplier[members]]
        n_units = len(profile.buyer_keys) - len(profile.regions)
        # A supplier away from any duty station is bought from by the supply division.
        unit_index = np.where(
            regional,
            np.where(sup_region >= 0, n_units + sup_region, profile.buyer_keys.index("supply")),
            unit_index,
        )
        buyer[members] = unit_index

    unknown_country = rng.random(n_c) < UNKNOWN_COUNTRY_SHARE
    unknown_country_raw = rng.integers(0, len(UNKNOWN_COUNTRY_RAW), size=n_c)
    contract_factor = rng.lognormal(0.0, 0.6, size=n_c)

    # Lines.
    line_contract = np.repeat(np.arange(n_c), sizes)
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    line_no = np.arange(n_lines) - first[line_contract] + 1
    l_sup = supplier[line_contract]
    slot = (rng.random(n_lines) * sup.family_k[l_sup]).astype(np.int64)
    family = sup.families[l_sup, slot]
    code = profile.code_start[family] + (rng.random(n_lines) * profile.code_count[family]).astype(
        np.int64
    )
    mu = np.array([s["mu"] for s in profile.sectors])[sector[line_contract]]
    sigma = np.array([s["sigma"] for s in profile.sectors])[sector[line_contract]]
    usd_value = np.exp(mu + sigma * rng.standard_normal(n_lines)) * contract_factor[line_contract]
    usd_cents = np.clip(np.round(usd_value * 100), 500, 5_000_000_000).astype(np.int64)
    category_draw = rng.random(n_lines)
    family_only = category_draw < FAMILY_ONLY_SHARE
    unknown_category = (category_draw >= FAMILY_ONLY_SHARE) & (
        category_draw < FAMILY_ONLY_SHARE + UNKNOWN_CATEGORY_SHARE
    )
    unknown_category_raw = rng.integers(0, len(UNKNOWN_CATEGORY_RAW), size=n_lines)

    # Procurement method from the contract's value band.
    contract_usd = np.bincount(line_contract, weights=usd_cents, minlength=n_c) / 100
    band = np.searchsorted(np.array([b[0] for b in _METHOD_BANDS[:-1]]), contract_usd, "right")
    band_probs = np.cumsum(np.array([b[1] for b in _METHOD_BANDS]), axis=1)
    method_draw = rng.random(n_c)
    method = np.minimum(
        (method_draw[:, None] >= band_probs[band]).sum(axis=1), len(schema.PROCUREMENT_METHODS) - 1
    )
    method_label = rng.integers(0, 2, size=n_c)

    first_contract = block * BLOCK_ROWS
    contracts = pl.DataFrame(
        {
            "_c": np.arange(n_c),
            "_number": first_contract + np.arange(n_c) + 1,
            "award_date": dates,
            "_supplier": supplier,
            "_buyer": buyer,
            "_currency": contract_cur,
            "_unknown_country": unknown_country,
            "_unknown_country_raw": unknown_country_raw,
            "_method": method,
            "_method_label": method_label,
        }
    )
    methods = list(schema.PROCUREMENT_METHODS)
    method_raw = [METHOD_LABELS[m][k] for m in methods for k in range(2)]
    contracts = contracts.with_columns(
        pl.concat_str(
            pl.lit(f"{profile.prefix}-"),
            pl.col("award_date").dt.year().cast(pl.String),
            pl.lit("-"),
            pl.col("_number").cast(pl.String).str.zfill(8),
        ).alias("contract_id"),
        pl.col("_buyer")
        .replace_strict(
            list(range(len(profile.buyer_names))), profile.buyer_names, return_dtype=pl.String
        )
        .alias("buyer"),
        pl.col("_currency")
        .replace_strict(list(range(len(curs))), list(curs), return_dtype=pl.String)
        .alias("currency"),
        pl.col("_method")
        .replace_strict(list(range(len(methods))), methods, return_dtype=pl.String)
        .alias("procurement_method"),
        (pl.col("_method") * 2 + pl.col("_method_label"))
        .replace_strict(list(range(len(method_raw))), method_raw, return_dtype=pl.String)
        .alias("procurement_method_raw"),
    )
    suppliers = sup.frame[supplier]
    contracts = pl.concat([contracts, suppliers], how="horizontal").with_columns(
        pl.when(pl.col("_unknown_country"))
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("supplier_country"))
        .alias("supplier_country"),
        pl.when(pl.col("_unknown_country"))
        .then(
            pl.col("_unknown_country_raw").replace_strict(
                list(range(len(UNKNOWN_COUNTRY_RAW))),
                list(UNKNOWN_COUNTRY_RAW),
                return_dtype=pl.String,
            )
        )
        .otherwise(pl.col("country_name"))
        .alias("supplier_country_raw"),
    )

    codes = profile.codes[code]
    lines = pl.DataFrame(
        {
            "_c": line_contract,
            "_line": line_no,
            "_usd_cents": usd_cents,
            "_family_only": family_only,
            "_unknown_category": unknown_category,
            "_unknown_category_raw": unknown_category_raw,
        }
    )
    lines = pl.concat([lines, codes], how="horizontal")
    family_titles = _family_titles()
    unknown_cat = pl.col("_unknown_category")
    lines = lines.with_columns(
        pl.when(unknown_cat)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("_family_only"))
        .then(pl.col("family"))
        .otherwise(pl.col("code"))
        .alias("category_code"),
        pl.when(unknown_cat)
        .then(
            pl.col("_unknown_category_raw").replace_strict(
                list(range(len(UNKNOWN_CATEGORY_RAW))),
                list(UNKNOWN_CATEGORY_RAW),
                return_dtype=pl.String,
            )
        )
        .when(pl.col("_family_only"))
        .then(pl.col("family"))
        .otherwise(pl.col("code"))
        .alias("category_raw"),
        pl.when(unknown_cat)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.lit("UNSPSC"))
        .alias("category_scheme"),
        pl.when(pl.col("_family_only"))
        .then(pl.col("family").replace_strict(family_titles, default=pl.col("title")))
        .otherwise(pl.col("title"))
        .alias("description"),
    )
    lines = lines.join(contracts, on="_c", how="left", maintain_order="left").with_columns(
        pl.concat_str(
            pl.col("contract_id"), pl.lit("-"), pl.col("_line").cast(pl.String).str.zfill(2)
        ).alias("line_id"),
    )
    return _price(lines, start, n_months)


@functools.cache
def _family_titles() -> dict[str, str]:
    from transparency import categories

    return dict(categories.families().select("family_code", "family_title").iter_rows())


def _price(lines: pl.DataFrame, start: date, n_months: int) -> pl.DataFrame:
    """Turn each line's USD value into an amount in its currency, then convert it back.

    The amount is the USD value times the rate `currency.convert` uses for that currency
    and month (whole units for JPY and KRW); converting it back gives `amount_usd`.
    """
    from transparency import currency

    _, _, grid = _rate_grid(start, n_months)
    month_of = (pl.col("award_date").dt.year() - start.year) * 12 + pl.col("award_date").dt.month()
    month_of = month_of - start.month
    rate = grid.select(
        pl.col("currency"), pl.col("month_index").cast(pl.Int64), pl.col("fx_rate").alias("_rate")
    )
    whole = pl.col("currency").is_in(["JPY", "KRW"])
    value = pl.col("_usd_cents").cast(pl.Decimal(38, 6)) * pl.col("_rate") / 100
    priced = (
        lines.with_columns(month_of.cast(pl.Int64).alias("month_index"))
        .join(rate, on=["currency", "month_index"], how="left", maintain_order="left")
        .with_columns(
            pl.when(whole)
            .then(value.round(0))
            .otherwise(value.round(2))
            .cast(schema.MONEY)
            .alias("amount")
        )
    )
    return currency.convert(priced, currency.rates())


def _classified(lines: pl.DataFrame) -> pl.DataFrame:
    from transparency import categories

    return categories.classify(lines)


def iter_chunks(
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    end_quarter: str | None = None,
    chunk_rows: int = 250_000,
) -> Iterator[pl.DataFrame]:
    """Yield the dataset as canonical frames of about `chunk_rows` lines, in order.

    The concatenated chunks equal `generate(rows, seed, end_quarter)` whatever
    `chunk_rows` is, so a 10M-line benchmark needs only one chunk in memory at a time
    (about 1.5 GB of working memory per million lines of chunk).
    """
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}.")
    end_quarter = end_quarter or default_end_quarter()
    start, end = period(end_quarter)
    profile = _profile()
    sup = _suppliers(profile, supplier_count(rows), seed)
    blocks_per_chunk = max(1, -(-chunk_rows // BLOCK_ROWS))
    n_blocks = -(-rows // BLOCK_ROWS)
    for first in range(0, n_blocks, blocks_per_chunk):
        frames = []
        for block in range(first, min(first + blocks_per_chunk, n_blocks)):
            n_lines = min(BLOCK_ROWS, rows - block * BLOCK_ROWS)
            frames.append(_block(profile, sup, seed, block, n_lines, start, end))
        chunk = pl.concat(frames)
        offset = first * BLOCK_ROWS
        chunk = chunk.with_columns(
            (pl.int_range(pl.len(), dtype=pl.Int64) + offset + 1).alias("source_row")
        )
        yield schema.conform(_classified(chunk))


def generate(
    rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED, end_quarter: str | None = None
) -> pl.DataFrame:
    """Return `rows` canonical contract lines of the demo organisation.

    `end_quarter` ('2026Q3') is the last of the `QUARTERS` quarters; by default the last
    complete calendar quarter before today.
    """
    return pl.concat(list(iter_chunks(rows, seed, end_quarter)))


def content_hash(rows: int, seed: int, end_quarter: str) -> str:
    """Return the store's duplicate key for a demo dataset: a hash of its parameters.

    >>> content_hash(200_000, 2388, "2026Q3") == content_hash(200_000, 2388, "2026Q3")
    True
    """
    text = f"demo|v1|rows={rows}|seed={seed}|end={end_quarter}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_to_store(
    store: Store,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    end_quarter: str | None = None,
) -> Batch:
    """Generate a demo dataset and add it to `store` as one batch marked `is_demo`.

    Raises `transparency.store.DuplicateImport` when the same dataset is already there.
    """
    end_quarter = end_quarter or default_end_quarter()
    rejections = pl.DataFrame(schema=schema.REJECTION)
    # Streamed chunk by chunk, so 10M benchmark lines never sit in memory whole.
    return store.add_batch(
        iter_chunks(rows, seed, end_quarter),
        rejections,
        source_file=source_file(seed),
        content_hash=content_hash(rows, seed, end_quarter),
        rows_read=rows,
        is_demo=True,
        extra={
            "organisation": ORGANISATION,
            "rows": rows,
            "seed": seed,
            "end_quarter": end_quarter,
            "quarters": QUARTERS,
        },
    )


def ensure_demo(store: Store) -> bool:
    """Add the default demo dataset when `store` has no batches; return whether it wrote.

    Safe to call from every dashboard start: a second process racing the first finds
    the same content hash and writes nothing.
    """
    from transparency.store import DuplicateImport

    if store.batches():
        return False
    try:
        add_to_store(store)
    except DuplicateImport:
        return False
    return True


# Export headings an ERP might use, all recognised by the import without a mapping file.
EXPORT_HEADINGS: dict[str, str] = {
    "contract_id": "PO Number",
    "line_id": "Line Number",
    "award_date": "PO Date",
    "buyer": "Business Unit",
    "supplier_id": "Vendor ID",
    "supplier_name": "Vendor Name",
    "supplier_country_raw": "Vendor Country",
    "description": "Item Description",
    "category_raw": "UNSPSC",
    "procurement_method_raw": "Procurement Method",
    "amount": "Amount",
    "currency": "Currency",
}


def to_export(lines: pl.DataFrame) -> pl.DataFrame:
    """Return demo lines as a purchasing system would export them: raw values, ERP headings.

    >>> to_export(generate(rows=3, seed=1, end_quarter="2026Q3")).columns[:3]
    ['PO Number', 'Line Number', 'PO Date']
    """
    # Amounts carry cents, as exports write them (the canonical type keeps 4 decimals).
    return lines.with_columns(pl.col("amount").cast(pl.Decimal(38, 2))).select(
        pl.col(c).alias(h) for c, h in EXPORT_HEADINGS.items()
    )


def write_export(
    path: str | Path,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    end_quarter: str | None = None,
    chunk_rows: int = 250_000,
) -> int:
    """Write the demo dataset as an export file (CSV, or Parquet for a `.parquet` name).

    Writes chunk by chunk, so memory stays bounded at any size; returns the rows written.
    Benchmarks use it to make import input of a given size.
    """
    path = Path(path)
    written = 0
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        writer = None
        try:
            for chunk in iter_chunks(rows, seed, end_quarter, chunk_rows):
                table = to_export(chunk).to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema, compression="zstd")
                writer.write_table(table)
                written += chunk.height
        finally:
            if writer is not None:
                writer.close()
        return written
    with open(path, "wb") as fh:
        for chunk in iter_chunks(rows, seed, end_quarter, chunk_rows):
            to_export(chunk).write_csv(fh, include_header=written == 0)
            written += chunk.height
    return written
