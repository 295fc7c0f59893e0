"""The README documents what the code does: heading synonyms and commands."""

from __future__ import annotations

import re

from transparency.cli import build_parser
from transparency.ingest.mapping import SYNONYMS
from transparency.settings import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def synonym_rows() -> dict[str, str]:
    rows = {}
    section = README.split("### Headings recognised without configuration", 1)[1]
    for line in section.split("\n#", 1)[0].splitlines():
        match = re.match(r"\| `(\w+)` \| (.+) \|$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_every_heading_synonym_is_in_the_readme_table():
    rows = synonym_rows()
    for column, headings in SYNONYMS.items():
        assert column in rows, f"README lacks the synonym row for {column}"
        documented = [h.strip() for h in rows[column].split(",")]
        assert list(headings) == documented, column


def test_every_command_is_in_the_readme():
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`{name}" in README, f"README does not document the {name!r} command"


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", quick, flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert "streamlit run dashboard.py" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
