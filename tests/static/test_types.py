"""The type gate: mypy --strict, as pyproject.toml's [tool.mypy] configures it, passes on the package."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.support import REPO_ROOT


def test_mypy_strict_passes_on_the_package() -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.fail("mypy is not installed: pip install -e '.[dev]'", pytrace=False)
    # In a process of its own, from the repository root: [tool.mypy] names the files to check
    # relative to it, and the cache (.mypy_cache) makes a second run take about a second.
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO_ROOT / "pyproject.toml")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"mypy reports:\n{proc.stdout}{proc.stderr}"
    assert "no issues found" in proc.stdout, proc.stdout
