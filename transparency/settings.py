"""Every setting the product reads from the environment, in one place, with its default.

Each variable is listed once in `VARIABLES` (name, default, what it sets or bounds); the
README's "Settings" table lists the same rows and `tests/test_settings.py` keeps the two
equal. Values are read when used, not when this module is imported, so a changed variable
applies to the next import, connection or page run. No other module reads `os.environ`.

>>> default_store().name
'store'
>>> [v.name for v in VARIABLES][:2]
['TRANSPARENCY_STORE', 'TRANSPARENCY_LOCAL_DIR']
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
QUERIES_DIR = ROOT / "queries"
RISK_MODEL_PATH = DATA_DIR / "risk_model.toml"
ROLES_PATH = DATA_DIR / "roles.toml"
DEFAULT_CHUNK_ROWS = 500_000


@dataclass(frozen=True)
class Variable:
    """One environment variable: its `default` as the README shows it, and what it governs."""

    name: str
    default: str
    governs: str


VARIABLES: tuple[Variable, ...] = (
    # where things are
    Variable("TRANSPARENCY_STORE", "data/store", "the store: a folder or an s3:// URL"),
    Variable(
        "TRANSPARENCY_LOCAL_DIR",
        "data/store-local/<hash of the URL>",
        "local folder of an s3:// store (diligence records, user rates, lock)",
    ),
    Variable("TRANSPARENCY_S3_ENDPOINT", "(none)", "endpoint URL of an S3-compatible store"),
    Variable("AWS_DEFAULT_REGION", "us-east-1", "region sent with TRANSPARENCY_S3_ENDPOINT"),
    Variable("TRANSPARENCY_RISK_MODEL", "data/risk_model.toml", "the risk method file"),
    Variable("TRANSPARENCY_REFERENCE_DIR", "data/reference", "the reference tables' folder"),
    Variable("TRANSPARENCY_ROLES", "data/roles.toml", "who gets which role after sign-in"),
    Variable("TRANSPARENCY_FISCAL_YEAR_START", "1", "month (1-12) the fiscal year starts in"),
    # DuckDB
    Variable(
        "TRANSPARENCY_SPILL_DIR",
        "<temp folder>/transparency-spill-<uid>",
        "DuckDB spill folder (this user's own, mode 0700); the page cache is in its page-cache/",
    ),
    Variable("TRANSPARENCY_MEMORY_LIMIT", "3GB", "DuckDB memory limit per process"),
    Variable("TRANSPARENCY_SPILL_LIMIT", "20GB", "most disk DuckDB may spill to"),
    Variable("TRANSPARENCY_THREADS", "number of cores", "DuckDB threads per process"),
    # imports
    Variable(
        "TRANSPARENCY_IMPORT_CHUNK_ROWS",
        "500000",
        "rows per chunk of a streamed import (0 reads each file whole)",
    ),
    Variable("TRANSPARENCY_MAX_UPLOAD_MB", "200", "largest file an import accepts, in MB"),
    Variable("TRANSPARENCY_MAX_IMPORT_ROWS", "20000000", "most data rows in one file"),
    Variable("TRANSPARENCY_MAX_COLUMNS", "500", "most columns in one file"),
    Variable(
        "TRANSPARENCY_MAX_TEXT_MB",
        "1000",
        "most text a file may expand to, in MB (XLSX shared strings, OCDS party names)",
    ),
    Variable("TRANSPARENCY_MAX_XLSX_UNPACKED_MB", "4000", "most bytes an XLSX unpacks to, in MB"),
    Variable("TRANSPARENCY_MAX_XLSX_RATIO", "200", "highest packing ratio of an XLSX part"),
    Variable("TRANSPARENCY_MAX_JSON_DEPTH", "64", "deepest nesting of an OCDS JSON file"),
    Variable("TRANSPARENCY_MAX_LINE_USD", "1000000000000", "largest absolute USD value of a line"),
    Variable("TRANSPARENCY_MIN_AWARD_DATE", "1990-01-01", "earliest award date accepted"),
    Variable("TRANSPARENCY_MAX_DAYS_AHEAD", "366", "days after the import an award date may lie"),
    # sign-in
    Variable(
        "TRANSPARENCY_LOCAL_MODE_REMOTE",
        "(off)",
        "1 lets local single-user mode (no sign-in) serve a non-loopback address",
    ),
    Variable(
        "TRANSPARENCY_TEST_HOOKS",
        "(off)",
        "1 lets tests simulate a user without sign-in (TRANSPARENCY_TEST_USER)",
    ),
    Variable(
        "TRANSPARENCY_TEST_USER",
        "(none)",
        "with TRANSPARENCY_TEST_HOOKS=1 and no [auth]: the simulated user's e-mail",
    ),
)
NAMES = frozenset(v.name for v in VARIABLES)


class LimitError(ValueError):
    """A setting holds something that is not a usable value."""


def env(name: str) -> str:
    """Return the variable `name` stripped ('' when unset); `name` must be in `VARIABLES`."""
    if name not in NAMES:
        raise KeyError(f"{name} is not a setting listed in transparency.settings.VARIABLES")
    return os.environ.get(name, "").strip()


# --- where things are ---------------------------------------------------------------------


def default_store() -> Path | str:
    """Return `TRANSPARENCY_STORE` (a folder or an `s3://` URL) if set, else `data/store/`."""
    value = env("TRANSPARENCY_STORE")
    if value and "://" in value:
        return value
    return Path(value or DATA_DIR / "store")


def local_dir() -> Path | None:
    """Return `TRANSPARENCY_LOCAL_DIR` (the local folder of an object store), or None."""
    value = env("TRANSPARENCY_LOCAL_DIR")
    return Path(value) if value else None


def s3_endpoint() -> str | None:
    """Return `TRANSPARENCY_S3_ENDPOINT`, or None for the provider's own endpoint."""
    return env("TRANSPARENCY_S3_ENDPOINT") or None


