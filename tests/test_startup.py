"""Start-up: every heavy library is loaded before any page runs (issue 20, point 9).

Concurrent first visits to a fresh server each run a page script in a thread; a library
imported lazily by one of them could be seen half-initialised by another. In a fresh
interpreter, after `import transparency.app`, running every page must import none of the
heavy packages anew (`transparency.app.preload.HEAVY`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from transparency import page_registry

REPO = Path(__file__).resolve().parents[1]
SCRIPT = """
import os, sys
sys.path.insert(0, "tests")
import transparency.app
from transparency.app.preload import HEAVY
from dashboard_fixtures import fixture_store
from streamlit.testing.v1 import AppTest
os.environ["TRANSPARENCY_STORE"] = str(fixture_store(sys.argv[1]).root)
before = set(sys.modules)
for page in sys.argv[2:]:
    AppTest.from_file(os.path.abspath(page), default_timeout=120).run()
print(sorted(m for m in set(sys.modules) - before if m.split(".")[0] in HEAVY))
"""
PAGES = ["dashboard.py", *sorted(str(p.relative_to(REPO)) for p in (REPO / "pages").glob("*.py"))]


def test_running_every_page_imports_no_heavy_library_anew(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "store"), *PAGES],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert len(PAGES) == len(page_registry.PAGES) + 1  # every page, and the entry script
