"""zonke works from an installed wheel, not only from the checkout: the modules and the
stack root ship as package data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, TerraformEnv
from zonke_tf.local import LocalEmulator

pytestmark = pytest.mark.apply

# What the wheel is built from: the build files, the Terraform it bundles, and the packages
# pyproject.toml names (zonke_tf and zonke_emulator), read from it so a new one is not missed.
SETUPTOOLS = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
PACKAGES = [pattern.rstrip("*") for pattern in SETUPTOOLS["packages"]["find"]["include"]]
SOURCES = ["pyproject.toml", "setup.py", "README.md", "modules", "examples/django-monolith", *PACKAGES]


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_built_wheel_installs_and_plans(tmp_path: Path, tf_env: TerraformEnv) -> None:
    src = tmp_path / "src"
    for rel in SOURCES:
        source, dest = REPO_ROOT / rel, src / rel
        if source.is_dir():
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", ".terraform", "app"))
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, dest)
    dist = tmp_path / "dist"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(src),
        ]
    )
    wheel = next(dist.glob("zonke_tf-*.whl"))

    # Hermetic: no system site-packages (the machine's Python ships an older moto that the
    # emulator refuses), and the wheel's own declared dependencies, resolved as a user's
    # `pip install 'zonke-tf[emulator]'` would resolve them, at the versions the lock records
    # (a release made since then reaches the suite through scripts/lock, not on its own).
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    vpy = str(venv / "bin" / "python")
    lock = REPO_ROOT / "constraints" / "dev.txt"
    run([vpy, "-m", "pip", "install", "-q", "-c", str(lock), f"{wheel}[emulator]"])
    # from tmp_path, where no checkout is on sys.path: each package must come from the wheel
    for package in PACKAGES:
        where = run([vpy, "-c", f"import {package}; print({package}.__file__)"], cwd=tmp_path).stdout
        assert where.strip().startswith(str(venv)), f"{package} imported from {where}, not the wheel"
    run([vpy, "-c", "from zonke_emulator import check_moto; check_moto()"], cwd=tmp_path)
    site = run([vpy, "-c", "import moto, boto3; print(moto.__file__, boto3.__file__)"]).stdout
    assert all(path.startswith(str(venv)) for path in site.split()), f"imported from outside: {site}"
    where = run(
        [str(venv / "bin" / "python"), "-c", "import zonke_tf; print(zonke_tf.__file__)"], cwd=tmp_path
    ).stdout
    assert where.strip().startswith(str(venv)), f"zonke_tf imported from {where}, not the wheel"
    # PEP 561 marker: importers' type checkers read the package's annotations
    assert (Path(where.strip()).parent / "py.typed").is_file()
    bundle = Path(where.strip()).parent / "_bundle"
    assert (bundle / "modules" / "network" / "main.tf").is_file()
    assert (bundle / "examples" / "django-monolith" / "variables.tf").is_file()
    # the stack's provider pin travels with it
    assert "5.100.0" in (bundle / "examples" / "django-monolith" / ".terraform.lock.hcl").read_text()

    project = tmp_path / "project"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "ZONKE_", "PYTHON"))}
    env["ZONKE_PLUGIN_CACHE"] = str(tf_env.plugin_cache)
    zonke = str(venv / "bin" / "zonke")
    try:
        run([zonke, "init", "--name", "wheel"], cwd=project, env=env)
        plan = json.loads(run([zonke, "plan", "--local", "--json"], cwd=project, env=env).stdout)
    finally:
        LocalEmulator(project).stop()
    assert plan["ok"] is True
    assert str(bundle) not in json.dumps(plan)  # paths point into the project's .zonke folder
    assert (project / ".zonke" / "wheel-prod-local" / "modules" / "network" / "main.tf").is_file()