def aws_region() -> str:
    """Return `AWS_DEFAULT_REGION`, else us-east-1."""
    return env("AWS_DEFAULT_REGION") or "us-east-1"


def risk_model_path() -> Path:
    """Return the risk model file: `TRANSPARENCY_RISK_MODEL` if set, else `data/risk_model.toml`."""
    return Path(env("TRANSPARENCY_RISK_MODEL") or RISK_MODEL_PATH)


def reference_dir() -> Path:
    """Return the reference tables' folder: `TRANSPARENCY_REFERENCE_DIR`, else `data/reference`."""
    return Path(env("TRANSPARENCY_REFERENCE_DIR") or REFERENCE_DIR)


def roles_path() -> Path:
    """Return the roles file (`TRANSPARENCY_ROLES`, else `data/roles.toml`)."""
    value = env("TRANSPARENCY_ROLES")
    return Path(value) if value else ROLES_PATH


def user_fx_rates_path(store: Path) -> Path:
    """Return where a user's own monthly rates file lives (it overrides the shipped rates)."""
    return Path(store) / "fx_rates.csv"


def fiscal_year_start_raw() -> str:
    """Return `TRANSPARENCY_FISCAL_YEAR_START` as written, else '1' (checked by `quarters`)."""
    return env("TRANSPARENCY_FISCAL_YEAR_START") or "1"


# --- DuckDB -------------------------------------------------------------------------------


def spill_dir() -> Path:
    """Return DuckDB's spill folder (`TRANSPARENCY_SPILL_DIR`, else the temp folder's
    `transparency-spill-<uid>`: one per user, since it must be this user's own; see
    `transparency.cache_folder`)."""
    value = env("TRANSPARENCY_SPILL_DIR")
    if value:
        return Path(value)
    return Path(tempfile.gettempdir()) / f"transparency-spill-{os.geteuid()}"


def duckdb_config() -> dict[str, str]:
    """Return the DuckDB settings every connection opens with.

    3GB: DuckDB fills its buffer pool up to the limit, and the Python process (Streamlit,
    Polars frames) adds about 0.5 to 1 GB, so a dashboard stays within a 4 GB budget.
    """
    return {
        "memory_limit": env("TRANSPARENCY_MEMORY_LIMIT") or "3GB",
        "temp_directory": str(spill_dir()),
        "max_temp_directory_size": env("TRANSPARENCY_SPILL_LIMIT") or "20GB",
        "threads": env("TRANSPARENCY_THREADS") or str(os.cpu_count() or 2),
    }


