"""The docstring examples of every module under `transparency/` run and pass.

Modules are found by walking the package (so moved or new modules are included without
editing this file); `__main__` is left out because importing it runs the command line.
Modules that import Streamlit are included: Streamlit is installed and imports without a
running app. A module without examples passes; the package as a whole must run at least
`MIN_EXAMPLES` of them, so a broken discovery cannot pass by running nothing.
"""

from __future__ import annotations

import doctest
import functools
import importlib
import io
import pkgutil

import pytest

import transparency

OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
MIN_EXAMPLES = 10


def _module_names() -> list[str]:
    names = [transparency.__name__]
    for info in pkgutil.walk_packages(transparency.__path__, f"{transparency.__name__}."):
        if info.name.rsplit(".", 1)[-1] != "__main__":
            names.append(info.name)
    return sorted(names)


MODULES = _module_names()


@functools.cache
def _run(name: str) -> tuple[doctest.TestResults, str]:
    """Run the examples of module `name` once; return the counts and the runner's report."""
    module = importlib.import_module(name)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
        runner.run(test, out=out.write)
    return runner.summarize(verbose=False), out.getvalue()


def test_modules_are_found():
    assert len(MODULES) > 10, MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name):
    results, report = _run(name)
    assert results.failed == 0, f"{name}: {results.failed} of {results.attempted} failed\n{report}"


def test_the_package_runs_enough_examples():
    ran = {name: _run(name)[0].attempted for name in MODULES}
    assert sum(ran.values()) >= MIN_EXAMPLES, f"only {sum(ran.values())} examples ran: {ran}"
