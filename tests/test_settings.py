"""Settings: one module reads the environment, and the README's table lists every variable."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from transparency import settings

REPO = Path(__file__).resolve().parents[1]


def readme_rows() -> dict[str, tuple[str, str]]:
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Settings") :]
    section = section[: section.index("\n## ", 1)]
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| (.*?) \| (.*?) \|$", section, flags=re.M)
    return {name: (default, governs) for name, default, governs in rows}


def test_the_readme_table_lists_every_setting_with_its_default():
    rows = readme_rows()
    assert list(rows) == [v.name for v in settings.VARIABLES]
    for v in settings.VARIABLES:
        assert rows[v.name] == (v.default, v.governs)


def test_only_listed_variables_can_be_read():
    with pytest.raises(KeyError, match="not a setting"):
        settings.env("HOME")


def test_defaults_and_overrides(monkeypatch, tmp_path):
    for v in settings.VARIABLES:
        monkeypatch.delenv(v.name, raising=False)
    assert settings.default_store() == settings.DATA_DIR / "store"
    assert settings.roles_path() == settings.DATA_DIR / "roles.toml"
    assert settings.import_chunk_rows() == 500_000
    assert settings.max_line_usd() == Decimal("1000000000000")
    assert settings.duckdb_config()["memory_limit"] == "3GB"
    assert settings.test_user() is None and not settings.local_mode_remote()
    monkeypatch.setenv("TRANSPARENCY_STORE", "s3://bucket/prefix")
    monkeypatch.setenv("TRANSPARENCY_IMPORT_CHUNK_ROWS", "1_000")
    monkeypatch.setenv("TRANSPARENCY_SPILL_DIR", str(tmp_path))
    monkeypatch.setenv("TRANSPARENCY_TEST_USER", "ana@example.org")
    assert settings.default_store() == "s3://bucket/prefix"
    assert settings.import_chunk_rows() == 1000
    assert settings.duckdb_config()["temp_directory"] == str(tmp_path)
    assert settings.test_user() is None  # the hook is off
    monkeypatch.setenv("TRANSPARENCY_TEST_HOOKS", "1")
    assert settings.test_user() == "ana@example.org"
    monkeypatch.setenv("TRANSPARENCY_IMPORT_CHUNK_ROWS", "many")
    with pytest.raises(settings.LimitError, match="whole number of rows, not 'many'"):
        settings.import_chunk_rows()
