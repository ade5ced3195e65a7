"""The repository's promises about itself: one test command, shared by README and CI, on the
package versions the lock records."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

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


def _pins(path: str) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (REPO_ROOT / path).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{path}: {line!r} is not an exact pin (regenerate with scripts/lock)"
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_the_lock_pins_every_requirement_inside_pyprojects_range() -> None:
    """scripts/setup installs constraints/dev.txt: a requirement it does not pin would float to
    whatever PyPI has on the day (moto 5.2.6 once broke a fresh CI that way)."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = [*project["dependencies"], *extras["emulator"], *extras["dashboard"], *extras["dev"]]
    pins = _pins("constraints/dev.txt")
    for text in wanted:
        req = Requirement(text)
        if canonicalize_name(req.name) == canonicalize_name(project["name"]):
            continue
        pinned = pins.get(canonicalize_name(req.name))
        assert pinned is not None, f"{req.name} is not in constraints/dev.txt: run scripts/lock"
        assert pinned in req.specifier, f"constraints/dev.txt pins {req.name} {pinned}, outside {text!r}"


def test_the_checkov_lock_pins_checkov() -> None:
    assert "checkov" in _pins("constraints/checkov.txt")
