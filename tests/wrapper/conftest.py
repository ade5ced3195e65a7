"""Fixtures for driving the zonke CLI as a user would: a project folder and a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tfharness import REPO_ROOT, TerraformEnv

MINI_STACK = REPO_ROOT / "tests" / "wrapper" / "fixtures" / "mini"


def zonke_env(tf_env: TerraformEnv, sources: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "ZONKE_"))}
    env["ZONKE_PLUGIN_CACHE"] = str(tf_env.plugin_cache)
    env["PYTHONPATH"] = str(REPO_ROOT)
    if sources is not None:
        env["ZONKE_STACK_SOURCES"] = str(sources)
    return env


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def zonke(project: Path, tf_env: TerraformEnv) -> Runner:
    """Run ``zonke ARGS`` in the project folder against the mini stack; returns the process."""

    def run(*args: str, sources: Path | None = MINI_STACK, check: bool = True, timeout: int = 600):
        proc = subprocess.run(
            [sys.executable, "-m", "zonke_tf", *args],
            cwd=project,
            env=zonke_env(tf_env, sources),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"zonke {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}{proc.stdout}"
            )
        return proc

    return run


@pytest.fixture
def stop_local_emulator(project: Path):  # type: ignore[no-untyped-def]
    """Whatever happens in the test, the background emulator of the project is stopped after."""
    yield
    from zonke_tf.local import LocalEmulator

    LocalEmulator(project).stop()
