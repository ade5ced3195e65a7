"""Running ``zonke`` as a process in the tests: its environment and the mini stack."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.support import REPO_ROOT, TerraformEnv

MINI_STACK = REPO_ROOT / "tests" / "wrapper" / "fixtures" / "mini"


def zonke_env(tf_env: TerraformEnv, sources: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "ZONKE_"))}
    env["ZONKE_PLUGIN_CACHE"] = str(tf_env.plugin_cache)
    env["PYTHONPATH"] = str(REPO_ROOT)
    if sources is not None:
        env["ZONKE_STACK_SOURCES"] = str(sources)
    return env


Runner = Callable[..., subprocess.CompletedProcess[str]]
