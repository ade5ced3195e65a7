"""Fixtures for driving the zonke CLI as a user would: a project folder and a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import TerraformEnv
from tests.support.wrapper import MINI_STACK, Runner, zonke_env


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
