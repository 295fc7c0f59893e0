"""Forced-labour risk: the model, its reference tables, the scoring of lines and the method.

`install(con, store)` reads `data/risk_model.toml` and the reference files named in it *each
time it is called*, checks them (a malformed file raises `RiskModelError` naming file, key
and value, and nothing is installed), and creates:

* `risk_categories(category, sort_order, label, is_high, colour, min_score, max_score)`:
  the table of `categories` (Low, Medium, High, Very high, Not assessable) with the
  model's colours and score bands;
* model tables `risk_country_year`, `risk_sector_keys`, `risk_listed_pairs`,
  `risk_combination`, `risk_diligence_steps`, `risk_settings`, `risk_countries`, the
  reference tables `ref_*`, and the scoring tables of `scoring`;
* view `scored_lines`: every `contract_lines` column plus the risk columns (see
  `RISK_COLUMNS`).

No model number is ever written into SQL text: the views in `queries/views/` join tables
built from the TOML, so editing the TOML and reconnecting (or calling `install` again)
changes every figure. Call `install` again after `database.install_lines` (a new batch
list) so the per-line table matches the lines; `database.connect` does both.

The modules, each importing only those above it:

* `categories`: the risk categories, once (order, label, high-risk flag);
* `model`: the TOML method file, `RiskModel`, `RiskModelError`, the fixed lists;
* `reference`: the reference CSVs the model names, checked;
* `diligence`: the append-only due-diligence records beside the store;
* `sources`: model and reference files together (load, fingerprint, editions);
* `tables`: the frames built from the model and reference files;
* `scoring`: `install`, the SQL that scores the lines (run from `queries/views/`);
* `method`: the method as tables for the Methodology page and the reports.

>>> con = database.connect(Store("data/store"))      # doctest: +SKIP
>>> con.sql("select inherent_category, count(*) from scored_lines group by 1").fetchall()
... # doctest: +SKIP
>>> CATEGORIES
('Low', 'Medium', 'High', 'Very high', 'Not assessable')
"""

from __future__ import annotations

from pathlib import Path

from transparency import sql
from transparency.risk import categories, scoring
from transparency.risk.categories import CATEGORIES
from transparency.risk.method import method_tables
from transparency.risk.model import RiskModelError
from transparency.risk.scoring import (
    REASONS,
    RISK_COLUMNS,
    install,
    install_by_key,
    refresh_diligence,
)
from transparency.risk.sources import editions, load, model_fingerprint
from transparency.risk.tables import (
    categories_frame,
    combination_frame,
    country_year_frame,
    diligence_frame,
    listed_pairs_frame,
    sector_keys_frame,
    settings_frame,
)

__all__ = [
    "CATEGORIES",
    "REASONS",
    "RISK_COLUMNS",
    "RiskModelError",
    "categories",
    "categories_frame",
    "code_files",
    "combination_frame",
    "country_year_frame",
    "diligence_frame",
    "editions",
    "install",
    "install_by_key",
    "listed_pairs_frame",
    "load",
    "method_tables",
    "model_fingerprint",
    "refresh_diligence",
    "sector_keys_frame",
    "settings_frame",
]


def code_files() -> list[Path]:
    """Return the files whose text decides the scores: this package's modules and the view
    files `install` runs, sorted (a cache of scored lines is stale when one changes)."""
    modules = sorted(Path(__file__).parent.glob("*.py"))
    return modules + sorted(sql.VIEWS_DIR / f"{name}.sql" for name in scoring.VIEWS)
