"""One block's contracts: size, award date, supplier, currency, buyer and procurement method.

The draws come from the block's Generator in a fixed order (`blocks.block` states it);
changing that order changes every line after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from transparency import schema
from transparency.demo.money import rate_grid
from transparency.demo.profile import Profile
from transparency.demo.suppliers import Suppliers, pick_suppliers

# Share of contracts whose supplier country is blank, and the raw values they carry.
UNKNOWN_COUNTRY_SHARE = 0.015
UNKNOWN_COUNTRY_RAW = ("Unknown", "N/A", "Not specified", "TBD", "--")

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


@dataclass(frozen=True)
class Contracts:
    """One block's contracts as arrays, in award order (one entry per contract)."""

    sizes: np.ndarray  # lines per contract
    supplier: np.ndarray  # index into the suppliers
    dates: np.ndarray  # award date, datetime64[D]
    sector: np.ndarray
    curs: tuple[str, ...]  # the currencies `currency` indexes
    currency: np.ndarray
    buyer: np.ndarray  # index into profile.buyer_names
    unknown_country: np.ndarray
    unknown_country_raw: np.ndarray
    factor: np.ndarray  # scales every line's value

    @property
    def count(self) -> int:
        """Return the number of contracts."""
        return self.sizes.size


def draw_contracts(
    rng: np.random.Generator,
    profile: Profile,
    sup: Suppliers,
    n_lines: int,
    start: date,
    end: date,
) -> Contracts:
    """Draw the contracts that hold `n_lines` lines awarded in [start, end)."""
    # Contracts: 1 to 15 lines each, most with one to three.
    sizes = np.minimum(rng.geometric(0.45, size=n_lines), 15)
    cum = np.cumsum(sizes)
    n_c = int(np.searchsorted(cum, n_lines) + 1)
    sizes = sizes[:n_c]
    sizes[-1] -= int(cum[n_c - 1] - n_lines)

    n_days = (end - start).days
    # Spending grows over the period: award dates lean towards its end.
    day = np.floor(n_days * rng.random(n_c) ** 0.85).astype(np.int64)
    supplier = pick_suppliers(rng, sup, day / n_days)
    order = np.argsort(day, kind="stable")
    sizes, supplier, day = sizes[order], supplier[order], day[order]

    dates = np.datetime64(start, "D") + day
    month_index = (dates.astype("datetime64[M]") - np.datetime64(start, "M")).astype(np.int64)
    sector = sup.sector[supplier]
    n_months = (end.year - start.year) * 12 + end.month - start.month
    curs, currency = _currencies(rng, profile, sup, supplier, month_index, start, n_months)
    buyer = _buyers(rng, profile, sup, supplier)
    unknown_country = rng.random(n_c) < UNKNOWN_COUNTRY_SHARE
    unknown_country_raw = rng.integers(0, len(UNKNOWN_COUNTRY_RAW), size=n_c)
    factor = rng.lognormal(0.0, 0.6, size=n_c)
    return Contracts(
        sizes=sizes,
        supplier=supplier,
        dates=dates,
        sector=sector,
        curs=curs,
        currency=currency,
        buyer=buyer,
        unknown_country=unknown_country,
        unknown_country_raw=unknown_country_raw,
        factor=factor,
    )


def _currencies(
    rng: np.random.Generator,
    profile: Profile,
    sup: Suppliers,
    supplier: np.ndarray,
    month_index: np.ndarray,
    start: date,
    n_months: int,
) -> tuple[tuple[str, ...], np.ndarray]:
    """The home currency where it has a rate that month, unless invoiced in USD."""
    curs, ok, _ = rate_grid(start, n_months)
    cur_index = {c: i for i, c in enumerate(curs)}
    home = np.array([cur_index.get(sup.currency[s], -1) for s in range(len(sup.currency))])
    usd = cur_index["USD"]
    home_c = home[supplier]
    usd_share = np.array([s["usd_share"] for s in profile.sectors])[sup.sector[supplier]]
    has_rate = np.where(home_c >= 0, ok[np.maximum(home_c, 0), month_index], False)
    use_home = has_rate & (rng.random(supplier.size) >= usd_share)
    return curs, np.where(use_home, home_c, usd)


def _buyers(
    rng: np.random.Generator, profile: Profile, sup: Suppliers, supplier: np.ndarray
) -> np.ndarray:
    """Buyer by sector; local purchases go through the duty station's regional office."""
    sector = sup.sector[supplier]
    buyer = np.zeros(supplier.size, dtype=np.int64)
    draw = rng.random(supplier.size)
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
    return buyer


def draw_methods(
    rng: np.random.Generator, line_contract: np.ndarray, usd_cents: np.ndarray, n_c: int
) -> tuple[np.ndarray, np.ndarray]:
    """Draw each contract's method from its value band, and which of its two raw labels."""
    contract_usd = np.bincount(line_contract, weights=usd_cents, minlength=n_c) / 100
    band = np.searchsorted(np.array([b[0] for b in _METHOD_BANDS[:-1]]), contract_usd, "right")
    band_probs = np.cumsum(np.array([b[1] for b in _METHOD_BANDS]), axis=1)
    method_draw = rng.random(n_c)
    method = np.minimum(
        (method_draw[:, None] >= band_probs[band]).sum(axis=1), len(schema.PROCUREMENT_METHODS) - 1
    )
    return method, rng.integers(0, 2, size=n_c)


def _coded(column: str, values: list[str] | tuple[str, ...]) -> pl.Expr:
    """Map the integer codes 0..n-1 in `column` to `values`."""
    return pl.col(column).replace_strict(
        list(range(len(values))), list(values), return_dtype=pl.String
    )


def contract_frame(
    profile: Profile,
    sup: Suppliers,
    c: Contracts,
    method: np.ndarray,
    method_label: np.ndarray,
    first_contract: int,
) -> pl.DataFrame:
    """Return the contracts as columns (`_c` is the contract's index in the block)."""
    contracts = pl.DataFrame(
        {
            "_c": np.arange(c.count),
            "_number": first_contract + np.arange(c.count) + 1,
            "award_date": c.dates,
            "_supplier": c.supplier,
            "_buyer": c.buyer,
            "_currency": c.currency,
            "_unknown_country": c.unknown_country,
            "_unknown_country_raw": c.unknown_country_raw,
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
        _coded("_buyer", profile.buyer_names).alias("buyer"),
        _coded("_currency", c.curs).alias("currency"),
        _coded("_method", methods).alias("procurement_method"),
        (pl.col("_method") * 2 + pl.col("_method_label"))
        .replace_strict(list(range(len(method_raw))), method_raw, return_dtype=pl.String)
        .alias("procurement_method_raw"),
    )
    unknown = pl.col("_unknown_country")
    return pl.concat([contracts, sup.frame[c.supplier]], how="horizontal").with_columns(
        pl.when(unknown)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("supplier_country"))
        .alias("supplier_country"),
        pl.when(unknown)
        .then(_coded("_unknown_country_raw", UNKNOWN_COUNTRY_RAW))
        .otherwise(pl.col("country_name"))
        .alias("supplier_country_raw"),
    )
