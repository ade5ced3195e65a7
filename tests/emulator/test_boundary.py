"""The emulator is a component of its own, the ``zonke_emulator`` package: it imports
nothing of the wrapper (its errors are its own), and the wrapper loads it only for
``--local``, through ``zonke_tf.local`` (issue 18). Each check runs in a fresh
interpreter, so what the test process already imported does not hide an import."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.support import REPO_ROOT

# Everything of the wrapper that runs without --local: the CLI, the Python API, the day-2
# operations, the Terraform engine, the config, the targets and the dashboard's app.
WRAPPER = (
    "zonke_tf.cli",
    "zonke_tf.api",
    "zonke_tf.ops",
    "zonke_tf.ops_tasks",
    "zonke_tf.day2",
    "zonke_tf.engine",
    "zonke_tf.target",
    "zonke_tf.config",
    "zonke_tf.config_edit",
    "zonke_tf.dashboard.app",
)


def _loaded_after(imports: str) -> list[str]:
    code = f"import json, sys\n{imports}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    return list(json.loads(out))


def test_the_emulator_imports_nothing_of_the_wrapper() -> None:
    loaded = _loaded_after(
        "import zonke_emulator, zonke_emulator.iam, zonke_emulator.server\n"
        "from zonke_emulator import compat\ncompat.discover()"
    )
    assert "zonke_emulator.compat" in loaded
    assert [name for name in loaded if name.split(".")[0] == "zonke_tf"] == []


def test_the_wrapper_reaches_the_emulator_only_through_its_seam() -> None:
    """Only zonke_tf/local.py imports zonke_emulator (and the dev tool that writes FIXES.md)."""
    importers = sorted(
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "zonke_tf").rglob("*.py")
        if re.search(r"^\s*(from|import) zonke_emulator\b", path.read_text(), re.M)
    )
    assert importers == ["zonke_tf/devtools/generate.py", "zonke_tf/local.py"]


def test_the_wrapper_loads_neither_the_emulator_nor_moto_without_local() -> None:
    loaded = _loaded_after("\n".join(f"import {name}" for name in WRAPPER))
    assert set(WRAPPER) <= set(loaded)
    assert [name for name in loaded if name.startswith(("zonke_emulator", "moto"))] == []
