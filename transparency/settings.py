"""Locations and limits, from environment variables with sane defaults.

>>> default_store().name
'store'
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
QUERIES_DIR = ROOT / "queries"
RISK_MODEL_PATH = DATA_DIR / "risk_model.toml"


def default_store() -> Path | str:
    """Return `TRANSPARENCY_STORE` (a folder or an `s3://` URL) if set, else `data/store/`."""
    value = os.environ.get("TRANSPARENCY_STORE")
    if value and "://" in value:
        return value
    return Path(value or DATA_DIR / "store")


def risk_model_path() -> Path:
    """Return the risk model file: `TRANSPARENCY_RISK_MODEL` if set, else `data/risk_model.toml`."""
    return Path(os.environ.get("TRANSPARENCY_RISK_MODEL") or RISK_MODEL_PATH)


def user_fx_rates_path(store: Path) -> Path:
    """Return where a user's own monthly rates file lives (it overrides the shipped rates)."""
    return Path(store) / "fx_rates.csv"


def local_mode_remote() -> bool:
    """Return True when `TRANSPARENCY_LOCAL_MODE_REMOTE=1` lets local mode serve other machines."""
    return os.environ.get("TRANSPARENCY_LOCAL_MODE_REMOTE", "").strip() == "1"