def build_memory_limit() -> str:
    """Return the DuckDB memory limit of a page cache build: 3/4 of the configured one.

    The build's buffer pool fills to its limit (the blocks of the tables just written stay
    cached), and Python and DuckDB's own allocations come on top: with the whole limit a
    10M-line build peaked at 4.2 GB under a 4 GB limit.

    >>> build_memory_limit()  # with TRANSPARENCY_MEMORY_LIMIT unset (3GB)  # doctest: +SKIP
    '2250MB'
    """
    text = duckdb_config()["memory_limit"]
    units = {"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}
    units |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    if not match or match[2].upper() not in units:
        return text  # DuckDB reads (or refuses) it as given
    megabytes = float(match[1]) * units[match[2].upper()] * 0.75 / 1e6
    return f"{max(1, int(megabytes))}MB"


# --- imports ------------------------------------------------------------------------------


def import_chunk_rows() -> int:
    """Return the rows per chunk of a streamed import (`TRANSPARENCY_IMPORT_CHUNK_ROWS`).

    Default 500,000 (about 0.5 GB of working memory per chunk in flight); 0 reads every
    file whole, as before streaming. Raises `LimitError` for text that is not a number.
    """
    text = env("TRANSPARENCY_IMPORT_CHUNK_ROWS").replace("_", "")
    try:
        rows = int(text) if text else DEFAULT_CHUNK_ROWS
    except ValueError as exc:
        raise LimitError(
            f"TRANSPARENCY_IMPORT_CHUNK_ROWS must be a whole number of rows, not {text!r}."
        ) from exc
    return max(rows, 0)


def _number(name: str, default: float, *, integer: bool = False) -> float:
    raw = env(name).replace("_", "").replace(",", "")
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError as exc:
        raise LimitError(f"{name}={os.environ[name]!r} is not a number.") from exc
    if value <= 0:
        raise LimitError(f"{name}={os.environ[name]!r} must be above zero.")
    return value


def max_upload_mb() -> float:
    """Return the largest file an import accepts, in MB (`TRANSPARENCY_MAX_UPLOAD_MB`)."""
    return _number("TRANSPARENCY_MAX_UPLOAD_MB", 200)


def max_upload_bytes() -> int:
    """Return `max_upload_mb()` in bytes (1 MB = 1,048,576 bytes)."""
    return int(max_upload_mb() * 1024 * 1024)


def max_import_rows() -> int:
    """Return the most data rows one file may hold (`TRANSPARENCY_MAX_IMPORT_ROWS`)."""
    return int(_number("TRANSPARENCY_MAX_IMPORT_ROWS", 20_000_000, integer=True))


def max_columns() -> int:
    """Return the most columns one file may have (`TRANSPARENCY_MAX_COLUMNS`).

    Exports of contract lines have tens of columns, rarely more than 200; a file past the
    limit is refused from its heading line or schema, before its rows are read.
    """
    return int(_number("TRANSPARENCY_MAX_COLUMNS", 500, integer=True))


def max_text_bytes() -> int:
    """Return the most text one file may expand to (`TRANSPARENCY_MAX_TEXT_MB`), in bytes.

    A small file can name one long text many times: an XLSX cell holds an index into
    its shared strings, an OCDS supplier the id of a party. Each copy is written out in
    memory, so the text is counted with every use (an XLSX sheet: its XML plus each
    shared string where it is used; OCDS: the text of every line) before it is copied.
    1,000 MB keeps an import within about 3 GB.
    """
    return int(_number("TRANSPARENCY_MAX_TEXT_MB", 1000) * 1024 * 1024)


def max_xlsx_unpacked_bytes() -> int:
    """Return the most bytes an XLSX may unpack to (`TRANSPARENCY_MAX_XLSX_UNPACKED_MB`)."""
    return int(_number("TRANSPARENCY_MAX_XLSX_UNPACKED_MB", 4000) * 1024 * 1024)


def max_xlsx_ratio() -> float:
    """Return the highest unpacked/packed ratio of a part of an XLSX (zip bombs exceed it).

    Real sheets pack about 5-20 to 1, very repetitive ones up to about 100 to 1; deflate
    cannot exceed about 1,030 to 1, and bombs sit near that.
    """
    return _number("TRANSPARENCY_MAX_XLSX_RATIO", 200)


def max_json_depth() -> int:
    """Return the deepest nesting an OCDS JSON file may have (`TRANSPARENCY_MAX_JSON_DEPTH`).

    OCDS releases nest about 8 levels (package, releases, award, suppliers, address ...).
    """
    return int(_number("TRANSPARENCY_MAX_JSON_DEPTH", 64, integer=True))


def max_line_usd() -> Decimal:
    """Return the largest absolute USD value one line may have (`TRANSPARENCY_MAX_LINE_USD`)."""
    raw = env("TRANSPARENCY_MAX_LINE_USD").replace("_", "")
    if not raw:
        return Decimal(10) ** 12
    try:
        value = Decimal(raw.replace(",", ""))
    except ArithmeticError as exc:
        raise LimitError(f"TRANSPARENCY_MAX_LINE_USD={raw!r} is not a number.") from exc
    if not value.is_finite() or value <= 0:
        raise LimitError(f"TRANSPARENCY_MAX_LINE_USD={raw!r} must be a number above zero.")
    return value


def min_award_date() -> date:
    """Return the earliest award date accepted (`TRANSPARENCY_MIN_AWARD_DATE`, ISO date)."""
    raw = env("TRANSPARENCY_MIN_AWARD_DATE")
    if not raw:
        return date(1990, 1, 1)
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise LimitError(
            f"TRANSPARENCY_MIN_AWARD_DATE={raw!r} is not an ISO date (YYYY-MM-DD)."
        ) from exc


def max_days_ahead() -> int:
    """Return how many days after the import an award date may lie
    (`TRANSPARENCY_MAX_DAYS_AHEAD`)."""
    return int(_number("TRANSPARENCY_MAX_DAYS_AHEAD", 366, integer=True))


def import_limits() -> dict[str, object]:
    """Return every import limit by its variable name; raise `LimitError` if one is malformed.

    >>> import_limits()["TRANSPARENCY_MAX_IMPORT_ROWS"]   # doctest: +SKIP
    20000000
    """
    return {
        "TRANSPARENCY_MAX_UPLOAD_MB": max_upload_mb(),
        "TRANSPARENCY_MAX_IMPORT_ROWS": max_import_rows(),
        "TRANSPARENCY_MAX_COLUMNS": max_columns(),
        "TRANSPARENCY_MAX_TEXT_MB": max_text_bytes() / 1048576,
        "TRANSPARENCY_MAX_XLSX_UNPACKED_MB": max_xlsx_unpacked_bytes() / 1048576,
        "TRANSPARENCY_MAX_XLSX_RATIO": max_xlsx_ratio(),
        "TRANSPARENCY_MAX_JSON_DEPTH": max_json_depth(),
        "TRANSPARENCY_MAX_LINE_USD": max_line_usd(),
        "TRANSPARENCY_MIN_AWARD_DATE": min_award_date(),
        "TRANSPARENCY_MAX_DAYS_AHEAD": max_days_ahead(),
    }


# --- sign-in ------------------------------------------------------------------------------


def local_mode_remote() -> bool:
    """Return True when `TRANSPARENCY_LOCAL_MODE_REMOTE=1` lets local mode serve other machines."""
    return env("TRANSPARENCY_LOCAL_MODE_REMOTE") == "1"


def test_user() -> str | None:
    """Return the simulated user's e-mail when `TRANSPARENCY_TEST_HOOKS=1`, else None.

    Honoured only without `[auth]` (see `transparency.app.auth`): it can only lower rights.
    """
    if env("TRANSPARENCY_TEST_HOOKS") != "1":
        return None
    return env("TRANSPARENCY_TEST_USER") or None
