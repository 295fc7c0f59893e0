"""Shared test helpers: the path to the real public data and a fresh store per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Real public data sets, shared beside the repository (each folder has a SOURCE.md).
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()

_SPILL_SET_HERE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Give the run its own DuckDB spill folder, so page-cache files of test stores never
    land in (or are read from) the machine's default one. Subprocesses inherit it."""
    if "TRANSPARENCY_SPILL_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="transparency-test-spill-")
        os.environ["TRANSPARENCY_SPILL_DIR"] = folder
        _SPILL_SET_HERE.append(folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _SPILL_SET_HERE:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("TRANSPARENCY_SPILL_DIR", None)


@pytest.fixture
def tmp_store(tmp_path: Path):
    """Return an empty `Store` in a temporary folder."""
    from transparency.store import Store

    return Store(tmp_path / "store")


@pytest.fixture(scope="session")
def generated_corpus(tmp_path_factory) -> Path:
    """Return a folder holding the bad-input files too large to commit (written by
    tests/data/bad/make_corpus.py's `generated_files`)."""
    import importlib.util  # the generator is a script beside the corpus, not a module

    corpus = REPO / "tests" / "data" / "bad"
    spec = importlib.util.spec_from_file_location("make_corpus", corpus / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("generated_corpus")
    module.generated_files(folder)
    return folder
