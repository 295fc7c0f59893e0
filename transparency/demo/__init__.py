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

Modules: `params` (size, seed, period), `profile` (the catalogue read from the TOML),
`suppliers`, `money` (currencies and rates), `contracts` and `lines` (one block's draws),
`blocks` (the generator), `writing` (store batch and export files).

>>> lines = generate(rows=5_000, seed=7, end_quarter="2026Q3")
>>> lines.height, lines.get_column("amount_usd").null_count()
(5000, 0)
"""

from __future__ import annotations

from transparency.demo.blocks import BLOCK_ROWS, generate, iter_chunks
from transparency.demo.contracts import (
    METHOD_LABELS,
    UNKNOWN_COUNTRY_RAW,
    UNKNOWN_COUNTRY_SHARE,
)
from transparency.demo.lines import (
    FAMILY_ONLY_SHARE,
    UNKNOWN_CATEGORY_RAW,
    UNKNOWN_CATEGORY_SHARE,
)
from transparency.demo.params import (
    DEFAULT_ROWS,
    DEFAULT_SEED,
    ORGANISATION,
    QUARTERS,
    default_end_quarter,
    period,
    supplier_count,
)
from transparency.demo.profile import PROFILE_PATH
from transparency.demo.writing import (
    EXPORT_HEADINGS,
    add_to_store,
    content_hash,
    ensure_demo,
    source_file,
    to_export,
    write_export,
)

__all__ = [
    "BLOCK_ROWS",
    "DEFAULT_ROWS",
    "DEFAULT_SEED",
    "EXPORT_HEADINGS",
    "FAMILY_ONLY_SHARE",
    "METHOD_LABELS",
    "ORGANISATION",
    "PROFILE_PATH",
    "QUARTERS",
    "UNKNOWN_CATEGORY_RAW",
    "UNKNOWN_CATEGORY_SHARE",
    "UNKNOWN_COUNTRY_RAW",
    "UNKNOWN_COUNTRY_SHARE",
    "add_to_store",
    "content_hash",
    "default_end_quarter",
    "ensure_demo",
    "generate",
    "iter_chunks",
    "period",
    "source_file",
    "supplier_count",
    "to_export",
    "write_export",
]
