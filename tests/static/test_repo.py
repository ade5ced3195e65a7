"""The repository's promises about itself: one test command, shared by README and CI."""

from __future__ import annotations

from tests.support import REPO_ROOT


def readme_test_command() -> str:
    lines = (REPO_ROOT / "README.md").read_text().splitlines()
    idx = lines.index("<!-- test-command -->")
    return lines[idx + 1].strip()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = readme_test_command()
    assert command.startswith(".venv/bin/python -m pytest")
    ci_lines = [line.strip() for line in (REPO_ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci_lines
