"""The README is the contract with a newcomer: it opens with the two commands that work, and it names every
command and package the repository has. These tests fail when the docs fall behind the code."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = ["bash scripts/start.sh", "bash scripts/test.sh"]


def _first_block() -> list[str]:
    lines = README.splitlines()
    assert lines[0].startswith("# 预算联网监督分析平台"), "README starts with the title"
    after_title = [line for line in lines[1:] if line.strip()]
    assert after_title[0].startswith("```"), "the first thing after the title is the command block"
    return after_title[1:after_title.index("```", 1)]


def test_readme_opens_with_exactly_the_two_commands_each_explained():
    block = _first_block()
    assert [line for line in block if not line.startswith("#")] == COMMANDS
    for command in COMMANDS:
        comment = block[block.index(command) - 1]
        assert comment.startswith("# ") and re.search(r"[\u4e00-\u9fff]", comment) and re.search(r"[a-z]{3}", comment)


def test_the_readme_commands_are_real_scripts():
    for command in COMMANDS:
        script = ROOT / command.split()[1]
        assert script.is_file()
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert (ROOT / "scripts" / "bootstrap.sh").is_file()


def test_ci_runs_the_readme_test_command():
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert "set -euo pipefail" in steps
    assert steps[-1] == COMMANDS[1]


def test_every_command_is_documented():
    from cli import main

    undocumented = [name for name in main.commands if f"`python app.py {name}" not in README]
    assert not undocumented, f"README lacks commands: {undocumented}"


def test_every_package_folder_is_documented():
    packages = [p.parent.name for p in ROOT.glob("*/__init__.py")]
    assert packages
    undocumented = [name for name in packages if f"`{name}/`" not in README]
    assert not undocumented, f"README's architecture lacks: {undocumented}"


def test_every_linked_document_exists():
    targets = re.findall(r"\]\(([^)#]+)\)", README)
    assert targets
    missing = [t for t in targets if not t.startswith("http") and not (ROOT / t).exists()]
    assert not missing, f"README links to missing files: {missing}"
